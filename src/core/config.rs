//! The one `Config`: every setting of a run, with defaults, limits and two views of it —
//! the URL query (`?dataset=xor&hidden=4,2&lr=0.03`) and a JSON object with the same keys
//! and value spellings. Both views go through [`Config::set`], so they cannot drift apart.

use std::fmt;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::activation::Activation;
use super::choice::Choice;
use super::dataset::Dataset;
use super::feature::{Feature, FeatureListError, Normalize};
use super::init::Init;
use super::keys;
use super::layer::norm::NormKind;
use super::loss::Loss;
use super::optimizer::Optimizer;
use super::regularization::Regularization;
use super::text::{message, text};
use super::{Float, Lang, Problem};

/// Limits of the lists and values (the numeric ranges are in the key table, [`keys::TABLE`]).
pub mod limits {
    pub use super::super::keys::{MAX_LAYERS, MAX_NEURONS, MAX_VALUE_LEN};
}

/// Every config key, in the order the URL and JSON list them (from [`keys::TABLE`]).
pub static KEYS: LazyLock<Vec<&'static str>> = LazyLock::new(|| keys::config_keys().map(|k| k.name).collect());

/// Every setting of a run. The same config and seed give the same run everywhere.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub dataset: Dataset,
    pub points: usize,
    /// Percent, 0–50.
    pub noise: Float,
    /// Percent of the points used for training.
    pub train_ratio: Float,
    /// Percent of the points held out for validation (0: none), taken from the training
    /// and test shares in proportion.
    pub val_ratio: Float,
    pub seed: u64,
    pub features: Vec<Feature>,
    pub normalize: Normalize,
    /// Neurons of each hidden layer; empty for none.
    pub hidden: Vec<usize>,
    pub activation: Activation,
    pub loss: Loss,
    pub optimizer: Optimizer,
    pub lr: Float,
    pub batch: usize,
    pub reg: Regularization,
    pub reg_rate: Float,
    pub init: Init,
    /// Per-hidden-layer activations overriding `activation` (layer l uses entry l); empty
    /// when every layer uses `activation`.
    pub activations: Vec<Activation>,
    /// Largest global gradient norm before each step (gradients are scaled down to it);
    /// 0 for no clipping.
    pub clip: Float,
    /// The share of each hidden layer's outputs dropped in training (0: no dropout).
    pub dropout: Float,
    /// Per-hidden-layer dropout rates overriding `dropout`; empty when every layer uses it.
    pub dropouts: Vec<Float>,
    /// Normalisation of every hidden layer's pre-activations before f.
    pub norm: NormKind,
    /// Per-hidden-layer normalisations overriding `norm`; empty when every layer uses it.
    pub norms: Vec<NormKind>,
}

impl Default for Config {
    /// XOR in a 2-4-1 tanh network trained by SGD on standardised inputs, as a first lesson
    /// would start: every key at its default in [`keys::TABLE`].
    fn default() -> Self {
        let mut config = Config {
            dataset: Dataset::Xor,
            points: 0,
            noise: 0.0,
            train_ratio: 0.0,
            val_ratio: 0.0,
            seed: 0,
            features: Vec::new(),
            normalize: Normalize::None,
            hidden: Vec::new(),
            activation: Activation::Tanh,
            loss: Loss::Bce,
            optimizer: Optimizer::Sgd,
            lr: 0.0,
            batch: 0,
            reg: Regularization::None,
            reg_rate: 0.0,
            init: Init::Xavier,
            activations: Vec::new(),
            clip: 0.0,
            dropout: 0.0,
            dropouts: Vec::new(),
            norm: NormKind::None,
            norms: Vec::new(),
        };
        // Every field is set from its row (the test `every_config_key_reads_its_default_strictly`
        // checks that each default is accepted as given).
        for key in keys::config_keys() {
            let _ = key.parse(&mut config, key.default);
        }
        config
    }
}

/// Why a value was refused.
#[derive(Clone, Debug, PartialEq)]
pub enum ErrorKind {
    /// The key is not a config key.
    UnknownKey,
    /// Not one of the listed names.
    UnknownChoice(Vec<&'static str>),
    /// Not a number.
    NotANumber,
    /// A count that is not a whole number.
    NotAnInteger,
    /// Outside the allowed range; `used` is the nearest allowed value where one was taken.
    OutOfRange { min: f64, max: f64 },
    /// A list with a bad entry.
    BadList(ListProblem),
    /// The loss is not defined for the data set's problem.
    LossNotForProblem { problem: &'static str },
    /// Longer than any sensible value: `len` characters.
    TooLong { len: usize },
    /// An empty value for a key that needs one.
    Empty,
    /// The key is given `count` times in one query; the last value (this error's value) is used.
    Repeated { count: usize },
    /// A JSON value of the wrong kind (object, bool, null).
    WrongJsonType,
    /// The text is not valid JSON, or not an object.
    BadJson(String),
    /// A data key in the compare query: both networks of compare mode share data and seed.
    SharedInCompare,
    /// A batch of one point with batch normalisation, whose batch variance needs two.
    BatchNormOfOne,
}

/// What is wrong with a list value (`hidden`, `features`, `activations`).
#[derive(Clone, Debug, PartialEq)]
pub enum ListProblem {
    /// A hidden layer outside 1–`MAX_NEURONS` neurons.
    NeuronCount,
    /// An entry that is not a number (shortened).
    NotACount(String),
    /// More than `MAX_LAYERS` layers.
    TooManyLayers,
    /// A bad feature list.
    Features(FeatureListError),
}

impl ListProblem {
    /// The explanation in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let (neurons, layers) = (limits::MAX_NEURONS, limits::MAX_LAYERS);
        match self {
            ListProblem::NeuronCount => message(lang, "list-neuron-count", &[("neurons", &neurons)]),
            ListProblem::NotACount(part) => message(lang, "list-not-a-count", &[("part", part)]),
            ListProblem::TooManyLayers => message(lang, "list-too-many-layers", &[("layers", &layers)]),
            ListProblem::Features(e) => e.message(lang),
        }
    }
}

/// A refused value: which key, what was given, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigError {
    pub key: String,
    pub value: String,
    pub kind: ErrorKind,
}

/// Longest stretch of a user's value quoted back in a message.
pub const QUOTE_CHARS: usize = 40;

/// The value as a message quotes it: its first [`QUOTE_CHARS`] characters, then `…` if
/// there were more, so a huge value cannot flood the page.
pub fn shorten(value: &str) -> String {
    let mut out: String = value.chars().take(QUOTE_CHARS).collect();
    if value.chars().nth(QUOTE_CHARS).is_some() {
        out.push('…');
    }
    out
}

impl ConfigError {
    pub(super) fn new(key: &str, value: &str, kind: ErrorKind) -> ConfigError {
        ConfigError {
            key: key.to_string(),
            value: shorten(value),
            kind,
        }
    }

    /// The loss does not apply to this kind of problem.
    pub fn loss_not_for(loss: Loss, problem: Problem) -> ConfigError {
        ConfigError::new(
            "loss",
            loss.name(),
            ErrorKind::LossNotForProblem {
                problem: problem_name(problem),
            },
        )
    }

    /// The message in the given language, naming the key and the reason.
    pub fn message(&self, lang: Lang) -> String {
        let (k, v) = (&self.key, &self.value);
        let with = |key: &str, more: &[(&str, &dyn fmt::Display)]| {
            let mut args: Vec<(&str, &dyn fmt::Display)> = vec![("key", k), ("value", v)];
            args.extend_from_slice(more);
            message(lang, key, &args)
        };
        match &self.kind {
            ErrorKind::UnknownKey => with("config-unknown-key", &[]),
            ErrorKind::UnknownChoice(names) => with("config-unknown-choice", &[("choices", &names.join(", "))]),
            ErrorKind::NotANumber => with("config-not-a-number", &[]),
            ErrorKind::NotAnInteger => with("config-not-an-integer", &[]),
            ErrorKind::OutOfRange { min, max } => with("config-out-of-range", &[("min", min), ("max", max)]),
            ErrorKind::BadList(why) => with("config-bad-list", &[("why", &why.message(lang))]),
            ErrorKind::LossNotForProblem { problem } => {
                let problem = text(lang, &format!("problem-{problem}"));
                with("config-loss-not-for-problem", &[("problem", &problem)])
            }
            ErrorKind::TooLong { len } => with("config-too-long", &[("len", len), ("max", &limits::MAX_VALUE_LEN)]),
            ErrorKind::Empty => with("config-empty", &[]),
            ErrorKind::Repeated { count } => with("config-repeated", &[("count", count)]),
            ErrorKind::WrongJsonType => with("config-wrong-json-type", &[]),
            ErrorKind::BadJson(why) => with("config-bad-json", &[("why", why)]),
            ErrorKind::SharedInCompare => with("config-shared-in-compare", &[]),
            ErrorKind::BatchNormOfOne => with("config-batch-norm-of-one", &[]),
        }
    }
}

impl ConfigError {
    /// [`ConfigError::message`] followed by the value `config` now uses for the key (what a
    /// lenient reader kept or clamped to), e.g. `lr: `abc` is not a number; using 0.03`.
    pub fn message_using(&self, lang: Lang, config: &Config) -> String {
        self.message_then(lang, config, "config-using")
    }

    /// [`ConfigError::message`] followed by the value that stays in force after a strict
    /// refusal, e.g. `lr: `abc` is not a number; keeping 0.03`.
    pub fn message_keeping(&self, lang: Lang, config: &Config) -> String {
        self.message_then(lang, config, "config-keeping")
    }

    fn message_then(&self, lang: Lang, config: &Config, then: &str) -> String {
        let reason = self.message(lang);
        if matches!(self.kind, ErrorKind::Repeated { .. }) {
            return reason;
        }
        let Some(used) = config.get(&self.key) else {
            return reason;
        };
        let used = match (self.key.as_str(), used.as_str()) {
            ("clip", "0") => text(lang, "value-off").to_string(),
            (_, "") => text(lang, "value-none").to_string(),
            _ => shorten(&used),
        };
        message(lang, then, &[("message", &reason), ("used", &used)])
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for ConfigError {}

fn problem_name(problem: Problem) -> &'static str {
    match problem {
        Problem::Binary => "two-class",
        Problem::MultiClass(_) => "multi-class",
        Problem::Regression => "regression",
    }
}

/// A number read from text, with its range check left to the caller so lenient parsing
/// can clamp it.
pub(super) fn parse_number(key: &str, value: &str) -> Result<f64, ConfigError> {
    let trimmed = value.trim();
    match super::math::parse_decimal(trimmed).ok_or(()) {
        // Too large for f64 (`1e400`, `inf`) is out of range, clamped like any other.
        Ok(v) if !v.is_nan() => Ok(v),
        _ => Err(ConfigError::new(key, value, ErrorKind::NotANumber)),
    }
}

/// The outcome of reading one numeric value: accepted, or refused with the nearest allowed
/// value (when the text was a number) for lenient readers to use.
pub(super) fn check_range(
    key: &str,
    value: &str,
    v: f64,
    (min, max): (f64, f64),
    integer: bool,
) -> Result<f64, (ConfigError, Option<f64>)> {
    if v < min || v > max {
        return Err((
            ConfigError::new(key, value, ErrorKind::OutOfRange { min, max }),
            Some(if integer { v.round() } else { v }.clamp(min, max)),
        ));
    }
    if integer && v.fract() != 0.0 {
        let nearest = v.round().clamp(min, max);
        return Err((ConfigError::new(key, value, ErrorKind::NotAnInteger), Some(nearest)));
    }
    Ok(v)
}

/// Reads a hidden-layer list such as `4,2` (empty for no hidden layer). On a bad entry the
/// error carries the nearest usable list: numbers clamped to 1–32, junk dropped, 8 layers at most.
pub(super) fn parse_hidden(key: &str, value: &str) -> Result<Vec<usize>, (ConfigError, Vec<usize>)> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Ok(Vec::new());
    }
    let mut layers = Vec::new();
    let mut problem: Option<ListProblem> = None;
    for part in trimmed.split(',') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        match super::math::parse_decimal(part).ok_or(()) {
            Ok(n) if n.is_finite() && n.fract() == 0.0 && (1.0..=limits::MAX_NEURONS as f64).contains(&n) => {
                layers.push(n as usize)
            }
            Ok(n) if n.is_finite() => {
                problem.get_or_insert(ListProblem::NeuronCount);
                layers.push(n.round().clamp(1.0, limits::MAX_NEURONS as f64) as usize);
            }
            _ => {
                problem.get_or_insert_with(|| ListProblem::NotACount(shorten(part)));
            }
        }
    }
    if layers.len() > limits::MAX_LAYERS {
        problem.get_or_insert(ListProblem::TooManyLayers);
        layers.truncate(limits::MAX_LAYERS);
    }
    match problem {
        None => Ok(layers),
        Some(why) => Err((ConfigError::new(key, value, ErrorKind::BadList(why)), layers)),
    }
}

/// A choice enum's variant from its name, or the error listing the names.
pub(super) fn choice_value<T: Choice>(key: &str, value: &str) -> Result<T, (ConfigError, bool)> {
    T::parse(value).map_err(|_| {
        let names = T::ALL.iter().map(|v| v.name()).collect();
        (ConfigError::new(key, value, ErrorKind::UnknownChoice(names)), false)
    })
}

/// A comma list of dropout rates, one per hidden layer (`dropouts`), each from 0 to the
/// largest rate.
pub(super) fn parse_rate_list(key: &str, value: &str, max: f64) -> Result<Vec<Float>, (ConfigError, bool)> {
    let mut list = Vec::new();
    for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let v = parse_number(key, part).map_err(|e| (e, false))?;
        let v = check_range(key, part, v, (0.0, max), false).map_err(|(e, _)| (e, false))?;
        list.push(v as Float);
    }
    if list.len() > limits::MAX_LAYERS {
        return Err((
            ConfigError::new(key, value, ErrorKind::BadList(ListProblem::TooManyLayers)),
            false,
        ));
    }
    Ok(list)
}

/// A per-layer list of a choice such as `relu,tanh` (`activations`) or `batch,none`
/// (`norms`); empty for none.
pub(super) fn parse_choice_list<T: Choice>(key: &str, value: &str) -> Result<Vec<T>, (ConfigError, bool)> {
    let mut list = Vec::new();
    for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        list.push(choice_value::<T>(key, part)?);
    }
    if list.len() > limits::MAX_LAYERS {
        return Err((
            ConfigError::new(key, value, ErrorKind::BadList(ListProblem::TooManyLayers)),
            false,
        ));
    }
    Ok(list)
}

impl Config {
    /// The activation of hidden layer `layer`: its override if one is set, else `activation`.
    pub fn layer_activation(&self, layer: usize) -> Activation {
        self.activations.get(layer).copied().unwrap_or(self.activation)
    }

    /// The activation of every hidden layer.
    pub fn hidden_activations(&self) -> Vec<Activation> {
        (0..self.hidden.len()).map(|l| self.layer_activation(l)).collect()
    }

    /// The normalisation of hidden layer `layer`: its override if one is set, else `norm`.
    pub fn layer_norm(&self, layer: usize) -> NormKind {
        self.norms.get(layer).copied().unwrap_or(self.norm)
    }

    /// The dropout rate of hidden layer `layer`: its override if one is set, else `dropout`.
    pub fn layer_dropout(&self, layer: usize) -> Float {
        self.dropouts.get(layer).copied().unwrap_or(self.dropout)
    }

    /// The URL query without keys at their defaults that carry no information (an empty
    /// `activations`), as the page writes it.
    pub fn to_short_query(&self) -> String {
        self.to_query()
            .replace("&activations=", "")
            .trim_end_matches('&')
            .to_string()
    }

    /// The kind of problem the chosen data set poses.
    pub fn problem(&self) -> Problem {
        self.dataset.problem()
    }

    /// The value of `key` as the URL and JSON spell it.
    pub fn get(&self, key: &str) -> Option<String> {
        keys::find(key)?.get(self)
    }

    /// Sets `key` from its text. Strict: a bad value is refused and nothing changes.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), ConfigError> {
        let before = self.clone();
        self.apply(key, value).map_err(|(e, _)| {
            *self = before;
            e
        })
    }

    /// Sets `key` from its text. Lenient: a number out of range is clamped to the nearest
    /// allowed value, a bad list keeps its usable part, and anything else keeps the current
    /// value; every refusal is returned so the page can say what it did.
    pub fn set_lenient(&mut self, key: &str, value: &str) -> Option<ConfigError> {
        self.apply(key, value).err().map(|(e, _)| e)
    }

    /// Applies the value. On refusal it returns the error and whether it applied the
    /// nearest usable value instead (otherwise nothing changed).
    fn apply(&mut self, key: &str, value: &str) -> Result<(), (ConfigError, bool)> {
        let Some(row) = keys::find(key).filter(|k| k.is_config()) else {
            return Err((ConfigError::new(key, value, ErrorKind::UnknownKey), false));
        };
        if value.chars().nth(limits::MAX_VALUE_LEN).is_some() {
            let len = value.chars().count();
            return Err((ConfigError::new(key, value, ErrorKind::TooLong { len }), false));
        }
        if value.trim().is_empty() && !row.may_be_empty {
            return Err((ConfigError::new(key, value, ErrorKind::Empty), false));
        }
        row.parse(self, value)
    }

    /// Checks that the loss suits the data set's problem, and that batch normalisation
    /// gets batches of at least two points.
    pub fn check_loss(&self) -> Result<(), ConfigError> {
        if !self.loss.supports(self.problem()) {
            return Err(ConfigError::loss_not_for(self.loss, self.problem()));
        }
        self.check_batch_norm("batch")
    }

    /// Whether a hidden layer uses batch normalisation.
    pub fn uses_batch_norm(&self) -> bool {
        (0..self.hidden.len()).any(|l| self.layer_norm(l) == NormKind::Batch)
    }

    /// Refuses a batch of 1 with batch normalisation (a single point's variance is 0 and its
    /// ẑ is 0 whatever its z), naming `key` as the value refused.
    pub fn check_batch_norm(&self, key: &str) -> Result<(), ConfigError> {
        if self.batch == 1 && self.uses_batch_norm() {
            let value = self.get(key).unwrap_or_default();
            return Err(ConfigError::new(key, &value, ErrorKind::BatchNormOfOne));
        }
        Ok(())
    }

    /// Reads pairs in order, strictly: the first bad value is an error. A key that is not
    /// given keeps its default, and when `loss` is not given it is the problem's default.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, String)>) -> Result<Config, ConfigError> {
        let mut config = Config::default();
        let mut loss_given = false;
        for (key, value) in pairs {
            config.set(key, &value)?;
            loss_given |= key == "loss";
        }
        if !loss_given {
            config.loss = Loss::default_for(config.problem());
        }
        config.check_loss()?;
        Ok(config)
    }

    /// Reads a URL query (with or without the leading `?`) leniently: unknown keys are
    /// ignored (the page has keys of its own), a repeated key's last value wins, and every
    /// refused value is reported while the rest of the config still loads.
    pub fn from_query(query: &str) -> (Config, Vec<ConfigError>) {
        Config::from_pairs_lenient(&query_pairs(query))
    }

    /// As [`Config::from_query`], from decoded pairs.
    pub fn from_pairs_lenient(pairs: &[(String, String)]) -> (Config, Vec<ConfigError>) {
        let mut config = Config::default();
        let mut errors: Vec<ConfigError> = Vec::new();
        let mut loss_given = false;
        for (key, value) in pairs {
            if !keys::is_config_key(key) {
                continue;
            }
            // A repeated key: only the last value's verdict counts.
            errors.retain(|e| &e.key != key);
            if let Some(e) = config.set_lenient(key, value) {
                errors.push(e);
            }
            loss_given |= key == "loss";
        }
        if !loss_given {
            config.loss = Loss::default_for(config.problem());
        } else if let Err(e) = config.check_loss() {
            if e.key == "loss" {
                errors.retain(|old| old.key != "loss");
                errors.push(e);
                config.loss = Loss::default_for(config.problem());
            }
        }
        if let Err(e) = config.check_batch_norm("batch") {
            // The batch size gives way (the normalisation asked for stays): back to its default.
            errors.retain(|old| old.key != "batch");
            errors.push(e);
            config.batch = Config::default().batch;
        }
        (config, errors)
    }

    /// Keys whose value says nothing when empty (no per-layer override) or off (no
    /// clipping) are left out.
    fn listed_keys(&self) -> impl Iterator<Item = &'static str> + '_ {
        keys::config_keys()
            .filter(|k| k.omitted_at.is_none() || k.get(self).as_deref() != k.omitted_at)
            .map(|k| k.name)
    }

    /// The URL query of this config: every key, in [`KEYS`] order, without the `?`.
    pub fn to_query(&self) -> String {
        self.listed_keys()
            .filter_map(|k| self.get(k).map(|v| format!("{k}={}", encode_query_value(&v))))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Reads a JSON config strictly: an object whose values are the URL's strings or
    /// numbers (arrays are joined with commas); unknown keys are errors.
    pub fn from_json(text: &str) -> Result<Config, ConfigError> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| ConfigError::new("config", "", ErrorKind::BadJson(e.to_string())))?;
        Config::from_json_value(&value)
    }

    /// As [`Config::from_json`], from a parsed JSON value.
    pub fn from_json_value(value: &Value) -> Result<Config, ConfigError> {
        let Value::Object(map) = value else {
            return Err(ConfigError::new(
                "config",
                "",
                ErrorKind::BadJson("expected a JSON object".to_string()),
            ));
        };
        let mut pairs = Vec::with_capacity(map.len());
        for (key, v) in map {
            pairs.push((key.as_str(), json_value_text(key, v)?));
        }
        Config::from_pairs(pairs)
    }

    /// The JSON object of this config: numbers as numbers, everything else as the URL's strings.
    pub fn to_json_value(&self) -> Value {
        let mut map = Map::new();
        for key in self.listed_keys() {
            let (Some(row), Some(text)) = (keys::find(key), self.get(key)) else {
                continue;
            };
            map.insert(key.to_string(), row.json_value(text));
        }
        Value::Object(map)
    }

    /// Pretty-printed JSON of this config.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.to_json_value()).unwrap_or_default()
    }
}

/// The settings in which network B of compare mode differs from network A: config keys
/// (in [`KEYS`] order) with B's values. B is A with these keys set, so every other change
/// of A applies to B too. In the URL it is one key, `compare=<this query, percent-encoded>`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CompareKeys {
    pairs: Vec<(&'static str, String)>,
}

impl CompareKeys {
    /// Reads a compare query such as `activation=relu&init=he`, strictly: the first unknown
    /// key, data key or bad value is an error.
    pub fn parse(query: &str) -> Result<CompareKeys, ConfigError> {
        let mut keys = CompareKeys::default();
        for (key, value) in query_pairs(query) {
            keys.set(&key, &value)?;
        }
        Ok(keys)
    }

    /// Reads a compare query leniently: bad pairs are left out and reported.
    pub fn parse_lenient(query: &str) -> (CompareKeys, Vec<ConfigError>) {
        let mut keys = CompareKeys::default();
        let mut errors = Vec::new();
        for (key, value) in query_pairs(query) {
            if let Err(e) = keys.set(&key, &value) {
                errors.retain(|old: &ConfigError| old.key != e.key);
                errors.push(e);
            }
        }
        (keys, errors)
    }

    /// Sets B's value of `key` (checked as [`Config::set`] checks it, and kept in its
    /// canonical spelling). Data keys are refused: the data and seed are shared.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), ConfigError> {
        let Some(&key) = KEYS.iter().find(|&&k| k == key) else {
            return Err(ConfigError::new(key, value, ErrorKind::UnknownKey));
        };
        if keys::is_data_key(key) {
            return Err(ConfigError::new(key, value, ErrorKind::SharedInCompare));
        }
        let mut probe = Config::default();
        probe.set(key, value)?;
        let canonical = probe.get(key).unwrap_or_default();
        match self.pairs.iter_mut().find(|(k, _)| *k == key) {
            Some(pair) => pair.1 = canonical,
            None => {
                self.pairs.push((key, canonical));
                self.pairs
                    .sort_unstable_by_key(|(k, _)| KEYS.iter().position(|x| x == k).unwrap_or(usize::MAX));
            }
        }
        Ok(())
    }

    /// B no longer differs from A in `key`.
    pub fn remove(&mut self, key: &str) {
        self.pairs.retain(|(k, _)| *k != key);
    }

    /// The keys B sets, in [`KEYS`] order.
    pub fn keys(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.pairs.iter().map(|(k, _)| *k)
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// B's value of `key`, if B sets it.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| v.as_str())
    }

    /// The keys in which `b` differs from `a`, with b's values (data keys left out).
    pub fn from_diff(a: &Config, b: &Config) -> CompareKeys {
        let pairs = KEYS
            .iter()
            .copied()
            .filter(|k| !keys::is_data_key(k))
            .filter_map(|k| {
                let value = b.get(k)?;
                (a.get(k).as_ref() != Some(&value)).then_some((k, value))
            })
            .collect();
        CompareKeys { pairs }
    }

    /// Config B: A with these keys set. Setting `activation` without `activations` clears
    /// A's per-layer overrides (B uses that activation everywhere), and `dropout` without
    /// `dropouts` likewise. Fails when a value does not suit A (a loss that does not fit the
    /// data's problem).
    pub fn apply(&self, a: &Config) -> Result<Config, ConfigError> {
        let mut b = a.clone();
        if self.get("activation").is_some() && self.get("activations").is_none() {
            b.activations.clear();
        }
        if self.get("dropout").is_some() && self.get("dropouts").is_none() {
            b.dropouts.clear();
        }
        if self.get("norm").is_some() && self.get("norms").is_none() {
            b.norms.clear();
        }
        for (key, value) in &self.pairs {
            b.set(key, value)?;
        }
        b.check_loss()?;
        Ok(b)
    }

    /// The compare query, e.g. `activation=relu&init=he`.
    pub fn to_query(&self) -> String {
        self.pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", encode_query_value(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The URL pair `compare=…` holding this query, percent-encoded.
    pub fn url_pair(&self) -> String {
        format!("compare={}", encode_query_value(&self.to_query()))
    }

    /// The compare query of a page URL's query (the last `compare=`), or None when compare
    /// mode is off.
    pub fn from_page_query(query: &str) -> Option<String> {
        query_pairs(query)
            .into_iter()
            .rev()
            .find(|(k, _)| k == "compare")
            .map(|(_, v)| v)
    }
}

impl Config {
    /// The compare query of the keys in which `other` differs from this config (data keys
    /// left out), e.g. `activation=relu&init=he`; empty when they are the same.
    pub fn diff_query(&self, other: &Config) -> String {
        CompareKeys::from_diff(self, other).to_query()
    }

    /// Config B of compare mode: this config with the compare query's keys set (strict).
    pub fn with_compare(&self, query: &str) -> Result<Config, ConfigError> {
        CompareKeys::parse(query)?.apply(self)
    }
}

fn json_value_text(key: &str, v: &Value) -> Result<String, ConfigError> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.clone()),
                Value::Number(n) => Ok(n.to_string()),
                _ => Err(ConfigError::new(key, "", ErrorKind::WrongJsonType)),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|parts| parts.join(",")),
        _ => Err(ConfigError::new(key, &v.to_string(), ErrorKind::WrongJsonType)),
    }
}

impl Serialize for Config {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json_value().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Config {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        Config::from_json_value(&value).map_err(serde::de::Error::custom)
    }
}

/// Splits a query string into decoded (key, value) pairs: `+` is a space and `%XX` a byte;
/// invalid escapes stay as they are and invalid UTF-8 is replaced, never a panic.
pub fn query_pairs(query: &str) -> Vec<(String, String)> {
    let query = query.strip_prefix('?').unwrap_or(query);
    query
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            (decode_query_component(k), decode_query_component(v))
        })
        .collect()
}

/// The config keys a query gives more than once (the last value wins), each as a
/// [`ErrorKind::Repeated`] note carrying that last value, in order of first appearance.
pub fn repeated_keys(query: &str) -> Vec<ConfigError> {
    repeated_config_keys(&query_pairs(query))
}

/// As [`repeated_keys`], from decoded pairs.
pub fn repeated_config_keys(pairs: &[(String, String)]) -> Vec<ConfigError> {
    let mut notes: Vec<ConfigError> = Vec::new();
    for (key, _) in pairs {
        if !keys::is_config_key(key) || notes.iter().any(|n| &n.key == key) {
            continue;
        }
        let count = pairs.iter().filter(|(k, _)| k == key).count();
        if count > 1 {
            let last = pairs
                .iter()
                .rev()
                .find(|(k, _)| k == key)
                .map_or("", |(_, v)| v.as_str());
            notes.push(ConfigError::new(key, last, ErrorKind::Repeated { count }));
        }
    }
    notes
}

fn decode_query_component(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Escapes what a query value cannot hold literally; config values only ever contain
/// letters, digits and `.,-`, which stay readable.
pub fn encode_query_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b',' | b'-' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_round_trips_through_query_and_json() {
        let config = Config::default();
        let (back, errors) = Config::from_query(&config.to_query());
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(back, config);
        assert_eq!(Config::from_json(&config.to_json()), Ok(config));
    }

    #[test]
    fn every_key_round_trips() {
        let text = "dataset=spiral&points=600&noise=12.5&train-ratio=70&seed=42&features=x,y,x2,sinx\
                    &normalize=minmax&hidden=8,8,3&activation=leaky-relu&loss=hinge&optimizer=adam\
                    &lr=0.003&batch=25&reg=l2&reg-rate=0.0003&init=he";
        let (config, errors) = Config::from_query(text);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(config.to_query(), text);
        assert_eq!(Config::from_json(&config.to_json()), Ok(config.clone()));
        // JSON with numbers, strings and arrays, as documented.
        let json = r#"{"dataset":"spiral","points":600,"noise":12.5,"train-ratio":"70","seed":42,
            "features":["x","y","x2","sinx"],"normalize":"minmax","hidden":[8,8,3],
            "activation":"leaky-relu","loss":"hinge","optimizer":"adam","lr":0.003,"batch":25,
            "reg":"l2","reg-rate":0.0003,"init":"he"}"#;
        assert_eq!(Config::from_json(json), Ok(config));
        assert_eq!(Config::from_json(r#"{"lr": 0.03}"#).map(|c| c.lr), Ok(0.03));
    }

    #[test]
    fn clip_is_off_by_default_and_listed_only_when_on() {
        let mut config = Config::default();
        assert_eq!(config.clip, 0.0);
        assert!(!config.to_query().contains("clip"));
        config.set("clip", "2.5").expect("valid");
        assert!(config.to_query().ends_with("&clip=2.5"));
        assert_eq!(config.to_json_value()["clip"], serde_json::json!(2.5));
        assert_eq!(Config::from_json(&config.to_json()), Ok(config.clone()));
        assert_eq!(Config::from_query(&config.to_query()).0, config);
        for bad in ["-3", "abc", "1001"] {
            let e = config.set("clip", bad).expect_err(bad);
            assert_eq!(config.clip, 2.5, "{bad} keeps the old value");
            assert!(e.message(Lang::En).starts_with("clip: "), "{}", e.message(Lang::En));
            assert!(e.message(Lang::Zh).starts_with("clip："), "{}", e.message(Lang::Zh));
        }
        for off in ["0", "", "off"] {
            config.set("clip", off).expect(off);
            assert_eq!(config.clip, 0.0);
        }
    }

    #[test]
    fn loss_defaults_to_the_problem() {
        assert_eq!(Config::from_query("dataset=blobs3").0.loss, Loss::Ce);
        assert_eq!(Config::from_query("dataset=plane").0.loss, Loss::Mse);
        assert_eq!(Config::from_query("dataset=xor").0.loss, Loss::Bce);
        let (config, errors) = Config::from_query("dataset=plane&loss=bce");
        assert_eq!(config.loss, Loss::Mse);
        assert_eq!(errors.len(), 1);
        assert!(Config::from_json(r#"{"dataset":"plane","loss":"ce"}"#).is_err());
    }

    #[test]
    fn lenient_query_clamps_and_reports() {
        let (config, errors) =
            Config::from_query("activation=nope&lr=abc&hidden=9,99,-1&points=1e9&noise=-5&colour=red&seed=");
        let keys: Vec<&str> = errors.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["activation", "lr", "hidden", "points", "noise", "seed"]);
        assert_eq!(config.activation, Activation::Tanh);
        assert_eq!(config.lr, 0.03);
        assert_eq!(config.hidden, vec![9, 32, 1]);
        assert_eq!(config.points, 2000);
        assert_eq!(config.noise, 0.0);
        assert!(errors[0].message(Lang::En).contains("tanh"));
        assert!(errors[1].message(Lang::Zh).contains("不是数字"));
        // Repeated keys: the last one wins; percent-encoding is decoded.
        let (config, errors) = Config::from_query("?lr=5&lr=0.1&dataset=%63ircle&features=x%2Cy");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!((config.lr, config.dataset), (0.1, Dataset::Circle));
        // A 10 000-character value is refused, not parsed.
        let long = format!("hidden={}", "4,".repeat(5000));
        let (config, errors) = Config::from_query(&long);
        assert_eq!(config.hidden, vec![4]);
        assert_eq!(errors[0].kind, ErrorKind::TooLong { len: 10_000 });
    }

    #[test]
    fn lenient_messages_say_what_is_used_in_both_languages() {
        let (config, errors) = Config::from_query("hidden=9,99,-1&lr=&points=inf&batch=1e400&features=x,zz");
        let en: Vec<String> = errors.iter().map(|e| e.message_using(Lang::En, &config)).collect();
        let zh: Vec<String> = errors.iter().map(|e| e.message_using(Lang::Zh, &config)).collect();
        assert_eq!(
            en,
            [
                "hidden: `9,99,-1`: a layer has 1 to 32 neurons; using 9,32,1",
                "lr: no value given; using 0.03",
                "points: `inf` is outside the allowed range 10–2000; using 2000",
                "batch: `1e400` is outside the allowed range 1–2000; using 2000",
                "features: `x,zz`: unknown feature `zz`; expected one of x, y, x2, y2, xy, sinx, siny, cosx, cosy; using x,y",
            ]
        );
        assert_eq!(zh[0], "hidden：`9,99,-1` 无效（每层 1 到 32 个神经元），改用 9,32,1");
        assert_eq!(zh[1], "lr：没有给出取值，改用 0.03");
        assert!(zh[4].contains("未知的输入特征 `zz`"), "{}", zh[4]);
        for message in &zh {
            assert!(!message.contains(" is ") && !message.contains("using"), "{message}");
        }
        // Keys that mean something when empty are not refused.
        let (config, errors) = Config::from_query("hidden=&clip=&activations=");
        assert!(errors.is_empty(), "{errors:?}");
        assert!(config.hidden.is_empty());
        // A value quoted back is cut after 40 characters; a value over 200 is not read.
        let e = Config::default().set("dataset", &"x".repeat(150)).unwrap_err();
        assert_eq!(e.value, format!("{}…", "x".repeat(40)));
        let e = Config::default().set("lr", &"中".repeat(201)).unwrap_err();
        assert_eq!(e.kind, ErrorKind::TooLong { len: 201 });
        assert!(e.message(Lang::Zh).contains("取值长 201 个字符"));
        assert!(Config::default().set("lr", &format!("{:<200}", "0.5")).is_ok());
    }

    #[test]
    fn strict_messages_say_what_stays() {
        let mut config = Config::default();
        let e = config.set("clip", "-1").unwrap_err();
        assert_eq!(
            e.message_keeping(Lang::En, &config),
            "clip: `-1` is outside the allowed range 0–1000; keeping off"
        );
        assert_eq!(
            e.message_keeping(Lang::Zh, &config),
            "clip：`-1` 超出允许范围 0–1000，保留 关闭"
        );
        let e = config.set("batch", "0").unwrap_err();
        assert!(e.message_keeping(Lang::En, &config).ends_with("; keeping 10"));
    }

    #[test]
    fn repeated_keys_are_noted_with_the_value_used() {
        let notes = repeated_keys("lr=0.1&colour=a&colour=b&lr=0.3&seed=2&lr=%30.2");
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(notes[0].kind, ErrorKind::Repeated { count: 3 });
        assert_eq!(
            notes[0].message(Lang::En),
            "lr: given 3 times; the last value, `0.2`, is used"
        );
        assert_eq!(notes[0].message(Lang::Zh), "lr：出现了 3 次，使用最后一个值 `0.2`");
        assert_eq!(Config::from_query("lr=0.1&lr=0.3").0.lr, 0.3);
        assert!(repeated_keys("lr=0.1&seed=3").is_empty());
    }

    #[test]
    fn strict_set_keeps_the_old_value() {
        let mut config = Config::default();
        assert!(config.set("lr", "0").is_err());
        assert!(config.set("hidden", "4,x").is_err());
        assert!(config.set("batch", "2.5").is_err());
        assert_eq!(config, Config::default());
        assert!(config.set("hidden", "").is_ok());
        assert!(config.hidden.is_empty());
        assert!(Config::from_json(r#"{"lrr": 1}"#).is_err());
        assert!(Config::from_json(r#"{"lr": true}"#).is_err());
        assert!(Config::from_json("[1]").is_err());
    }

    #[test]
    fn query_decoding_never_panics() {
        for q in ["%", "%%", "a=%", "a=%4", "a=%zz", "=&&=", "lr=%FF%FE", "x=%e4%b8%ad"] {
            let _ = query_pairs(q);
        }
        assert_eq!(
            query_pairs("x=%e4%b8%ad+1"),
            vec![("x".to_string(), "中 1".to_string())]
        );
    }
    #[test]
    fn compare_query_round_trips_and_diffs() {
        let a = Config::from_query("dataset=circle&activation=sigmoid").0;
        let b = a.with_compare("activation=relu&init=he").unwrap();
        assert_eq!(
            (b.activation, b.init, b.dataset),
            (Activation::Relu, Init::He, Dataset::Circle)
        );
        assert_eq!(a.diff_query(&b), "activation=relu&init=he");
        assert_eq!(a.diff_query(&a), "");
        // Keys come back in KEYS order and canonical spelling; the URL pair is encoded.
        let keys = CompareKeys::parse("init=HE&lr=0.10&activation=relu").unwrap();
        assert_eq!(keys.to_query(), "activation=relu&lr=0.1&init=he");
        assert_eq!(keys.url_pair(), "compare=activation%3Drelu%26lr%3D0.1%26init%3Dhe");
        let page = format!("dataset=xor&{}&lang=zh", keys.url_pair());
        let back = CompareKeys::from_page_query(&page).unwrap();
        assert_eq!(CompareKeys::parse(&back), Ok(keys.clone()));
        assert_eq!(CompareKeys::from_page_query("dataset=xor"), None);
        assert_eq!(CompareKeys::from_diff(&a, &keys.apply(&a).unwrap()), keys);
        // B's activation overrides A's per-layer list unless B sets that list too.
        let mut layered = a.clone();
        layered.set("hidden", "4,2").unwrap();
        layered.set("activations", "tanh,relu").unwrap();
        assert!(layered.with_compare("activation=elu").unwrap().activations.is_empty());
        // The same for dropout: B's rate applies to every layer.
        layered.set("dropouts", "0.5,0").unwrap();
        let b = layered.with_compare("dropout=0.3").unwrap();
        assert!(b.dropouts.is_empty() && b.dropout == 0.3);
    }

    #[test]
    fn compare_query_refuses_bad_and_shared_keys() {
        let e = CompareKeys::parse("activation=relu&seed=4").unwrap_err();
        assert_eq!((e.key.as_str(), &e.kind), ("seed", &ErrorKind::SharedInCompare));
        assert!(e.message(Lang::En).contains("share the data"));
        assert!(e.message(Lang::Zh).contains("共用数据"));
        for bad in [
            "dataset=spiral",
            "noise=5",
            "points=100",
            "train-ratio=60",
            "val-ratio=20",
        ] {
            assert_eq!(CompareKeys::parse(bad).unwrap_err().kind, ErrorKind::SharedInCompare);
        }
        assert_eq!(
            CompareKeys::parse("colour=red").unwrap_err().kind,
            ErrorKind::UnknownKey
        );
        assert!(CompareKeys::parse("activation=nope")
            .unwrap_err()
            .message(Lang::En)
            .contains("relu"));
        let (keys, errors) = CompareKeys::parse_lenient("activation=relu&seed=4&lr=x&init=he");
        assert_eq!(keys.to_query(), "activation=relu&init=he");
        let bad: Vec<&str> = errors.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(bad, ["seed", "lr"]);
        // A loss that does not fit the shared data is refused when B is built.
        let plane = Config::from_query("dataset=plane").0;
        assert!(plane.with_compare("loss=ce").is_err());
    }
}
