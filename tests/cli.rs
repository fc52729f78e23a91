//! The `nnlab` binary end to end: every test writes its files into a fresh directory under
//! the system temp dir and runs the built executable.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use nnlab::core::config::{Config, KEYS};
use nnlab::core::model::Model;
use nnlab::core::trainer::Trainer;

const XOR: &str = r#"{"dataset":"xor","hidden":"4","activation":"tanh","seed":1}"#;

/// A fresh, empty directory unique to this test and process.
fn temp_dir(name: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("nnlab-cli-{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write test file");
    path
}

fn nnlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nnlab"))
        .args(args)
        .output()
        .expect("run nnlab")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn s(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temp path")
}

/// The number after `label` in `line`, e.g. `test accuracy 99.0%` → 99.0.
fn number_after(line: &str, label: &str) -> f64 {
    let start = line.find(label).unwrap_or_else(|| panic!("no `{label}` in {line:?}")) + label.len();
    let digits: String = line[start..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | 'e'))
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("no number after `{label}` in {line:?}"))
}

/// The rows of a loss log as (epoch, train loss, test loss), after checking the header.
fn log_rows(path: &Path) -> Vec<(u64, f64, f64)> {
    let log = std::fs::read_to_string(path).expect("log written");
    let mut lines = log.lines();
    assert_eq!(lines.next(), Some("epoch,train_loss,test_loss"));
    lines
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            assert_eq!(cells.len(), 3, "{line}");
            (
                cells[0].parse().expect("epoch"),
                cells[1].parse().expect("train loss"),
                cells[2].parse().expect("test loss"),
            )
        })
        .collect()
}

/// Asserts exit status 2 and a single stderr line `nnlab: <file>: …` containing every `needle`.
fn assert_refused(output: &Output, file: &str, needles: &[&str]) {
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line expected: {stderr:?}");
    assert!(stderr.starts_with(&format!("nnlab: {file}: ")), "{stderr:?}");
    for needle in needles {
        assert!(stderr.contains(needle), "{needle:?} missing from {stderr:?}");
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(output.stdout.is_empty(), "nothing on stdout: {}", text(&output.stdout));
}

/// Trains XOR for 300 epochs into `dir`, returning the model and log paths.
fn train_xor(dir: &Path) -> (PathBuf, PathBuf, String) {
    let config = write(dir, "c.json", XOR);
    let (model, log) = (dir.join("m.json"), dir.join("log.csv"));
    let out = nnlab(&[
        "train",
        "--config",
        s(&config),
        "--epochs",
        "300",
        "--out",
        s(&model),
        "--log",
        s(&log),
    ]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    (model, log, text(&out.stdout))
}

#[test]
fn trains_xor_and_writes_model_and_log() {
    let dir = temp_dir("xor");
    let (model, log, stdout) = train_xor(&dir);
    assert!(stdout.starts_with("epoch 300 "), "{stdout}");
    let accuracy = number_after(&stdout, "test accuracy");
    assert!(accuracy >= 98.0, "{stdout}");
    assert!(number_after(&stdout, "train loss") < 0.2, "{stdout}");

    let model = Model::from_json(&std::fs::read_to_string(model).expect("model written")).expect("model loads");
    assert_eq!(model.network.layers.len(), 2);

    let rows = log_rows(&log);
    assert_eq!(rows.len(), 301);
    assert_eq!(rows[0].0, 0);
    assert_eq!(rows[300].0, 300);
    assert!(rows[300].1 < rows[0].1 / 3.0, "{:?} → {:?}", rows[0], rows[300]);
}

#[test]
fn init_continues_from_a_saved_model() {
    let dir = temp_dir("init");
    let (model, log, _) = train_xor(&dir);
    let (_, final_train, final_test) = *log_rows(&log).last().expect("rows");

    let config = dir.join("c.json");
    let log2 = dir.join("log2.csv");
    let out = nnlab(&[
        "train",
        "--config",
        s(&config),
        "--init",
        s(&model),
        "--epochs",
        "20",
        "--log",
        s(&log2),
    ]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let rows = log_rows(&log2);
    assert_eq!(rows.len(), 21);
    let (epoch, train, test) = rows[0];
    assert_eq!(epoch, 0);
    assert!((train - final_train).abs() <= 1e-5, "{train} vs {final_train}");
    assert!((test - final_test).abs() <= 1e-5, "{test} vs {final_test}");
    assert!(number_after(&text(&out.stdout), "test accuracy") >= 98.0);
}

#[test]
fn data_csv_split_column_decides_the_split() {
    let dir = temp_dir("data");
    // Class = x > 0. Test rows carry the opposite label, so test accuracy near 0 shows the
    // split column was obeyed (a random split would mix them into training).
    let mut csv = String::from("x,y,label,split\n");
    let mut state: u32 = 12345;
    let mut next = || {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
        f64::from(state >> 8) / f64::from(1u32 << 24) * 10.0 - 5.0
    };
    for i in 0..200 {
        let (x, y) = (next(), next());
        let x = if x.abs() < 0.3 { x.signum() * 0.5 } else { x };
        let class = u8::from(x > 0.0);
        let (label, split) = if i % 4 == 0 {
            (1 - class, "test")
        } else {
            (class, "train")
        };
        csv.push_str(&format!("{x:.3},{y:.3},{label},{split}\n"));
    }
    let data = write(&dir, "d.csv", &csv);
    let config = write(&dir, "c.json", r#"{"hidden":"2","lr":0.1}"#);
    let out = nnlab(&["train", "--config", s(&config), "--data", s(&data), "--epochs", "100"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    assert!(number_after(&stdout, "train accuracy") >= 97.0, "{stdout}");
    assert!(number_after(&stdout, "test accuracy") <= 3.0, "{stdout}");
}

#[test]
fn regression_csv_is_inferred_and_reports_regression_metrics() {
    let dir = temp_dir("regression");
    let mut csv = String::from("x,y,label\n");
    for i in 0..100 {
        let (x, y) = (f64::from(i % 10) - 4.5, f64::from(i / 10) - 4.5);
        csv.push_str(&format!("{x},{y},{}\n", (x + y) / 12.0 + 0.25));
    }
    let data = write(&dir, "r.csv", &csv);
    let config = write(&dir, "c.json", r#"{"hidden":"","lr":0.01,"reg":"l2"}"#);
    let out = nnlab(&["train", "--config", s(&config), "--data", s(&data), "--epochs", "100"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    for label in ["MAE", "RMSE", "MAPE", "R²", "penalty"] {
        assert!(stdout.contains(label), "{label} missing from {stdout}");
    }
    assert!(!stdout.contains("accuracy"), "{stdout}");
    assert!(number_after(&stdout, "R²") > 0.9, "{stdout}");
}

#[test]
fn bad_inputs_exit_2_with_one_line() {
    let dir = temp_dir("bad");
    let good = write(&dir, "good.json", XOR);
    let train = |config: &Path, extra: &[&str]| {
        let mut args = vec!["train", "--config", s(config), "--epochs", "5"];
        args.extend_from_slice(extra);
        nnlab(&args)
    };

    let config = write(&dir, "unknown.json", r#"{"dataset":"xor","lrr":0.1}"#);
    assert_refused(&train(&config, &[]), s(&config), &["unknown setting", "lrr"]);

    let config = write(&dir, "lr0.json", r#"{"lr":0}"#);
    assert_refused(&train(&config, &[]), s(&config), &["lr", "`0`", "range"]);

    let config = write(&dir, "broken.json", r#"{"lr": 0.1"#);
    assert_refused(&train(&config, &[]), s(&config), &["not a valid config"]);

    let config = write(&dir, "bce.json", r#"{"dataset":"plane","loss":"bce"}"#);
    assert_refused(&train(&config, &[]), s(&config), &["loss `bce`", "regression"]);

    let missing = dir.join("missing.json");
    assert_refused(&train(&missing, &[]), s(&missing), &["no such file"]);

    let missing_csv = dir.join("missing.csv");
    assert_refused(
        &train(&good, &["--data", s(&missing_csv)]),
        s(&missing_csv),
        &["no such file"],
    );

    // A model file with one weight that is not a number: the error names its JSON path.
    let model = Trainer::new(Config::default())
        .expect("default config")
        .model()
        .to_json();
    let mut value: serde_json::Value = serde_json::from_str(&model).expect("model JSON");
    value["layers"][1]["weights"][0][2] = serde_json::Value::from("oops");
    let model = write(&dir, "model.json", &value.to_string());
    assert_refused(
        &train(&good, &["--init", s(&model)]),
        s(&model),
        &["layers[1].weights[0][2]"],
    );

    let model = write(&dir, "cut.json", r#"{"format":"nnlab-model","version":1,"features":["#);
    assert_refused(&train(&good, &["--init", s(&model)]), s(&model), &["ends too early"]);

    // XOR is two-class: label 2 on line 3 does not fit.
    let data = write(&dir, "labels.csv", "x,y,label\n1,1,1\n-1,2,2\n0.5,0.5,0\n");
    assert_refused(
        &train(&good, &["--data", s(&data)]),
        s(&data),
        &["line 3", "column label", "class label 2"],
    );

    // An explicit loss that does not suit the imported data.
    let config = write(&dir, "loss.json", r#"{"loss":"bce"}"#);
    let data = write(&dir, "reg.csv", "x,y,label\n1,1,0.5\n-1,2,0.25\n0.5,0.5,1.5\n");
    assert_refused(
        &train(&config, &["--data", s(&data)]),
        s(&config),
        &["loss `bce`", "regression"],
    );

    for epochs in ["0", "abc", "-3", "1.5"] {
        let out = nnlab(&["train", "--config", s(&good), "--epochs", epochs]);
        assert_refused(&out, "--epochs", &[&format!("`{epochs}`")]);
        let out = nnlab(&["train", "--config", s(&good), "--epochs", "5", "--patience", epochs]);
        assert_refused(&out, "--patience", &[&format!("`{epochs}`")]);
    }

    // clap's own usage errors exit 2 too.
    let out = nnlab(&["train", "--epochs", "5"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--config"));
}

#[test]
fn divergence_exits_1_and_still_writes_files() {
    let dir = temp_dir("diverge");
    let config = write(
        &dir,
        "c.json",
        r#"{"dataset":"plane","hidden":"8,8","activation":"relu","optimizer":"sgd","lr":10,"init":"he"}"#,
    );
    let (model, log) = (dir.join("m.json"), dir.join("log.csv"));
    let out = nnlab(&[
        "train",
        "--config",
        s(&config),
        "--epochs",
        "200",
        "--out",
        s(&model),
        "--log",
        s(&log),
    ]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    for needle in ["diverged", "layer", "learning rate"] {
        assert!(stderr.contains(needle), "{needle:?} missing from {stderr:?}");
    }
    let model = Model::from_json(&std::fs::read_to_string(model).expect("model written")).expect("model loads");
    assert!(model.network.layers.iter().all(|l| l
        .weights
        .value
        .iter()
        .chain(l.biases.value.iter())
        .all(|v| v.is_finite())));
    let rows = log_rows(&log);
    assert!(!rows.is_empty() && rows.len() < 201);
    assert!(rows.iter().all(|r| r.1.is_finite() && r.2.is_finite()));
}

#[test]
fn help_documents_keys_and_formats() {
    for args in [&["--help"][..], &["train", "--help"][..]] {
        let out = nnlab(args);
        assert_eq!(out.status.code(), Some(0));
        let help = text(&out.stdout);
        for key in KEYS.iter() {
            assert!(
                help.contains(&format!("\n  {key} ")),
                "{key} missing from {args:?} help"
            );
        }
        for needle in ["epoch,train_loss,test_loss", "nnlab-model", "x, y and label", "split"] {
            assert!(help.contains(needle), "{needle} missing from {args:?} help");
        }
    }
    let help = text(&nnlab(&["train", "--help"]).stdout);
    for option in [
        "--config",
        "--data",
        "--init",
        "--epochs",
        "--patience",
        "--restore-best",
        "--out",
        "--log",
    ] {
        assert!(help.contains(option), "{option} missing");
    }
}

#[test]
fn config_prints_the_default_template() {
    let out = nnlab(&["config"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(Config::from_json(&text(&out.stdout)), Ok(Config::default()));
}

#[test]
fn batch_norm_runs_round_trip_through_a_model_file_and_a_batch_of_one_is_refused() {
    let dir = temp_dir("norm");
    let config = write(
        &dir,
        "c.json",
        r#"{"dataset":"circle","hidden":"6,4","norm":"batch","norms":"batch,layer","dropout":0.1,"optimizer":"adam","lr":0.03}"#,
    );
    let model = dir.join("m.json");
    let out = nnlab(&["train", "--config", s(&config), "--epochs", "60", "--out", s(&model)]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    assert!(number_after(&text(&out.stdout), "test accuracy") >= 90.0);
    let file: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&model).expect("model")).expect("json");
    assert_eq!(file["version"], 2);
    assert_eq!(file["layers"][0]["norm"]["kind"], "batch");
    assert_eq!(file["layers"][1]["norm"]["kind"], "layer");
    assert_eq!(file["layers"][0]["dropout"], 0.1);
    // Starting from the file goes on from its γ, β and running estimates: no epoch makes it
    // worse than a fresh start would.
    let again = nnlab(&["train", "--config", s(&config), "--init", s(&model), "--epochs", "1"]);
    assert_eq!(again.status.code(), Some(0), "stderr: {}", text(&again.stderr));
    assert!(number_after(&text(&again.stdout), "test accuracy") >= 90.0);
    // A batch of 1 with batch normalisation: exit 2 with the reason.
    let bad = write(
        &dir,
        "bad.json",
        r#"{"dataset":"circle","hidden":"4","norm":"batch","batch":1}"#,
    );
    let out = nnlab(&["train", "--config", s(&bad), "--epochs", "1"]);
    assert_refused(&out, s(&bad), &["batch", "at least 2 points"]);
}

#[test]
fn export_python_prints_a_script_and_refuses_bad_input() {
    let dir = temp_dir("export-python");
    let config = write(&dir, "c.json", XOR);
    let out = nnlab(&["export-python", "--config", s(&config), "--epochs", "7", "--lang", "zh"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let script = text(&out.stdout);
    assert!(script.starts_with("#!/usr/bin/env python3\n# nnlab-run.py"), "{script}");
    assert!(
        script.contains("EPOCHS = 7\n") && script.contains("# 设置：dataset=xor"),
        "{script}"
    );
    assert!(script.contains("训练集 250 个数据点"), "{script}");
    let bad = nnlab(&["export-python", "--config", s(&config), "--epochs", "0"]);
    assert_refused(&bad, "--epochs", &["`0`"]);
    let bad = nnlab(&["export-python", "--config", s(&config), "--epochs", "3", "--lang", "fr"]);
    assert_refused(&bad, "--lang", &["en or zh"]);
    let missing = dir.join("missing.json");
    let bad = nnlab(&[
        "export-python",
        "--config",
        s(&config),
        "--init",
        s(&missing),
        "--epochs",
        "3",
    ]);
    assert_refused(&bad, s(&missing), &["no such file"]);
}

/// `--patience N --restore-best` stops where the core's patience rule stops the same run
/// (the page's rule, `EarlyStopping`), says so, and writes the best epoch's weights.
#[test]
fn patience_stops_early_like_the_page_and_restores_the_best_weights() {
    use nnlab::core::early_stop::EarlyStopping;
    // The early-stopping lesson's run: noisy XOR, a wide net, 30 % held out.
    let json = r#"{"dataset":"xor","points":200,"noise":50,"hidden":"16,16","activation":"tanh",
        "optimizer":"adam","lr":0.01,"seed":1,"val-ratio":30}"#;
    let dir = temp_dir("patience");
    let config = write(&dir, "overfit.json", json);
    let model = dir.join("best.json");
    let out = nnlab(&[
        "train",
        "--config",
        s(&config),
        "--epochs",
        "1000",
        "--patience",
        "40",
        "--restore-best",
        "--out",
        s(&model),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let line = stdout.lines().next().unwrap_or_default();
    assert!(line.starts_with("stopped early at epoch "), "{stdout}");
    assert!(line.contains("no lower validation loss for 40 epochs") && line.ends_with("whose weights were restored"));

    // The same run through the core's rule.
    let mut trainer = Trainer::new(Config::from_json(json).expect("config")).expect("trainer");
    let mut rule = EarlyStopping::new(Some(40), true);
    let (_, stopped) = rule.train(&mut trainer, 1000);
    let stopped = stopped.expect("the validation loss stops falling within 1000 epochs");
    assert_eq!(number_after(line, "stopped early at epoch") as u64, stopped.epoch);
    let best = line
        .rsplit_once(" at epoch ")
        .and_then(|(_, rest)| rest.split(',').next()?.parse::<u64>().ok());
    assert_eq!(best, Some(stopped.best_epoch), "{line}");
    assert_eq!(stopped.epoch - stopped.best_epoch, 40);
    // The model written is the best epoch's: its weights are the restored ones.
    let written = Model::from_json(&std::fs::read_to_string(&model).expect("model written")).expect("model");
    assert_eq!(written.to_json(), trainer.model().to_json());
    // Its validation loss, as the summary prints it, is the best one.
    let val = number_after(stdout.lines().nth(1).unwrap_or_default(), "val loss");
    assert!(
        (val - f64::from(stopped.best_loss)).abs() < 1e-3,
        "{val} vs {}",
        stopped.best_loss
    );
}
