//! The run as one NumPy script (`nnlab-run.py`) a student reads and runs with `python3`: the
//! training and test splits (and the validation split, when the run has one) and the run's
//! initial weights inlined, then the same training spelled out step by step (features,
//! normalisation, forward, loss, backward, penalty, clipping, update). The fixed text is the
//! template `www/export-python.txt` (the page fetches it when asked, so it stays out of the
//! .wasm; the CLI embeds it as [`TEMPLATE`]); each choice's NumPy form sits beside it in its
//! enum (`Activation::numpy`, `Loss::numpy`, …).
//!
//! The template's markup, line by line: `#en:` and `#zh:` start a line kept in that language
//! only (without the mark); `#{tag` … `#}` keep what is between them only when the run has
//! the tag (`#{!tag`: when it has not), nested as deep as wanted; `@NAME@` is filled in.

use std::fmt::Write as _;

use super::choice::Choice;
use super::feature::{Normalize, Normalizer};
use super::layer::norm::NormKind;
use super::network::Network;
use super::regularization::Regularization;
use super::trainer::Trainer;
use super::{Float, Lang, Problem, Sample};

/// The template's file name beside the page (dist/) and in www/.
pub const TEMPLATE_FILE: &str = "export-python.txt";

/// The template, for the CLI and the tests (the page fetches its copy from dist/).
#[cfg(not(target_arch = "wasm32"))]
pub const TEMPLATE: &str = include_str!("../../www/export-python.txt");

/// The template's block tags, in the order `script` computes them.
const TAGS: [&str; 19] = [
    "binary",
    "multi",
    "regression",
    "classes",
    "fullbatch",
    "minibatch",
    "dropout",
    "random",
    "penalty",
    "clip",
    "standard",
    "minmax",
    "scaled",
    "fitted",
    "given",
    "maxout",
    "norm",
    "batchnorm",
    "val",
];

/// The template's placeholders (`@NAME@`), in the order `value` writes them.
const PLACEHOLDERS: [&str; 25] = [
    "SETTINGS",
    "N_TRAIN",
    "N_TEST",
    "EPOCHS",
    "LR",
    "BATCH",
    "PENALTY_RATE",
    "CLIP",
    "SEED",
    "CLASSES",
    "TRAIN",
    "TEST",
    "FEATURES",
    "SHIFT",
    "SCALE",
    "ACTIVATIONS",
    "LAYERS",
    "LOSS_NAME",
    "LOSS",
    "PENALTY_NAME",
    "PENALTY",
    "OPTIMIZER_NAME",
    "UPDATE",
    "N_VAL",
    "VAL",
];

/// Epochs a script trains when the run has trained none yet.
pub const DEFAULT_EPOCHS: u64 = 100;

/// The script of `trainer`'s run from its initial weights (see [`Trainer::initial_network`])
/// for `epochs` epochs (None: the epochs trained since, or [`DEFAULT_EPOCHS`]), with its
/// comments in `lang`.
pub fn script(template: &str, trainer: &Trainer, epochs: Option<u64>, lang: Lang) -> String {
    let (network, trained) = trainer.initial_network();
    let epochs = epochs.unwrap_or(if trained > 0 { trained } else { DEFAULT_EPOCHS });
    let config = trainer.config();
    let train = &trainer.data().train;
    let problem = trainer.problem();
    let hidden = &network.layers[..network.hidden_count()];
    let full_batch = config.batch >= train.len();
    let dropout = hidden.iter().any(|l| l.dropout.is_some());
    let normalizer = trainer.normalizer();
    let method = normalizer.method;
    let fitted = *normalizer == Normalizer::fit(method, &config.features, train);
    let tags = [
        problem == Problem::Binary,
        matches!(problem, Problem::MultiClass(_)),
        problem == Problem::Regression,
        problem.is_classification(),
        full_batch,
        !full_batch,
        dropout,
        dropout || !full_batch,
        config.reg != Regularization::None && config.reg_rate > 0.0,
        config.clip > 0.0,
        method == Normalize::Standard,
        method == Normalize::MinMax,
        !fitted || method != Normalize::None,
        fitted && method != Normalize::None,
        !fitted,
        hidden.iter().any(|l| l.activation.pieces() > 1),
        hidden.iter().any(|l| l.norm.is_some()),
        hidden.iter().any(|l| l.norm_kind() == NormKind::Batch),
        trainer.has_validation(),
    ];
    let mut out = String::new();
    // Whether each open block is kept (a block inside a dropped one is dropped).
    let mut open: Vec<bool> = Vec::new();
    for line in template.lines() {
        if let Some(name) = line.strip_prefix("#{") {
            let (name, wanted) = name.strip_prefix('!').map_or((name, true), |n| (n, false));
            let on = TAGS.iter().zip(tags).any(|(&tag, on)| on && tag == name);
            open.push(open.last() != Some(&false) && on == wanted);
            continue;
        }
        if line == "#}" {
            open.pop();
            continue;
        }
        let mut text = line;
        // `#en:` or `#zh:`: a line of one language.
        if line.len() > 3 && line.starts_with('#') && line.as_bytes()[3] == b':' {
            if line.get(1..3) != Some(lang.code()) {
                continue;
            }
            text = &line[4..];
        }
        if open.last() == Some(&false) {
            continue;
        }
        // Each `@NAME@`, filled in (an unknown name stays as it is).
        let mut rest = text;
        while let Some(at) = rest.bytes().position(|b| b == b'@') {
            put(&mut out, &[&rest[..at]]);
            let after = &rest[at + 1..];
            match after.bytes().position(|b| b == b'@') {
                Some(end) if value(&after[..end], &mut out, trainer, &network, epochs, lang) => {
                    rest = &after[end + 1..];
                }
                _ => {
                    put(&mut out, &["@"]);
                    rest = after;
                }
            }
        }
        put(&mut out, &[rest, "\n"]);
    }
    out
}

/// Appends every piece to `out` (one call, not one inlined copy per piece: it keeps the
/// page's .wasm small).
#[inline(never)]
fn put(out: &mut String, pieces: &[&str]) {
    for piece in pieces {
        out.push_str(piece);
    }
}

/// Writes the value of placeholder `name`; false for a name it does not know.
#[inline(never)]
fn value(name: &str, out: &mut String, trainer: &Trainer, network: &Network, epochs: u64, lang: Lang) -> bool {
    let config = trainer.config();
    let data = trainer.data();
    let problem = trainer.problem();
    let normalizer = trainer.normalizer();
    let Some(i) = PLACEHOLDERS.iter().position(|&p| p == name) else {
        return false;
    };
    match i {
        // SETTINGS
        0 => put(out, &[&config.to_query()]),
        // N_TRAIN
        1 => int(out, data.train.len()),
        // N_TEST
        2 => int(out, data.test.len()),
        // EPOCHS
        3 => int(out, epochs as usize),
        // LR
        4 => number(out, config.lr),
        // BATCH
        5 => int(out, config.batch),
        // PENALTY_RATE
        6 => number(out, config.reg_rate),
        // CLIP
        7 => number(out, config.clip),
        // SEED
        8 => int(out, config.seed as usize),
        // CLASSES
        9 => int(out, problem.classes()),
        // TRAIN
        10 => points(out, &data.train),
        // TEST
        11 => points(out, &data.test),
        // FEATURES
        12 => {
            for (i, f) in config.features.iter().enumerate() {
                put(out, &[if i > 0 { ", " } else { "" }, f.numpy()]);
            }
        }
        // SHIFT
        13 => numbers(out, &normalizer.shift),
        // SCALE
        14 => numbers(out, &normalizer.scale),
        // ACTIVATIONS
        15 => activations(out, network),
        // LAYERS
        16 => layers(out, network),
        // LOSS_NAME
        17 => put(out, &[config.loss.label(lang)]),
        // LOSS
        18 => put(out, &[config.loss.numpy(problem)]),
        // PENALTY_NAME
        19 => put(out, &[config.reg.label(lang)]),
        // PENALTY
        20 => put(out, &[config.reg.numpy()]),
        // OPTIMIZER_NAME
        21 => put(out, &[config.optimizer.label(lang)]),
        // UPDATE
        22 => put(out, &[config.optimizer.numpy()]),
        // N_VAL
        23 => int(out, data.val.len()),
        // VAL
        24 => points(out, &data.val),
        _ => {}
    }
    true
}

fn int(out: &mut String, n: usize) {
    let _ = write!(out, "{n}");
}

/// One number with a decimal point (so NumPy makes a float of it), as short as reads back
/// to the same f32.
#[inline(never)]
fn number(out: &mut String, v: Float) {
    let start = out.len();
    let _ = write!(out, "{v}");
    if !out[start..].contains('.') {
        put(out, &[".0"]);
    }
}

/// `a, b, c` of numbers.
#[inline(never)]
fn numbers(out: &mut String, values: &[Float]) {
    for (i, &v) in values.iter().enumerate() {
        put(out, &[if i > 0 { ", " } else { "" }]);
        number(out, v);
    }
}

/// One `[x, y, label],` line per point.
fn points(out: &mut String, samples: &[Sample]) {
    for (i, s) in samples.iter().enumerate() {
        put(out, &[if i > 0 { "\n    [" } else { "    [" }]);
        numbers(out, &[s.x, s.y, s.label]);
        put(out, &["],"]);
    }
}

/// `<before>np.array([a, b, c])` of a column of values.
#[inline(never)]
fn array(out: &mut String, before: &str, values: &[Float]) {
    put(out, &[before, "np.array(["]);
    numbers(out, values);
    put(out, &["])"]);
}

/// f and f′ of every hidden activation the network uses, and the `ACTIVATIONS` table.
#[inline(never)]
fn activations(out: &mut String, network: &Network) {
    let mut used = Vec::new();
    for layer in &network.layers[..network.hidden_count()] {
        if layer.activation.pieces() == 1 && !used.contains(&layer.activation) {
            used.push(layer.activation);
        }
    }
    let mut table = String::new();
    for act in used {
        let name = act.name();
        let (f, grad) = act.numpy();
        // A Python name: leaky-relu → leaky_relu.
        let id: String = name.chars().map(|c| if c == '-' { '_' } else { c }).collect();
        let id = id.as_str();
        let def = [
            "def ",
            id,
            "(z):\n    return ",
            f,
            "\n\n\ndef ",
            id,
            "_grad(z, a):\n    return ",
            grad,
            "\n\n\n",
        ];
        put(out, &def);
        let comma = if table.is_empty() { "" } else { ", " };
        put(&mut table, &[comma, "\"", name, "\": (", id, ", ", id, "_grad)"]);
    }
    put(out, &["ACTIVATIONS = {", &table, "}\n\n"]);
}

/// Every layer as a dict: W as inputs × neurons (the transpose of the engine's), b, and f,
/// dropout and normalisation for the hidden layers.
#[inline(never)]
fn layers(out: &mut String, network: &Network) {
    let hidden = network.hidden_count();
    let mut column: Vec<Float> = Vec::new();
    for (l, layer) in network.layers.iter().enumerate() {
        put(out, &[if l > 0 { "\n    {" } else { "    {" }]);
        if l < hidden {
            put(out, &["\"f\": \"", layer.activation.name(), "\", "]);
            if let Some(d) = layer.dropout {
                put(out, &["\"dropout\": "]);
                number(out, d.rate);
                put(out, &[", "]);
            }
        }
        put(out, &["\"W\": np.array(["]);
        let w = &layer.weights.value;
        for j in 0..w.ncols() {
            put(out, &[if j > 0 { "],\n        [" } else { "\n        [" }]);
            column.clear();
            column.extend((0..w.nrows()).map(|i| w[(i, j)]));
            numbers(out, &column);
        }
        array(out, "]]),\n     \"b\": ", layer.biases.value.as_slice());
        if let Some(norm) = &layer.norm {
            put(out, &[",\n     \"norm\": \"", norm.kind.name(), "\""]);
            array(out, ", \"gamma\": ", norm.gamma.value.as_slice());
            array(out, ", \"beta\": ", norm.beta.value.as_slice());
            if norm.kind == NormKind::Batch {
                array(out, ",\n     \"mean\": ", norm.running_mean.as_slice());
                array(out, ", \"var\": ", norm.running_var.as_slice());
            }
        }
        put(out, &["},"]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::core::trainer::test_run as trainer;

    #[test]
    fn the_markup_keeps_the_runs_blocks_and_language_and_fills_the_placeholders() {
        let t = trainer("dataset=xor&hidden=3&batch=500&seed=4");
        let template = "a\n#{binary\nb @N_TRAIN@\n#{!clip\nc\n#}\n#{clip\nd\n#}\n#}\n#{multi\ne\n#{binary\nf\n#}\n#}\n\
                        #en:    g @EPOCHS@\n#zh:    h\nuser@example @NOPE@ @\n";
        assert_eq!(
            script(template, &t, Some(7), Lang::En),
            "a\nb 250\nc\n    g 7\nuser@example @NOPE@ @\n"
        );
        assert_eq!(
            script(template, &t, Some(7), Lang::Zh),
            "a\nb 250\nc\n    h\nuser@example @NOPE@ @\n"
        );
    }

    #[test]
    fn the_initial_weights_are_those_the_curve_started_from() {
        let mut t = trainer("dataset=circle&hidden=4&seed=9");
        let fresh = t.network().clone();
        t.train_epochs(12);
        assert_ne!(t.network().layers[0].weights.value, fresh.layers[0].weights.value);
        let (start, trained) = t.initial_network();
        assert_eq!(trained, 12);
        assert_eq!(start.layers[0].weights.value, fresh.layers[0].weights.value);
        // Dropout and normalisation follow the run as it is now.
        t.set("norm", "layer").expect("norm");
        assert_eq!(t.initial_network().0.layers[0].norm_kind(), NormKind::Layer);
        // A new shape: the weights a reset would draw.
        assert!(t.add_neuron(0));
        let (start, trained) = t.initial_network();
        assert_eq!(trained, 12);
        t.reset();
        assert_eq!(start.layers[0].weights.value, t.network().layers[0].weights.value);
        assert_eq!(t.initial_network().1, 0);
        // Untrained: a script trains the default number of epochs.
        assert!(script(TEMPLATE, &t, None, Lang::En).contains("\nEPOCHS = 100\n"));
    }
}
