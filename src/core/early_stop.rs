//! Early stopping: the patience rule. After every epoch the watched loss (the validation
//! loss when the run holds points out for validation, else the test loss) is compared with
//! the best one seen; when it has not improved for `patience` epochs, training stops, and
//! with `restore` the weights go back to those of the best epoch. The page and the tests
//! drive it the same way, so the rule is written once, here.
//!
//! The best loss is counted from the last change of the run: a reset, a new data set, a
//! live edit or a divergence between two epochs starts the count again from the weights
//! then (the earlier best described another run).

use super::layer::Snapshot;
use super::trainer::{Trainer, Watched};
use super::Float;

/// Why and where the patience stop fired.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stopped {
    /// The epoch training stopped at.
    pub epoch: u64,
    /// The epoch of the lowest watched loss, and that loss.
    pub best_epoch: u64,
    pub best_loss: Float,
    /// Which loss was watched.
    pub watched: Watched,
    /// Whether the weights were put back to the best epoch's.
    pub restored: bool,
}

/// The patience rule's settings and what it has seen of the run.
#[derive(Clone, Debug, Default)]
pub struct EarlyStopping {
    /// Stop after this many epochs without a new lowest watched loss; None: never.
    patience: Option<u64>,
    /// Go back to the best epoch's weights when the stop fires.
    restore: bool,
    /// The lowest watched loss since the count started, and its epoch.
    best: Option<(Float, u64)>,
    /// The weights of the best epoch.
    weights: Snapshot,
    /// The run's (version, epoch) at the last look, to tell a next epoch from an edit.
    seen: Option<(u64, u64)>,
}

impl EarlyStopping {
    pub fn new(patience: Option<u64>, restore: bool) -> EarlyStopping {
        EarlyStopping {
            patience,
            restore,
            ..EarlyStopping::default()
        }
    }

    pub fn patience(&self) -> Option<u64> {
        self.patience
    }

    pub fn restores(&self) -> bool {
        self.restore
    }

    /// The lowest watched loss since the count started, and its epoch.
    pub fn best(&self) -> Option<(Float, u64)> {
        self.best
    }

    /// Sets the patience (None: off) and starts the count again.
    pub fn set_patience(&mut self, patience: Option<u64>) {
        self.patience = patience;
        self.forget();
    }

    /// Whether the stop goes back to the best epoch's weights (the count goes on).
    pub fn set_restore(&mut self, restore: bool) {
        self.restore = restore;
    }

    /// Forgets the best loss: the count starts again at the next look.
    pub fn forget(&mut self) {
        self.best = None;
        self.seen = None;
    }

    /// Trains up to `epochs` epochs, looking at the watched loss after each one; stops
    /// early when training cannot go on or the patience ran out. Returns how many epochs
    /// were trained, and the stop if it fired (the weights are then the best epoch's when
    /// `restore` is on). Without patience this is [`Trainer::train_epochs`].
    pub fn train(&mut self, trainer: &mut Trainer, epochs: u64) -> (u64, Option<Stopped>) {
        if self.patience.is_none() {
            return (trainer.train_epochs(epochs), None);
        }
        // The weights before the first epoch are a candidate too.
        if self.seen != Some((trainer.version(), trainer.epoch())) {
            self.look(trainer);
        }
        let mut done = 0;
        while done < epochs {
            if !trainer.train_epoch() {
                break;
            }
            done += 1;
            if let Some(stopped) = self.look(trainer) {
                return (done, Some(stopped));
            }
        }
        (done, None)
    }

    /// Looks at the run after an epoch (or at the start): a new lowest watched loss is
    /// kept with its weights; `patience` epochs without one stop the run.
    pub fn look(&mut self, trainer: &mut Trainer) -> Option<Stopped> {
        let patience = self.patience?;
        let (version, epoch) = (trainer.version(), trainer.epoch());
        // One epoch trained since the last look changes the version exactly once; anything
        // else is an edit (or a reset, or a divergence) and starts the count again.
        let next = self
            .seen
            .is_some_and(|(v, e)| version == v.wrapping_add(1) && epoch == e + 1);
        if !next {
            self.best = None;
        }
        self.seen = Some((version, epoch));
        let (loss, watched) = trainer.watched_loss();
        // Only a lower finite loss improves (an equal one does not).
        if loss.is_finite() && self.best.is_none_or(|(best, _)| loss < best) {
            self.best = Some((loss, epoch));
            trainer.save_weights(&mut self.weights);
        }
        let (best_loss, best_epoch) = self.best?;
        if epoch.saturating_sub(best_epoch) < patience {
            return None;
        }
        let restored = self.restore && best_epoch != epoch;
        if restored {
            trainer.restore_weights(&self.weights);
        }
        // Training may go on from here (play again): the count starts afresh.
        self.forget();
        Some(Stopped {
            epoch,
            best_epoch,
            best_loss,
            watched,
            restored,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::core::trainer::test_run as trainer;

    /// An over-fitting run with a validation split (the early-stopping lesson's kind).
    const OVERFIT: &str = "dataset=xor&points=100&noise=50&val-ratio=30&hidden=16,16&activation=tanh\
                           &optimizer=adam&lr=0.01&seed=1";

    /// The watched losses of a plain run, epoch by epoch from 0.
    fn watched_curve(query: &str, epochs: u64) -> Vec<Float> {
        let mut t = trainer(query);
        let mut curve = vec![t.watched_loss().0];
        for _ in 0..epochs {
            assert!(t.train_epoch());
            curve.push(t.watched_loss().0);
        }
        curve
    }

    /// The epoch of the first lowest value.
    fn first_minimum(curve: &[Float]) -> usize {
        let mut best = 0;
        for (i, &v) in curve.iter().enumerate() {
            if v < curve[best] {
                best = i;
            }
        }
        best
    }

    #[test]
    fn patience_watches_the_validation_loss_and_stops_that_many_epochs_after_its_minimum() {
        let patience = 20;
        let mut t = trainer(OVERFIT);
        assert_eq!(t.watched_loss().1, Watched::Validation);
        let mut stopping = EarlyStopping::new(Some(patience), false);
        let (done, stopped) = stopping.train(&mut t, 1000);
        let stopped = stopped.expect("the patience stop fires");
        assert_eq!(done, stopped.epoch);
        assert_eq!(stopped.watched, Watched::Validation);
        assert!(!stopped.restored);
        // The same run without the rule: its validation curve has its first minimum at the
        // stop's best epoch, and no lower value until the stop.
        let curve = watched_curve(OVERFIT, done);
        let minimum = first_minimum(&curve) as u64;
        assert_eq!(stopped.best_epoch, minimum);
        assert_eq!(stopped.epoch, minimum + patience);
        assert_eq!(stopped.best_loss, curve[minimum as usize]);
    }

    #[test]
    fn without_validation_it_watches_the_test_loss() {
        let query = OVERFIT.replace("&val-ratio=30", "");
        let mut t = trainer(&query);
        assert!(!t.has_validation());
        let mut stopping = EarlyStopping::new(Some(15), false);
        let (_, stopped) = stopping.train(&mut t, 1000);
        let stopped = stopped.expect("stops");
        assert_eq!(stopped.watched, Watched::Test);
        let minimum = first_minimum(&watched_curve(&query, stopped.epoch)) as u64;
        assert_eq!((stopped.best_epoch, stopped.epoch), (minimum, minimum + 15));
    }

    #[test]
    fn restore_gives_back_the_best_epochs_weights_and_loss() {
        let mut t = trainer(OVERFIT);
        let mut stopping = EarlyStopping::new(Some(25), true);
        let (_, stopped) = stopping.train(&mut t, 1000);
        let stopped = stopped.expect("stops");
        assert!(stopped.restored);
        // The weights are bit for bit those of a plain run at the best epoch.
        let mut plain = trainer(OVERFIT);
        assert_eq!(plain.train_epochs(stopped.best_epoch), stopped.best_epoch);
        for (a, b) in t.network().layers.iter().zip(&plain.network().layers) {
            assert_eq!(a.weights.value, b.weights.value);
            assert_eq!(a.biases.value, b.biases.value);
        }
        let val = t.validation().expect("validation").loss;
        assert_eq!(val, stopped.best_loss);
        assert_eq!(val, plain.validation().expect("validation").loss);
        // The epoch count and the curve stay: the rise is still there to see.
        assert_eq!(t.epoch(), stopped.epoch);
        assert_eq!(t.history().points().last().map(|p| p.epoch), Some(stopped.epoch));
    }

    #[test]
    fn an_edit_between_epochs_starts_the_count_again() {
        let mut t = trainer(OVERFIT);
        let mut stopping = EarlyStopping::new(Some(1000), false);
        let (done, stopped) = stopping.train(&mut t, 30);
        assert_eq!((done, stopped), (30, None));
        assert!(stopping.best().is_some());
        t.set("lr", "0.02").expect("lr");
        let (done, _) = stopping.train(&mut t, 1);
        assert_eq!(done, 1);
        // The count restarted at epoch 30 (before the epoch just trained).
        assert!(stopping.best().is_some_and(|(_, epoch)| epoch >= 30));
        t.reset();
        stopping.train(&mut t, 0);
        assert_eq!(stopping.best().map(|(_, e)| e), Some(0));
        // Without patience it is plain training.
        let mut off = EarlyStopping::default();
        assert_eq!(off.train(&mut t, 3), (3, None));
        assert!(off.look(&mut t).is_none());
    }
}
