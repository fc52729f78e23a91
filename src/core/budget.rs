//! The `max` speed's frame budget: how many epochs the next animation frame trains so that
//! the frame's own work (training, then drawing) stays inside a time budget, on any machine,
//! network and browser. It only does arithmetic on the times the page measures, so it is
//! tested natively with made-up clocks.

/// Milliseconds of the page's own work a frame may take at `max` speed. A 60 fps frame
/// lasts 16.7 ms; the rest is the browser's (style, layout, compositing, the GPU process).
pub const FRAME_WORK_MS: f64 = 9.0;
/// The share of the budget training always keeps: where drawing alone fills the budget (a
/// slow engine, a software renderer), `max` still trains for a third of it rather than one
/// epoch a frame, which would make the top speed slower than the fixed ones.
pub const MIN_TRAIN_SHARE: f64 = 1.0 / 3.0;
/// Largest number of epochs one frame may train, however fast they are.
pub const MAX_EPOCHS_PER_FRAME: u64 = 1_000_000;
/// Weight of the newest frame in the running averages: adapts within about ten frames
/// and smooths the timer's quantisation (1 ms in Firefox and WebKit).
const NEWEST: f64 = 0.2;

/// Running estimates of what an epoch and the rest of a frame cost.
#[derive(Clone, Debug, PartialEq)]
pub struct FrameBudget {
    budget_ms: f64,
    /// Running averages of training milliseconds and of epochs trained, per frame: their
    /// ratio is the cost of an epoch. Both are averaged (not the ratio) so that a frame
    /// whose training read 0 ms on a coarse timer does not make epochs look free.
    train_ms: f64,
    trained: f64,
    /// Running average of the frame's other work (drawing) in milliseconds.
    other_ms: f64,
    epochs: u64,
}

impl FrameBudget {
    pub fn new(budget_ms: f64) -> FrameBudget {
        FrameBudget {
            budget_ms,
            train_ms: 0.0,
            trained: 0.0,
            other_ms: 0.0,
            epochs: 1,
        }
    }

    /// Epochs the next frame trains.
    pub fn epochs(&self) -> u64 {
        self.epochs
    }

    /// Takes what the last frame measured: it trained `epochs` in `train_ms` and spent
    /// `other_ms` on the rest. Sets the next frame's epochs to what fits the budget, at most
    /// twice the last frame's (so a bad reading cannot make one frame take seconds).
    pub fn record(&mut self, epochs: u64, train_ms: f64, other_ms: f64) {
        let clean = |ms: f64| if ms.is_finite() { ms.max(0.0) } else { 0.0 };
        let (train_ms, other_ms) = (clean(train_ms), clean(other_ms));
        // The first frame, or one far over the budget (a larger network, a busy machine):
        // start the averages from this frame, so the next one is already back in budget.
        if self.trained == 0.0 || train_ms + other_ms > 2.0 * self.budget_ms {
            (self.train_ms, self.trained, self.other_ms) = (train_ms, epochs as f64, other_ms);
        } else {
            self.train_ms += NEWEST * (train_ms - self.train_ms);
            self.trained += NEWEST * (epochs as f64 - self.trained);
            self.other_ms += NEWEST * (other_ms - self.other_ms);
        }
        let left_ms = (self.budget_ms - self.other_ms).max(self.budget_ms * MIN_TRAIN_SHARE);
        let fitting = if self.train_ms > 0.0 {
            left_ms * self.trained / self.train_ms
        } else {
            f64::INFINITY
        };
        let ceiling = epochs.max(1).saturating_mul(2);
        self.epochs = (fitting.floor() as u64).clamp(1, ceiling.min(MAX_EPOCHS_PER_FRAME));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the budget against a machine where an epoch costs `epoch_ms` and drawing
    /// `draw_ms`, with a timer of `tick_ms` resolution; returns the frames' work times.
    fn simulate(epoch_ms: f64, draw_ms: f64, tick_ms: f64, frames: usize) -> (FrameBudget, Vec<f64>) {
        let quantise = |ms: f64| {
            if tick_ms > 0.0 {
                (ms / tick_ms).floor() * tick_ms
            } else {
                ms
            }
        };
        let mut budget = FrameBudget::new(FRAME_WORK_MS);
        let mut work = Vec::new();
        for _ in 0..frames {
            let epochs = budget.epochs();
            let train = epochs as f64 * epoch_ms;
            work.push(train + draw_ms);
            budget.record(epochs, quantise(train), quantise(draw_ms));
        }
        (budget, work)
    }

    #[test]
    fn fast_epochs_fill_the_budget_and_no_more() {
        // 0.004 ms an epoch and 2 ms of drawing: (9 − 2) / 0.004 = 1750 epochs fit.
        let (budget, work) = simulate(0.004, 2.0, 0.0, 60);
        assert!((1749..=1750).contains(&budget.epochs()), "{}", budget.epochs());
        assert!(work.iter().all(|&ms| ms <= FRAME_WORK_MS + 1e-9), "{work:?}");
    }

    #[test]
    fn growth_is_at_most_doubling_so_the_first_frames_stay_short() {
        let (_, work) = simulate(0.004, 2.0, 0.0, 8);
        // Frame k trains 2^k epochs: 1, 2, 4, ... 128.
        for (k, ms) in work.iter().enumerate() {
            assert!(
                (ms - (2.0 + 0.004 * f64::from(1u32 << k))).abs() < 1e-9,
                "frame {k}: {ms}"
            );
        }
    }

    #[test]
    fn a_coarse_timer_that_reads_zero_does_not_run_away() {
        // A 1 ms timer (Firefox, WebKit): short trainings read 0 ms, yet the averages of
        // time and epochs keep the estimate finite; frames stay near the budget.
        let (budget, work) = simulate(0.004, 2.0, 1.0, 400);
        let tail = &work[200..];
        let worst = tail.iter().copied().fold(0.0, f64::max);
        assert!(
            worst <= FRAME_WORK_MS + 1.0,
            "worst {worst} ms, epochs {}",
            budget.epochs()
        );
        assert!(budget.epochs() >= 1000, "{}", budget.epochs());
    }

    #[test]
    fn drawing_that_fills_the_budget_still_leaves_training_a_third() {
        // 12 ms of drawing (over the 9 ms budget) and 0.01 ms an epoch: training keeps
        // 9/3 = 3 ms, 300 epochs, not one.
        let (budget, work) = simulate(0.01, 12.0, 0.0, 60);
        assert!((299..=300).contains(&budget.epochs()), "{}", budget.epochs());
        assert!(work[40..].iter().all(|&ms| ms <= 12.0 + 3.0 + 1e-9), "{work:?}");
    }

    #[test]
    fn slow_epochs_train_one_a_frame() {
        // The largest network on a slow machine: 12 ms an epoch, 5 ms of drawing.
        let (budget, _) = simulate(12.0, 5.0, 0.0, 20);
        assert_eq!(budget.epochs(), 1);
    }

    #[test]
    fn the_budget_follows_a_change_of_network() {
        let mut budget = FrameBudget::new(FRAME_WORK_MS);
        for _ in 0..100 {
            let e = budget.epochs();
            budget.record(e, e as f64 * 0.001, 1.0);
        }
        // (9 − 1) / 0.001 = 8000 epochs.
        assert!((7999..=8000).contains(&budget.epochs()), "{}", budget.epochs());
        // Now each epoch costs 10× as much (a larger network): that one frame overruns
        // (80 ms), and the next trains (9 − 1) / 0.01 = 800 epochs.
        let e = budget.epochs();
        budget.record(e, e as f64 * 0.01, 1.0);
        assert!((799..=800).contains(&budget.epochs()), "{}", budget.epochs());
        let mut worst: f64 = 0.0;
        for _ in 0..30 {
            let e = budget.epochs();
            worst = worst.max(e as f64 * 0.01 + 1.0);
            budget.record(e, e as f64 * 0.01, 1.0);
        }
        assert!(worst <= FRAME_WORK_MS + 1e-9, "{worst} ms");
    }

    #[test]
    fn bad_readings_are_ignored() {
        let mut budget = FrameBudget::new(FRAME_WORK_MS);
        budget.record(1, f64::NAN, f64::INFINITY);
        budget.record(2, -5.0, -1.0);
        assert!(budget.epochs() >= 1 && budget.epochs() <= 4);
    }
}
