//! The last run, kept in the browser's storage so that a reload or a reopened tab goes on
//! where it was: the link it came from, the model (weights and their normalisation), the
//! optimizer's state, the update count, the epoch and the loss history. The data comes back
//! from the link (its seed, and its `points-data` for hand-made or imported points). A copied
//! link still reproduces the run from its seed; only the same link restores the saved one.
//! What is not kept: the streams that shuffle the batches and draw dropout's masks start
//! afresh, so the epochs after a restore take other batches than the unbroken run would.

use serde_json::{json, Value};

use super::model::Model;
use super::trainer::{HistoryPoint, Trainer};
use super::Float;

/// The browser storage key.
pub const STORAGE_KEY: &str = "nnlab-last-run";
/// The layout this build writes and reads.
const VERSION: u32 = 1;

/// A run as saved. Written and read through `serde_json::Value`, which the page already
/// carries, rather than a derived (de)serializer of its own (about 7 KB of the .wasm).
pub struct SavedRun {
    /// The page's query when it was saved: only a page opened with the same query restores it.
    pub link: String,
    /// The model file's text.
    model: String,
    /// First and second optimizer moments of every parameter, in order.
    optimizer: Vec<(Vec<Float>, Vec<Float>)>,
    step: u64,
    pub epoch: u64,
    /// (epoch, train, test, validation) losses; a value that is not finite is null.
    history: Vec<SavedPoint>,
    stride: u64,
}

/// (epoch, train, test, validation) loss of one history point.
type SavedPoint = (u64, Option<Float>, Option<Float>, Option<Float>);

fn finite(v: Float) -> Option<Float> {
    v.is_finite().then_some(v)
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

    pub fn to_json(&self) -> String {
        let optimizer: Vec<Value> = self.optimizer.iter().map(|(m, v)| json!([m, v])).collect();
        let history: Vec<Value> = self.history.iter().map(|&(e, a, b, c)| json!([e, a, b, c])).collect();
        json!({
            "version": VERSION,
            "link": self.link,
            "model": self.model,
            "optimizer": optimizer,
            "step": self.step,
            "epoch": self.epoch,
            "history": history,
            "stride": self.stride,
        })
        .to_string()
    }

    /// A saved run from storage, or None for text this build does not read.
    pub fn from_json(text: &str) -> Option<SavedRun> {
        let v: Value = serde_json::from_str(text).ok()?;
        if v["version"].as_u64()? != u64::from(VERSION) {
            return None;
        }
        let floats = |v: &Value| -> Option<Vec<Float>> {
            v.as_array()?.iter().map(|x| x.as_f64().map(|x| x as Float)).collect()
        };
        let number = |v: &Value| v.as_f64().map(|x| x as Float);
        let optimizer = v["optimizer"]
            .as_array()?
            .iter()
            .map(|pair| Some((floats(&pair[0])?, floats(&pair[1])?)))
            .collect::<Option<Vec<_>>>()?;
        let history = v["history"]
            .as_array()?
            .iter()
            .map(|p| Some((p[0].as_u64()?, number(&p[1]), number(&p[2]), number(&p[3]))))
            .collect::<Option<Vec<_>>>()?;
        Some(SavedRun {
            link: v["link"].as_str()?.to_string(),
            model: v["model"].as_str()?.to_string(),
            optimizer,
            step: v["step"].as_u64()?,
            epoch: v["epoch"].as_u64()?,
            history,
            stride: v["stride"].as_u64()?,
        })
    }

    /// Puts the saved run into `trainer`, which was opened from the same link: its model,
    /// the optimizer's state, the epoch and the history. False, changing nothing, when the
    /// model does not fit the trainer's data.
    pub fn restore(&self, trainer: &mut Trainer) -> bool {
        let Ok(model) = Model::from_json(&self.model) else {
            return false;
        };
        // `load_model` refuses a model of another problem before it changes anything.
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
    use crate::core::config::Config;

    fn trainer(query: &str) -> Trainer {
        Trainer::new(Config::from_query(query).0).expect("valid")
    }

    #[test]
    fn a_saved_run_goes_on_where_it_was() {
        let query = "dataset=circle&hidden=5,3&optimizer=adam&lr=0.03&norm=batch&seed=4&val-ratio=20";
        let mut run = trainer(query);
        run.train_epochs(30);
        let saved = SavedRun::of(&run, query);
        let text = saved.to_json();
        let back = SavedRun::from_json(&text).expect("reads its own text");
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
        assert!(SavedRun::from_json("{}").is_none());
        assert!(SavedRun::from_json(&text.replace("\"version\":1", "\"version\":9")).is_none());
        // A model that does not fit the data (three classes) is refused and changes nothing.
        let mut other = trainer("dataset=blobs3&hidden=2");
        let before = other.network().clone();
        assert!(!back.restore(&mut other));
        assert_eq!(other.network(), &before);
    }
}
