//! Benchmarks of the engine, the same cases natively (`nnlab bench`) and in the browser's
//! wasm (`?bench=1`): training and grid throughput for the peer playground's three shapes,
//! and how the cost of an epoch scales with points and depth. The caller passes the clock
//! (milliseconds), so this file stays free of any platform API.

use serde_json::{json, Map, Value};

use super::activation::Activation;
use super::choice::Choice;
use super::config::Config;
use super::introspect::GridOutputs;
use super::landscape::{self, Directions};
use super::layer::norm::NormKind;
use super::trainer::Trainer;

/// One network shape of the comparison, named as the peer's figures name it.
#[derive(Clone, Copy, Debug)]
pub struct Case {
    pub name: &'static str,
    pub hidden: &'static [usize],
    pub activation: Activation,
    /// The peer's training throughput on this machine kind, samples/s
    /// (../shared/BASELINES.md, headless Chromium 156, medians).
    pub peer_train_samples_per_s: f64,
    /// The peer's grid inference, forward passes/s (same source).
    pub peer_grid_points_per_s: f64,
    /// The peer's compute for one frame without drawing, ms (same source; NaN where the
    /// peer has no such network).
    pub peer_frame_ms: f64,
    /// Normalisation of the hidden layers (the peer has none).
    pub norm: NormKind,
}

/// The peer's default network, XOR's and the largest it allows.
pub const CASES: [Case; 3] = [
    Case {
        name: "2-4-2-1",
        hidden: &[4, 2],
        activation: Activation::Tanh,
        peer_train_samples_per_s: 1.69e6,
        peer_grid_points_per_s: 3.54e6,
        peer_frame_ms: 4.1,
        norm: NormKind::None,
    },
    Case {
        name: "2-3-1",
        hidden: &[3],
        activation: Activation::Sigmoid,
        peer_train_samples_per_s: 2.69e6,
        peer_grid_points_per_s: 6.05e6,
        peer_frame_ms: 2.4,
        norm: NormKind::None,
    },
    Case {
        name: "2-8-8-8-8-8-8-1",
        hidden: &[8, 8, 8, 8, 8, 8],
        activation: Activation::Tanh,
        peer_train_samples_per_s: 135e3,
        peer_grid_points_per_s: 337e3,
        peer_frame_ms: 34.0,
        norm: NormKind::None,
    },
];

/// The largest network with batch normalisation before every hidden activation: what
/// the normalisation costs (no peer figure: the peer has none).
pub const BATCH_NORM_CASE: Case = Case {
    name: "2-8x6-1 batch norm",
    hidden: &[8, 8, 8, 8, 8, 8],
    activation: Activation::Tanh,
    peer_train_samples_per_s: f64::NAN,
    peer_grid_points_per_s: f64::NAN,
    peer_frame_ms: f64::NAN,
    norm: NormKind::Batch,
};

/// The peer's three cases, then the batch-norm case.
pub fn all_cases() -> impl Iterator<Item = &'static Case> {
    CASES.iter().chain(std::iter::once(&BATCH_NORM_CASE))
}

impl Case {
    /// The case's config at `points` points (see [`case_config`]).
    pub fn config(&self, points: usize) -> Config {
        let mut config = case_config(self.hidden, self.activation, points);
        config.norm = self.norm;
        config
    }
}

/// The peer's setting for every case: 500 points, half for training, batch 10, SGD at
/// learning rate 0.03, inputs x and y.
pub fn case_config(hidden: &[usize], activation: Activation, points: usize) -> Config {
    let hidden: Vec<String> = hidden.iter().map(usize::to_string).collect();
    let query = format!(
        "dataset=circle&points={points}&train-ratio=50&noise=0&batch=10&lr=0.03&optimizer=sgd&reg=none\
         &features=x,y&normalize=none&init=xavier&seed=1&hidden={}&activation={}",
        hidden.join(","),
        activation.info().name
    );
    Config::from_query(&query).0
}

/// Runs `work` (which reports how many units it did) until at least `min_ms` have passed,
/// after one warm-up call; returns units per second.
fn rate(now: &mut dyn FnMut() -> f64, min_ms: f64, mut work: impl FnMut() -> f64) -> f64 {
    work();
    let start = now();
    let mut units = 0.0;
    let mut elapsed;
    loop {
        units += work();
        elapsed = now() - start;
        if elapsed >= min_ms {
            break;
        }
    }
    units / (elapsed / 1000.0)
}

/// Training throughput in samples/s: whole epochs of shuffled batches of 10, each a forward
/// pass, a backward pass and an SGD update (no loss evaluation).
pub fn train_samples_per_s(case: &Case, now: &mut dyn FnMut() -> f64, min_ms: f64) -> f64 {
    let Ok(mut trainer) = Trainer::new(case.config(500)) else {
        return 0.0;
    };
    let samples = trainer.train_set().1.len() as f64;
    rate(now, min_ms, || {
        for _ in 0..10 {
            trainer.train_epoch_without_history();
        }
        10.0 * samples
    })
}

/// Grid inference in points/s: the 100 × 100 boundary grid through a trained network in one
/// batched pass, keeping every neuron's output (the thumbnails).
pub fn grid_points_per_s(case: &Case, now: &mut dyn FnMut() -> f64, min_ms: f64) -> f64 {
    let Ok(mut trainer) = Trainer::new(case.config(500)) else {
        return 0.0;
    };
    trainer.train_epochs(20);
    let mut grid = GridOutputs::new(100);
    rate(now, min_ms, || {
        grid.compute(trainer.network(), trainer.features(), trainer.normalizer());
        (grid.resolution() * grid.resolution()) as f64
    })
}

/// Milliseconds one loss-landscape map takes ([`landscape::loss_map`]): the 41 × 41 grid
/// on the path's plane, after 50 epochs, each point a batched pass of the 250 training
/// points; the principal directions of the 51-point path included.
pub fn landscape_map_ms(case: &Case, now: &mut dyn FnMut() -> f64, min_ms: f64) -> f64 {
    let Ok(mut trainer) = Trainer::new(case.config(500)) else {
        return 0.0;
    };
    trainer.train_epochs(50);
    let maps_per_s = rate(now, min_ms, || {
        std::hint::black_box(landscape::loss_map(&trainer, Directions::Path, landscape::GRID, None));
        1.0
    });
    1000.0 / maps_per_s
}

/// Milliseconds per epoch of training (no evaluation) for a config.
fn ms_per_epoch(config: Config, now: &mut dyn FnMut() -> f64, min_ms: f64) -> f64 {
    let Ok(mut trainer) = Trainer::new(config) else {
        return 0.0;
    };
    let epochs_per_s = rate(now, min_ms, || {
        trainer.train_epoch_without_history();
        1.0
    });
    1000.0 / epochs_per_s
}

/// Four-lane multiply-adds per second one core sustains ([`nnlab_kernels::multiply_add_peak`],
/// counted in lanes): the ceiling against which the cases' own rates are read.
pub fn multiply_add_peak_per_s(now: &mut dyn FnMut() -> f64, min_ms: f64) -> f64 {
    const ROUNDS: u32 = 200_000;
    rate(now, min_ms, || {
        std::hint::black_box(nnlab_kernels::multiply_add_peak(
            ROUNDS,
            std::hint::black_box(0.5),
            std::hint::black_box(1.0),
        ));
        f64::from(ROUNDS) * 48.0
    })
}

/// ms per epoch of the default 2-4-2-1 network for 100, 500 and 2000 points (half of them
/// training), and of 1 to 6 hidden layers of 8 tanh neurons at 500 points.
pub fn scaling(now: &mut dyn FnMut() -> f64, min_ms: f64) -> Value {
    let mut points = Map::new();
    for n in [100, 500, 2000] {
        let ms = ms_per_epoch(case_config(&[4, 2], Activation::Tanh, n), now, min_ms);
        points.insert(n.to_string(), json!(ms));
    }
    let mut layers = Map::new();
    for depth in 1..=6 {
        let hidden = vec![8; depth];
        let ms = ms_per_epoch(case_config(&hidden, Activation::Tanh, 500), now, min_ms);
        layers.insert(depth.to_string(), json!(ms));
    }
    json!({ "points": points, "hidden_layers": layers })
}

/// The engine's part of the report (the page adds frame times, startup and sizes):
/// `train_samples_per_s`, `grid_points_per_s`, `landscape_map_ms` (keyed by case),
/// `scaling_ms_per_epoch` and `multiply_add_peak_per_s`.
pub fn run_engine(now: &mut dyn FnMut() -> f64, min_ms: f64) -> Value {
    let mut train = Map::new();
    let mut grid = Map::new();
    let mut map = Map::new();
    for case in all_cases() {
        train.insert(case.name.into(), json!(train_samples_per_s(case, now, min_ms)));
        grid.insert(case.name.into(), json!(grid_points_per_s(case, now, min_ms)));
        map.insert(case.name.into(), json!(landscape_map_ms(case, now, min_ms)));
    }
    json!({
        "train_samples_per_s": train,
        "grid_points_per_s": grid,
        "landscape_map_ms": map,
        "scaling_ms_per_epoch": scaling(now, min_ms / 2.0),
        "multiply_add_peak_per_s": multiply_add_peak_per_s(now, min_ms),
    })
}

/// The peer's figures in the report's shape, for the ratio columns.
pub fn peer() -> Value {
    let mut train = Map::new();
    let mut grid = Map::new();
    let mut frame = Map::new();
    for case in &CASES {
        train.insert(case.name.into(), json!(case.peer_train_samples_per_s));
        grid.insert(case.name.into(), json!(case.peer_grid_points_per_s));
        frame.insert(case.name.into(), json!(case.peer_frame_ms));
    }
    json!({ "train_samples_per_s": train, "grid_points_per_s": grid, "frame_compute_ms": frame })
}

/// A plain-text table of a report (native or page), with the ratio to the peer beside
/// each throughput.
pub fn table(report: &Value) -> String {
    let mut out = String::new();
    let figure = |section: &str, case: &str| report[section][case].as_f64();
    out.push_str(&format!(
        "{:<18} {:>14} {:>8} {:>14} {:>8}\n",
        "network", "train samp/s", "× peer", "grid pts/s", "× peer"
    ));
    for case in all_cases() {
        let train = figure("train_samples_per_s", case.name);
        let grid = figure("grid_points_per_s", case.name);
        let show = |v: Option<f64>| v.map_or("–".to_string(), human);
        let ratio = |v: Option<f64>, peer: f64| match v {
            Some(v) if peer.is_finite() => format!("{:.1}", v / peer),
            _ => "–".to_string(),
        };
        out.push_str(&format!(
            "{:<18} {:>14} {:>8} {:>14} {:>8}\n",
            case.name,
            show(train),
            ratio(train, case.peer_train_samples_per_s),
            show(grid),
            ratio(grid, case.peer_grid_points_per_s),
        ));
    }
    if let Some(frames) = report["frame_ms"].as_object() {
        out.push_str("\nframe (train, evaluate, grid, thumbnails, draw), ms; the peer's compute alone\n");
        for (name, f) in frames {
            let p50 = f["p50"].as_f64().unwrap_or(f64::NAN);
            let peer = CASES
                .iter()
                .find(|c| c.name == name)
                .map(|c| c.peer_frame_ms)
                .filter(|ms| ms.is_finite());
            let versus = peer.map_or(String::new(), |peer| {
                format!("   peer {peer:.1} ({:.1}× the p50)", peer / p50)
            });
            out.push_str(&format!(
                "{:<28} p50 {:>7.2}  p95 {:>7.2}{versus}\n",
                name,
                p50,
                f["p95"].as_f64().unwrap_or(f64::NAN)
            ));
        }
    }
    if let Some(maps) = report["landscape_map_ms"].as_object() {
        out.push_str("\nloss landscape, one 41×41 map on the path's plane, ms\n");
        for case in all_cases() {
            if let Some(ms) = maps.get(case.name).and_then(Value::as_f64) {
                out.push_str(&format!("{:<18} {ms:>9.1}\n", case.name));
            }
        }
    }
    out.push_str(&playing_table(report));
    for (key, label) in [
        ("max_epochs_per_frame_60fps", "epochs per frame at speed max"),
        ("first_boundary_ms", "first boundary drawn, ms"),
        ("wasm_bytes", "wasm, bytes"),
        ("wasm_gzip_bytes", "wasm gzipped, bytes"),
    ] {
        if let Some(v) = report[key].as_f64() {
            out.push_str(&format!("{label:<34} {v:.0}\n"));
        }
    }
    if let Some(tick) = report["timer_resolution_ms"].as_f64() {
        out.push_str(&format!("{:<34} {tick:.3}\n", "browser timer resolution, ms"));
    }
    if let Some(peak) = report["multiply_add_peak_per_s"].as_f64() {
        out.push_str(&format!(
            "{:<34} {}\n",
            "peak multiply-adds/s (4-lane SIMD)",
            human(peak)
        ));
    }
    if let Some(scaling) = report["scaling_ms_per_epoch"].as_object() {
        out.push_str("\nms per epoch\n");
        for (group, label) in [("points", "points"), ("hidden_layers", "hidden layers of 8")] {
            if let Some(rows) = scaling.get(group).and_then(Value::as_object) {
                let mut rows: Vec<(&String, &Value)> = rows.iter().collect();
                rows.sort_unstable_by_key(|(k, _)| k.parse::<u64>().unwrap_or(u64::MAX));
                let cells: Vec<String> = rows
                    .iter()
                    .map(|(k, v)| format!("{k}: {:.3}", v.as_f64().unwrap_or(f64::NAN)))
                    .collect();
                out.push_str(&format!("  {label:<20} {}\n", cells.join("  ")));
            }
        }
    }
    out
}

/// The frames of the real page while it plays, as requestAnimationFrame spaced them.
fn playing_table(report: &Value) -> String {
    let mut out =
        String::from("\nplaying (requestAnimationFrame): fps, frame spacing p50/p95 ms, epochs/s, epochs/frame\n");
    for key in ["frame_ms", "frame_ms_top_speed", "frame_ms_max"] {
        let Some(frames) = report[key].as_object() else {
            continue;
        };
        for (name, f) in frames {
            let Some(fps) = f["fps"].as_f64() else { continue };
            let get = |k: &str| f[k].as_f64().unwrap_or(f64::NAN);
            out.push_str(&format!(
                "{:<18} speed {:>4}  {:>5.1} fps  {:>6.1} / {:>6.1}  {:>10}  {:>8.1}\n",
                name,
                f["speed"].as_str().unwrap_or("?"),
                fps,
                get("interval_p50"),
                get("interval_p95"),
                human(get("epochs_per_s")),
                get("epochs_per_frame"),
            ));
        }
    }
    out
}

/// 1234567 → "1.23 M".
fn human(v: f64) -> String {
    if v >= 1e9 {
        format!("{:.2} G", v / 1e9)
    } else if v >= 1e6 {
        format!("{:.2} M", v / 1e6)
    } else if v >= 1e3 {
        format!("{:.1} k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake clock that advances 1 ms per reading, so the harness runs a known number of times.
    fn ticking() -> impl FnMut() -> f64 {
        let mut t = 0.0;
        move || {
            t += 1.0;
            t
        }
    }

    #[test]
    fn the_cases_build_the_peer_shapes() {
        for case in &CASES {
            let trainer = Trainer::new(case.config(500)).expect("valid");
            let widths: Vec<usize> = trainer.network().layers.iter().map(|l| l.neurons()).collect();
            let name: Vec<String> = std::iter::once(2).chain(widths).map(|w| w.to_string()).collect();
            assert_eq!(name.join("-"), case.name);
            assert_eq!(trainer.train_set().1.len(), 250);
        }
    }

    #[test]
    fn rate_counts_units_over_the_measured_time() {
        let mut clock = ticking();
        // Each reading advances 1 ms: start at 1, then the loop reads 2, 3, … until ≥ 5 ms
        // have passed (reading 6): 5 calls of 7 units in 5 ms = 7000 units/s.
        assert_eq!(rate(&mut clock, 5.0, || 7.0), 7000.0);
    }

    #[test]
    fn the_playing_figures_are_a_line_per_case_and_speed() {
        let report = serde_json::json!({
            "frame_ms": { "2-4-2-1": { "speed": "1", "fps": 59.94, "interval_p50": 16.7,
                "interval_p95": 17.1, "epochs_per_s": 59.9, "epochs_per_frame": 1.0 } },
            "frame_ms_max": { "2-4-2-1": { "speed": "max", "fps": 60.0, "interval_p50": 16.7,
                "interval_p95": 16.9, "epochs_per_s": 90000.0, "epochs_per_frame": 1500.0 } },
        });
        let table = playing_table(&report);
        let lines: Vec<&str> = table.lines().filter(|l| l.starts_with("2-4-2-1")).collect();
        assert_eq!(lines.len(), 2, "{table}");
        assert!(
            lines[0].contains("speed    1") && lines[0].contains("59.9 fps"),
            "{}",
            lines[0]
        );
        assert!(
            lines[1].contains("speed  max") && lines[1].contains("1500.0"),
            "{}",
            lines[1]
        );
    }

    #[test]
    fn a_report_has_every_case_and_a_table_with_ratios() {
        let report = run_engine(&mut ticking(), 1.0);
        for case in all_cases() {
            assert!(report["train_samples_per_s"][case.name]
                .as_f64()
                .is_some_and(|v| v > 0.0));
            assert!(report["grid_points_per_s"][case.name].as_f64().is_some_and(|v| v > 0.0));
        }
        assert_eq!(
            report["scaling_ms_per_epoch"]["points"].as_object().map(|m| m.len()),
            Some(3)
        );
        assert_eq!(
            report["scaling_ms_per_epoch"]["hidden_layers"]
                .as_object()
                .map(|m| m.len()),
            Some(6)
        );
        assert!(report["multiply_add_peak_per_s"].as_f64().is_some_and(|v| v > 0.0));
        for case in all_cases() {
            assert!(report["landscape_map_ms"][case.name].as_f64().is_some_and(|v| v > 0.0));
        }
        let text = table(&report);
        assert!(text.contains("loss landscape, one 41×41 map"), "{text}");
        assert!(text.contains("2-8-8-8-8-8-8-1") && text.contains("× peer"), "{text}");
        // The batch-norm case has no peer: its ratios are dashes.
        let line = text
            .lines()
            .find(|l| l.starts_with("2-8x6-1 batch norm"))
            .expect("batch-norm line");
        assert_eq!(line.matches('–').count(), 2, "{line}");
        let bn = Trainer::new(BATCH_NORM_CASE.config(500)).expect("valid");
        assert!(bn.network().layers[..6]
            .iter()
            .all(|l| l.norm_kind() == NormKind::Batch));
        assert!(text.contains("peak multiply-adds/s"), "{text}");
        let mut with_frames = report.clone();
        with_frames["frame_ms"] = json!({ "2-4-2-1": { "p50": 2.05, "p95": 3.0 } });
        let text = table(&with_frames);
        // The peer's 4.1 ms of compute per frame against a whole frame of 2.05 ms: 2.0×.
        assert!(text.contains("peer 4.1 (2.0× the p50)"), "{text}");
        assert_eq!(human(2_400_000.0), "2.40 M");
    }
}
