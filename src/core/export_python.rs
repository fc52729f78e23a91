//! The run as one NumPy script (`nnlab-run.py`) a student reads and runs with `python3`: the
//! training and test splits and the run's initial weights inlined, then the same training
//! spelled out step by step (features, normalisation, forward, loss, backward, penalty,
//! clipping, update). The fixed text is the template `www/export-python.txt` (the page
//! fetches it when asked, so it stays out of the .wasm; the CLI embeds it as [`TEMPLATE`]);
//! each choice's NumPy form sits beside it in its enum (`Activation::numpy`, `Loss::numpy`, …).
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

/// Epochs a script trains when the run has trained none yet.
pub const DEFAULT_EPOCHS: u64 = 100;

/// The script of `trainer`'s run from its initial weights (see [`Trainer::initial_network`])
/// for `epochs` epochs (None: the epochs trained since, or [`DEFAULT_EPOCHS`]), with its
/// comments in `lang`.
pub fn script(template: &str, trainer: &Trainer, epochs: Option<u64>, lang: Lang) -> String {
    let (network, trained) = trainer.initial_network();
    let epochs = epochs.unwrap_or(if trained > 0 { trained } else { DEFAULT_EPOCHS });
    let config = trainer.config();
    let data = trainer.data();
    let problem = trainer.problem();
    let hidden = &network.layers[..network.hidden_count()];
    let full_batch = config.batch >= data.train.len();
    let dropout = hidden.iter().any(|l| l.dropout.is_some());
    let normalizer = trainer.normalizer();
    let fitted = *normalizer == Normalizer::fit(normalizer.method, &config.features, &data.train);
    let mut tags = vec![
        match problem {
            Problem::Binary => "binary",
            Problem::MultiClass(_) => "multi",
            Problem::Regression => "regression",
        },
        if full_batch { "fullbatch" } else { "minibatch" },
        normalizer.method.name(),
    ];
    let mut tag = |on: bool, name: &'static str| {
        if on {
            tags.push(name);
        }
    };
    tag(problem.is_classification(), "classes");
    tag(dropout, "dropout");
    tag(dropout || !full_batch, "random");
    tag(config.reg != Regularization::None && config.reg_rate > 0.0, "penalty");
    tag(config.clip > 0.0, "clip");
    tag(!fitted || normalizer.method != Normalize::None, "scaled");
    tag(fitted && normalizer.method != Normalize::None, "fitted");
    tag(!fitted, "given");
    tag(hidden.iter().any(|l| l.activation.pieces() > 1), "maxout");
    tag(hidden.iter().any(|l| l.norm.is_some()), "norm");
    tag(hidden.iter().any(|l| l.norm_kind() == NormKind::Batch), "batchnorm");

    let mut out = String::new();
    // Whether each open block is kept (a block inside a dropped one is dropped).
    let mut open: Vec<bool> = Vec::new();
    let marks = [("#en:", Lang::En), ("#zh:", Lang::Zh)];
    for line in template.lines() {
        let trimmed = line.trim_start();
        if let Some(name) = trimmed.strip_prefix("#{") {
            let (name, wanted) = name.strip_prefix('!').map_or((name, true), |n| (n, false));
            open.push(open.last() != Some(&false) && tags.contains(&name.trim()) == wanted);
            continue;
        }
        if trimmed == "#}" {
            open.pop();
            continue;
        }
        if open.last() == Some(&false) {
            continue;
        }
        let mut text = line;
        for (mark, language) in marks {
            if let Some(rest) = trimmed.strip_prefix(mark) {
                text = if language == lang { rest } else { "" };
            }
        }
        if text.is_empty() && !line.is_empty() {
            continue;
        }
        // The indentation of a marked line comes before its mark.
        if text.len() < line.len() && !text.is_empty() {
            out.push_str(&line[..line.len() - trimmed.len()]);
        }
        fill(&mut out, text, |name, out| {
            value(name, out, trainer, &network, epochs, lang)
        });
        out.push('\n');
    }
    out
}

/// Appends `text` to `out` with each `@NAME@` replaced by what `value` writes for it (an
/// unknown name is kept as it is).
fn fill(out: &mut String, text: &str, mut value: impl FnMut(&str, &mut String) -> bool) {
    let mut rest = text;
    while let Some(at) = rest.find('@') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        match after.find('@') {
            Some(end) if value(&after[..end], out) => rest = &after[end + 1..],
            _ => {
                out.push('@');
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

/// Writes the value of placeholder `name`; false for a name it does not know.
fn value(name: &str, out: &mut String, trainer: &Trainer, network: &Network, epochs: u64, lang: Lang) -> bool {
    let config = trainer.config();
    let data = trainer.data();
    let problem = trainer.problem();
    let normalizer = trainer.normalizer();
    let _ = match name {
        "SETTINGS" => write!(out, "{}", config.to_query()),
        "N_TRAIN" => write!(out, "{}", data.train.len()),
        "N_TEST" => write!(out, "{}", data.test.len()),
        "EPOCHS" => write!(out, "{epochs}"),
        "LR" => write!(out, "{}", config.lr),
        "BATCH" => write!(out, "{}", config.batch),
        "PENALTY_RATE" => write!(out, "{}", config.reg_rate),
        "CLIP" => write!(out, "{}", config.clip),
        "SEED" => write!(out, "{}", config.seed),
        "CLASSES" => write!(out, "{}", problem.classes()),
        "TRAIN" => points(out, &data.train),
        "TEST" => points(out, &data.test),
        "FEATURES" => list(out, config.features.iter().map(|f| f.numpy())),
        "SHIFT" => numbers(out, normalizer.shift.iter()),
        "SCALE" => numbers(out, normalizer.scale.iter()),
        "ACTIVATIONS" => activations(out, network),
        "LAYERS" => layers(out, network),
        "LOSS_NAME" => write!(out, "{}", config.loss.label(lang)),
        "LOSS" => lines(out, config.loss.numpy(problem), "    "),
        "PENALTY_NAME" => write!(out, "{}", config.reg.label(lang)),
        "PENALTY" => write!(out, "{}", config.reg.numpy()),
        "OPTIMIZER_NAME" => write!(out, "{}", config.optimizer.label(lang)),
        "UPDATE" => lines(out, config.optimizer.numpy(), "            "),
        _ => return false,
    };
    true
}

/// Each line of `code` indented by `indent`, without the last newline.
fn lines(out: &mut String, code: &str, indent: &str) -> std::fmt::Result {
    for (i, line) in code.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        write!(out, "{indent}{}", line.trim_start())?;
    }
    Ok(())
}

/// `a, b, c`.
fn list<T: std::fmt::Display>(out: &mut String, items: impl Iterator<Item = T>) -> std::fmt::Result {
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write!(out, "{item}")?;
    }
    Ok(())
}

/// `a, b, c` of numbers, each with a decimal point or an exponent (so NumPy makes floats of
/// them), as short as reads back to the same f32.
fn numbers<'a>(out: &mut String, values: impl Iterator<Item = &'a Float>) -> std::fmt::Result {
    for (i, v) in values.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write!(out, "{v:?}")?;
    }
    Ok(())
}

/// One `[x, y, label],` line per point.
fn points(out: &mut String, samples: &[Sample]) -> std::fmt::Result {
    for (i, s) in samples.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        write!(out, "    [{:?}, {:?}, {:?}],", s.x, s.y, s.label)?;
    }
    Ok(())
}

/// `np.array([a, b, c])` of a column of values.
fn array(out: &mut String, values: &[Float]) -> std::fmt::Result {
    out.push_str("np.array([");
    numbers(out, values.iter())?;
    out.push_str("])");
    Ok(())
}

/// f and f′ of every hidden activation the network uses, and the `ACTIVATIONS` table.
fn activations(out: &mut String, network: &Network) -> std::fmt::Result {
    let mut used = Vec::new();
    for layer in &network.layers[..network.hidden_count()] {
        if layer.activation.pieces() == 1 && !used.contains(&layer.activation) {
            used.push(layer.activation);
        }
    }
    let mut table = String::new();
    for act in used {
        let name = act.name().replace('-', "_");
        let (f, grad) = act.numpy();
        writeln!(
            out,
            "def {name}(z):\n    return {f}\n\n\ndef {name}_grad(z, a):\n    return {grad}\n\n"
        )?;
        let _ = write!(
            table,
            "{}\"{}\": ({name}, {name}_grad)",
            if table.is_empty() { "" } else { ", " },
            act.name()
        );
    }
    writeln!(out, "ACTIVATIONS = {{{table}}}\n")
}

/// Every layer as a dict: W as inputs × neurons (the transpose of the engine's), b, and f,
/// dropout and normalisation for the hidden layers.
fn layers(out: &mut String, network: &Network) -> std::fmt::Result {
    let hidden = network.hidden_count();
    for (l, layer) in network.layers.iter().enumerate() {
        out.push_str("    {");
        if l < hidden {
            write!(out, "\"f\": \"{}\", ", layer.activation.name())?;
            if let Some(d) = layer.dropout {
                write!(out, "\"dropout\": {:?}, ", d.rate)?;
            }
        }
        out.push_str("\"W\": np.array([");
        let w = &layer.weights.value;
        for j in 0..w.ncols() {
            out.push_str(if j > 0 { ",\n        [" } else { "\n        [" });
            numbers(out, w.column(j).iter())?;
            out.push(']');
        }
        out.push_str("]),\n     \"b\": ");
        array(out, layer.biases.value.as_slice())?;
        if let Some(norm) = &layer.norm {
            write!(out, ",\n     \"norm\": \"{}\", \"gamma\": ", norm.kind.name())?;
            array(out, norm.gamma.value.as_slice())?;
            out.push_str(", \"beta\": ");
            array(out, norm.beta.value.as_slice())?;
            if norm.kind == NormKind::Batch {
                out.push_str(",\n     \"mean\": ");
                array(out, norm.running_mean.as_slice())?;
                out.push_str(", \"var\": ");
                array(out, norm.running_var.as_slice())?;
            }
        }
        out.push_str("},\n");
    }
    out.pop();
    Ok(())
}
