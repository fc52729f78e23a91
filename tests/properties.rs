//! Property tests of the engine: random configs and random sequences of live edits on a
//! `Trainer`, with the invariants checked after every edit, and a determinism replay.
//!
//! Case counts (all run by `cargo test --release`): valid configs 4 000, config edit
//! sequences 3 000, trainer edit sequences 8 000 (each of 1–12 edits, every one replayed
//! for determinism) — 15 000 cases.

use proptest::prelude::*;

use nnlab::core::activation::Activation;
use nnlab::core::choice::Choice;
use nnlab::core::config::{Config, KEYS};
use nnlab::core::data_csv::{parse_csv, write_csv, Split};
use nnlab::core::dataset::Dataset;
use nnlab::core::early_stop::EarlyStopping;
use nnlab::core::feature::{Feature, Normalize};
use nnlab::core::init::Init;
use nnlab::core::layer::norm::NormKind;
use nnlab::core::loss::Loss;
use nnlab::core::model::Model;
use nnlab::core::optimizer::Optimizer;
use nnlab::core::regularization::Regularization;
use nnlab::core::trainer::{Health, Trainer};
use nnlab::core::{Lang, Sample};

fn choice<T: Choice + std::fmt::Debug>() -> impl Strategy<Value = T> {
    proptest::sample::select(T::ALL)
}

fn features() -> impl Strategy<Value = Vec<Feature>> {
    proptest::sample::subsequence(Feature::ALL, 1..=Feature::ALL.len()).prop_shuffle()
}

fn hidden() -> impl Strategy<Value = Vec<usize>> {
    proptest::collection::vec(1usize..=8, 0..=3)
}

/// A valid config as (key, value) pairs, every key given, the loss valid for the problem.
fn config_pairs() -> impl Strategy<Value = Vec<(&'static str, String)>> {
    (
        (
            choice::<Dataset>(),
            10usize..=200,
            0.0f64..=50.0,
            10.0f64..=90.0,
            0u64..=4_294_967_295,
            features(),
            choice::<Normalize>(),
            hidden(),
        ),
        (
            choice::<Activation>(),
            any::<proptest::sample::Index>(),
            choice::<Optimizer>(),
            prop_oneof![1e-6f64..=10.0, 1e-4f64..=0.5],
            1usize..=300,
            choice::<Regularization>(),
            0.0f64..=1.0,
            choice::<Init>(),
        ),
        (
            prop_oneof![Just(0.0f64), 0.0f64..=1000.0, 0.01f64..=5.0],
            proptest::collection::vec(choice::<Activation>(), 0..=3),
            choice::<NormKind>(),
            proptest::collection::vec(choice::<NormKind>(), 0..=3),
            prop_oneof![Just(0.0f64), 0.0f64..=0.9],
            proptest::collection::vec(prop_oneof![Just(0.0f64), 0.0f64..=0.9], 0..=3),
            prop_oneof![Just(0.0f64), 0.0f64..=40.0],
        ),
    )
        .prop_map(
            |(
                (dataset, points, noise, ratio, seed, features, normalize, hidden_layers),
                (act, loss_i, opt, lr, batch, reg, rate, init),
                (clip, activations, norm, norms, dropout, dropouts, val_ratio),
            )| {
                let losses: Vec<Loss> = Loss::ALL
                    .iter()
                    .copied()
                    .filter(|l| l.supports(dataset.problem()))
                    .collect();
                let loss = *loss_i.get(&losses);
                let names: Vec<&str> = features.iter().map(|f| f.name()).collect();
                let hidden: Vec<String> = hidden_layers.iter().map(usize::to_string).collect();
                let mut pairs = vec![
                    ("dataset", dataset.name().to_string()),
                    ("points", points.to_string()),
                    ("noise", noise.to_string()),
                    ("train-ratio", ratio.to_string()),
                    ("val-ratio", val_ratio.to_string()),
                    ("seed", seed.to_string()),
                    ("features", names.join(",")),
                    ("normalize", normalize.name().to_string()),
                    ("hidden", hidden.join(",")),
                    ("activation", act.name().to_string()),
                    ("loss", loss.name().to_string()),
                    ("optimizer", opt.name().to_string()),
                    ("lr", lr.to_string()),
                    // Batch normalisation needs two points per batch.
                    (
                        "batch",
                        batch
                            .max(if norm == NormKind::Batch || !norms.is_empty() {
                                2
                            } else {
                                1
                            })
                            .to_string(),
                    ),
                    ("reg", reg.name().to_string()),
                    ("reg-rate", rate.to_string()),
                    ("init", init.name().to_string()),
                    ("clip", clip.to_string()),
                    ("norm", norm.name().to_string()),
                    ("dropout", dropout.to_string()),
                ];
                // Per-layer overrides, one per hidden layer, when drawn that long.
                if activations.len() == hidden_layers.len() && !activations.is_empty() {
                    let names: Vec<&str> = activations.iter().map(|a| a.name()).collect();
                    pairs.push(("activations", names.join(",")));
                }
                if norms.len() == hidden_layers.len() && !norms.is_empty() {
                    let names: Vec<&str> = norms.iter().map(|n| n.name()).collect();
                    pairs.push(("norms", names.join(",")));
                }
                if dropouts.len() == hidden_layers.len() && !dropouts.is_empty() {
                    let rates: Vec<String> = dropouts.iter().map(f64::to_string).collect();
                    pairs.push(("dropouts", rates.join(",")));
                }
                pairs
            },
        )
}

fn query_of(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn build_config(pairs: &[(&'static str, String)]) -> Config {
    let (config, errors) = Config::from_query(&query_of(pairs));
    assert!(errors.is_empty(), "{errors:?}");
    config
}

/// `to_query` reads back to an equal config with no complaint.
fn assert_query_round_trip(config: &Config) {
    let (back, errors) = Config::from_query(&config.to_query());
    assert!(errors.is_empty(), "{}: {errors:?}", config.to_query());
    assert_eq!(&back, config, "{}", config.to_query());
}

/// One live edit, as the page or a lesson would make it.
#[derive(Clone, Debug)]
enum Edit {
    AddNeuron(usize),
    RemoveNeuron(usize),
    AddLayer,
    RemoveLayer,
    Set(&'static str, String),
    LayerActivation(usize, Activation),
    LayerNorm(usize, NormKind),
    Parameter(usize, usize, Option<usize>, f32),
    /// A point at (x, y) with a label drawn from the float, into split 0 train, 1 val, 2 test.
    AddPoint(f32, f32, f32, u8),
    RemoveNear(f32, f32, f32),
    /// Samples with labels from a class count (0 = regression), with or without a split column.
    Import(Vec<(f32, f32, f32)>, usize, bool),
    LoadOwnModel,
    Reset,
    Train(u64),
    /// Up to this many epochs under the patience rule (patience, restore the best weights).
    Patience(u64, u64, bool),
}

fn set_edit() -> impl Strategy<Value = Edit> {
    let names = |all: &'static [&'static str]| proptest::sample::select(all).prop_map(str::to_string);
    fn names_of<T: Choice>() -> Vec<String> {
        T::ALL.iter().map(|v| v.name().to_string()).collect()
    }
    prop_oneof![
        proptest::sample::select(names_of::<Dataset>()).prop_map(|v| Edit::Set("dataset", v)),
        proptest::sample::select(names_of::<Activation>()).prop_map(|v| Edit::Set("activation", v)),
        proptest::sample::select(names_of::<Loss>()).prop_map(|v| Edit::Set("loss", v)),
        proptest::sample::select(names_of::<Optimizer>()).prop_map(|v| Edit::Set("optimizer", v)),
        proptest::sample::select(names_of::<Regularization>()).prop_map(|v| Edit::Set("reg", v)),
        proptest::sample::select(names_of::<Normalize>()).prop_map(|v| Edit::Set("normalize", v)),
        proptest::sample::select(names_of::<Init>()).prop_map(|v| Edit::Set("init", v)),
        features().prop_map(|f| Edit::Set("features", f.iter().map(|f| f.name()).collect::<Vec<_>>().join(","))),
        hidden().prop_map(|h| Edit::Set("hidden", h.iter().map(usize::to_string).collect::<Vec<_>>().join(","))),
        prop_oneof![1e-6f64..=10.0, 1e-3f64..=0.3].prop_map(|v| Edit::Set("lr", v.to_string())),
        (1usize..=300).prop_map(|v| Edit::Set("batch", v.to_string())),
        (0.0f64..=1.0).prop_map(|v| Edit::Set("reg-rate", v.to_string())),
        prop_oneof![Just(0.0f64), 0.0f64..=1000.0, 0.01f64..=5.0].prop_map(|v| Edit::Set("clip", v.to_string())),
        proptest::collection::vec(choice::<Activation>(), 0..=3)
            .prop_map(|a| Edit::Set("activations", a.iter().map(|a| a.name()).collect::<Vec<_>>().join(","))),
        proptest::sample::select(names_of::<NormKind>()).prop_map(|v| Edit::Set("norm", v)),
        proptest::collection::vec(choice::<NormKind>(), 0..=3)
            .prop_map(|n| Edit::Set("norms", n.iter().map(|n| n.name()).collect::<Vec<_>>().join(","))),
        prop_oneof![Just(0.0f64), 0.0f64..=0.9].prop_map(|v| Edit::Set("dropout", v.to_string())),
        proptest::collection::vec(0.0f64..=0.9, 0..=3)
            .prop_map(|d| Edit::Set("dropouts", d.iter().map(f64::to_string).collect::<Vec<_>>().join(","))),
        (10usize..=200).prop_map(|v| Edit::Set("points", v.to_string())),
        (0.0f64..=50.0).prop_map(|v| Edit::Set("noise", v.to_string())),
        (10.0f64..=90.0).prop_map(|v| Edit::Set("train-ratio", v.to_string())),
        prop_oneof![Just(0.0f64), 0.0f64..=40.0].prop_map(|v| Edit::Set("val-ratio", v.to_string())),
        (0u64..1000).prop_map(|v| Edit::Set("seed", v.to_string())),
        // Refused values: nothing may change.
        (
            proptest::sample::select(KEYS.clone()),
            names(&["", "nan", "-1", "1e400", "abc", "9999999", "x,x", "0"])
        )
            .prop_map(|(k, v)| Edit::Set(k, v)),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    let coord = -8.0f32..8.0;
    prop_oneof![
        1 => (0usize..4).prop_map(Edit::AddNeuron),
        1 => (0usize..4).prop_map(Edit::RemoveNeuron),
        1 => Just(Edit::AddLayer),
        1 => Just(Edit::RemoveLayer),
        4 => set_edit(),
        1 => ((0usize..4), choice::<Activation>()).prop_map(|(l, a)| Edit::LayerActivation(l, a)),
        1 => ((0usize..4), choice::<NormKind>()).prop_map(|(l, n)| Edit::LayerNorm(l, n)),
        1 => (
            0usize..5,
            0usize..20,
            proptest::option::of(0usize..12),
            prop_oneof![-5.0f32..5.0, -1e6f32..1e6, Just(f32::NAN), Just(f32::INFINITY)]
        )
            .prop_map(|(l, r, c, v)| Edit::Parameter(l, r, c, v)),
        1 => (coord.clone(), coord.clone(), 0u8..3, 0u8..3)
            .prop_map(|(x, y, l, split)| Edit::AddPoint(x, y, l as f32, split)),
        1 => (coord.clone(), coord.clone(), 0.0f32..3.0).prop_map(|(x, y, r)| Edit::RemoveNear(x, y, r)),
        1 => (
            proptest::collection::vec((coord.clone(), coord, 0.0f32..1.0), 0..40),
            prop_oneof![Just(0usize), Just(2), Just(3), Just(5)],
            any::<bool>()
        )
            .prop_map(|(points, classes, split)| Edit::Import(points, classes, split)),
        1 => Just(Edit::LoadOwnModel),
        1 => Just(Edit::Reset),
        1 => (1u64..=3).prop_map(Edit::Train),
        1 => (1u64..=6, 1u64..=3, any::<bool>()).prop_map(|(n, p, r)| Edit::Patience(n, p, r)),
    ]
}

fn apply(trainer: &mut Trainer, edit: &Edit) {
    match edit {
        Edit::AddNeuron(l) => {
            trainer.add_neuron(*l);
        }
        Edit::RemoveNeuron(l) => {
            trainer.remove_neuron(*l);
        }
        Edit::AddLayer => {
            trainer.add_layer();
        }
        Edit::RemoveLayer => {
            trainer.remove_layer();
        }
        Edit::Set(key, value) => {
            let before = trainer.model().to_json();
            let config = trainer.config().clone();
            if let Err(e) = trainer.set(key, value) {
                assert!(!e.message(Lang::En).is_empty() && !e.message(Lang::Zh).is_empty());
                assert_eq!(trainer.config(), &config, "a refused {key}={value} changed the config");
                assert_eq!(
                    trainer.model().to_json(),
                    before,
                    "a refused {key}={value} changed the model"
                );
            }
        }
        Edit::LayerActivation(l, a) => {
            trainer.set_layer_activation(*l, *a);
        }
        Edit::LayerNorm(l, n) => {
            let before = trainer.model().to_json();
            if trainer.set_layer_norm(*l, *n).is_err() {
                assert_eq!(trainer.model().to_json(), before, "a refused norm changed the model");
            }
        }
        Edit::Parameter(l, r, c, v) => {
            let ok = trainer.set_parameter(*l, *r, *c, *v);
            assert!(!ok || v.is_finite());
        }
        Edit::AddPoint(x, y, label, split) => {
            let classes = trainer.problem().classes();
            let label = if classes == 0 {
                x / 8.0
            } else {
                (*label as usize % classes) as f32
            };
            let split = [Split::Train, Split::Val, Split::Test][usize::from(*split % 3)];
            assert!(trainer.add_point(Sample { x: *x, y: *y, label }, split));
        }
        Edit::RemoveNear(x, y, r) => {
            trainer.remove_point_near(*x, *y, *r);
        }
        Edit::Import(points, classes, with_split) => {
            let mut text = String::from(if *with_split {
                "x,y,label,split\n"
            } else {
                "x,y,label\n"
            });
            for (i, (x, y, u)) in points.iter().enumerate() {
                let label = if *classes == 0 {
                    format!("{}", u - 0.37)
                } else {
                    ((u * *classes as f32) as usize).min(classes - 1).to_string()
                };
                text.push_str(&format!("{x},{y},{label}"));
                if *with_split {
                    text.push_str(match i % 5 {
                        0 => ",test",
                        3 => ",val",
                        _ => ",train",
                    });
                }
                text.push('\n');
            }
            match parse_csv(&text, None) {
                Ok(csv) => trainer.import_points(csv),
                Err(e) => assert!(!e.message(nnlab::core::Lang::Zh).is_empty()),
            }
        }
        Edit::LoadOwnModel => {
            let json = trainer.model().to_json();
            let model = Model::from_json(&json).expect("an own model reads back");
            assert_eq!(model.to_json(), json);
            trainer.load_model(model).expect("an own model loads");
            assert_eq!(trainer.model().to_json(), json);
        }
        Edit::Reset => trainer.reset(),
        Edit::Train(n) => {
            trainer.train_epochs(*n);
        }
        Edit::Patience(n, patience, restore) => {
            let mut stopping = EarlyStopping::new(Some(*patience), *restore);
            let start = trainer.epoch();
            let (done, stopped) = stopping.train(trainer, *n);
            assert!(done <= *n);
            if let Some(s) = stopped {
                assert_eq!(s.epoch, start + done);
                assert_eq!(s.epoch - s.best_epoch, *patience);
                assert_eq!(s.restored, *restore);
                if s.restored {
                    assert_eq!(trainer.watched_loss().0, s.best_loss);
                }
            }
        }
    }
}

fn diverged(trainer: &Trainer) -> bool {
    matches!(trainer.health(), Health::Diverged { .. })
}

fn check_invariants(trainer: &mut Trainer, context: &str) {
    let config = trainer.config().clone();
    let network = trainer.network();
    let problem = trainer.problem();
    assert_eq!(network.problem, problem, "{context}");
    assert_eq!(network.layers.len(), config.hidden.len() + 1, "{context}");
    assert_eq!(network.hidden_widths(), config.hidden, "{context}");
    let mut fan_in = config.features.len();
    for (l, layer) in network.layers.iter().enumerate() {
        let w = &layer.weights.value;
        assert_eq!(w.ncols(), fan_in, "{context}: layer {l} fan-in");
        assert_eq!(
            w.nrows(),
            layer.neurons() * layer.activation.pieces(),
            "{context}: layer {l}"
        );
        assert_eq!(layer.biases.value.nrows(), w.nrows(), "{context}: layer {l} biases");
        if l < config.hidden.len() {
            assert_eq!(layer.neurons(), config.hidden[l], "{context}: layer {l} width");
            assert_eq!(
                layer.activation,
                config.layer_activation(l),
                "{context}: layer {l} activation"
            );
        }
        fan_in = layer.neurons();
    }
    assert_eq!(network.layers.last().unwrap().neurons(), problem.outputs(), "{context}");
    let finite = network.layers.iter().all(|l| l.is_finite());
    assert!(finite || diverged(trainer), "{context}: non-finite parameters");
    assert!(
        config.loss.supports(problem),
        "{context}: loss {:?} for {problem:?}",
        config.loss
    );
    let (train, test) = trainer.evaluate();
    let val = trainer.validation();
    let data = trainer.data();
    assert_eq!(val.is_some(), !data.val.is_empty(), "{context}");
    let ok = |loss: f32, n: usize| loss.is_finite() || n == 0;
    let val_ok = val.is_none_or(|v| ok(v.loss, data.val.len()));
    assert!(
        (ok(train.loss, data.train.len()) && ok(test.loss, data.test.len()) && val_ok) || diverged(trainer),
        "{context}: losses {} / {} / {val:?}",
        train.loss,
        test.loss
    );
    if !data.custom {
        assert_eq!(data, &nnlab::core::trainer::generate_data(&config), "{context}");
        if config.val_ratio == 0.0 {
            assert!(data.val.is_empty(), "{context}");
        }
    }
    if config.check_loss().is_ok() {
        assert_query_round_trip(&config);
    } else {
        // Imported points of another problem than the config's data set: the URL cannot
        // describe them, and reading it back replaces the loss (and says so).
        assert!(trainer.data().custom, "{context}");
        let (back, errors) = Config::from_query(&config.to_query());
        assert!(errors.len() == 1 && errors[0].key == "loss", "{context}: {errors:?}");
        assert_eq!(
            back,
            Config {
                loss: Loss::default_for(config.problem()),
                ..config
            },
            "{context}"
        );
    }
}

fn run(pairs: &[(&'static str, String)], edits: &[Edit]) -> Trainer {
    let mut trainer = Trainer::new(build_config(pairs)).expect("a valid config starts");
    check_invariants(&mut trainer, "new");
    for (i, edit) in edits.iter().enumerate() {
        apply(&mut trainer, edit);
        check_invariants(&mut trainer, &format!("after edit {i} {edit:?}"));
    }
    trainer
}

/// `n` cases, no failure file (a failing case is printed in the panic message instead).
fn cases(n: u32) -> ProptestConfig {
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::with_cases(n)
    }
}

proptest! {
    #![proptest_config(cases(4000))]

    #[test]
    fn every_valid_config_loads_and_round_trips(pairs in config_pairs()) {
        let config = build_config(&pairs);
        for (key, value) in &pairs {
            let mut strict = Config::default();
            strict.set(key, value).unwrap();
        }
        assert_eq!(Config::from_pairs(pairs.iter().map(|(k, v)| (*k, v.clone()))), Ok(config.clone()));
        assert_query_round_trip(&config);
        assert_eq!(Config::from_json(&config.to_json()), Ok(config.clone()));
    }
}

proptest! {
    #![proptest_config(cases(3000))]

    #[test]
    fn config_set_keeps_config_valid(pairs in config_pairs(), edits in proptest::collection::vec(set_edit(), 1..12)) {
        let mut config = build_config(&pairs);
        for edit in &edits {
            let Edit::Set(key, value) = edit else { unreachable!() };
            let before = config.clone();
            if let Err(e) = config.set(key, value) {
                assert!(!e.message(Lang::En).is_empty() && !e.message(Lang::Zh).is_empty());
                assert_eq!(config, before);
            }
            // A loss that no longer suits is reported, never silently kept by from_query.
            let (back, errors) = Config::from_query(&config.to_query());
            match config.check_loss() {
                Ok(()) => {
                    assert!(errors.is_empty(), "{errors:?}");
                    assert_eq!(back, config);
                }
                // A loss that does not suit, or a batch of 1 with batch normalisation.
                Err(refused) => assert!(errors.iter().any(|e| e.key == refused.key), "{errors:?}"),
            }
        }
    }
}

proptest! {
    #![proptest_config(cases(8000))]

    #[test]
    fn live_edits_keep_the_trainer_consistent_and_deterministic(
        pairs in config_pairs(),
        edits in proptest::collection::vec(edit(), 1..=12),
    ) {
        let first = run(&pairs, &edits);
        let second = run(&pairs, &edits);
        assert_eq!(first.model().to_json(), second.model().to_json());
        assert_eq!(first.epoch(), second.epoch());
        assert_eq!(first.config(), second.config());
        assert_eq!(first.data(), second.data());
        assert_eq!(first.health(), second.health());
    }
}

/// A model written by `write_csv` of the trainer's data reads back as the same points.
#[test]
fn own_data_round_trips_through_csv() {
    let trainer = Trainer::new(build_config(&[
        ("dataset", "spiral".to_string()),
        ("points", "60".to_string()),
    ]))
    .unwrap();
    let data = trainer.data();
    let text = write_csv(&data.train, &data.val, &data.test);
    let csv = parse_csv(&text, Some(trainer.problem())).unwrap();
    assert_eq!(csv.samples.len(), data.train.len() + data.test.len());
    // With a validation split, the file keeps all three apart and imports them as they were.
    let mut with_val = Trainer::new(build_config(&[
        ("dataset", "spiral".to_string()),
        ("points", "60".to_string()),
        ("val-ratio", "25".to_string()),
    ]))
    .unwrap();
    let data = with_val.data().clone();
    assert_eq!((data.train.len(), data.val.len(), data.test.len()), (22, 15, 23));
    let csv = parse_csv(&write_csv(&data.train, &data.val, &data.test), Some(with_val.problem())).unwrap();
    with_val.import_points(csv);
    assert_eq!((&with_val.data().train, &with_val.data().val), (&data.train, &data.val));
    assert_eq!(with_val.data().test, data.test);
}

proptest! {
    #![proptest_config(cases(1000))]

    /// Validation takes its points from the training and test splits of the same config
    /// without it: the three are disjoint, together they are every point, and val-ratio 0
    /// is exactly the data of a config that does not name the key.
    #[test]
    fn the_validation_split_is_disjoint_and_zero_changes_nothing(pairs in config_pairs(), val in 0.0f64..=40.0) {
        let mut config = build_config(&pairs);
        config.val_ratio = 0.0;
        let plain = nnlab::core::trainer::generate_data(&config);
        let without: Vec<_> = pairs.iter().filter(|(k, _)| *k != "val-ratio").cloned().collect();
        assert_eq!(nnlab::core::trainer::generate_data(&build_config(&without)), plain.clone());
        config.val_ratio = val as f32;
        let split = nnlab::core::trainer::generate_data(&config);
        let key = |s: &Sample| (s.x.to_bits(), s.y.to_bits(), s.label.to_bits());
        let mut all: Vec<_> = split.train.iter().chain(&split.val).chain(&split.test).map(key).collect();
        let mut every: Vec<_> = plain.train.iter().chain(&plain.test).map(key).collect();
        all.sort_unstable();
        every.sort_unstable();
        assert_eq!(all, every);
        assert!(plain.train.starts_with(&split.train) && plain.test.starts_with(&split.test));
        assert!(!split.train.is_empty() && !split.test.is_empty());
    }
}

/// Regression (found by the edit property): an epoch whose last update left finite but huge
/// weights ended with `Health::Ok` while every loss evaluated to NaN. Evaluating such a
/// network now marks the run diverged.
#[test]
fn finite_weights_with_overflowing_outputs_are_diverged() {
    let q = "dataset=gaussian&points=10&noise=22.614342738077823&train-ratio=36.64942715018704&seed=23119\
             &features=siny,sinx&normalize=none&hidden=3,3,3&activation=leaky-relu&loss=bce&optimizer=sgd\
             &lr=5.632449971964012&batch=4&reg=l1&reg-rate=0.4584186734450594&init=small";
    let mut t = Trainer::new(build_config_query(q)).unwrap();
    for _ in 0..6 {
        t.train_epochs(1);
        let (train, test) = t.evaluate();
        assert!(
            (train.loss.is_finite() && test.loss.is_finite()) || diverged(&t),
            "{:?}",
            t.health()
        );
    }
    assert!(diverged(&t));
}

fn build_config_query(q: &str) -> Config {
    let (config, errors) = Config::from_query(q);
    assert!(errors.is_empty(), "{errors:?}");
    config
}

/// Regression (found by the edit property): loading a model kept the config's per-layer
/// activation overrides of the old network, so the config named other activations than the
/// loaded layers had.
#[test]
fn load_model_takes_per_layer_activations_from_the_model() {
    let mut t = Trainer::new(build_config_query("dataset=gaussian&hidden=&activation=sigmoid")).unwrap();
    assert!(t.add_layer());
    assert!(t.set_layer_activation(0, Activation::Tanh));
    t.set("hidden", "1,1").unwrap();
    let model = t.model();
    t.load_model(model).unwrap();
    assert_eq!(
        t.config().hidden_activations(),
        vec![Activation::Tanh, Activation::Sigmoid]
    );
}
