//! `?bench=1`: runs the engine benchmarks of `core::bench` in the browser's wasm, then times
//! whole animation frames of the real page, one step per animation frame so the page stays
//! alive, and writes the report as a table and as JSON into `#bench-result`.

use std::collections::VecDeque;

use serde_json::{json, Value};
use web_sys::Element;

use super::app::App;
use super::controls::Speed;
use super::dom::{by_id, document, window, WebResult};
use crate::core::bench::{self, Case, BATCH_NORM_CASE, CASES};

/// Milliseconds each throughput case is measured.
const MEASURE_MS: f64 = 1000.0;
/// Frames timed per frame case, after the warm-up ones: three seconds at 60 fps, so the
/// frame rate and epochs per second are measured over at least 3000 timer ticks.
const FRAMES: usize = 180;
const WARMUP_FRAMES: usize = 20;
/// The highest fixed speed the page offers (epochs per frame).
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
    Landscape(&'static Case),
    Scaling,
    /// The single-core peak of four-lane multiply-adds, the yardstick of the rates.
    Peak,
    /// Time whole frames of `case` at `speed`, and the animation frames' spacing.
    Frames {
        case: &'static Case,
        speed: Speed,
    },
    Finish,
}

pub struct BenchRun {
    steps: VecDeque<Step>,
    report: Value,
    /// Frame durations of the case being timed.
    samples: Vec<f64>,
    /// When each of the case's frames started, and the epoch then.
    starts: Vec<(f64, u64)>,
    table: Element,
    result: Element,
}

impl BenchRun {
    pub fn new() -> WebResult<BenchRun> {
        let panel: Element = by_id("bench-panel")?;
        panel.remove_attribute("hidden")?;
        let mut steps = VecDeque::new();
        for case in bench::all_cases() {
            steps.push_back(Step::Train(case));
            steps.push_back(Step::Grid(case));
            steps.push_back(Step::Landscape(case));
        }
        steps.push_back(Step::Scaling);
        steps.push_back(Step::Peak);
        for case in [&CASES[0], &CASES[2]] {
            for speed in [Speed::Epochs(1), Speed::Epochs(TOP_SPEED), Speed::Max] {
                steps.push_back(Step::Frames { case, speed });
            }
        }
        // Batch normalisation on the largest network: does it hold 60 fps at speed 1?
        steps.push_back(Step::Frames {
            case: &BATCH_NORM_CASE,
            speed: Speed::Epochs(1),
        });
        steps.push_back(Step::Finish);
        let result: Element = by_id("bench-result")?;
        result.set_attribute("data-state", "running")?;
        Ok(BenchRun {
            steps,
            report: json!({
                "train_samples_per_s": {},
                "grid_points_per_s": {},
                "landscape_map_ms": {},
                "frame_ms": {},
                "frame_ms_top_speed": {},
                "frame_ms_max": {},
                "timer_resolution_ms": timer_resolution_ms(),
            }),
            samples: Vec::new(),
            starts: Vec::new(),
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
            Step::Landscape(case) => {
                let ms = bench::landscape_map_ms(case, &mut clock, MEASURE_MS);
                self.report["landscape_map_ms"][case.name] = json!(ms);
            }
            Step::Scaling => {
                self.report["scaling_ms_per_epoch"] = bench::scaling(&mut clock, MEASURE_MS / 2.0);
            }
            Step::Peak => {
                self.report["multiply_add_peak_per_s"] = json!(bench::multiply_add_peak_per_s(&mut clock, MEASURE_MS));
            }
            Step::Frames { case, speed } => {
                if self.samples.is_empty() {
                    app.bench_setup(case.config(500), speed);
                }
                let start = now_ms();
                self.starts.push((start, app.epoch()));
                app.frame_work();
                self.samples.push(now_ms() - start);
                if self.samples.len() <= WARMUP_FRAMES + FRAMES {
                    return true;
                }
                // The last frame only marks when the timed ones ended.
                self.samples.pop();
                let mut timed = self.samples.split_off(WARMUP_FRAMES);
                let starts = self.starts.split_off(WARMUP_FRAMES);
                self.samples.clear();
                self.starts.clear();
                let mut intervals: Vec<f64> = starts.windows(2).map(|w| w[1].0 - w[0].0).collect();
                let (first, last) = (starts[0], starts[starts.len() - 1]);
                let seconds = (last.0 - first.0) / 1000.0;
                let frames = (starts.len() - 1) as f64;
                let epochs = last.1.saturating_sub(first.1) as f64;
                let pick = |v: &mut Vec<f64>, q: f64| {
                    v.sort_unstable_by(f64::total_cmp);
                    v[((v.len() - 1) as f64 * q).round() as usize]
                };
                let key = match speed {
                    Speed::Epochs(1) => "frame_ms",
                    Speed::Epochs(_) => "frame_ms_top_speed",
                    Speed::Max => "frame_ms_max",
                };
                self.report[key][case.name] = json!({
                    "p50": pick(&mut timed, 0.5),
                    "p95": pick(&mut timed, 0.95),
                    "speed": speed.value(),
                    "interval_p50": pick(&mut intervals, 0.5),
                    "interval_p95": pick(&mut intervals, 0.95),
                    "fps": frames / seconds,
                    "epochs_per_s": epochs / seconds,
                    "epochs_per_frame": epochs / frames,
                });
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
        // Counted, not divided by a time: what speed `max` trained per frame while it
        // played the default network.
        let default = CASES[0].name;
        if let Some(per_frame) = self.report["frame_ms_max"][default]["epochs_per_frame"].as_f64() {
            self.report["max_epochs_per_frame_60fps"] = json!(per_frame);
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

/// The smallest step of the page's clock, in ms (browsers coarsen it: 1 ms in Firefox
/// and WebKit without cross-origin isolation, 0.005-0.1 ms in Chromium).
fn timer_resolution_ms() -> f64 {
    let mut smallest = f64::INFINITY;
    for _ in 0..20 {
        let start = now_ms();
        let mut next = now_ms();
        // Bounded: gives up after a million reads (a frozen clock).
        for _ in 0..1_000_000 {
            if next != start {
                break;
            }
            next = now_ms();
        }
        if next > start {
            smallest = smallest.min(next - start);
        }
    }
    smallest
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
