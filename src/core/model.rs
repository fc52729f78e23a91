//! The model file: a trained network with the features and normalization it expects.
//!
//! ```json
//! {"format":"nnlab-model","version":2,"features":["x","y"],
//!  "normalize":{"method":"none","shift":[0,0],"scale":[1,1]},
//!  "layers":[{"activation":"tanh","weights":[[0.1,-0.2],…],"biases":[0,…]},
//!            {"activation":"sigmoid","weights":[[…]],"biases":[0]}]}
//! ```
//! `weights` has one row per output neuron and one column per input; the last layer is the
//! output layer with its head (sigmoid, softmax or linear); a maxout layer adds `"pieces":2`
//! and orders its rows neuron-major (neuron j, piece p at row j·k + p).

use std::fmt::{self, Display};

use serde::Serialize;
use serde_json::Value;

use super::activation::MAXOUT_PIECES;
use super::choice::Choice;
use super::config::{limits, shorten};
use super::feature::{Feature, Normalize, Normalizer};
use super::json_read::{path_at, Object, ReadJson};
use super::layer::{Layer, LayerFile};
use super::loss::MAX_CLASSES;
use super::network::Network;
use super::text::{message, text};
use super::{Float, Lang, Problem};

/// The `format` field of every model file.
pub const FORMAT: &str = "nnlab-model";
/// The version this build writes. Version 2 added a hidden layer's `"dropout"` and
/// `"norm"`; version 1 files (without them) still load.
pub const VERSION: u32 = 2;
/// The oldest version this build reads.
pub const OLDEST_VERSION: u32 = 1;
/// Largest model file read; a real nnlab model is a few kilobytes.
pub const MAX_MODEL_BYTES: usize = 2_000_000;

/// A network together with the inputs it was trained on.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub features: Vec<Feature>,
    pub normalizer: Normalizer,
    pub network: Network,
}

/// Why a model file was refused: the JSON path of the first problem and what it is.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelError {
    /// Where in the file, e.g. `layers[1].weights[3]` (`$` for the whole file).
    pub path: String,
    pub problem: ModelProblem,
}

/// What JSON value a field needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    Number,
    WholeNumber,
    List,
    Text,
    Object,
}

/// What is wrong at a model file's path.
#[derive(Clone, Debug, PartialEq)]
pub enum ModelProblem {
    /// The file is `bytes` long, over [`MAX_MODEL_BYTES`].
    TooLarge { bytes: usize },
    /// Not JSON from this line and column on.
    NotJson { line: usize, column: usize },
    /// The text ends before the JSON does.
    Truncated { line: usize },
    /// A required field is absent (the path ends with its name).
    Missing,
    /// A value of the wrong kind.
    WrongType(Expected),
    /// NaN, ±Infinity or a number too large for the engine's floats.
    NotFinite,
    /// `format` is not [`FORMAT`].
    Format { found: String },
    /// `version` is not one this build reads.
    Version { found: u32 },
    /// `features` is empty.
    NoFeatures,
    /// A name that is not one of `names` (shortened).
    UnknownName { found: String, names: Vec<&'static str> },
    /// A feature listed twice.
    RepeatedFeature(String),
    /// `normalize.shift` or `scale` with `found` values for `features` features.
    PerFeature { found: usize, features: usize },
    /// A scale of 0.
    ZeroScale,
    /// `layers` is empty.
    NoLayers,
    /// More than [`limits::MAX_LAYERS`] hidden layers.
    TooManyLayers,
    /// A sigmoid or linear output layer without exactly 1 row.
    OutputRows { head: &'static str, rows: usize },
    /// A softmax output layer without 2 to [`MAX_CLASSES`] rows.
    SoftmaxRows { rows: usize },
    /// An output layer whose activation is not a head (shortened).
    NotAHead(String),
    /// A maxout layer without `pieces`.
    NeedsPieces,
    /// `pieces` that does not suit the layer's activation.
    WrongPieces { found: usize, wanted: usize },
    /// A row count that is not a positive multiple of the pieces.
    RowMultiple { pieces: usize, rows: usize },
    /// More neurons than a layer may have.
    TooManyNeurons,
    /// `biases` with `found` values for `rows` weight rows.
    BiasCount { found: usize, rows: usize },
    /// A weight row with `found` values for `inputs` inputs.
    RowLength { found: usize, inputs: usize },
    /// The model's problem is not the data set's.
    WrongProblem { model: Problem, data: Problem },
    /// A dropout rate outside 0 to the largest.
    DropoutRate,
    /// Dropout on the output layer.
    OutputDropout,
    /// Normalisation on the output layer.
    OutputNorm,
    /// A norm list (`gamma`, `beta`, running estimates) with `found` values for `rows`
    /// pre-activations (`pieces` per neuron).
    NormLength { found: usize, rows: usize, pieces: usize },
    /// A negative running variance.
    NegativeVariance,
}

impl Expected {
    fn name(self, lang: Lang) -> &'static str {
        text(
            lang,
            match self {
                Expected::Number => "expected-number",
                Expected::WholeNumber => "expected-whole-number",
                Expected::List => "expected-list",
                Expected::Text => "expected-text",
                Expected::Object => "expected-object",
            },
        )
    }
}

/// "two classes", "3 classes" or "a number (regression)", in `lang`.
pub fn problem_name(problem: Problem, lang: Lang) -> String {
    match problem {
        Problem::Binary => text(lang, "problem-two-classes").to_string(),
        Problem::MultiClass(k) => message(lang, "problem-classes", &[("k", &k)]),
        Problem::Regression => text(lang, "problem-a-number").to_string(),
    }
}

/// The English plural ending for a count.
fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

impl ModelProblem {
    /// What is wrong, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        use ModelProblem as P;
        let max_mb = MAX_MODEL_BYTES / 1_000_000;
        let m = |key: &str, args: &[(&str, &dyn Display)]| message(lang, key, args);
        match self {
            P::TooLarge { bytes } => {
                let size = format!("{:.1}", *bytes as f64 / 1e6);
                m("model-too-large", &[("size", &size), ("max", &max_mb)])
            }
            P::NotJson { line, column } => m("model-not-json", &[("line", line), ("column", column)]),
            P::Truncated { line } => m("model-truncated", &[("line", line)]),
            P::Missing => m("model-missing", &[]),
            P::WrongType(e) => m("model-wrong-type", &[("expected", &e.name(lang))]),
            P::NotFinite => m("model-not-finite", &[]),
            P::Format { found } => m("model-format", &[("format", &FORMAT), ("found", found)]),
            P::Version { found } => m(
                "model-version",
                &[("oldest", &OLDEST_VERSION), ("version", &VERSION), ("found", found)],
            ),
            P::NoFeatures => m("model-no-features", &[]),
            P::UnknownName { found, names } => {
                m("model-unknown-name", &[("found", found), ("names", &names.join(", "))])
            }
            P::RepeatedFeature(name) => m("model-repeated-feature", &[("name", name)]),
            P::PerFeature { found, features } => m(
                "model-per-feature",
                &[("found", found), ("s", &plural(*found)), ("features", features)],
            ),
            P::ZeroScale => m("model-zero-scale", &[]),
            P::NoLayers => m("model-no-layers", &[]),
            P::TooManyLayers => m("model-too-many-layers", &[("max", &limits::MAX_LAYERS)]),
            P::OutputRows { head, rows } => m("model-output-rows", &[("head", head), ("rows", rows)]),
            P::SoftmaxRows { rows } => m("model-softmax-rows", &[("max", &MAX_CLASSES), ("rows", rows)]),
            P::NotAHead(name) => m("model-not-a-head", &[("name", name)]),
            P::NeedsPieces => m("model-needs-pieces", &[("pieces", &MAXOUT_PIECES)]),
            P::WrongPieces { found, wanted } => m("model-wrong-pieces", &[("found", found), ("wanted", wanted)]),
            P::RowMultiple { pieces, rows } => m("model-row-multiple", &[("pieces", pieces), ("rows", rows)]),
            P::TooManyNeurons => m("model-too-many-neurons", &[("max", &limits::MAX_NEURONS)]),
            P::BiasCount { found, rows } => m(
                "model-bias-count",
                &[("found", found), ("s", &plural(*found)), ("rows", rows)],
            ),
            P::RowLength { found, inputs } => m(
                "model-row-length",
                &[("found", found), ("s", &plural(*found)), ("inputs", inputs)],
            ),
            P::DropoutRate => m("model-dropout-rate", &[("max", &super::layer::dropout::MAX_RATE)]),
            P::OutputDropout => m("model-output-dropout", &[]),
            P::OutputNorm => m("model-output-norm", &[]),
            P::NormLength { found, rows, pieces } => {
                let args: [(&str, &dyn Display); 4] = [
                    ("found", found),
                    ("s", &plural(*found)),
                    ("rows", rows),
                    ("neurons", &(rows / pieces)),
                ];
                m(
                    if *pieces == 1 {
                        "model-norm-length"
                    } else {
                        "model-norm-length-pieces"
                    },
                    &args,
                )
            }
            P::NegativeVariance => m("model-negative-variance", &[]),
            P::WrongProblem { model, data } => {
                let (model, data) = (problem_name(*model, lang), problem_name(*data, lang));
                m("model-wrong-problem", &[("model", &model), ("data", &data)])
            }
        }
    }
}

impl ModelError {
    /// The path and what is wrong there, in `lang`, e.g. `layers[1].weights[3]: has 2 values
    /// but the layer has 4 inputs`; a problem of the whole file (`$`) without the path.
    pub fn message(&self, lang: Lang) -> String {
        let reason = self.problem.message(lang);
        if self.path == "$" {
            reason
        } else {
            message(lang, "at-path", &[("path", &self.path), ("reason", &reason)])
        }
    }

    /// The model predicts another kind of problem than the data set poses.
    pub fn wrong_problem(model: Problem, data: Problem) -> ModelError {
        error("layers", ModelProblem::WrongProblem { model, data })
    }
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for ModelError {}

pub(crate) fn error(path: impl Into<String>, problem: ModelProblem) -> ModelError {
    ModelError {
        path: path.into(),
        problem,
    }
}

/// A parse error of the file's JSON, at the path the parser had reached (a cut-off file
/// is a problem of the whole file).
fn read_error(e: &serde_json::Error, text: &str) -> ModelError {
    use serde_json::error::Category;
    if e.classify() == Category::Eof {
        return error("$", ModelProblem::Truncated { line: e.line() });
    }
    let path = path_at(text, e.line(), e.column());
    let too_large = e.to_string().starts_with("number out of range");
    if too_large || non_finite_at(text, e.line(), e.column()) {
        return error(path, ModelProblem::NotFinite);
    }
    let (line, column) = (e.line(), e.column());
    error(path, ModelProblem::NotJson { line, column })
}

/// Whether the text at 1-based (line, column) (where serde_json stopped; the column may
/// point at the first character of the bad value or just after it) spells NaN or Infinity.
fn non_finite_at(text: &str, line: usize, column: usize) -> bool {
    let Some(row) = text.lines().nth(line.saturating_sub(1)) else {
        return false;
    };
    (column.saturating_sub(2)..column).any(|start| {
        let rest: String = row.chars().skip(start).take(12).collect();
        let rest = rest.trim_start_matches(['-', '+']);
        ["NaN", "nan", "Infinity", "inf", "Inf"]
            .iter()
            .any(|w| rest.starts_with(w))
    })
}

#[derive(Serialize)]
struct ModelFile {
    format: String,
    version: u32,
    features: Vec<String>,
    normalize: NormalizeFile,
    layers: Vec<LayerFile>,
}

#[derive(Serialize)]
struct NormalizeFile {
    method: String,
    shift: Vec<Float>,
    scale: Vec<Float>,
}

impl ReadJson for NormalizeFile {
    fn read(value: &Value, path: &str) -> Result<Self, ModelError> {
        let section = Object::new(value, path)?;
        Ok(NormalizeFile {
            method: section.field("method")?,
            shift: section.field("shift")?,
            scale: section.field("scale")?,
        })
    }
}

/// The name the file gives the output layer's head.
fn head_name(problem: Problem) -> &'static str {
    match problem {
        Problem::Binary => "sigmoid",
        Problem::MultiClass(_) => "softmax",
        Problem::Regression => "linear",
    }
}

impl Model {
    /// The model as pretty JSON in the format above.
    pub fn to_json(&self) -> String {
        let last = self.network.layers.len().saturating_sub(1);
        let layers = self
            .network
            .layers
            .iter()
            .enumerate()
            .map(|(i, layer)| layer.to_file((i == last).then(|| head_name(self.network.problem))))
            .collect();
        let file = ModelFile {
            format: FORMAT.to_string(),
            version: VERSION,
            features: self.features.iter().map(|f| f.name().to_string()).collect(),
            normalize: NormalizeFile {
                method: self.normalizer.method.name().to_string(),
                shift: self.normalizer.shift.clone(),
                scale: self.normalizer.scale.clone(),
            },
            layers,
        };
        serde_json::to_string_pretty(&file).unwrap_or_default()
    }

    /// Reads and checks a model file; the error names the JSON path of the first problem.
    pub fn from_json(text: &str) -> Result<Model, ModelError> {
        if text.len() > MAX_MODEL_BYTES {
            return Err(error("$", ModelProblem::TooLarge { bytes: text.len() }));
        }
        let value: Value = serde_json::from_str(text).map_err(|e| read_error(&e, text))?;
        let file = Object::new(&value, "$")?;
        let format: String = file.field("format")?;
        if format != FORMAT {
            return Err(error(
                "format",
                ModelProblem::Format {
                    found: shorten(&format),
                },
            ));
        }
        let version: u32 = file.field("version")?;
        if !(OLDEST_VERSION..=VERSION).contains(&version) {
            return Err(error("version", ModelProblem::Version { found: version }));
        }
        let file = ModelFile {
            format,
            version,
            features: file.field("features")?,
            normalize: file.field("normalize")?,
            layers: file.field("layers")?,
        };
        let features = read_features(&file.features)?;
        let normalizer = read_normalizer(&file.normalize, features.len())?;
        let network = read_layers(&file.layers, features.len())?;
        Ok(Model {
            features,
            normalizer,
            network,
        })
    }
}

/// The name is one of `T`'s choices.
pub(crate) fn choice<T: Choice>(path: String, name: &str) -> Result<T, ModelError> {
    T::parse(name).map_err(|_| {
        let names = T::ALL.iter().map(|v| v.name()).collect();
        error(
            path,
            ModelProblem::UnknownName {
                found: shorten(name),
                names,
            },
        )
    })
}

fn read_features(names: &[String]) -> Result<Vec<Feature>, ModelError> {
    if names.is_empty() {
        return Err(error("features", ModelProblem::NoFeatures));
    }
    let mut features = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let feature: Feature = choice(format!("features[{i}]"), name)?;
        if features.contains(&feature) {
            let name = feature.name().to_string();
            return Err(error(format!("features[{i}]"), ModelProblem::RepeatedFeature(name)));
        }
        features.push(feature);
    }
    Ok(features)
}

fn read_normalizer(file: &NormalizeFile, count: usize) -> Result<Normalizer, ModelError> {
    let method: Normalize = choice("normalize.method".to_string(), &file.method)?;
    for (name, values) in [("shift", &file.shift), ("scale", &file.scale)] {
        if values.len() != count {
            return Err(error(
                format!("normalize.{name}"),
                ModelProblem::PerFeature {
                    found: values.len(),
                    features: count,
                },
            ));
        }
        if let Some(i) = values.iter().position(|v| !v.is_finite()) {
            return Err(error(format!("normalize.{name}[{i}]"), ModelProblem::NotFinite));
        }
        if let Some(i) = values.iter().position(|v| name == "scale" && *v == 0.0) {
            return Err(error(format!("normalize.{name}[{i}]"), ModelProblem::ZeroScale));
        }
    }
    Ok(Normalizer {
        method,
        shift: file.shift.clone(),
        scale: file.scale.clone(),
    })
}

fn read_layers(files: &[LayerFile], inputs: usize) -> Result<Network, ModelError> {
    if files.is_empty() {
        return Err(error("layers", ModelProblem::NoLayers));
    }
    if files.len() > limits::MAX_LAYERS + 1 {
        return Err(error("layers", ModelProblem::TooManyLayers));
    }
    let last = files.len() - 1;
    let mut fan_in = inputs;
    let mut layers = Vec::with_capacity(files.len());
    let mut problem = Problem::Binary;
    // Each layer reads its own section (src/core/layer/).
    for (i, file) in files.iter().enumerate() {
        let (layer, head) = Layer::from_file(file, i, fan_in, i == last)?;
        problem = head;
        fan_in = layer.neurons();
        layers.push(layer);
    }
    Ok(Network {
        layers,
        problem,
        step: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::activation::Activation;
    use crate::core::init::Init;
    use crate::core::SeededRng;
    use rand::SeedableRng;

    fn sample_model(activation: Activation, problem: Problem) -> Model {
        let mut rng = SeededRng::seed_from_u64(1);
        Model {
            features: vec![Feature::X, Feature::Y, Feature::XY],
            normalizer: Normalizer {
                method: Normalize::Standard,
                shift: vec![0.5, -0.25, 1.0],
                scale: vec![2.0, 3.0, 0.5],
            },
            network: Network::new(3, &[4, 2], activation, problem, Init::Xavier, &mut rng),
        }
    }

    #[test]
    fn round_trips_bit_for_bit() {
        for (act, problem) in [
            (Activation::Tanh, Problem::Binary),
            (Activation::Maxout, Problem::MultiClass(3)),
            (Activation::Relu, Problem::Regression),
        ] {
            let model = sample_model(act, problem);
            let json = model.to_json();
            assert_eq!(Model::from_json(&json), Ok(model), "{json}");
        }
    }

    #[test]
    fn documented_layout() {
        let model = sample_model(Activation::Maxout, Problem::Binary);
        let v: serde_json::Value = serde_json::from_str(&model.to_json()).expect("json");
        assert_eq!(v["format"], "nnlab-model");
        assert_eq!(v["layers"][0]["pieces"], 2);
        assert_eq!(v["layers"][0]["weights"].as_array().map(Vec::len), Some(8));
        assert_eq!(v["layers"][0]["weights"][0].as_array().map(Vec::len), Some(3));
        assert_eq!(v["layers"][2]["activation"], "sigmoid");
        let w = model.network.layers[0].weights.value[(5, 2)];
        assert_eq!(v["layers"][0]["weights"][5][2].as_f64().map(|x| x as Float), Some(w));
    }

    #[test]
    fn dropout_is_written_as_version_2_and_version_1_files_still_load() {
        let mut model = sample_model(Activation::Tanh, Problem::Binary);
        model.network.layers[1].dropout = crate::core::layer::dropout::Dropout::new(0.25);
        let text = model.to_json();
        assert!(text.contains("\"version\": 2") && text.contains("\"dropout\": 0.25"));
        assert_eq!(Model::from_json(&text).expect("reads its own file"), model);
        // The same file as version 1 wrote it: no dropout anywhere.
        let plain = sample_model(Activation::Tanh, Problem::Binary);
        let v1 = plain.to_json().replace("\"version\": 2", "\"version\": 1");
        assert_eq!(Model::from_json(&v1).expect("version 1 loads"), plain);
        // A rate out of range, or dropout on the output layer, is refused by its path.
        refuse(
            &text.replace("\"dropout\": 0.25", "\"dropout\": 0.95"),
            "layers[1].dropout",
        );
        let v: serde_json::Value = serde_json::from_str(&text).expect("json");
        let mut bad = v;
        bad["layers"][2]["dropout"] = serde_json::json!(0.1);
        refuse(&bad.to_string(), "layers[2].dropout");
    }

    #[test]
    fn normalisation_is_written_and_read_back_and_bad_sections_are_refused() {
        use crate::core::layer::norm::NormKind;
        let mut model = sample_model(Activation::Tanh, Problem::Binary);
        model.network.layers[0].set_norm(NormKind::Batch);
        model.network.layers[1].set_norm(NormKind::Layer);
        if let Some(norm) = &mut model.network.layers[0].norm {
            norm.gamma.value[(1, 0)] = 1.5;
            norm.running_mean[(2, 0)] = -0.25;
            norm.running_var[(0, 0)] = 2.0;
        }
        let text = model.to_json();
        let v: serde_json::Value = serde_json::from_str(&text).expect("json");
        assert_eq!(v["layers"][0]["norm"]["kind"], "batch");
        assert_eq!(v["layers"][0]["norm"]["gamma"][1], 1.5);
        assert_eq!(v["layers"][0]["norm"]["running_mean"][2], -0.25);
        assert_eq!(v["layers"][1]["norm"]["kind"], "layer");
        assert!(
            v["layers"][1]["norm"].get("running_mean").is_none(),
            "layer norm has no running estimates"
        );
        assert_eq!(Model::from_json(&text).expect("reads its own file"), model);
        let with = |edit: &dyn Fn(&mut serde_json::Value)| {
            let mut bad = v.clone();
            edit(&mut bad);
            bad.to_string()
        };
        let neurons = model.network.layers[0].neurons();
        let short = with(&|b| b["layers"][0]["norm"]["gamma"] = serde_json::json!([1.0, 1.0, 1.0]));
        refuse(&short, "layers[0].norm.gamma");
        let message = Model::from_json(&short).expect_err("short").message(Lang::En);
        assert_eq!(
            message,
            format!("layers[0].norm.gamma: has 3 values but the layer has {neurons} neurons")
        );
        refuse(
            &with(&|b| b["layers"][0]["norm"]["kind"] = serde_json::json!("group")),
            "layers[0].norm.kind",
        );
        refuse(
            &with(&|b| b["layers"][0]["norm"]["running_var"][1] = serde_json::json!(-1.0)),
            "layers[0].norm.running_var[1]",
        );
        refuse(
            &with(&|b| {
                if let Some(o) = b["layers"][0]["norm"].as_object_mut() {
                    o.remove("running_mean");
                }
            }),
            "layers[0].norm.running_mean",
        );
        refuse(
            &with(&|b| b["layers"][2]["norm"] = serde_json::json!({"kind": "layer", "gamma": [1.0], "beta": [0.0]})),
            "layers[2].norm",
        );
    }

    fn refuse(text: &str, path: &str) {
        match Model::from_json(text) {
            Err(e) => assert_eq!(e.path, path, "{e}"),
            Ok(_) => panic!("accepted: {text}"),
        }
    }

    #[test]
    fn refuses_bad_files_naming_the_path() {
        let good = sample_model(Activation::Tanh, Problem::Binary).to_json();
        refuse(&good.replace("nnlab-model", "other"), "format");
        refuse(&good.replace("\"version\": 2", "\"version\": 3"), "version");
        refuse(&good.replace("\"xy\"", "\"zz\""), "features[2]");
        refuse(r#"{"format":"nnlab-model","version":1}"#, "features");
        refuse("{", "$");
        refuse(
            &good.replacen("\"biases\": [", "\"biases\": [1.0, ", 1),
            "layers[0].biases",
        );
        refuse(&good.replacen("\"tanh\"", "\"softmax\"", 1), "layers[0].activation");
        // A value too large for f32 becomes infinite and is caught.
        let v: serde_json::Value = serde_json::from_str(&good).expect("json");
        let mut bad = v.clone();
        bad["layers"][1]["weights"][0][2] = serde_json::json!(1e39);
        refuse(&bad.to_string(), "layers[1].weights[0][2]");
        let mut bad = v.clone();
        bad["layers"][1]["weights"][1] = serde_json::json!([1.0]);
        refuse(&bad.to_string(), "layers[1].weights[1]");
        let mut bad = v;
        bad["layers"][0]["weights"][0] = serde_json::json!(["a", 1, 2]);
        refuse(&bad.to_string(), "layers[0].weights[0][0]");
        refuse(&" ".repeat(MAX_MODEL_BYTES + 1), "$");
        refuse("NaN", "$");
    }

    fn messages(text: &str) -> (String, String) {
        let e = Model::from_json(text).expect_err("refused");
        (e.message(Lang::En), e.message(Lang::Zh))
    }

    #[test]
    fn messages_name_the_path_and_the_problem_in_both_languages() {
        let good = sample_model(Activation::Tanh, Problem::Binary).to_json();
        let v: serde_json::Value = serde_json::from_str(&good).expect("json");
        let cases: Vec<(String, &str, &str)> = vec![
            (
                good.replace("nnlab-model", "other"),
                "format: expected \"nnlab-model\", found \"other\"",
                "format：应为 \"nnlab-model\"，实际为 \"other\"",
            ),
            (
                good.replace("\"version\": 2", "\"version\": 7"),
                "version: this nnlab reads versions 1 to 2, the file is version 7",
                "version：本程序读取第 1 至 2 版，该文件是第 7 版",
            ),
            (
                good.replacen("\"biases\"", "\"bias\"", 1),
                "layers[0].biases: is missing",
                "layers[0].biases：缺少此字段",
            ),
            (
                good.replace("\"version\": 2", "\"version\": \"1\""),
                "version: expected a whole number",
                "version：应为整数",
            ),
            (
                good.replace("\"version\": 2", "\"version\": -1"),
                "version: expected a whole number",
                "version：应为整数",
            ),
            (
                {
                    let mut bad = v.clone();
                    bad["layers"][1]["weights"][0] = serde_json::json!(2.5);
                    bad.to_string()
                },
                "layers[1].weights[0]: expected a list [...]",
                "layers[1].weights[0]：应为数组 [...]",
            ),
            (
                good.replacen("\"xy\"", "\"zz\"", 1),
                "features[2]: `zz` is not one of x, y, x2, y2, xy, sinx, siny, cosx, cosy",
                "features[2]：`zz` 不是可选值（x, y, x2, y2, xy, sinx, siny, cosx, cosy）之一",
            ),
            (
                "{\"format\": \"nnlab-model\",\n \"version\": 1,\n \"features\": [\"x\", }".to_string(),
                "features[1]: not valid JSON at line 3, column 20",
                "features[1]：第 3 行第 20 列不是有效的 JSON",
            ),
            (
                "{\"format\": \"nnlab-model\",\n \"version\": 1,".to_string(),
                "the file ends too early (line 2): it is cut off",
                "文件在第 2 行提前结束，内容不完整",
            ),
            (
                " ".repeat(MAX_MODEL_BYTES + 1),
                "the file is 2.0 MB; a model file is at most 2 MB",
                "文件大小为 2.0 MB，模型文件最大 2 MB",
            ),
        ];
        for (text, en, zh) in cases {
            assert_eq!(
                messages(&text),
                (en.to_string(), zh.to_string()),
                "{}",
                &text[..text.len().min(80)]
            );
        }
        // NaN and Infinity (not JSON numbers) and numbers too large are named as such,
        // at the list they stand in.
        let first = v["layers"][0]["weights"][0][0].to_string();
        for bad in ["NaN", "-Infinity", "Infinity", "1e999"] {
            let text = good.replacen(&first, bad, 1);
            let (en, zh) = messages(&text);
            assert!(en.starts_with("layers[0].weights[0]"), "{bad}: {en}");
            assert!(
                en.ends_with("is not a finite number (NaN and Infinity are not allowed)"),
                "{bad}: {en}"
            );
            assert!(zh.ends_with("不是有限的数字（不允许 NaN 和 Infinity）"), "{bad}: {zh}");
        }
        let mut bad = v;
        bad["layers"][1]["weights"][0][2] = serde_json::json!(1e39);
        assert_eq!(
            messages(&bad.to_string()).0,
            "layers[1].weights[0][2]: is not a finite number (NaN and Infinity are not allowed)"
        );
    }
}
