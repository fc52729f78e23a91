//! Challenges: a goal for the run, given by `challenge=` in a link or by a lesson. A
//! challenge is a list of conditions joined by `;`, each `metric op number` with `op` one of
//! `<` `<=` `>` `>=`, for example `test-loss<0.1;neurons<=6;epochs<=300`. A bad condition is
//! refused on its own, with why, and the good ones are kept.
//!
//! [`Tracker`] follows a run: after every epoch it checks each condition, and the first
//! time all of them hold at once it records that epoch. From then on the states stay as
//! they were at that moment (sizes included: the network as it was when the goal was met)
//! until [`Tracker::forget`], which the page calls on a reset or a config change.
//! `epochs<=N` (or `epochs<N`) also caps training: [`Challenge::epoch_cap`].
//!
//! What a form that builds a challenge needs is here too: [`Metric::ALL`] with each
//! metric's name and label, [`Op::ALL`] with each comparison's symbol and words, and
//! [`Challenge::text`], the canonical text for the link.

use super::config::shorten;
use super::text::{message, text};
use super::trainer::Trainer;
use super::Lang;

/// What a condition measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    TrainLoss,
    TestLoss,
    /// In percent.
    TrainAccuracy,
    /// In percent.
    TestAccuracy,
    /// All hidden neurons.
    Neurons,
    /// Hidden layers.
    Layers,
    /// Input features.
    Features,
    Epochs,
    /// The test split's coefficient of determination (regression).
    R2,
}

impl Metric {
    pub const ALL: [Metric; 9] = [
        Metric::TrainLoss,
        Metric::TestLoss,
        Metric::TrainAccuracy,
        Metric::TestAccuracy,
        Metric::Neurons,
        Metric::Layers,
        Metric::Features,
        Metric::Epochs,
        Metric::R2,
    ];

    /// The name in `challenge=`.
    pub fn name(self) -> &'static str {
        match self {
            Metric::TrainLoss => "train-loss",
            Metric::TestLoss => "test-loss",
            Metric::TrainAccuracy => "train-accuracy",
            Metric::TestAccuracy => "test-accuracy",
            Metric::Neurons => "neurons",
            Metric::Layers => "layers",
            Metric::Features => "features",
            Metric::Epochs => "epochs",
            Metric::R2 => "r2",
        }
    }

    /// The metric in words, capitalised (a form's label, a condition's first word).
    pub fn label(self, lang: Lang) -> &'static str {
        let key = match self {
            // The readouts' own labels.
            Metric::TrainLoss | Metric::TestLoss | Metric::TrainAccuracy | Metric::TestAccuracy => self.name(),
            Metric::Neurons => "challenge-neurons",
            Metric::Layers => "challenge-layers",
            Metric::Features => "challenge-features",
            Metric::Epochs => "challenge-epochs",
            Metric::R2 => "challenge-r2",
        };
        text(lang, key)
    }

    /// Whether the metric counts (a bound must be a whole number).
    pub fn is_count(self) -> bool {
        matches!(
            self,
            Metric::Neurons | Metric::Layers | Metric::Features | Metric::Epochs
        )
    }

    /// The values the metric can take.
    fn range(self) -> (f64, f64) {
        match self {
            Metric::TrainAccuracy | Metric::TestAccuracy => (0.0, 100.0),
            Metric::R2 => (f64::NEG_INFINITY, 1.0),
            _ => (0.0, f64::INFINITY),
        }
    }

    /// The metric's value for the run now (None when the run has none: accuracy in
    /// regression, R² in classification).
    pub fn value(self, trainer: &mut Trainer) -> Option<f64> {
        let network = trainer.network();
        let hidden = network.hidden_count();
        let count = match self {
            Metric::Neurons => network.layers[..hidden].iter().map(|l| l.neurons()).sum(),
            Metric::Layers => hidden,
            Metric::Features => trainer.features().len(),
            Metric::Epochs => return Some(trainer.epoch() as f64),
            _ => {
                let (train, test) = trainer.evaluate();
                let value = match self {
                    Metric::TrainLoss => Some(train.loss),
                    Metric::TestLoss => Some(test.loss),
                    Metric::TrainAccuracy => train.accuracy.map(|a| a * 100.0),
                    Metric::TestAccuracy => test.accuracy.map(|a| a * 100.0),
                    _ => test.r2,
                };
                return value.map(f64::from);
            }
        };
        Some(count as f64)
    }
}

/// A comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    /// The longer symbols first, as the parser tries them.
    pub const ALL: [Op; 4] = [Op::Le, Op::Lt, Op::Ge, Op::Gt];

    pub fn symbol(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }

    /// The comparison in words ("below", "at most", …), as conditions are described.
    pub fn words(self, lang: Lang) -> &'static str {
        let key = match self {
            Op::Lt => "challenge-lt",
            Op::Le => "challenge-le",
            Op::Gt => "challenge-gt",
            Op::Ge => "challenge-ge",
        };
        text(lang, key)
    }

    /// Whether `value op bound` holds (never for NaN).
    pub fn holds(self, value: f64, bound: f64) -> bool {
        match self {
            Op::Lt => value < bound,
            Op::Le => value <= bound,
            Op::Gt => value > bound,
            Op::Ge => value >= bound,
        }
    }
}

/// One condition: `metric op bound`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Condition {
    pub metric: Metric,
    pub op: Op,
    pub bound: f64,
}

impl Condition {
    /// The canonical text, as in `challenge=` (`test-loss<0.1`).
    pub fn text(&self) -> String {
        format!("{}{}{}", self.metric.name(), self.op.symbol(), self.bound)
    }

    /// The condition in words ("Test loss below 0.1", "测试损失低于 0.1").
    pub fn describe(&self, lang: Lang) -> String {
        let percent = matches!(self.metric, Metric::TrainAccuracy | Metric::TestAccuracy);
        let value = format!("{}{}", self.bound, if percent { "%" } else { "" });
        message(
            lang,
            "challenge-condition",
            &[
                ("metric", &self.metric.label(lang)),
                ("op", &self.op.words(lang)),
                ("value", &value),
            ],
        )
    }

    /// Whether the condition holds for the run now.
    pub fn holds(&self, trainer: &mut Trainer) -> bool {
        self.metric
            .value(trainer)
            .is_some_and(|value| self.op.holds(value, self.bound))
    }

    /// Reads one part; a refusal is the text key saying why and the value it names.
    fn parse(part: &str) -> Result<Condition, (&'static str, String)> {
        let no_op = || ("challenge-no-op", String::new());
        let at = part.bytes().position(|b| b == b'<' || b == b'>').ok_or_else(no_op)?;
        let name = part[..at].trim();
        let metric = Metric::ALL
            .into_iter()
            .find(|m| m.name().eq_ignore_ascii_case(name))
            .ok_or_else(|| ("challenge-unknown-metric", shorten(name)))?;
        let rest = &part[at..];
        let op = Op::ALL
            .into_iter()
            .find(|op| rest.starts_with(op.symbol()))
            .ok_or_else(no_op)?;
        let number = rest[op.symbol().len()..].trim();
        let bound = super::math::parse_decimal(number)
            .filter(|b| b.is_finite())
            .ok_or_else(|| ("challenge-not-a-number", shorten(number)))?;
        if metric.is_count() && bound.fract() != 0.0 {
            return Err(("challenge-not-whole", String::new()));
        }
        // No value of the metric could satisfy it (`test-accuracy>100`, `neurons<0`).
        let (low, high) = metric.range();
        if !(op.holds(low, bound) || op.holds(high, bound)) {
            return Err(("challenge-never", String::new()));
        }
        Ok(Condition { metric, op, bound })
    }
}

/// The metrics' names as the messages list them.
const NAMES: &str = "train-loss, test-loss, train-accuracy, test-accuracy, neurons, layers, features, epochs, r2";

/// A refused part of a challenge, with why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    /// The part as given (shortened).
    pub part: String,
    /// The text key saying why, and the value it names (a metric's name, a number).
    why: &'static str,
    value: String,
}

impl Refused {
    /// What is wrong, in `lang` ("challenge: `foo<1`: `foo` is not one of …").
    pub fn message(&self, lang: Lang) -> String {
        let why = message(
            lang,
            self.why,
            &[
                ("part", &self.part),
                ("value", &self.value),
                ("names", &NAMES),
                ("max", &Challenge::MAX_CONDITIONS),
            ],
        );
        message(lang, "at-path", &[("path", &"challenge"), ("reason", &why)])
    }
}

/// A goal: conditions that must hold at once.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Challenge {
    pub conditions: Vec<Condition>,
}

impl Challenge {
    /// The most conditions a challenge keeps.
    pub const MAX_CONDITIONS: usize = 8;

    /// Reads `challenge=`'s text: the good conditions, in order, and each refused part with
    /// why. Empty parts (a trailing `;`) are skipped; past [`Challenge::MAX_CONDITIONS`] the
    /// rest is refused as one.
    pub fn parse(text: &str) -> (Challenge, Vec<Refused>) {
        let mut challenge = Challenge::default();
        let mut refused = Vec::new();
        let parts = text.split(';').map(str::trim).filter(|p| !p.is_empty());
        for (i, part) in parts.enumerate() {
            let too_many = i == Challenge::MAX_CONDITIONS;
            let result = if too_many {
                Err(("challenge-too-many", String::new()))
            } else {
                Condition::parse(part)
            };
            match result {
                Ok(condition) => challenge.conditions.push(condition),
                Err((why, value)) => refused.push(Refused {
                    part: shorten(part),
                    why,
                    value,
                }),
            }
            if too_many {
                break;
            }
        }
        (challenge, refused)
    }

    /// The canonical text (`test-loss<0.1;neurons<=4`), which [`Challenge::parse`] reads back.
    pub fn text(&self) -> String {
        self.conditions
            .iter()
            .map(Condition::text)
            .collect::<Vec<_>>()
            .join(";")
    }

    pub fn is_empty(&self) -> bool {
        self.conditions.is_empty()
    }

    /// The epoch training pauses at: the lowest `epochs<=N` or `epochs<N+1`.
    pub fn epoch_cap(&self) -> Option<u64> {
        self.conditions
            .iter()
            .filter(|c| c.metric == Metric::Epochs)
            .filter_map(|c| match c.op {
                Op::Le => Some(c.bound as u64),
                Op::Lt => Some((c.bound as u64).saturating_sub(1)),
                _ => None,
            })
            .min()
    }
}

/// A challenge followed over a run.
#[derive(Clone, Debug)]
pub struct Tracker {
    challenge: Challenge,
    /// Each condition's state at the last look (or when the goal was met).
    states: Vec<bool>,
    /// The epoch all conditions first held at once.
    met_at: Option<u64>,
    /// The run's (version, epoch) at the last look.
    seen: Option<(u64, u64)>,
}

impl Tracker {
    pub fn new(challenge: Challenge) -> Tracker {
        Tracker {
            states: vec![false; challenge.conditions.len()],
            challenge,
            met_at: None,
            seen: None,
        }
    }

    pub fn challenge(&self) -> &Challenge {
        &self.challenge
    }

    /// Each condition's state, in order.
    pub fn states(&self) -> &[bool] {
        &self.states
    }

    /// The epoch the goal was met at, kept until [`Tracker::forget`].
    pub fn met_at(&self) -> Option<u64> {
        self.met_at
    }

    /// Forgets that the goal was met (a reset or a config change).
    pub fn forget(&mut self) {
        self.met_at = None;
        self.seen = None;
    }

    /// Checks every condition against the run as it is now; when all hold, the goal is
    /// met at this epoch. Once met, nothing changes until [`Tracker::forget`].
    pub fn look(&mut self, trainer: &mut Trainer) {
        let now = Some((trainer.version(), trainer.epoch()));
        if self.met_at.is_some() || self.seen == now {
            return;
        }
        self.seen = now;
        for (state, condition) in self.states.iter_mut().zip(&self.challenge.conditions) {
            *state = condition.holds(trainer);
        }
        if self.states.iter().all(|&s| s) {
            self.met_at = Some(trainer.epoch());
        }
    }

    /// Trains up to `epochs` epochs, each through `one` (which returns whether training
    /// may go on after it), looking after every epoch while the goal is not met, and never
    /// past the challenge's epoch cap. Returns how many epochs were trained.
    pub fn train(&mut self, trainer: &mut Trainer, epochs: u64, mut one: impl FnMut(&mut Trainer) -> bool) -> u64 {
        let room = self
            .challenge
            .epoch_cap()
            .map_or(epochs, |cap| epochs.min(cap.saturating_sub(trainer.epoch())));
        let mut done = 0;
        while done < room {
            let before = trainer.epoch();
            let go_on = one(trainer);
            if trainer.epoch() == before {
                break;
            }
            done += 1;
            self.look(trainer);
            if !go_on {
                break;
            }
        }
        done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::core::trainer::test_run as trainer;

    fn good(text: &str) -> Challenge {
        let (challenge, refused) = Challenge::parse(text);
        assert!(refused.is_empty(), "{text}: {refused:?}");
        challenge
    }

    #[test]
    fn a_challenge_reads_its_conditions_and_writes_its_canonical_text() {
        let c = good("test-loss<0.1;neurons<=6;epochs<=300");
        assert_eq!(
            c.conditions,
            [
                Condition {
                    metric: Metric::TestLoss,
                    op: Op::Lt,
                    bound: 0.1
                },
                Condition {
                    metric: Metric::Neurons,
                    op: Op::Le,
                    bound: 6.0
                },
                Condition {
                    metric: Metric::Epochs,
                    op: Op::Le,
                    bound: 300.0
                },
            ]
        );
        assert_eq!(c.text(), "test-loss<0.1;neurons<=6;epochs<=300");
        // Spaces, case, spelling of numbers and empty parts are not kept.
        let loose = good(" Test-Loss < 0.10 ; train-accuracy>=95.0;r2>0.9;features >= 3 ; ");
        assert_eq!(loose.text(), "test-loss<0.1;train-accuracy>=95;r2>0.9;features>=3");
        // Every metric and comparison goes round.
        for metric in Metric::ALL {
            for op in Op::ALL {
                let bound = if metric == Metric::R2 { "0.5" } else { "1" };
                let text = format!("{}{}{bound}", metric.name(), op.symbol());
                let c = good(&text);
                assert_eq!(c.text(), text);
                assert_eq!(Challenge::parse(&c.text()).0, c);
            }
        }
        assert!(good("").is_empty() && good(" ; ;").is_empty());
    }

    #[test]
    fn a_bad_part_is_refused_with_why_in_both_languages_and_the_rest_kept() {
        let (c, refused) = Challenge::parse(
            "foo<1;test-loss<0.1;neurons=3;test-accuracy>=abc;neurons<=2.5;test-accuracy>100;layers<0;epochs<=inf",
        );
        assert_eq!(c.text(), "test-loss<0.1");
        let parts: Vec<&str> = refused.iter().map(|r| r.part.as_str()).collect();
        assert_eq!(
            parts,
            [
                "foo<1",
                "neurons=3",
                "test-accuracy>=abc",
                "neurons<=2.5",
                "test-accuracy>100",
                "layers<0",
                "epochs<=inf"
            ]
        );
        let en: Vec<String> = refused.iter().map(|r| r.message(Lang::En)).collect();
        let zh: Vec<String> = refused.iter().map(|r| r.message(Lang::Zh)).collect();
        assert!(
            en[0].starts_with("challenge: `foo<1`: `foo` is not one of train-loss, test-loss"),
            "{}",
            en[0]
        );
        assert!(zh[0].starts_with("challenge：`foo<1`：`foo` 不是可选指标"), "{}", zh[0]);
        assert_eq!(
            en[1],
            "challenge: `neurons=3` has no comparison: write a measure, then <, <=, > or >=, then a number"
        );
        assert!(zh[1].contains("缺少比较符"), "{}", zh[1]);
        assert_eq!(en[2], "challenge: `test-accuracy>=abc`: `abc` is not a number");
        assert_eq!(zh[2], "challenge：`test-accuracy>=abc`：`abc` 不是数字");
        assert!(en[3].ends_with("a count is a whole number") && zh[3].ends_with("个数必须是整数"));
        for i in [4, 5] {
            assert!(
                en[i].ends_with("can never be met") && zh[i].ends_with("永远无法满足"),
                "{}",
                en[i]
            );
        }
        assert!(en[6].contains("`inf` is not a number"), "{}", en[6]);
        // Too many: the first eight are kept, the rest refused once.
        let (c, refused) = Challenge::parse(&["epochs<=5"; 12].join(";"));
        assert_eq!(c.conditions.len(), Challenge::MAX_CONDITIONS);
        assert_eq!(refused.len(), 1);
        assert!(refused[0].message(Lang::En).contains("at most 8 conditions"));
        assert!(refused[0].message(Lang::Zh).contains("最多有 8 个条件"));
    }

    #[test]
    fn the_messages_list_every_metric() {
        assert_eq!(NAMES, Metric::ALL.map(Metric::name).join(", "));
    }

    #[test]
    fn conditions_are_described_in_words() {
        let c = good("test-loss<0.1;neurons<=4;test-accuracy>=98;layers>1;epochs<=300");
        let en: Vec<String> = c.conditions.iter().map(|c| c.describe(Lang::En)).collect();
        let zh: Vec<String> = c.conditions.iter().map(|c| c.describe(Lang::Zh)).collect();
        assert_eq!(
            en,
            [
                "Test loss below 0.1",
                "Hidden neurons at most 4",
                "Test accuracy at least 98%",
                "Hidden layers above 1",
                "Epochs at most 300"
            ]
        );
        assert_eq!(
            zh,
            [
                "测试损失低于 0.1",
                "隐藏神经元个数不超过 4",
                "测试准确率不低于 98%",
                "隐藏层数高于 1",
                "训练轮数不超过 300"
            ]
        );
        for metric in Metric::ALL {
            assert!(!metric.label(Lang::En).contains('?') && !metric.label(Lang::Zh).contains('?'));
        }
    }

    #[test]
    fn the_epoch_cap_is_the_lowest_upper_bound_on_epochs() {
        assert_eq!(good("test-loss<0.1").epoch_cap(), None);
        assert_eq!(good("epochs<=300;epochs<=200;epochs>=10").epoch_cap(), Some(200));
        assert_eq!(good("epochs<10").epoch_cap(), Some(9));
        let mut t = trainer("dataset=xor&hidden=2&seed=1");
        let mut tracker = Tracker::new(good("epochs<=30;test-loss<0.0001"));
        assert_eq!(tracker.train(&mut t, 100, Trainer::train_epoch), 30);
        assert_eq!(t.epoch(), 30);
        assert_eq!(tracker.train(&mut t, 100, Trainer::train_epoch), 0, "paused at the cap");
        assert_eq!(tracker.states(), [true, false]);
        // `one` saying stop ends the run after that epoch.
        let mut t = trainer("dataset=xor&hidden=2&seed=1");
        assert_eq!(tracker.train(&mut t, 100, |t| t.train_epoch() && t.epoch() < 7), 7);
    }

    /// XOR with 4 tanh neurons: the test loss crosses 0.3 at some epoch E of a plain run;
    /// the tracker's conditions flip then, the goal is met at exactly E, and it stays met
    /// (states frozen) while training goes on, until forgotten.
    #[test]
    fn states_follow_the_thresholds_and_the_met_epoch_is_kept() {
        const RUN: &str = "dataset=xor&hidden=4&activation=tanh&lr=0.1&seed=1";
        let mut plain = trainer(RUN);
        let crossing = (1..=300)
            .find(|_| {
                assert!(plain.train_epoch());
                plain.evaluate().1.loss < 0.3
            })
            .expect("the test loss falls below 0.3");
        let mut t = trainer(RUN);
        let mut tracker = Tracker::new(good("test-loss<0.3;neurons<=4;epochs>=2"));
        tracker.look(&mut t);
        assert_eq!(tracker.states(), [false, true, false]);
        assert_eq!(tracker.train(&mut t, 1, Trainer::train_epoch), 1);
        assert_eq!(tracker.states(), [crossing == 1, true, false]);
        tracker.train(&mut t, crossing - 2, Trainer::train_epoch);
        assert_eq!(tracker.states(), [false, true, true], "one epoch before the crossing");
        assert_eq!(tracker.met_at(), None);
        tracker.train(&mut t, 1, Trainer::train_epoch);
        assert_eq!(tracker.met_at(), Some(crossing));
        assert_eq!(tracker.states(), [true, true, true]);
        // Kept while training goes on, whatever the loss does.
        tracker.train(&mut t, 50, Trainer::train_epoch);
        assert_eq!(tracker.met_at(), Some(crossing));
        // A reset (or a config change) is when the page forgets it.
        t.reset();
        tracker.forget();
        tracker.look(&mut t);
        assert_eq!((tracker.met_at(), tracker.states()), (None, &[false, true, false][..]));
    }

    /// The size conditions are checked against the network as it is when the rest holds:
    /// a big network that reaches the loss does not meet `neurons<=2`; once met, growing
    /// the network changes nothing until the page forgets (a config change).
    #[test]
    fn a_size_condition_is_checked_at_the_moment_the_goal_is_met() {
        let goal = good("test-loss<0.3;neurons<=2");
        let mut big = trainer("dataset=xor&hidden=8&activation=tanh&lr=0.1&seed=1");
        let mut tracker = Tracker::new(goal.clone());
        tracker.train(&mut big, 300, Trainer::train_epoch);
        assert_eq!(tracker.states(), [true, false]);
        assert_eq!(tracker.met_at(), None);
        // A network of two neurons meets it, at the epoch its loss holds.
        let mut small = trainer("dataset=xor&hidden=2&activation=tanh&lr=0.1&seed=1");
        let mut tracker = Tracker::new(goal);
        tracker.train(&mut small, 500, Trainer::train_epoch);
        let met = tracker.met_at().expect("two neurons reach a test loss of 0.3");
        assert!(small.add_neuron(0) && small.add_neuron(0));
        tracker.look(&mut small);
        assert_eq!((tracker.met_at(), tracker.states()), (Some(met), &[true, true][..]));
        tracker.forget();
        tracker.look(&mut small);
        assert_eq!(tracker.met_at(), None);
        assert!(!tracker.states()[1], "4 neurons now");
    }

    #[test]
    fn a_metric_the_run_does_not_have_is_never_met() {
        let mut t = trainer("dataset=plane&hidden=2&seed=1");
        let mut tracker = Tracker::new(good("test-accuracy>=0;r2<=1"));
        tracker.look(&mut t);
        assert_eq!(tracker.states(), [false, true]);
        let mut t = trainer("dataset=xor&hidden=2&seed=1");
        let mut tracker = Tracker::new(good("r2>=-1000;features<=2;layers<=1"));
        tracker.look(&mut t);
        assert_eq!(tracker.states(), [false, true, true]);
    }
}
