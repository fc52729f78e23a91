//! The last run, kept in the browser's storage so that a reload or a reopened tab goes on
//! where it was: the link it came from, the model (weights and their normalisation), the
//! optimizer's state, the update count, the epoch and the loss history. The data comes back
//! from the link (its seed, and its `points-data` for hand-made or imported points). A copied
//! link still reproduces the run from its seed; only the same link restores the saved one.
//! What is not kept: the streams that shuffle the batches and draw dropout's masks start
//! afresh, so the epochs after a restore take other batches than the unbroken run would.

use std::fmt::Write;

use super::math::parse_decimal;
use super::model::Model;
use super::trainer::{HistoryPoint, Trainer};
use super::Float;

/// The browser storage key.
pub const STORAGE_KEY: &str = "nnlab-last-run";
/// The first line of the layout this build writes and reads.
const HEADER: &str = "nnlab-run 1";

/// A run as saved. The text is plain lines of numbers (written with `{}`, the shortest form
/// that reads back to the same float) followed by the model file: a serde (de)serializer of
/// its own, or one through `serde_json::Value`, cost the .wasm several KB.
pub struct SavedRun {
    /// The page's query when it was saved: only a page opened with the same query restores it.
    pub link: String,
    /// The model file's text.
    model: String,
    /// First and second optimizer moments of every parameter, in order.
    optimizer: Vec<(Vec<Float>, Vec<Float>)>,
    step: u64,
    pub epoch: u64,
    history: Vec<SavedPoint>,
    stride: u64,
}

/// Epoch, training, test and validation loss (None: not finite, or no validation split).
type SavedPoint = (u64, Option<Float>, Option<Float>, Option<Float>);

fn finite(v: Float) -> Option<Float> {
    v.is_finite().then_some(v)
}

/// Appends `values` as one line, space-separated.
fn write_line(out: &mut String, values: &[Float]) {
    for (i, v) in values.iter().enumerate() {
        let _ = write!(out, "{}{v}", if i == 0 { "" } else { " " });
    }
    out.push('\n');
}

/// `-` for None.
fn write_optional(out: &mut String, v: Option<Float>) {
    match v {
        Some(v) => {
            let _ = write!(out, " {v}");
        }
        None => out.push_str(" -"),
    }
}

fn read_float(word: &str) -> Option<Float> {
    parse_decimal(word).map(|v| v as Float)
}

fn read_optional(word: &str) -> Option<Option<Float>> {
    if word == "-" {
        Some(None)
    } else {
        read_float(word).map(Some)
    }
}

fn read_floats(line: &str) -> Option<Vec<Float>> {
    line.split_ascii_whitespace().map(read_float).collect()
}

impl SavedRun {
    /// The run of `trainer`, opened from `link`.
    pub fn of(trainer: &Trainer, link: &str) -> SavedRun {
        let network = trainer.network();
        SavedRun {
            link: link.to_string(),
            model: trainer.model().to_json(),
            optimizer: network
                .layers
                .iter()
                .flat_map(|l| l.params())
                .map(|p| (p.first.as_slice().to_vec(), p.second.as_slice().to_vec()))
                .collect(),
            step: network.step,
            epoch: trainer.epoch(),
            history: trainer
                .history()
                .points()
                .iter()
                .map(|p| (p.epoch, finite(p.train), finite(p.test), p.val.and_then(finite)))
                .collect(),
            stride: trainer.history().stride(),
        }
    }

    /// The text kept in storage: a header, one `name value` line per count, the history
    /// and the moments line by line, then the model file.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{HEADER}");
        let _ = writeln!(out, "link {}", self.link);
        let _ = writeln!(out, "step {}", self.step);
        let _ = writeln!(out, "epoch {}", self.epoch);
        let _ = writeln!(out, "stride {}", self.stride);
        let _ = writeln!(out, "history {}", self.history.len());
        for &(epoch, train, test, val) in &self.history {
            let _ = write!(out, "{epoch}");
            write_optional(&mut out, train);
            write_optional(&mut out, test);
            write_optional(&mut out, val);
            out.push('\n');
        }
        let _ = writeln!(out, "optimizer {}", self.optimizer.len());
        for (first, second) in &self.optimizer {
            write_line(&mut out, first);
            write_line(&mut out, second);
        }
        out.push_str("model\n");
        out.push_str(&self.model);
        out
    }

    /// Reads [`SavedRun::to_text`]'s text back; None for anything else (another build's
    /// layout, a cut-off write, text from elsewhere).
    pub fn from_text(text: &str) -> Option<SavedRun> {
        let mut lines = text.split('\n');
        if lines.next()? != HEADER {
            return None;
        }
        let mut field = |name: &str| -> Option<String> {
            let line = lines.next()?;
            let rest = line.strip_prefix(name)?.strip_prefix(' ')?;
            Some(rest.to_string())
        };
        let link = field("link")?;
        let count = |v: String| v.parse::<u64>().ok();
        let step = count(field("step")?)?;
        let epoch = count(field("epoch")?)?;
        let stride = count(field("stride")?)?;
        let points = count(field("history")?)?;
        let mut history = Vec::new();
        for _ in 0..points {
            let mut words = lines.next()?.split(' ');
            let epoch = words.next()?.parse().ok()?;
            let mut next = || read_optional(words.next()?);
            history.push((epoch, next()?, next()?, next()?));
        }
        let mut field = |name: &str| -> Option<String> {
            let line = lines.next()?;
            Some(line.strip_prefix(name)?.trim_start().to_string())
        };
        let params = count(field("optimizer")?)?;
        let mut optimizer = Vec::new();
        for _ in 0..params {
            optimizer.push((read_floats(lines.next()?)?, read_floats(lines.next()?)?));
        }
        if lines.next()? != "model" {
            return None;
        }
        let model = lines.collect::<Vec<_>>().join("\n");
        Some(SavedRun {
            link,
            model,
            optimizer,
            step,
            epoch,
            history,
            stride,
        })
    }

    /// Puts the saved run into `trainer`, built from the same link. False (and `trainer`
    /// unchanged) when the model does not fit it.
    pub fn restore(&self, trainer: &mut Trainer) -> bool {
        let Ok(model) = Model::from_json(&self.model) else {
            return false;
        };
        if trainer.load_model(model).is_err() {
            return false;
        }
        let history: Vec<HistoryPoint> = self
            .history
            .iter()
            .map(|&(epoch, train, test, val)| HistoryPoint {
                epoch,
                train: train.unwrap_or(Float::NAN),
                test: test.unwrap_or(Float::NAN),
                val,
            })
            .collect();
        trainer.restore_progress(&self.optimizer, self.step, self.epoch, &history, self.stride);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::core::trainer::test_run as trainer;

    #[test]
    fn a_saved_run_goes_on_where_it_was() {
        let query = "dataset=circle&hidden=5,3&optimizer=adam&lr=0.03&norm=batch&seed=4&val-ratio=20";
        let mut run = trainer(query);
        run.train_epochs(30);
        let saved = SavedRun::of(&run, query);
        let text = saved.to_text();
        let back = SavedRun::from_text(&text).expect("reads its own text");
        let mut fresh = trainer(query);
        assert!(back.restore(&mut fresh));
        assert_eq!(fresh.epoch(), 30);
        // Weights, γ, β and running estimates, Adam's moments and the step (gradients are
        // the last step's scratch and are not kept).
        let (a, b) = (fresh.network(), run.network());
        assert_eq!(a.step, b.step);
        for (x, y) in a.layers.iter().zip(&b.layers) {
            assert!(x.kept_values().eq(y.kept_values()));
            assert!(x
                .params()
                .zip(y.params())
                .all(|(p, q)| p.first == q.first && p.second == q.second));
        }
        assert_eq!(fresh.history().points(), run.history().points());
        assert_eq!(fresh.evaluate(), run.evaluate());
        // And trains on from there (its later batches are shuffled afresh: the shuffle's
        // stream is not kept).
        assert_eq!(fresh.train_epochs(5), 5);
        assert_eq!(fresh.epoch(), 35);
        assert!(fresh.evaluate().0.loss.is_finite());
        // Text from another build or nothing usable is ignored.
        assert!(SavedRun::from_text("{}").is_none());
        assert!(SavedRun::from_text(&text.replace("nnlab-run 1", "nnlab-run 9")).is_none());
        // A write cut off anywhere before the model is refused.
        let model_at = text.find("\nmodel\n").expect("model line");
        for cut in (0..model_at).step_by(97) {
            assert!(SavedRun::from_text(&text[..cut]).is_none(), "cut at {cut}");
        }
        // A model that does not fit the data (three classes) is refused and changes nothing.
        let mut other = trainer("dataset=blobs3&hidden=2");
        let before = other.network().clone();
        assert!(!back.restore(&mut other));
        assert_eq!(other.network(), &before);
    }
}
