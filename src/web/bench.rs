//! `?bench=1`: runs the engine benchmarks of `core::bench` in the browser's wasm, then times
//! whole animation frames of the real page, one step per animation frame so the page stays
//! alive, and writes the report as a table and as JSON into `#bench-result`.

use std::collections::VecDeque;

use serde_json::{json, Value};
use web_sys::Element;

use super::app::App;
use super::dom::{by_id, document, window, WebResult};
use crate::core::bench::{self, Case, CASES};

/// Milliseconds each throughput case is measured.
const MEASURE_MS: f64 = 1000.0;
/// Frames timed per frame case, after the warm-up ones.
const FRAMES: usize = 120;
const WARMUP_FRAMES: usize = 10;
/// The highest speed the page offers (epochs per frame).
const TOP_SPEED: u64 = 100;

/// Milliseconds since navigation started.
pub fn now_ms() -> f64 {
    window()
        .ok()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

enum Step {
    Train(&'static Case),
    Grid(&'static Case),
    Scaling,
    /// The single-core peak of four-lane multiply-adds, the yardstick of the rates.
    Peak,
    /// Time whole frames of `case` at `speed` epochs per frame.
    Frames {
        case: &'static Case,
        speed: u64,
    },
    Finish,
}

pub struct BenchRun {
    steps: VecDeque<Step>,
    report: Value,
    /// Frame durations of the case being timed.
    samples: Vec<f64>,
    table: Element,
    result: Element,
}

impl BenchRun {
    pub fn new() -> WebResult<BenchRun> {
        let panel: Element = by_id("bench-panel")?;
        panel.remove_attribute("hidden")?;
        let mut steps = VecDeque::new();
        for case in &CASES {
            steps.push_back(Step::Train(case));
            steps.push_back(Step::Grid(case));
        }
        steps.push_back(Step::Scaling);
        steps.push_back(Step::Peak);
        for case in [&CASES[0], &CASES[2]] {
            for speed in [1, TOP_SPEED] {
                steps.push_back(Step::Frames { case, speed });
            }
        }
        steps.push_back(Step::Finish);
        let result: Element = by_id("bench-result")?;
        result.set_attribute("data-state", "running")?;
        Ok(BenchRun {
            steps,
            report: json!({
                "train_samples_per_s": {},
                "grid_points_per_s": {},
                "frame_ms": {},
                "frame_ms_top_speed": {},
            }),
            samples: Vec::new(),
            table: by_id("bench-table")?,
            result,
        })
    }

    /// One animation frame of the benchmark. Returns false when it is finished.
    pub fn tick(&mut self, app: &mut App) -> bool {
        let mut clock = now_ms;
        let Some(step) = self.steps.front() else {
            return false;
        };
        match *step {
            Step::Train(case) => {
                let rate = bench::train_samples_per_s(case, &mut clock, MEASURE_MS);
                self.report["train_samples_per_s"][case.name] = json!(rate);
            }
            Step::Grid(case) => {
                let rate = bench::grid_points_per_s(case, &mut clock, MEASURE_MS);
                self.report["grid_points_per_s"][case.name] = json!(rate);
            }
            Step::Scaling => {
                self.report["scaling_ms_per_epoch"] = bench::scaling(&mut clock, MEASURE_MS / 2.0);
            }
            Step::Peak => {
                self.report["multiply_add_peak_per_s"] = json!(bench::multiply_add_peak_per_s(&mut clock, MEASURE_MS));
            }
            Step::Frames { case, speed } => {
                if self.samples.is_empty() {
                    app.bench_setup(bench::case_config(case.hidden, case.activation, 500), speed);
                }
                let start = now_ms();
                app.frame_work();
                self.samples.push(now_ms() - start);
                if self.samples.len() < WARMUP_FRAMES + FRAMES {
                    return true;
                }
                let mut timed = self.samples.split_off(WARMUP_FRAMES);
                self.samples.clear();
                timed.sort_unstable_by(f64::total_cmp);
                let pick = |q: f64| timed[((timed.len() - 1) as f64 * q).round() as usize];
                let key = if speed == 1 { "frame_ms" } else { "frame_ms_top_speed" };
                self.report[key][case.name] = json!({ "p50": pick(0.5), "p95": pick(0.95), "speed": speed });
                app.pause();
            }
            Step::Finish => {
                self.finish(app);
                self.steps.pop_front();
                return false;
            }
        }
        self.steps.pop_front();
        self.show_progress();
        true
    }

    fn show_progress(&self) {
        self.table.set_text_content(Some(&bench::table(&self.report)));
    }

    fn finish(&mut self, app: &App) {
        let default = CASES[0].name;
        let median = |key: &str| self.report[key][default]["p50"].as_f64();
        if let (Some(one), Some(top)) = (median("frame_ms"), median("frame_ms_top_speed")) {
            self.report["max_epochs_per_frame_60fps"] =
                json!(bench::max_epochs_per_frame(one, top, TOP_SPEED, 1000.0 / 60.0));
        }
        if let Some(ms) = app.first_boundary_ms {
            self.report["first_boundary_ms"] = json!(ms);
        }
        if let Some((raw, gzip)) = wasm_sizes() {
            self.report["wasm_bytes"] = json!(raw);
            self.report["wasm_gzip_bytes"] = json!(gzip);
        }
        let agent = window().ok().and_then(|w| w.navigator().user_agent().ok());
        self.report["machine"] = json!(format!("browser wasm: {}", agent.unwrap_or_default()));
        self.report["peer"] = bench::peer();
        self.show_progress();
        let text = serde_json::to_string_pretty(&self.report).unwrap_or_default();
        self.result.set_text_content(Some(&text));
        let _ = self.result.set_attribute("data-state", "done");
    }
}

/// The .wasm's size raw and gzipped, written into the page by scripts/build.sh as
/// `<meta name="nnlab-wasm-bytes" content="raw gzip">`.
fn wasm_sizes() -> Option<(u64, u64)> {
    let meta = document()
        .ok()?
        .query_selector("meta[name=\"nnlab-wasm-bytes\"]")
        .ok()??;
    let content = meta.get_attribute("content")?;
    let mut parts = content.split_whitespace().map(|p| p.parse::<u64>().ok());
    Some((parts.next()??, parts.next()??))
}
