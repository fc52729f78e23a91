//! The model file: a trained network with the features and normalization it expects.
//!
//! ```json
//! {"format":"nnlab-model","version":1,"features":["x","y"],
//!  "normalize":{"method":"none","shift":[0,0],"scale":[1,1]},
//!  "layers":[{"activation":"tanh","weights":[[0.1,-0.2],…],"biases":[0,…]},
//!            {"activation":"sigmoid","weights":[[…]],"biases":[0]}]}
//! ```
//! `weights` has one row per output neuron and one column per input; the last layer is the
//! output layer with its head (sigmoid, softmax or linear); a maxout layer adds `"pieces":2`
//! and orders its rows neuron-major (neuron j, piece p at row j·k + p).

use std::fmt;

use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

use super::activation::{Activation, MAXOUT_PIECES};
use super::choice::Choice;
use super::config::limits;
use super::feature::{Feature, Normalize, Normalizer};
use super::loss::MAX_CLASSES;
use super::network::{Layer, Network};
use super::optimizer::Param;
use super::{Float, Problem};

/// The `format` field of every model file.
pub const FORMAT: &str = "nnlab-model";
/// The version this build writes and reads.
pub const VERSION: u32 = 1;
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
    pub message: String,
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for ModelError {}

fn error(path: impl Into<String>, message: impl Into<String>) -> ModelError {
    ModelError {
        path: path.into(),
        message: message.into(),
    }
}

#[derive(Serialize, Deserialize)]
struct ModelFile {
    format: String,
    version: u32,
    features: Vec<String>,
    normalize: NormalizeFile,
    layers: Vec<LayerFile>,
}

#[derive(Serialize, Deserialize)]
struct NormalizeFile {
    method: String,
    shift: Vec<Float>,
    scale: Vec<Float>,
}

#[derive(Serialize, Deserialize)]
struct LayerFile {
    activation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pieces: Option<usize>,
    weights: Vec<Vec<Float>>,
    biases: Vec<Float>,
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
            .map(|(i, layer)| {
                let w = &layer.weights.value;
                LayerFile {
                    activation: if i == last {
                        head_name(self.network.problem).to_string()
                    } else {
                        layer.activation.name().to_string()
                    },
                    pieces: (layer.activation.pieces() > 1).then_some(layer.activation.pieces()),
                    weights: (0..w.nrows()).map(|r| w.row(r).iter().copied().collect()).collect(),
                    biases: layer.biases.value.iter().copied().collect(),
                }
            })
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
            return Err(error(
                "$",
                format!(
                    "the file is {:.1} MB; a model file is at most {} MB",
                    text.len() as f64 / 1e6,
                    MAX_MODEL_BYTES / 1_000_000
                ),
            ));
        }
        let deserializer = &mut serde_json::Deserializer::from_str(text);
        let file: ModelFile = serde_path_to_error::deserialize(deserializer).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let path = if path.is_empty() || path == "." || path == "?" {
                "$".to_string()
            } else {
                path
            };
            error(path, inner.to_string())
        })?;
        if file.format != FORMAT {
            return Err(error(
                "format",
                format!("expected \"{FORMAT}\", found \"{}\"", file.format),
            ));
        }
        if file.version != VERSION {
            return Err(error(
                "version",
                format!(
                    "this nnlab reads version {VERSION}, the file is version {}",
                    file.version
                ),
            ));
        }
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

fn read_features(names: &[String]) -> Result<Vec<Feature>, ModelError> {
    if names.is_empty() {
        return Err(error("features", "a model needs at least one input feature"));
    }
    let mut features = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let feature = Feature::parse(name).map_err(|why| error(format!("features[{i}]"), why))?;
        if features.contains(&feature) {
            return Err(error(format!("features[{i}]"), format!("`{name}` is listed twice")));
        }
        features.push(feature);
    }
    Ok(features)
}

fn read_normalizer(file: &NormalizeFile, count: usize) -> Result<Normalizer, ModelError> {
    let method = Normalize::parse(&file.method).map_err(|why| error("normalize.method", why))?;
    for (name, values) in [("shift", &file.shift), ("scale", &file.scale)] {
        if values.len() != count {
            return Err(error(
                format!("normalize.{name}"),
                format!("has {} values but there are {count} features", values.len()),
            ));
        }
        if let Some(i) = values
            .iter()
            .position(|v| !v.is_finite() || (name == "scale" && *v == 0.0))
        {
            return Err(error(
                format!("normalize.{name}[{i}]"),
                "must be a finite number (and a scale not 0)",
            ));
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
        return Err(error("layers", "a model needs at least its output layer"));
    }
    if files.len() > limits::MAX_LAYERS + 1 {
        return Err(error(
            "layers",
            format!("at most {} hidden layers are supported", limits::MAX_LAYERS),
        ));
    }
    let last = files.len() - 1;
    let mut fan_in = inputs;
    let mut layers = Vec::with_capacity(files.len());
    let mut problem = Problem::Binary;
    for (i, file) in files.iter().enumerate() {
        let at = |field: &str| format!("layers[{i}].{field}");
        let activation = if i == last {
            Activation::Linear
        } else {
            Activation::parse(&file.activation).map_err(|why| error(at("activation"), why))?
        };
        let rows = file.weights.len();
        if i == last {
            problem = match file.activation.as_str() {
                "sigmoid" if rows == 1 => Problem::Binary,
                "linear" if rows == 1 => Problem::Regression,
                "softmax" if (2..=MAX_CLASSES).contains(&rows) => Problem::MultiClass(rows),
                "sigmoid" | "linear" => {
                    return Err(error(
                        at("weights"),
                        format!("a {} output has 1 row, found {rows}", file.activation),
                    ))
                }
                "softmax" => {
                    return Err(error(
                        at("weights"),
                        format!("a softmax output has 2 to {MAX_CLASSES} rows, found {rows}"),
                    ))
                }
                other => {
                    return Err(error(
                        at("activation"),
                        format!("the output layer is sigmoid, softmax or linear, not `{other}`"),
                    ))
                }
            };
        }
        let pieces = activation.pieces();
        match file.pieces {
            None | Some(1) if pieces == 1 => {}
            Some(p) if p == pieces => {}
            None if pieces > 1 => {
                return Err(error(
                    at("pieces"),
                    format!("a maxout layer needs \"pieces\": {MAXOUT_PIECES}"),
                ))
            }
            Some(p) => {
                return Err(error(
                    at("pieces"),
                    format!("{p} pieces is not supported here (use {pieces})"),
                ))
            }
            None => {}
        }
        if rows == 0 || rows % pieces != 0 {
            return Err(error(
                at("weights"),
                format!("needs a positive multiple of {pieces} rows, found {rows}"),
            ));
        }
        if rows / pieces > limits::MAX_NEURONS.max(MAX_CLASSES) {
            return Err(error(
                at("weights"),
                format!("at most {} neurons per layer are supported", limits::MAX_NEURONS),
            ));
        }
        if file.biases.len() != rows {
            return Err(error(
                at("biases"),
                format!("has {} values for {rows} weight rows", file.biases.len()),
            ));
        }
        let mut weights = DMatrix::zeros(rows, fan_in);
        for (r, row) in file.weights.iter().enumerate() {
            if row.len() != fan_in {
                return Err(error(
                    format!("layers[{i}].weights[{r}]"),
                    format!("has {} values but the layer has {fan_in} inputs", row.len()),
                ));
            }
            for (c, &v) in row.iter().enumerate() {
                if !v.is_finite() {
                    return Err(error(
                        format!("layers[{i}].weights[{r}][{c}]"),
                        "is not a finite number",
                    ));
                }
                weights[(r, c)] = v;
            }
        }
        if let Some(b) = file.biases.iter().position(|v| !v.is_finite()) {
            return Err(error(format!("layers[{i}].biases[{b}]"), "is not a finite number"));
        }
        layers.push(Layer {
            activation,
            weights: Param::new(weights),
            biases: Param::new(DMatrix::from_column_slice(rows, 1, &file.biases)),
        });
        fan_in = rows / pieces;
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
        refuse(&good.replace("\"version\": 1", "\"version\": 2"), "version");
        refuse(&good.replace("\"xy\"", "\"zz\""), "features[2]");
        refuse(r#"{"format":"nnlab-model","version":1}"#, "$");
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
}
