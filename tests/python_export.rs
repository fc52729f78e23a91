//! The NumPy export (`nnlab export-python`, the page's `#export-python`) run by python3 with
//! NumPy: in float64, a full-batch script prints the engine's loss history (training and test,
//! and validation when the run has a validation split, every epoch of 100) to 1e-4 relative,
//! and a mini-batch script, which shuffles with its own generator, reaches the engine's test
//! accuracy within 2 points.
//!
//! Needs python3 with NumPy (`scripts/setup.sh` installs Debian's `python3-numpy`): the first
//! of `$NNLAB_PYTHON`, `python3` and `/usr/bin/python3` that imports numpy. Without one the
//! tests fail and say so.

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use nnlab::core::config::Config;
use nnlab::core::export_python::{script, TEMPLATE};
use nnlab::core::trainer::Trainer;
use nnlab::core::Lang;

const EPOCHS: u64 = 100;

/// The python that imports numpy, found once.
fn python() -> &'static str {
    static FOUND: OnceLock<Result<String, String>> = OnceLock::new();
    let found = FOUND.get_or_init(|| {
        let mut candidates: Vec<String> = std::env::var("NNLAB_PYTHON").into_iter().collect();
        candidates.extend(["python3".to_string(), "/usr/bin/python3".to_string()]);
        candidates
            .iter()
            .find(|p| {
                Command::new(p.as_str())
                    .args(["-c", "import numpy"])
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|s| s.success())
            })
            .cloned()
            .ok_or_else(|| {
                format!(
                    "no python3 with NumPy (tried {}): the exported scripts cannot run. Run scripts/setup.sh, \
                     which installs Debian's python3-numpy, or set NNLAB_PYTHON",
                    candidates.join(", ")
                )
            })
    });
    match found {
        Ok(p) => p,
        Err(message) => panic!("{message}"),
    }
}

/// Runs `code` with python3 and returns its standard output.
fn run_python(code: &str, what: &str) -> String {
    let mut child = Command::new(python())
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start python3");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(code.as_bytes())
        .expect("write the script");
    let output = child.wait_with_output().expect("python3 ran");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{what}: python3 failed:\n{stderr}");
    assert!(stderr.trim().is_empty(), "{what}: python3 warned:\n{stderr}");
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// The (epoch, training loss, test loss) rows a script printed.
fn loss_rows(stdout: &str) -> Vec<(u64, f64, f64)> {
    stdout
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split_whitespace().collect();
            match cells[..] {
                [e, train, test] => Some((e.parse().ok()?, train.parse().ok()?, test.parse().ok()?)),
                _ => None,
            }
        })
        .collect()
}

/// The (epoch, training loss, test loss, validation loss) rows a script with a validation
/// split printed.
fn val_loss_rows(stdout: &str) -> Vec<(u64, f64, f64, f64)> {
    stdout
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split_whitespace().collect();
            match cells[..] {
                [e, train, test, val] => Some((
                    e.parse().ok()?,
                    train.parse().ok()?,
                    test.parse().ok()?,
                    val.parse().ok()?,
                )),
                _ => None,
            }
        })
        .collect()
}

/// The number after `label` (`training`, `test`, `validation`) on the script's closing line
/// that starts with `start` (`accuracy:`, in percent, or `RMSE:`).
fn closing_number(stdout: &str, start: &str, label: &str) -> f64 {
    let line = stdout
        .lines()
        .find(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no {start} line in {stdout}"));
    let at = line.find(label).unwrap_or_else(|| panic!("no {label} on {line}")) + label.len();
    line[at..]
        .trim_start()
        .split(['%', ','])
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no number after {label} on {line}"))
}

/// The percentages after `training` and `test` on the script's accuracy line.
fn accuracies(stdout: &str) -> (f64, f64) {
    (
        closing_number(stdout, "accuracy:", "training"),
        closing_number(stdout, "accuracy:", "test"),
    )
}

/// A run of `query` and its exported script for `EPOCHS` epochs (exported before training).
fn run(query: &str) -> (Trainer, String) {
    let (config, errors) = Config::from_query(query);
    assert!(errors.is_empty(), "{query}: {errors:?}");
    let mut trainer = Trainer::new(config).expect("a valid config");
    let code = script(TEMPLATE, &trainer, Some(EPOCHS), Lang::En);
    assert_eq!(
        trainer.train_epochs(EPOCHS),
        EPOCHS,
        "{query}: the engine's run diverged"
    );
    (trainer, code)
}

/// The script's losses against the engine's history, every epoch, to 1e-4 relative (the
/// validation loss too when the run has a validation split); returns the run and what the
/// script printed.
fn assert_same_losses(query: &str) -> (Trainer, String) {
    let (trainer, code) = run(query);
    assert!(code.contains("Full batch"), "{query}: not a full-batch script");
    let stdout = run_python(&code, query);
    // Each printed row: its epoch and its losses, in the order of the engine's below.
    let printed: Vec<(u64, Vec<f64>)> = if trainer.has_validation() {
        val_loss_rows(&stdout)
            .into_iter()
            .map(|(e, train, test, val)| (e, vec![train, test, val]))
            .collect()
    } else {
        loss_rows(&stdout)
            .into_iter()
            .map(|(e, train, test)| (e, vec![train, test]))
            .collect()
    };
    let history = trainer.history().points();
    assert_eq!(printed.len(), history.len(), "{query}: epochs printed");
    let mut worst = (0.0, 0);
    for ((epoch, losses), point) in printed.iter().zip(history) {
        let epoch = *epoch;
        assert_eq!(epoch, point.epoch, "{query}");
        let mut wanted = vec![(point.train, "training"), (point.test, "test")];
        wanted.extend(point.val.map(|val| (val, "validation")));
        assert_eq!(losses.len(), wanted.len(), "{query}: epoch {epoch}: losses printed");
        for (&got, (want, split)) in losses.iter().zip(wanted) {
            let want = f64::from(want);
            let error = (got - want).abs() / want.abs();
            assert!(
                error <= 1e-4,
                "{query}: epoch {epoch}: the script's {split} loss {got} is not the engine's {want} \
                 (relative error {error:.2e} > 1e-4)"
            );
            if error > worst.0 {
                worst = (error, epoch);
            }
        }
    }
    println!("{query}: worst relative error {:.2e} at epoch {}", worst.0, worst.1);
    (trainer, stdout)
}

#[test]
fn tanh_bce_sgd_full_batch_gives_the_engines_losses() {
    assert_same_losses("dataset=xor&hidden=4&activation=tanh&loss=bce&optimizer=sgd&lr=0.3&batch=500&seed=1");
}

#[test]
fn relu_ce_adam_three_classes_full_batch_gives_the_engines_losses() {
    assert_same_losses(
        "dataset=blobs3&noise=20&hidden=6&activation=relu&loss=ce&optimizer=adam&lr=0.01&batch=500&seed=2",
    );
}

#[test]
fn sigmoid_mse_momentum_l2_full_batch_gives_the_engines_losses() {
    assert_same_losses(
        "dataset=circle&hidden=5&activation=sigmoid&loss=mse&optimizer=momentum&lr=0.3&reg=l2&reg-rate=0.003&batch=500&seed=3",
    );
}

#[test]
fn elu_huber_rmsprop_regression_full_batch_gives_the_engines_losses() {
    assert_same_losses("dataset=bumps&hidden=6&activation=elu&loss=huber&optimizer=rmsprop&lr=0.003&batch=500&seed=4");
}

#[test]
fn swish_hinge_adagrad_l1_full_batch_gives_the_engines_losses() {
    assert_same_losses(
        "dataset=moons&noise=30&hidden=5&activation=swish&loss=hinge&optimizer=adagrad&lr=0.05&reg=l1&reg-rate=0.001&batch=500&seed=5",
    );
}

#[test]
fn clipping_full_batch_gives_the_engines_losses() {
    // Features beyond x and y, min-max scaling, two layers, and clipping that acts in
    // 96 of the 100 epochs.
    assert_same_losses(
        "dataset=spiral&features=x,y,x2,y2,sinx,cosy&normalize=minmax&hidden=8,6&activation=tanh&loss=ce&optimizer=sgd&lr=1&clip=0.1&batch=500&seed=6",
    );
}

#[test]
fn normalisation_maxout_and_the_other_choices_full_batch_give_the_engines_losses() {
    // Beyond the six: batch and layer normalisation, maxout, the remaining activations,
    // losses and optimizers.
    for query in [
        "dataset=circle&hidden=6,4&activation=leaky-relu&norm=batch&loss=focal&optimizer=nesterov&lr=0.1&batch=500&seed=7",
        "dataset=xor&hidden=4,4&activations=maxout,softplus&norms=layer,none&loss=mae&optimizer=adam&lr=0.01&batch=500&seed=8",
        "dataset=blobs3&hidden=5&activation=linear&loss=hinge&optimizer=rmsprop&lr=0.001&batch=500&seed=9",
        "dataset=blobs3&hidden=5&activation=tanh&loss=focal&optimizer=momentum&lr=0.05&batch=500&seed=10",
        "dataset=blobs3&hidden=5&activation=swish&loss=mse&optimizer=sgd&lr=0.5&normalize=none&batch=500&seed=11",
    ] {
        assert_same_losses(query);
    }
}

#[test]
fn a_validation_split_full_batch_gives_the_engines_three_losses_and_closing_metrics() {
    // Classes: the validation loss of every epoch and the validation accuracy.
    let query =
        "dataset=moons&noise=20&hidden=5&activation=tanh&loss=ce&optimizer=adam&lr=0.02&batch=500&val-ratio=20&seed=13";
    let (mut trainer, stdout) = assert_same_losses(query);
    assert!(
        trainer.has_validation() && trainer.history().points().iter().all(|p| p.val.is_some()),
        "{query}: no validation split"
    );
    let val = trainer.validation().expect("validation metrics");
    let engine = 100.0 * f64::from(val.accuracy.expect("classes"));
    let script = closing_number(&stdout, "accuracy:", "validation");
    // The script prints it to 0.1 %.
    assert!(
        (script - engine).abs() <= 0.05 + 1e-9,
        "{query}: the script's validation accuracy {script}% is not the engine's {engine}%"
    );
    // Regression: the validation loss of every epoch and the validation RMSE.
    let query = "dataset=bumps&hidden=6&activation=tanh&loss=mse&optimizer=adam&lr=0.01&batch=500&val-ratio=20&seed=14";
    let (mut trainer, stdout) = assert_same_losses(query);
    assert!(trainer.has_validation(), "{query}: no validation split");
    let engine = f64::from(
        trainer
            .validation()
            .expect("validation metrics")
            .rmse
            .expect("regression"),
    );
    let script = closing_number(&stdout, "RMSE:", "validation");
    assert!(
        (script - engine).abs() <= 1e-4 * engine,
        "{query}: the script's validation RMSE {script} is not the engine's {engine}"
    );
}

#[test]
fn a_run_without_validation_prints_no_validation_column() {
    let (config, _) = Config::from_query("dataset=circle&hidden=4&batch=500&seed=15");
    let trainer = Trainer::new(config).expect("a valid config");
    assert!(!trainer.has_validation());
    for lang in [Lang::En, Lang::Zh] {
        let code = script(TEMPLATE, &trainer, Some(3), lang);
        for absent in ["VAL", "X_val", "validation", "验证"] {
            assert!(!code.contains(absent), "{lang:?}: the script has {absent}");
        }
        let stdout = run_python(&code, "no validation");
        assert_eq!(loss_rows(&stdout).len(), 4, "{lang:?}: {stdout}");
        assert!(val_loss_rows(&stdout).is_empty(), "{lang:?}: {stdout}");
    }
}

#[test]
fn a_mini_batch_script_reaches_the_engines_test_accuracy_within_two_points() {
    let query = "dataset=circle&noise=10&hidden=6&activation=relu&optimizer=adam&lr=0.01&batch=10&dropout=0.1&seed=12";
    let (mut trainer, code) = run(query);
    assert!(
        code.contains("Mini-batches") && code.contains("default_rng(12)"),
        "{query}"
    );
    let engine = 100.0 * f64::from(trainer.evaluate().1.accuracy.expect("classes"));
    let (_, script) = accuracies(&run_python(&code, query));
    assert!(
        (script - engine).abs() <= 2.0,
        "{query}: the script's test accuracy {script}% is not within 2 points of the engine's {engine}%"
    );
}

#[test]
fn a_chinese_script_has_chinese_comments_and_runs() {
    let (config, _) = Config::from_query("dataset=plane&hidden=3&batch=20&lr=0.01");
    let trainer = Trainer::new(config).expect("a valid config");
    let code = script(TEMPLATE, &trainer, Some(3), Lang::Zh);
    assert!(code.contains("# 设置：") && code.contains("前向传播") && !code.contains("Forward pass"));
    let stdout = run_python(&code, "zh");
    assert_eq!(loss_rows(&stdout).len(), 4);
    assert!(stdout.contains("均方根误差"), "{stdout}");
}

#[test]
fn the_cli_exports_a_run_from_a_saved_model_with_its_normalisation() {
    // A model trained on one seed's points, then exported and trained on another seed's:
    // the script takes the model's weights and its normalisation (not one fitted anew).
    let dir = std::env::temp_dir().join(format!("nnlab-python-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = |name: &str| dir.join(name).to_str().expect("UTF-8 path").to_string();
    let nnlab = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_nnlab"))
            .args(args)
            .output()
            .expect("run nnlab");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8")
    };
    std::fs::write(path("a.json"), r#"{"dataset":"circle","hidden":"5","seed":1}"#).expect("write");
    std::fs::write(
        path("b.json"),
        r#"{"dataset":"circle","hidden":"5","seed":2,"batch":500,"optimizer":"adam","lr":0.01}"#,
    )
    .expect("write");
    nnlab(&[
        "train",
        "--config",
        &path("a.json"),
        "--epochs",
        "30",
        "--out",
        &path("m.json"),
    ]);
    let args = ["--config", &path("b.json"), "--init", &path("m.json"), "--epochs", "40"];
    let code = nnlab(&[&["export-python"], &args[..]].concat());
    assert!(
        code.starts_with("#!/usr/bin/env python3\n# nnlab-run.py"),
        "{}",
        &code[..200]
    );
    assert!(code.contains("EPOCHS = 40\n") && code.contains("normalisation of the loaded model"));
    nnlab(&[&["train", "--log", &path("log.csv")], &args[..]].concat());
    let log = std::fs::read_to_string(path("log.csv")).expect("log");
    let printed = loss_rows(&run_python(&code, "--init"));
    let logged: Vec<(u64, f64, f64)> = log
        .lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<f64> = l.split(',').map(|c| c.parse().expect("number")).collect();
            (cells[0] as u64, cells[1], cells[2])
        })
        .collect();
    assert_eq!(printed.len(), 41);
    assert_eq!(printed.len(), logged.len());
    for (got, want) in printed.iter().zip(&logged) {
        assert_eq!(got.0, want.0);
        assert!((got.1 - want.1).abs() <= 1e-4 * want.1, "{got:?} vs {want:?}");
        assert!((got.2 - want.2).abs() <= 1e-4 * want.2, "{got:?} vs {want:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
