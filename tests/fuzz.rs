//! Fuzz-style tests of every parser, natively and seeded (the same inputs on every run):
//! URL queries, config JSON, model JSON and CSV get thousands of random and mutated inputs
//! each. None may panic, every refusal must say why (in both languages where the error can),
//! and whatever is accepted must be usable. Case counts: queries 20 000, `Config::set` 20 000,
//! config JSON 12 000, model JSON 12 000, CSV 18 000 — 82 000 inputs, about 3 s in release.

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use serde_json::{json, Value};

use nnlab::core::choice::Choice;
use nnlab::core::config::{query_pairs, CompareKeys, Config, KEYS};
use nnlab::core::data_csv::{parse_csv, CsvProblem, Split, MAX_ROWS};
use nnlab::core::dataset::Dataset;
use nnlab::core::model::Model;
use nnlab::core::trainer::Trainer;
use nnlab::core::{Lang, Problem};

fn rng(seed: u64) -> Pcg64Mcg {
    Pcg64Mcg::seed_from_u64(seed)
}

const WORDS: &[&str] = &[
    "",
    " ",
    "xor",
    "spiral",
    "circle",
    "plane",
    "gaussian",
    "tanh",
    "relu",
    "maxout",
    "mse",
    "bce",
    "ce",
    "hinge",
    "sgd",
    "adam",
    "l1",
    "l2",
    "none",
    "he",
    "xavier",
    "x,y",
    "x,x",
    "x2,y2,xy",
    "4,2",
    "8,8,8,8,8,8,8,8,8",
    "0",
    "-1",
    "1",
    "0.5",
    "10",
    "11",
    "1e309",
    "-1e309",
    "NaN",
    "inf",
    "-0",
    "1e-7",
    "2000",
    "2001",
    "4294967296",
    "4,,2",
    ",",
    "33",
    "1.5",
    "tanh,relu",
    "tanh,,bogus",
    "%",
    "%zz",
    "%41",
    "%E4%BD%A0",
    "%FF%FE",
    "+",
    "==",
    "你好",
    "🙂",
    "\u{0}",
    "\u{feff}x",
    "a=b=c",
];

fn random_text<R: Rng>(r: &mut R, max: usize) -> String {
    let len = r.random_range(0..=max);
    (0..len)
        .map(|_| match r.random_range(0..6) {
            0 => char::from(r.random_range(0x20u8..0x7f)),
            1 => ['&', '=', '%', '+', '?', ',', '#'][r.random_range(0..7)],
            2 => char::from_u32(r.random_range(0x80..0x3000)).unwrap_or('?'),
            3 => char::from_digit(r.random_range(0..16), 16).unwrap(),
            4 => ['.', '-', 'e', 'E'][r.random_range(0..4)],
            _ => char::from(r.random_range(b'a'..=b'z')),
        })
        .collect()
}

fn random_value<R: Rng>(r: &mut R) -> String {
    match r.random_range(0..10) {
        0..=4 => WORDS.choose(r).unwrap().to_string(),
        5 => "9".repeat(r.random_range(1..400)),
        6 => "x".repeat(10_000),
        7 => format!("{}", r.random::<f64>() * 10f64.powi(r.random_range(-10..12))),
        _ => random_text(r, 30),
    }
}

fn random_query<R: Rng>(r: &mut R) -> String {
    let mut parts = Vec::new();
    for _ in 0..r.random_range(0..12) {
        let key = match r.random_range(0..6) {
            0 => random_text(r, 8),
            1 => "compare".to_string(),
            _ => KEYS.choose(r).unwrap().to_string(),
        };
        let value = random_value(r);
        parts.push(match r.random_range(0..8) {
            0 => key,
            1 => format!("{key}={value}={value}"),
            _ => format!("{key}={value}"),
        });
    }
    let mut q = parts.join(if r.random_bool(0.9) { "&" } else { "&&" });
    if r.random_bool(0.3) {
        q.insert(0, '?');
    }
    q
}

fn assert_message(e: &nnlab::core::config::ConfigError) {
    assert!(!e.message(Lang::En).trim().is_empty(), "{e:?}");
    assert!(!e.message(Lang::Zh).trim().is_empty(), "{e:?}");
    assert!(!e.to_string().trim().is_empty(), "{e:?}");
}

/// An accepted config is valid and its URL reads back unchanged.
fn assert_usable(config: &Config) {
    assert!(config.check_loss().is_ok(), "{config:?}");
    let (back, errors) = Config::from_query(&config.to_query());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(&back, config);
}

#[test]
fn fuzz_url_queries() {
    let mut r = rng(1);
    for _ in 0..20_000 {
        let q = random_query(&mut r);
        let (config, errors) = Config::from_query(&q);
        errors.iter().for_each(assert_message);
        assert_usable(&config);
        query_pairs(&q);
        let (_, errors) = CompareKeys::parse_lenient(&q);
        errors.iter().for_each(assert_message);
        if let Ok(b) = config.with_compare(&q) {
            assert!(b.check_loss().is_ok());
        }
    }
}

#[test]
fn fuzz_config_set() {
    let mut r = rng(2);
    let mut config = Config::default();
    for _ in 0..20_000 {
        let key = if r.random_bool(0.9) {
            KEYS.choose(&mut r).unwrap().to_string()
        } else {
            random_text(&mut r, 6)
        };
        let value = random_value(&mut r);
        let before = config.clone();
        match config.set(&key, &value) {
            Ok(()) => {}
            Err(e) => {
                assert_message(&e);
                assert_eq!(config, before, "a refused {key}={value:?} changed the config");
            }
        }
        let mut lenient = before.clone();
        if let Some(e) = lenient.set_lenient(&key, &value) {
            assert_message(&e);
        }
        if config.check_loss().is_err() {
            config.loss = nnlab::core::loss::Loss::default_for(config.problem());
        }
        assert_usable(&config);
    }
}

fn random_json<R: Rng>(r: &mut R, depth: u32) -> Value {
    match r.random_range(0..if depth > 2 { 6 } else { 8 }) {
        0 => Value::Null,
        1 => Value::Bool(r.random()),
        2 => json!(r.random_range(-5i64..3000)),
        3 => json!(r.random::<f64>() * 10f64.powi(r.random_range(-8..12))),
        4 | 5 => Value::String(random_value(r)),
        6 => Value::Array((0..r.random_range(0..4)).map(|_| random_json(r, depth + 1)).collect()),
        _ => Value::Object(
            (0..r.random_range(0..3))
                .map(|_| (random_text(r, 5), random_json(r, depth + 1)))
                .collect(),
        ),
    }
}

/// Mutates text: truncates it, drops or inserts a byte-ish character, or swaps a number.
fn mutate_text<R: Rng>(r: &mut R, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..r.random_range(1..4) {
        if chars.is_empty() {
            break;
        }
        let at = r.random_range(0..chars.len());
        match r.random_range(0..5) {
            0 => chars.truncate(at),
            1 => {
                chars.remove(at);
            }
            2 => chars.insert(
                at,
                ['"', ',', '{', '}', '[', ']', ':', '-', '0', 'e', '\u{fffd}'][r.random_range(0..11)],
            ),
            3 => {
                let word = [
                    "NaN", "1e309", "-1e309", "1e39", "\"x\"", "null", "[]", "{}", "-0", "1e-50",
                ]
                .choose(r)
                .unwrap();
                let end = (at + r.random_range(1..6)).min(chars.len());
                chars.splice(at..end, word.chars());
            }
            _ => chars[at] = char::from(r.random_range(0x20u8..0x7f)),
        }
    }
    chars.into_iter().collect()
}

#[test]
fn fuzz_config_json() {
    let mut r = rng(3);
    let valid = Config::from_query("dataset=spiral&hidden=8,4&activations=relu,tanh&loss=hinge").0;
    for i in 0..12_000 {
        let text = match i % 3 {
            0 => {
                let mut value = valid.to_json_value();
                let map = value.as_object_mut().unwrap();
                for _ in 0..r.random_range(1..4) {
                    let key = if r.random_bool(0.8) {
                        KEYS.choose(&mut r).unwrap().to_string()
                    } else {
                        random_text(&mut r, 6)
                    };
                    if r.random_bool(0.2) {
                        map.remove(&key);
                    } else {
                        map.insert(key, random_json(&mut r, 0));
                    }
                }
                value.to_string()
            }
            1 => mutate_text(&mut r, &valid.to_json()),
            _ => random_json(&mut r, 0).to_string(),
        };
        match Config::from_json(&text) {
            Ok(config) => assert_usable(&config),
            Err(e) => assert_message(&e),
        }
    }
}

/// Models of several shapes and problems, with the trainers they came from.
fn trainers() -> Vec<Trainer> {
    [
        "dataset=xor&hidden=4,2&activation=tanh",
        "dataset=spiral&hidden=3&activation=maxout&features=x,y,xy",
        "dataset=plane&hidden=&features=x",
        "dataset=gaussian&hidden=2,2,2&activations=relu,sigmoid,maxout",
        "dataset=circle&hidden=3,2,2&norm=batch&norms=batch,layer,none&dropout=0.2&activations=tanh,maxout,relu",
    ]
    .iter()
    .map(|q| {
        let (config, errors) = Config::from_query(&format!("{q}&points=40"));
        assert!(errors.is_empty(), "{errors:?}");
        let mut t = Trainer::new(config).unwrap();
        t.train_epochs(2);
        t
    })
    .collect()
}

fn mutate_model<R: Rng>(r: &mut R, json: &str) -> String {
    let mut value: Value = serde_json::from_str(json).unwrap();
    for _ in 0..r.random_range(1..4) {
        // Walk to a random node and change it.
        let mut pointer = String::new();
        let mut at = &value;
        for _ in 0..r.random_range(0..6) {
            let next = match at {
                Value::Object(map) if !map.is_empty() => {
                    let (key, next) = map.iter().nth(r.random_range(0..map.len())).unwrap();
                    pointer.push_str(&format!("/{key}"));
                    next
                }
                Value::Array(items) if !items.is_empty() => {
                    let i = r.random_range(0..items.len());
                    pointer.push_str(&format!("/{i}"));
                    &items[i]
                }
                _ => break,
            };
            at = next;
        }
        let node = value.pointer_mut(&pointer).unwrap();
        match (r.random_range(0..8), &mut *node) {
            (0, Value::Object(map)) if !map.is_empty() => {
                let key = map.keys().nth(r.random_range(0..map.len())).unwrap().clone();
                map.remove(&key);
            }
            (1, Value::Array(items)) if !items.is_empty() => {
                items.pop();
            }
            (2, Value::Array(items)) if !items.is_empty() => {
                let copy = items[0].clone();
                items.push(copy);
            }
            (3, Value::Array(items)) => {
                let fill = items.first().cloned().unwrap_or(json!(0.5));
                items.extend(std::iter::repeat_n(fill, r.random_range(100..3000)));
            }
            (4, _) => *node = json!("tanh"),
            (5, _) => *node = json!(r.random_range(-3i64..40)),
            _ => *node = random_json(r, 1),
        }
    }
    let mut text = value.to_string();
    if r.random_bool(0.3) {
        text = mutate_text(r, &text);
    }
    if r.random_bool(0.05) {
        text = text
            .replacen("\"nnlab-model\"", "\"nnlab-modle\"", 1)
            .replacen("\"version\":2", "\"version\":3", 1);
    }
    text
}

#[test]
fn fuzz_model_json() {
    let mut r = rng(4);
    let trainers = trainers();
    let originals: Vec<String> = trainers.iter().map(|t| t.model().to_json()).collect();
    let mut accepted = 0;
    for i in 0..12_000 {
        let text = match i % 10 {
            0 => {
                let i = r.random_range(0..originals.len());
                mutate_text(&mut r, &originals[i])
            }
            1 => random_json(&mut r, 0).to_string(),
            _ => {
                let i = r.random_range(0..originals.len());
                mutate_model(&mut r, &originals[i])
            }
        };
        match Model::from_json(&text) {
            Err(e) => {
                assert!(!e.path.is_empty(), "{e:?}");
                assert!(!e.message(Lang::En).trim().is_empty() && !e.message(Lang::Zh).trim().is_empty());
                // Every reading error is one the page explains in Chinese too.
                let zh = e.message(Lang::Zh);
                assert!(
                    zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                    "{e:?}: {zh}"
                );
            }
            Ok(model) => {
                accepted += 1;
                assert!(model.network.layers.iter().all(|l| l.is_finite()));
                assert_eq!(Model::from_json(&model.to_json()).as_ref(), Ok(&model));
                // Into every trainer: a refusal changes nothing, an acceptance gives a
                // consistent network that evaluates.
                for (t, original) in trainers.iter().zip(&originals) {
                    let mut t = t.clone();
                    match t.load_model(model.clone()) {
                        Err(e) => {
                            assert!(!e.message(Lang::En).trim().is_empty() && !e.message(Lang::Zh).is_empty());
                            assert_eq!(&t.model().to_json(), original);
                        }
                        Ok(()) => {
                            assert_eq!(t.model(), model);
                            assert_eq!(t.config().hidden, model.network.hidden_widths());
                            assert_eq!(t.config().features, model.features);
                            t.evaluate();
                            t.train_epochs(1);
                        }
                    }
                }
            }
        }
    }
    assert!(accepted > 0, "no mutation was accepted; the mutator is too blunt");
}

fn random_csv<R: Rng>(r: &mut R) -> String {
    let columns: Vec<&str> = {
        let mut c = vec!["x", "y", "label"];
        if r.random_bool(0.4) {
            c.push("split");
        }
        if r.random_bool(0.2) {
            c.push("extra");
        }
        if r.random_bool(0.1) {
            c.remove(r.random_range(0..c.len()));
        }
        if r.random_bool(0.1) {
            c.push("X");
        }
        let n = c.len();
        for i in (1..n).rev() {
            c.swap(i, r.random_range(0..=i));
        }
        c
    };
    let newline = if r.random_bool(0.3) { "\r\n" } else { "\n" };
    let mut text = String::new();
    if r.random_bool(0.2) {
        text.push('\u{feff}');
    }
    if r.random_bool(0.9) {
        text.push_str(&columns.join(","));
        text.push_str(newline);
    }
    let classes = [2usize, 3, 5, 0][r.random_range(0..4)];
    for _ in 0..r.random_range(0..60) {
        if r.random_bool(0.05) {
            text.push_str(newline);
        }
        let mut cells: Vec<String> = columns
            .iter()
            .map(|&c| match c {
                "label" if classes > 0 => r.random_range(0..classes).to_string(),
                "label" => format!("{:.3}", r.random_range(-1.0..1.0)),
                "split" => ["train", "test", "Train", "validation", "", "val", "VAL", "valid"][r.random_range(0..8)]
                    .to_string(),
                _ => format!("{}", r.random_range(-7.0f32..7.0)),
            })
            .collect();
        if r.random_bool(0.05) {
            let i = r.random_range(0..cells.len());
            cells[i] =
                ["", "abc", "NaN", "inf", "1e40", "-", "1.5", "7", "\"1\"", "1;2"][r.random_range(0..10)].to_string();
        }
        if r.random_bool(0.03) {
            cells.push("surplus".to_string());
        }
        if r.random_bool(0.03) {
            cells.pop();
        }
        text.push_str(&cells.join(","));
        text.push_str(newline);
    }
    text
}

#[test]
fn fuzz_csv() {
    let mut r = rng(5);
    let problems = [
        None,
        Some(Problem::Binary),
        Some(Problem::MultiClass(3)),
        Some(Problem::Regression),
    ];
    for i in 0..18_000 {
        let text = match i % 6 {
            0 => {
                let bytes: Vec<u8> = (0..r.random_range(0..200)).map(|_| r.random()).collect();
                String::from_utf8_lossy(&bytes).into_owned()
            }
            1 => {
                let csv = random_csv(&mut r);
                mutate_text(&mut r, &csv)
            }
            _ => random_csv(&mut r),
        };
        let expected = *problems.choose(&mut r).unwrap();
        match parse_csv(&text, expected) {
            Err(e) => {
                assert!(e.line >= 1, "{e:?}");
                assert!(!e.message(Lang::En).trim().is_empty() && !e.message(Lang::Zh).trim().is_empty());
                assert!(!matches!(e.problem, CsvProblem::Unreadable(_)), "{e:?}");
                assert!(!e.to_string().is_empty());
            }
            Ok(csv) => {
                assert!(csv.samples.len() <= MAX_ROWS);
                if let Some(p) = expected {
                    assert_eq!(csv.problem, p);
                }
                if let Some(splits) = &csv.splits {
                    assert_eq!(splits.len(), csv.samples.len());
                }
                for s in &csv.samples {
                    assert!(s.x.is_finite() && s.y.is_finite() && s.label.is_finite(), "{s:?}");
                    let k = csv.problem.classes() as f32;
                    if k > 0.0 {
                        assert!(
                            s.label >= 0.0 && s.label < k && s.label.fract() == 0.0,
                            "{s:?} {:?}",
                            csv.problem
                        );
                    }
                }
                // Whatever parses imports into a trainer that then trains and evaluates.
                if i % 5 == 0 {
                    let dataset = Dataset::ALL[i % Dataset::ALL.len()];
                    // Every other trainer holds points out for validation when the file has
                    // no split column.
                    let val = if i % 2 == 0 { 0 } else { 30 };
                    let query = format!("dataset={}&points=20&val-ratio={val}", dataset.name());
                    let mut t = Trainer::new(Config::from_query(&query).0).unwrap();
                    t.import_points(csv.clone());
                    assert_eq!(t.problem(), csv.problem);
                    assert!(t.config().loss.supports(csv.problem));
                    let data = t.data();
                    assert_eq!(data.train.len() + data.val.len() + data.test.len(), csv.samples.len());
                    if let Some(splits) = &csv.splits {
                        let vals = splits.iter().filter(|s| **s == Split::Val).count();
                        assert_eq!(data.val.len(), vals);
                    } else if val == 0 {
                        assert!(data.val.is_empty());
                    }
                    t.train_epochs(1);
                    t.evaluate();
                    assert_eq!(t.validation().is_some(), !t.data().val.is_empty());
                }
            }
        }
    }
}

/// A file of too many rows is refused with a message, not read.
#[test]
fn csv_row_limit_is_enforced() {
    let mut text = String::from("x,y,label\n");
    for i in 0..=MAX_ROWS {
        text.push_str(&format!("{},{},{}\n", i % 7, i % 5, i % 2));
    }
    let e = parse_csv(&text, None).unwrap_err();
    assert!(!e.message(Lang::Zh).is_empty());
}

/// Regression (found by `fuzz_model_json`): a file cut off inside the value of an unknown
/// field named `""` gave an error with an empty path; it is `$` now.
#[test]
fn truncated_model_file_names_a_path() {
    let e = Model::from_json(r#"{"": "abc"#).unwrap_err();
    assert!(!e.path.is_empty() && !e.message(Lang::Zh).is_empty(), "{e:?}");
}
