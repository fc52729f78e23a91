//! The engine: everything nnlab computes, in pure Rust with no browser crate, so it
//! compiles and tests natively and the CLI and the page run exactly the same math.

pub mod activation;
pub mod bench;
pub mod budget;
pub mod challenge;
pub mod choice;
pub mod compare;
pub mod config;
pub mod data_csv;
pub mod dataset;
pub mod early_stop;
pub mod export_python;
pub mod feature;
pub mod hidden_space;
pub mod init;
pub mod introspect;
pub(crate) mod json_read;
pub mod keys;
pub mod landscape;
pub mod layer;
pub mod lesson;
pub mod loss;
pub mod math;
pub mod model;
pub mod network;
pub mod optimizer;
pub mod regularization;
pub mod saved_run;
pub mod share;
pub mod step;
pub mod text;
pub mod ticks;
// Run by build.rs (which includes the file); compiled here only for its tests.
#[cfg(test)]
mod tex_text;
pub mod trainer;

/// The engine's number type. f32 keeps the batched products fast in wasm; every test's
/// tolerance is chosen for f32 rounding.
pub type Float = f32;

/// The languages every label and message exists in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    /// `en` or `zh`, as in `?lang=`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// Reads a language code; anything starting with `zh` is Chinese.
    pub fn from_code(code: &str) -> Option<Lang> {
        let lower = code.trim().to_ascii_lowercase();
        if lower.starts_with("zh") {
            Some(Lang::Zh)
        } else if lower.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// Picks the text of this language from an English/Chinese pair.
    pub fn pick<'a>(self, en: &'a str, zh: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }
}

/// What kind of answer the network gives, which decides its output head and the losses
/// that make sense.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Two classes, one output score s with p = sigmoid(s).
    Binary,
    /// K ≥ 3 classes, K output scores turned into probabilities by softmax.
    MultiClass(usize),
    /// One real-valued output, used as it is.
    Regression,
}

impl Problem {
    /// Number of output neurons.
    pub fn outputs(self) -> usize {
        match self {
            Problem::Binary | Problem::Regression => 1,
            Problem::MultiClass(k) => k,
        }
    }

    /// Whether the problem is a classification (accuracy makes sense).
    pub fn is_classification(self) -> bool {
        !matches!(self, Problem::Regression)
    }

    /// Number of classes, 0 for regression.
    pub fn classes(self) -> usize {
        match self {
            Problem::Binary => 2,
            Problem::MultiClass(k) => k,
            Problem::Regression => 0,
        }
    }
}

/// One data point on the plane. For classification `label` is the class index (0, 1, …)
/// stored as a float; for regression it is the target value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    pub x: Float,
    pub y: Float,
    pub label: Float,
}

/// The plane every dataset lives on and the heatmaps cover: [-PLANE, PLANE]².
pub const PLANE: Float = 6.0;

/// The one seeded generator type used for data, initialisation and shuffling, so a seed
/// gives the same numbers natively and in wasm.
pub type SeededRng = rand_pcg::Pcg64Mcg;
