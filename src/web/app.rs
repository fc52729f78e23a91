//! The page's owner: it holds the training run, the view settings and the DOM it draws on.
//! Each animation frame trains `speed` epochs and evaluates the run (all mutation, into a
//! [`FrameSnapshot`]), then renders once from `&Trainer` and the snapshot: the boundary,
//! the diagram, the inspector and every registered panel (`panels/`). Every user action is
//! a method here that calls the engine and then lets the next frame redraw what changed.

use web_sys::Element;

use super::bench::BenchRun;
use super::boundary::BoundaryView;
use super::challenge::ChallengeView;
use super::compare::Compare;
use super::controls::{Controls, PointClass, Speed, ViewSettings};
use super::dom::{by_id, format_number, window, WebError, WebResult};
use super::features_view::FeaturesView;
use super::files::FileRefusal;
use super::inspector::Inspector;
use super::lessons::{neighbour, LessonsView};
use super::media::{snapshot_panel, Recorder, VideoFormat};
use super::network_view::{NetworkLabels, NetworkView, ParamRef};
use super::panels::{registry, Frame, FrameSnapshot, Panel};
use super::text::text;
use crate::core::activation::Activation;
use crate::core::budget::{FrameBudget, FRAME_WORK_MS};
use crate::core::challenge::{Challenge, Condition, Refused, Tracker};
use crate::core::choice::Choice;
use crate::core::config::{shorten, Config};
use crate::core::data_csv::{parse_csv, CsvError, Split};
use crate::core::early_stop::{EarlyStopping, Stopped};
use crate::core::feature::Feature;
use crate::core::keys::PageQuery;
use crate::core::layer::norm::NormKind;
use crate::core::lesson::{self, Lesson};
use crate::core::model::{Model, ModelError, ModelProblem};
use crate::core::text::message;
use crate::core::trainer::{Changes, Health, Quantity, Trainer, Watched};
use crate::core::{Float, Lang, Problem, Sample};

/// What `#status` says, as `data-state`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum State {
    Idle,
    Running,
    Diverged,
    Error,
}

impl State {
    fn name(self) -> &'static str {
        match self {
            State::Idle => "idle",
            State::Running => "running",
            State::Diverged => "diverged",
            State::Error => "error",
        }
    }
}

pub struct App {
    pub lang: Lang,
    pub(super) trainer: Trainer,
    pub view: ViewSettings,
    controls: Controls,
    features: FeaturesView,
    boundary: BoundaryView,
    network: NetworkView,
    inspector: Inspector,
    /// The per-frame panels (loss chart, activation, gradient flow, …): see `panels/`.
    panels: Vec<Box<dyn Panel>>,
    /// Marks the panels below the fold while out of view (None without an observer).
    offscreen: Option<super::panels::OffscreenWatch>,
    /// What this frame's evaluation gave; the render phase reads only this and the run.
    snapshot: FrameSnapshot,
    recorder: Option<Recorder>,
    lessons: LessonsView,
    /// The lesson being followed, if any.
    lesson: Option<&'static Lesson>,
    /// The goal of `challenge=` or of the lesson, followed over the run, and its banner.
    challenge: Option<Tracker>,
    challenge_view: ChallengeView,
    /// The running `?bench=1` benchmark, if any.
    bench: Option<BenchRun>,
    /// Milliseconds from navigation to the first drawn boundary.
    pub first_boundary_ms: Option<f64>,
    /// Compare mode: network B beside this run (`compare.rs`).
    pub(super) compare: Compare,
    status: Element,
    notice: Element,
    play_button: Element,
    playing: bool,
    drawn: Option<(u64, ViewSettings)>,
    /// The share dialog and what the link hides (`share.rs`).
    pub(super) share: super::share::ShareView,
    state: Option<(State, String)>,
    /// Query keys that are not the config's (e.g. `lang`), kept in the URL as they were.
    extra_query: Vec<(String, String)>,
    /// The patience stop (`#stop-patience`, `#stop-restore`): the rule is the core's.
    early_stop: EarlyStopping,
    /// Messages shown next to fields: (field id, [English, Chinese]).
    field_errors: Vec<(String, [String; 2])>,
    /// At speed `max`: how many epochs the next frame trains.
    budget: FrameBudget,
    /// A touch held on the boundary: a long press removes the nearest point.
    press: Option<Press>,
    /// Saving the run in the browser's storage (`storage.rs`).
    pub(super) storage: super::storage::StorageState,
}

/// A touch on the boundary: where (CSS pixels) and when it started, and whether it has
/// already removed a point (then the click that may follow it adds none).
#[derive(Clone, Copy)]
struct Press {
    /// On compare mode's B boundary (`#boundary-b`) rather than A's.
    b: bool,
    x: f64,
    y: f64,
    start: f64,
    fired: bool,
}

impl Press {
    /// Whether (x, y) is within `LONG_PRESS_SLOP` of where the touch started.
    fn still(&self, x: f64, y: f64) -> bool {
        (self.x - x).powi(2) + (self.y - y).powi(2) <= LONG_PRESS_SLOP.powi(2)
    }
}

/// How long a touch is held still before it removes the nearest point, and how far it may move.
const LONG_PRESS_MS: f64 = 500.0;
const LONG_PRESS_SLOP: f64 = 10.0;

/// Largest stop epoch or patience a field accepts.
pub const MAX_STOP: u64 = 1_000_000_000;
/// Largest magnitude of a weight or bias typed in the diagram's editor.
pub const MAX_PARAMETER: Float = 1e4;

impl App {
    pub fn new(query: &PageQuery, lang: Lang) -> WebResult<App> {
        let (config, rejected) = (query.config.clone(), &query.rejected);
        let trainer = Trainer::new(config).or_else(|_| Trainer::new(Config::default()));
        let trainer = trainer.map_err(|e| WebError(e.message(lang)))?;
        let extra_query = query.kept.clone();
        let (hidden, unknown) = crate::core::share::parse_hide(query.hide.as_deref().unwrap_or(""));
        let mut app = App {
            lang,
            trainer,
            view: ViewSettings::default(),
            controls: Controls::new()?,
            features: FeaturesView::new()?,
            boundary: BoundaryView::new()?,
            network: NetworkView::new(by_id("network")?, by_id("tooltip")?)?,
            inspector: Inspector::new()?,
            panels: registry()?,
            offscreen: None,
            snapshot: FrameSnapshot::new(),
            recorder: None,
            lessons: LessonsView::new()?,
            lesson: None,
            challenge: None,
            challenge_view: ChallengeView::new()?,
            bench: None,
            first_boundary_ms: None,
            compare: Compare::new()?,
            status: by_id("status")?,
            notice: by_id("notice")?,
            play_button: by_id("play")?,
            playing: false,
            drawn: None,
            share: super::share::ShareView::new(hidden)?,
            state: None,
            extra_query,
            early_stop: EarlyStopping::default(),
            field_errors: Vec::new(),
            budget: FrameBudget::new(FRAME_WORK_MS),
            press: None,
            storage: Default::default(),
        };
        super::text::apply(lang)?;
        app.offscreen = super::panels::OffscreenWatch::new(&app.panels);
        app.controls.populate(lang)?;
        // `?embed=1`: the stylesheet shows only the board and the training buttons.
        set_root_class("embed", query.embed);
        app.fit_canvases();
        app.set_state(State::Idle, text(lang, "ready"));
        app.update_play_button();
        app.sync_controls();
        if query.projector {
            app.set_projector(true);
        }
        // `?lesson=xor` alone sets the lesson up; a full link (config keys too) restores the
        // run exactly as it was shared and only shows the lesson's panel.
        let _ = app.lessons.show(None, lang, false);
        if let Some(id) = &query.lesson {
            match lesson::find(id) {
                Some(found) if query.has_config => {
                    app.lesson = Some(found);
                    app.set_challenge(found.challenge);
                    let _ = app.lessons.show(Some(found), lang, true);
                    app.update_lessons_button();
                }
                Some(found) => app.open_lesson(found.id),
                None => app.open_lesson(id),
            }
        }
        // The link's own challenge wins over the lesson's; its bad parts are named below.
        let challenge_refused = query
            .challenge
            .as_deref()
            .map_or_else(Vec::new, |text| app.set_challenge(Some(text)));
        let points_rejected = app.restore_points(query.points_data.as_deref());
        app.write_url();
        let compare_rejected = app.open_compare_from_query(query.compare.as_deref());
        // One line per rejected key: why, and the value used instead. A key given twice
        // whose last value is fine is noted too (the earlier values were ignored).
        let config = app.trainer.config();
        let mut items: Vec<(String, String)> = rejected
            .iter()
            .map(|e| (e.key.clone(), e.message_using(lang, config)))
            .collect();
        for note in &query.repeated {
            if !rejected.iter().any(|e| e.key == note.key) {
                items.push((note.key.clone(), note.message(lang)));
            }
        }
        items.extend(compare_rejected.into_iter().map(|m| ("compare".to_string(), m)));
        items.extend(
            challenge_refused
                .iter()
                .map(|r| ("challenge".to_string(), r.message(lang))),
        );
        for name in unknown {
            items.push(("hide".to_string(), message(lang, "hide-unknown", &[("name", &name)])));
        }
        if let Some(value) = &query.lang_refused {
            items.push((
                "lang".to_string(),
                message(lang, "lang-unknown", &[("value", &shorten(value))]),
            ));
        }
        items.extend(points_rejected.into_iter().map(|m| ("points-data".to_string(), m)));
        if !items.is_empty() {
            app.show_notice_items(text(lang, "url-rejected"), &items);
        }
        Ok(app)
    }

    fn ratio(&self) -> f64 {
        window().map(|w| w.device_pixel_ratio()).unwrap_or(1.0).max(1.0)
    }

    /// Sizes each canvas's backing store to its CSS size × device pixel ratio, so lines and
    /// text are sharp on any screen, and forces a redraw.
    pub fn fit_canvases(&mut self) {
        let ratio = self.ratio();
        self.invalidate_views();
        // Every layout read before any write: the page is laid out once.
        self.network.measure();
        let mut canvases = vec![&self.boundary.canvas];
        canvases.extend(self.compare.canvas());
        for panel in &self.panels {
            canvases.extend(panel.canvases());
        }
        super::dom::fit_canvases(&canvases, ratio);
        self.compare.redraw();
    }

    /// Forces every view to rebuild and redraw on the next frame.
    fn invalidate_views(&mut self) {
        self.drawn = None;
        self.network.remeasure();
        for panel in &mut self.panels {
            panel.invalidate();
        }
    }

    /// Before printing: every panel draws now, those never scrolled to included.
    pub fn before_print(&mut self) {
        if let Some(watch) = &self.offscreen {
            watch.show_all();
        }
        self.invalidate_views();
        self.render();
    }

    /// After printing: the panels out of view stop drawing again.
    pub fn after_print(&self) {
        if let Some(watch) = &self.offscreen {
            watch.observe_again();
        }
    }

    /// A new run: the panels forget what they gathered over the old one.
    fn restart_panels(&mut self) {
        for panel in &mut self.panels {
            panel.restart();
        }
    }

    // ----- Transport -------------------------------------------------------------------

    pub fn toggle_play(&mut self) {
        if self.playing {
            self.pause();
        } else {
            self.play();
        }
    }

    pub fn play(&mut self) {
        if let Health::Diverged { .. } = self.trainer.health() {
            return;
        }
        self.playing = true;
        self.set_state(State::Running, text(self.lang, "running"));
        self.update_play_button();
    }

    pub fn pause(&mut self) {
        if self.playing {
            self.save_run();
        }
        self.playing = false;
        if self.state.as_ref().map(|s| s.0) == Some(State::Running) {
            self.set_state(State::Idle, text(self.lang, "paused"));
        }
        self.update_play_button();
    }

    /// Trains exactly one epoch (the step button), under the patience stop like play.
    pub fn step(&mut self) {
        self.pause();
        if self.capped() {
            return;
        }
        let (_, stopped) = self.train(1);
        self.compare.step();
        self.check_health();
        if let Some(stopped) = stopped {
            self.report_patience_stop(stopped);
        }
    }

    /// Re-initialises the weights (same seed, same config) and clears a divergence.
    pub fn reset(&mut self) {
        self.trainer.reset();
        self.save_run();
        self.restart_panels();
        self.compare.reset();
        self.early_stop.forget();
        if let Some(tracker) = &mut self.challenge {
            tracker.forget();
        }
        let (state, key) = if self.playing {
            (State::Running, "running")
        } else {
            (State::Idle, "ready")
        };
        self.set_state(state, text(self.lang, key));
    }

    fn update_play_button(&self) {
        let label = text(self.lang, if self.playing { "pause" } else { "play" });
        let _ = self.play_button.set_attribute("aria-label", label);
        let _ = self.play_button.set_attribute("title", label);
        let _ = self
            .play_button
            .set_attribute("aria-pressed", if self.playing { "true" } else { "false" });
    }

    fn set_state(&mut self, state: State, message: impl Into<String>) {
        let message = message.into();
        if self.state.as_ref() == Some(&(state, message.clone())) {
            return;
        }
        let _ = self.status.set_attribute("data-state", state.name());
        self.status.set_text_content(Some(&message));
        self.state = Some((state, message));
    }

    /// Stops playing and says so when the run diverged.
    fn check_health(&mut self) {
        if let Health::Diverged { layer, quantity, epoch } = self.trainer.health() {
            self.playing = false;
            self.update_play_button();
            let output = layer + 1 == self.trainer.network().layers.len();
            let message = diverged_message(self.lang, layer, output, quantity, epoch);
            self.set_state(State::Diverged, message);
        }
    }

    /// One animation frame: a benchmark step while `?bench=1` runs, else [`App::frame_work`].
    pub fn frame(&mut self) {
        if let Some(mut bench) = self.bench.take() {
            if bench.tick(self) {
                self.bench = Some(bench);
            }
            return;
        }
        self.frame_work();
    }

    /// Starts the `?bench=1` benchmark (on the next animation frames).
    pub fn start_bench(&mut self) -> WebResult<()> {
        self.bench = Some(BenchRun::new()?);
        Ok(())
    }

    /// For the benchmark: a fresh run of `config`, playing at `speed` epochs per frame.
    pub fn bench_setup(&mut self, config: Config, speed: Speed) {
        if let Ok(trainer) = Trainer::new(config) {
            self.trainer = trainer;
        }
        self.view.speed = speed;
        self.challenge = None;
        self.restart_panels();
        self.drawn = None;
        self.sync_controls();
        self.play();
    }

    /// Trains `speed` epochs if playing (at `max`, as many as the frame budget holds),
    /// checks the stop conditions, then renders.
    pub fn frame_work(&mut self) {
        let start = super::bench::now_ms();
        if let Some(press) = self
            .press
            .as_mut()
            .filter(|p| !p.fired && start - p.start >= LONG_PRESS_MS)
        {
            press.fired = true;
            let (b, x, y) = (press.b, press.x, press.y);
            self.click_on(b, x, y, false, true);
        }
        let mut trained = None;
        if self.playing {
            let mut epochs = match self.view.speed {
                Speed::Epochs(n) => n,
                Speed::Max => self.budget.epochs(),
            };
            let cap = self.challenge.as_ref().and_then(|t| t.challenge().epoch_cap());
            if let Some(stop) = self.view.stop_epoch.into_iter().chain(cap).min() {
                epochs = epochs.min(stop.saturating_sub(self.trainer.epoch()));
            }
            let (done, stopped) = self.train(epochs);
            // B keeps lock-step with A up to A's patience stop.
            self.compare.train(if stopped.is_some() { done } else { epochs });
            trained = Some((epochs, super::bench::now_ms()));
            self.save_run_now_and_then();
            self.check_health();
            self.check_stop_conditions(stopped);
        }
        if let Some(tracker) = &mut self.challenge {
            tracker.look(&mut self.trainer);
        }
        self.render();
        if let (Speed::Max, Some((epochs, trained_at))) = (self.view.speed, trained) {
            self.budget
                .record(epochs, trained_at - start, super::bench::now_ms() - trained_at);
        }
    }

    /// The run's epoch (for the benchmark's epochs per second).
    pub fn epoch(&self) -> u64 {
        self.trainer.epoch()
    }

    fn check_stop_conditions(&mut self, stopped: Option<Stopped>) {
        if !self.playing {
            return;
        }
        if let Some(stopped) = stopped {
            self.pause();
            self.report_patience_stop(stopped);
            return;
        }
        let epoch = self.trainer.epoch();
        if self.capped() {
            return;
        }
        if self.view.stop_epoch.is_some_and(|stop| epoch >= stop) {
            self.pause();
            self.set_state(State::Idle, text(self.lang, "stopped-epoch"));
        }
    }

    /// Trains up to `epochs` epochs under the patience stop; while a challenge is not met,
    /// epoch by epoch so that it sees each one (and never past its epoch cap).
    fn train(&mut self, epochs: u64) -> (u64, Option<Stopped>) {
        let App {
            trainer,
            early_stop,
            challenge,
            ..
        } = self;
        match challenge {
            Some(tracker) if tracker.met_at().is_none() => {
                let mut stopped = None;
                let done = tracker.train(trainer, epochs, |t| {
                    stopped = early_stop.train(t, 1).1;
                    stopped.is_none()
                });
                (done, stopped)
            }
            _ => early_stop.train(trainer, epochs),
        }
    }

    /// At the challenge's epoch cap (`epochs<=N`): pauses and says so.
    fn capped(&mut self) -> bool {
        let epoch = self.trainer.epoch();
        let Some(max) = self.challenge.as_ref().and_then(|t| t.challenge().epoch_cap()) else {
            return false;
        };
        if epoch < max {
            return false;
        }
        self.pause();
        let words = message(self.lang, "challenge-capped", &[("epoch", &epoch), ("max", &max)]);
        self.set_state(State::Idle, words);
        true
    }

    /// The conditions of the challenge followed now (none without one).
    pub(super) fn challenge_conditions(&self) -> &[Condition] {
        self.challenge.as_ref().map_or(&[], |t| &t.challenge().conditions)
    }

    /// Follows `text` as the challenge (None or nothing usable: no challenge), written
    /// back into the URL in its canonical form; returns the refused parts.
    pub(super) fn set_challenge(&mut self, text: Option<&str>) -> Vec<Refused> {
        let (challenge, refused) = text.map(Challenge::parse).unwrap_or_default();
        self.extra_query.retain(|(k, _)| k != "challenge");
        self.challenge = (!challenge.is_empty()).then(|| {
            self.extra_query.push(("challenge".to_string(), challenge.text()));
            Tracker::new(challenge)
        });
        refused
    }

    /// Says where the patience stop fired, which loss it watched, its best epoch and
    /// whether the weights went back to that epoch's.
    fn report_patience_stop(&mut self, stopped: Stopped) {
        let key = match stopped.watched {
            Watched::Validation => "stopped-patience",
            Watched::Test => "stopped-patience-test",
        };
        let loss = format_number(f64::from(stopped.best_loss));
        let mut words = message(
            self.lang,
            key,
            &[
                ("epoch", &stopped.epoch),
                ("best", &stopped.best_epoch),
                ("loss", &loss),
            ],
        );
        if stopped.restored {
            words.push(' ');
            words.push_str(&message(
                self.lang,
                "stopped-restored",
                &[("best", &stopped.best_epoch)],
            ));
        }
        self.set_state(State::Idle, words);
    }

    /// `#stop-restore`: whether the patience stop goes back to the best epoch's weights.
    pub fn set_stop_restore(&mut self, on: bool) {
        self.view.stop_restore = on;
        self.early_stop.set_restore(on);
    }

    // ----- Rendering -------------------------------------------------------------------

    /// Evaluates the run (the frame's last mutation), then draws everything whose data
    /// changed since the last frame from the run, read only, and the snapshot.
    pub fn render(&mut self) {
        let key = (self.trainer.version(), self.view.clone());
        let fresh = self.drawn.as_ref() != Some(&key);
        if fresh {
            self.snapshot.refresh(&mut self.trainer);
        }
        self.compare.evaluate();
        if let Some(message) = self.draw(fresh) {
            self.set_state(State::Error, message);
        }
        self.drawn = Some(key);
    }

    /// Draws from the run and the snapshot, returning the last drawing error. `fresh`: the
    /// snapshot or the view changed, so the boundary, the diagram and the inspector redraw.
    fn draw(&mut self, fresh: bool) -> Option<String> {
        let scale = self.chart_scale();
        let App {
            trainer,
            snapshot,
            view,
            lang,
            boundary,
            network,
            inspector,
            compare,
            panels,
            recorder,
            playing,
            challenge,
            challenge_view,
            ..
        } = self;
        // Shared borrows only: nothing below can change the run.
        let (trainer, snapshot, view, lang): (&Trainer, &FrameSnapshot, &ViewSettings, Lang) =
            (trainer, snapshot, view, *lang);
        if fresh {
            boundary.paint(trainer, &snapshot.grid, view);
            network.render(trainer, &snapshot.grid, &NetworkLabels::for_lang(lang), *playing);
            // After the boundary: the inspector rings its point on the painted canvas.
            inspector.refresh(trainer, lang, boundary);
        }
        if !fresh {
            network.catch_up(trainer, &snapshot.grid, *playing);
        }
        network.show_dropped(trainer, !*playing);
        compare.render(trainer, view, lang);
        let frame = Frame {
            snapshot,
            view,
            lang,
            scale,
            compare: compare.trainer(),
            playing: *playing,
            recording: recorder.is_some(),
        };
        let mut failure = challenge_view
            .update(challenge.as_ref(), lang)
            .err()
            .map(|e| e.to_string());
        for panel in panels.iter_mut() {
            if let Err(e) = panel.update(trainer, &frame) {
                failure = Some(e.to_string());
            }
        }
        if let Some(recorder) = recorder {
            let title = format!(
                "nnlab · {} · {} {} · {} {}",
                trainer.config().dataset.label(lang),
                text(lang, "epoch"),
                trainer.epoch(),
                text(lang, "test-loss"),
                trainer
                    .history()
                    .points()
                    .last()
                    .map_or("–".to_string(), |p| format_number(f64::from(p.test))),
            );
            let charts: Vec<_> = panels.iter().filter_map(|p| p.recorded()).collect();
            recorder.compose(&title, &boundary.canvas, &charts);
        }
        failure
    }

    /// Scale of chart text and lines: the pixel ratio, larger in projector mode.
    fn chart_scale(&self) -> f64 {
        self.ratio() * if self.view.projector { 1.4 } else { 1.0 }
    }

    // ----- Presentation ----------------------------------------------------------------

    /// Starts or stops the video recording; stopping downloads the video (WebM, or MP4
    /// where the browser records no WebM).
    pub fn toggle_recording(&mut self) {
        match self.recorder.take() {
            Some(recorder) => recorder.stop(),
            None => match VideoFormat::supported() {
                None => self.show_notice(text(self.lang, "record-unsupported")),
                Some(format) => match Recorder::start(format, &format.file_name("nnlab-training")) {
                    Ok(recorder) => self.recorder = Some(recorder),
                    Err(e) => self.show_notice(&format!("{} {e}", text(self.lang, "record-failed"))),
                },
            },
        }
        let recording = self.recorder.is_some();
        if let Ok(button) = by_id::<Element>("record") {
            let _ = button.set_attribute("aria-pressed", if recording { "true" } else { "false" });
            let label = text(self.lang, if recording { "record-stop" } else { "record" });
            if let Ok(Some(span)) = button.query_selector("span") {
                span.set_text_content(Some(label));
            }
            // Which container this browser records (webm or mp4), for tests and for a
            // teacher who wonders why Safari saves an .mp4.
            if let Some(recorder) = &self.recorder {
                let _ = button.set_attribute("data-video-format", recorder.format().extension());
            }
        }
    }

    /// A stopped recording was handed over (`bytes` long): an empty one was not saved,
    /// which the page says rather than leaving the teacher waiting for a download.
    pub fn recording_saved(&self, bytes: f64) {
        if bytes <= 0.0 {
            self.show_notice(text(self.lang, "record-empty"));
        }
    }

    /// Saves a PNG of the panel `panel` (an element inside the page).
    pub fn snapshot(&self, panel: &Element) {
        // Named after the panel's id, or its title's id ("output-title" → "output").
        let name = Some(panel.id())
            .filter(|id| !id.is_empty())
            .or_else(|| {
                let title = panel.query_selector("h2").ok().flatten()?;
                Some(title.id().trim_end_matches("-title").to_string()).filter(|id| !id.is_empty())
            })
            .unwrap_or_else(|| "panel".to_string());
        if let Err(e) = snapshot_panel(panel, &format!("nnlab-{name}.png"), self.ratio()) {
            self.show_notice(&e.to_string());
        }
    }

    // ----- Guided lessons ----------------------------------------------------------------

    /// Sets up lesson `id` from scratch (its config, fresh data and weights, paused) and shows
    /// its panel. An unknown id is said in the notice and changes nothing.
    pub fn open_lesson(&mut self, id: &str) {
        let Some(found) = lesson::find(id) else {
            self.show_notice(&format!("{} “{}”", text(self.lang, "lesson-unknown"), shorten(id)));
            self.extra_query.retain(|(k, _)| k != "lesson");
            self.write_url();
            return;
        };
        match Trainer::new(found.config()) {
            Ok(trainer) => self.trainer = trainer,
            Err(e) => {
                self.show_notice(&e.message(self.lang));
                return;
            }
        }
        self.pause();
        self.lesson = Some(found);
        self.set_challenge(found.challenge);
        self.restart_panels();
        self.drawn = None;
        self.extra_query.retain(|(k, _)| k != "lesson");
        self.extra_query.push(("lesson".to_string(), found.id.to_string()));
        let (state, key) = (State::Idle, "ready");
        self.set_state(state, text(self.lang, key));
        self.changed(Changes::default());
        self.open_lesson_compare(found.compare);
        let _ = self.lessons.show(Some(found), self.lang, true);
        self.update_lessons_button();
    }

    /// The previous (−1) or next (+1) lesson.
    pub fn lesson_step(&mut self, delta: isize) {
        if let Some(next) = self.lesson.and_then(|l| neighbour(l.id, delta)) {
            self.open_lesson(next.id);
        }
    }

    /// The lessons' prose arrived (www/boot.js fetches lessons.txt after the first frame;
    /// None when it could not be had): an open lesson shows it at once.
    pub fn lessons_arrived(&mut self, prose: Option<String>) {
        let loaded = prose.is_some_and(lesson::load);
        self.lessons.prose_failed = !loaded && !lesson::prose_loaded();
        if let Some(open) = self.lesson {
            let _ = self.lessons.show(Some(open), self.lang, false);
        }
    }

    /// Sets the current lesson up again from scratch.
    pub fn restart_lesson(&mut self) {
        if let Some(current) = self.lesson {
            self.open_lesson(current.id);
        }
    }

    /// The top bar's lessons button: opens the first (or last followed) lesson, or closes.
    pub fn toggle_lessons(&mut self) {
        if let Some(open) = self.lesson {
            // The lesson's own goal goes with it; a link's stays.
            let current = self.challenge.as_ref().map(|t| t.challenge().text());
            if open.challenge.is_some() && open.challenge == current.as_deref() {
                self.set_challenge(None);
            }
            self.lesson = None;
            let _ = self.lessons.show(None, self.lang, false);
            self.extra_query.retain(|(k, _)| k != "lesson");
            self.write_url();
            self.update_lessons_button();
        } else if let Some(first) = lesson::LESSONS.first() {
            self.open_lesson(first.id);
        }
    }

    fn update_lessons_button(&self) {
        if let Ok(button) = by_id::<Element>("open-lessons") {
            let open = if self.lesson.is_some() { "true" } else { "false" };
            let _ = button.set_attribute("aria-pressed", open);
        }
    }

    /// Projector mode: large type, thick lines, high contrast and fewer panels; `?projector=1`.
    pub fn set_projector(&mut self, on: bool) {
        self.view.projector = on;
        set_root_class("projector", on);
        if let Ok(button) = by_id::<Element>("projector") {
            let _ = button.set_attribute("aria-pressed", if on { "true" } else { "false" });
        }
        self.extra_query.retain(|(k, _)| k != "projector");
        if on {
            self.extra_query.push(("projector".to_string(), "1".to_string()));
        }
        self.fit_canvases();
        self.write_url();
    }

    // ----- Config changes --------------------------------------------------------------

    /// Shows the run's config in every control.
    pub fn sync_controls(&mut self) {
        let problem = self.trainer.problem();
        self.controls
            .sync(self.trainer.config(), problem, &self.view, self.lang);
        self.features.sync(&self.trainer.config().features);
        self.show_formulas();
    }

    /// The formula cards: the current activation, loss, optimizer and penalty. Each card
    /// shows the choice's label in the page language (as text) above its MathML (the same in
    /// both languages), written from the engine's own definitions. A part is rewritten only
    /// when it changed.
    fn show_formulas(&self) {
        let config = self.trainer.config();
        let cards = [
            ("activation", config.activation.info()),
            ("loss", config.loss.info()),
            ("optimizer", config.optimizer.info()),
            ("reg", config.reg.info()),
        ];
        let Ok(doc) = super::dom::document() else { return };
        for (key, info) in cards {
            let card = format!("#formulas [data-formula=\"{key}\"]");
            if let Ok(Some(label)) = doc.query_selector(&format!("{card} .formula-label")) {
                let text = self.lang.pick(info.en, info.zh);
                if label.text_content().as_deref() != Some(text) {
                    label.set_text_content(Some(text));
                }
            }
            if let Ok(Some(math)) = doc.query_selector(&format!("{card} .formula-math")) {
                if math.get_attribute("data-choice").as_deref() != Some(info.name) {
                    // innerHTML is safe here: `mathml` is static program text from the engine's
                    // choice definitions (checked by a unit test), never user input.
                    math.set_inner_html(&format!("<math display=\"block\">{}</math>", info.mathml));
                    let _ = math.set_attribute("data-choice", info.name);
                }
            }
        }
        self.show_dropout_formula(&doc);
        for kind in [NormKind::Batch, NormKind::Layer] {
            self.show_norm_formula(&doc, kind);
        }
    }

    /// The batch-norm or layer-norm card: shown while a hidden layer normalises that way,
    /// with the layers in its label.
    fn show_norm_formula(&self, doc: &web_sys::Document, kind: NormKind) {
        let selector = format!("#formulas [data-formula=\"{}-norm\"]", kind.name());
        let Ok(Some(card)) = doc.query_selector(&selector) else {
            return;
        };
        let network = self.trainer.network();
        let layers: Vec<String> = network.layers[..network.hidden_count()]
            .iter()
            .enumerate()
            .filter(|(_, l)| l.norm_kind() == kind)
            .map(|(i, _)| (i + 1).to_string())
            .collect();
        if layers.is_empty() {
            let _ = card.set_attribute("hidden", "");
            return;
        }
        let _ = card.remove_attribute("hidden");
        let key = if kind == NormKind::Batch {
            "batch-norm-card"
        } else {
            "layer-norm-card"
        };
        let label = message(
            self.lang,
            key,
            &[
                ("layers", &layers.join(", ")),
                ("epsilon", &crate::core::layer::norm::EPSILON),
                ("momentum", &crate::core::layer::norm::MOMENTUM),
            ],
        );
        if let Ok(Some(element)) = card.query_selector(".formula-label") {
            if element.text_content().as_deref() != Some(label.as_str()) {
                element.set_text_content(Some(&label));
            }
        }
        if let Ok(Some(math)) = card.query_selector(".formula-math") {
            let info = kind.info();
            if math.get_attribute("data-choice").as_deref() != Some(info.name) {
                // Static program text made by build.rs from the TeX in layer/norm.rs.
                math.set_inner_html(&format!("<math display=\"block\">{}</math>", info.mathml));
                let _ = math.set_attribute("data-choice", info.name);
            }
        }
    }

    /// The dropout card: shown while a hidden layer drops outputs, with the rates in its label.
    fn show_dropout_formula(&self, doc: &web_sys::Document) {
        let Ok(Some(card)) = doc.query_selector("#formulas [data-formula=\"dropout\"]") else {
            return;
        };
        let network = self.trainer.network();
        let rates: Vec<Float> = network.layers[..network.hidden_count()]
            .iter()
            .map(|l| l.dropout.map_or(0.0, |d| d.rate))
            .collect();
        if rates.iter().all(|&r| r == 0.0) {
            let _ = card.set_attribute("hidden", "");
            return;
        }
        let _ = card.remove_attribute("hidden");
        let label = if rates.iter().all(|&r| r == rates[0]) {
            message(self.lang, "dropout-card", &[("rates", &rates[0])])
        } else {
            let list = rates.iter().map(|r| r.to_string()).collect::<Vec<_>>().join(", ");
            message(self.lang, "dropout-card-layers", &[("rates", &list)])
        };
        if let Ok(Some(element)) = card.query_selector(".formula-label") {
            if element.text_content().as_deref() != Some(label.as_str()) {
                element.set_text_content(Some(&label));
            }
        }
        if let Ok(Some(math)) = card.query_selector(".formula-math") {
            if math.get_attribute("data-choice").as_deref() != Some("dropout") {
                // Static program text made by build.rs from the TeX in layer/dropout.rs.
                let mathml = crate::core::layer::dropout::FORMULA.1;
                math.set_inner_html(&format!("<math display=\"block\">{mathml}</math>"));
                let _ = math.set_attribute("data-choice", "dropout");
            }
        }
    }

    /// Puts a link's `points-data=` in place; what was refused, in the page's language.
    fn restore_points(&mut self, points: Option<&str>) -> Vec<String> {
        let Some(points) = points else { return Vec::new() };
        let (shared, refused) = match crate::core::share::decode_points(points) {
            Ok(found) => found,
            Err(e) => return vec![e.message(self.lang)],
        };
        let mut messages: Vec<String> = refused.iter().map(|e| e.message(self.lang)).collect();
        if let Err(e) = self.trainer.restore_points(shared) {
            messages.push(e.message(self.lang));
        }
        messages
    }

    /// The URL reproduces the run: the config's query plus the page's own keys.
    pub(super) fn write_url(&self) {
        let query = self.query(None);
        if let Ok(w) = window() {
            if let Ok(history) = w.history() {
                let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("?{query}")));
            }
        }
    }

    /// The page's query: the config, compare mode, the page's own keys (`hide=` replaced
    /// when `hide` is given; empty drops it) and the points a link must carry.
    pub(super) fn query(&self, hide: Option<&str>) -> String {
        use crate::core::config::encode_query_value;
        let mut query = self.trainer.config().to_query();
        if let Some(pair) = self.compare.url_pair() {
            query.push('&');
            query.push_str(&pair);
        }
        let hide = hide.map(|h| ("hide", h.to_string()));
        let points = self
            .trainer
            .shared_points()
            .map(|p| ("points-data", crate::core::share::encode_points(&p)));
        let replace = hide.is_some();
        let kept = self.extra_query.iter().filter(|(k, _)| !replace || k != "hide");
        for (k, v) in kept
            .map(|(k, v)| (k.as_str(), v.clone()))
            .chain(hide.filter(|h| !h.1.is_empty()))
            .chain(points)
        {
            query.push('&');
            query.push_str(&encode_query_value(k));
            query.push('=');
            query.push_str(&encode_query_value(&v));
        }
        query
    }

    /// After any change of the run: say what reset, clear a divergence, update URL and controls.
    pub(super) fn changed(&mut self, changes: Changes) {
        let mut notes = Vec::new();
        if changes.optimizer_state_cleared {
            notes.push(text(self.lang, "optimizer-reset").to_string());
        }
        if changes.data_regenerated {
            notes.push(text(self.lang, "data-regenerated").to_string());
        }
        if let Some(loss) = changes.loss_replaced {
            notes.push(format!(
                "{} {}.",
                text(self.lang, "loss-replaced"),
                loss.label(self.lang)
            ));
        }
        if !notes.is_empty() {
            self.show_notice(&notes.join(" "));
        }
        if self.state.as_ref().map(|s| s.0) == Some(State::Diverged) && self.trainer.health() == Health::Ok {
            let key = if self.playing { "running" } else { "ready" };
            self.set_state(
                if self.playing { State::Running } else { State::Idle },
                text(self.lang, key),
            );
        }
        self.early_stop.forget();
        if let Some(tracker) = &mut self.challenge {
            tracker.forget();
        }
        self.follow_compare();
        self.sync_controls();
    }

    /// Sets one config key from a control. A refused value leaves the run as it was, puts
    /// the control back (even while it has focus) and says why next to it.
    pub fn set_key(&mut self, key: &str, value: &str, field: Option<&str>) {
        self.show_field_error(field, None);
        match self.trainer.set(key, value) {
            Ok(changes) => self.changed(changes),
            Err(e) => {
                self.sync_controls();
                match field {
                    Some(field) => {
                        let config = self.trainer.config();
                        let both = [Lang::En, Lang::Zh].map(|lang| e.message_keeping(lang, config));
                        self.show_field_error(Some(field), Some(both));
                        self.controls.restore_number(field, self.trainer.config());
                    }
                    None => self.show_notice(&e.message(self.lang)),
                }
            }
        }
    }

    /// Writes (or clears) the message next to `field`, kept in both languages so a language
    /// switch rewrites it.
    pub(super) fn show_field_error(&mut self, field: Option<&str>, message: Option<[String; 2]>) {
        let Some(field) = field else { return };
        self.field_errors.retain(|(f, _)| f != field);
        let shown = message.as_ref().map(|[en, zh]| self.lang.pick(en, zh));
        write_field_error(field, shown);
        if let Some(message) = message {
            self.field_errors.push((field.to_string(), message));
        }
    }

    pub fn set_activation_everywhere(&mut self, name: &str) {
        match Activation::parse(name) {
            Ok(activation) => {
                let changes = self.trainer.set_activation_everywhere(activation);
                self.changed(changes);
            }
            Err(_) => self.sync_controls(),
        }
    }

    pub fn set_layer_activation(&mut self, layer: usize, name: &str) {
        if let Ok(activation) = Activation::parse(name) {
            if self.trainer.set_layer_activation(layer, activation) {
                self.changed(Changes::default());
                return;
            }
        }
        self.sync_controls();
    }

    /// Sets the dropout rate typed into hidden layer `layer`'s field in the diagram; a
    /// refused value is said in the notice and the field shows the rate in force again.
    pub fn set_layer_dropout(&mut self, layer: usize, value: &str) {
        match self.trainer.set_layer_dropout(layer, value) {
            Ok(true) => self.changed(Changes::default()),
            Ok(false) => {}
            Err(e) => {
                self.show_notice(&e.message(self.lang));
                self.network.show_dropout(&self.trainer, layer);
            }
        }
    }

    /// Sets the normalisation chosen in hidden layer `layer`'s select in the diagram; a
    /// refusal (batch normalisation with a batch of 1) is said in the notice and the select
    /// shows the normalisation in force again.
    pub fn set_layer_norm(&mut self, layer: usize, name: &str) {
        let Ok(norm) = NormKind::parse(name) else {
            self.sync_controls();
            return;
        };
        match self.trainer.set_layer_norm(layer, norm) {
            Ok(true) => self.changed(Changes::default()),
            Ok(false) => {}
            Err(e) => {
                self.show_notice(&e.message(self.lang));
                self.network.show_norm(&self.trainer, layer);
            }
        }
    }

    /// Applies the ticked feature toggles (at least one must stay ticked).
    pub fn features_toggled(&mut self) {
        let features: Vec<Feature> = self.features.selected();
        if features.is_empty() {
            self.sync_controls();
            return;
        }
        let list = crate::core::feature::feature_list_string(&features);
        self.set_key("features", &list, None);
    }

    pub fn add_layer(&mut self) {
        if self.trainer.add_layer() {
            self.changed(Changes::default());
        }
    }

    pub fn remove_layer(&mut self) {
        if self.trainer.remove_layer() {
            self.changed(Changes::default());
        }
    }

    pub fn add_neuron(&mut self, layer: usize) {
        if self.trainer.add_neuron(layer) {
            self.changed(Changes::default());
        }
    }

    pub fn remove_neuron(&mut self, layer: usize) {
        if self.trainer.remove_neuron(layer) {
            self.changed(Changes::default());
        }
    }

    /// New points from a fresh random seed.
    pub fn regenerate(&mut self) {
        let mut bytes = [0u8; 4];
        let seed = match getrandom::fill(&mut bytes) {
            Ok(()) => u32::from_le_bytes(bytes),
            Err(_) => (self.trainer.config().seed as u32)
                .wrapping_mul(2_654_435_761)
                .wrapping_add(1),
        };
        self.set_key("seed", &seed.to_string(), None);
    }

    /// Switches every text of the page to `lang` at once and keeps it in the URL.
    pub fn set_lang(&mut self, code: &str) {
        let Some(lang) = Lang::from_code(code) else { return };
        self.lang = lang;
        let _ = super::text::apply(lang);
        let _ = self.controls.populate(lang);
        self.extra_query.retain(|(k, _)| k != "lang");
        self.extra_query.push(("lang".to_string(), lang.code().to_string()));
        for (field, [en, zh]) in &self.field_errors {
            write_field_error(field, Some(lang.pick(en, zh)));
        }
        self.update_play_button();
        let status = match self.state.as_ref().map(|s| s.0) {
            Some(State::Running) => Some("running"),
            Some(State::Idle) | None => Some("ready"),
            _ => None,
        };
        if let Some(key) = status {
            let state = if self.playing { State::Running } else { State::Idle };
            self.set_state(state, text(lang, key));
        }
        self.check_health();
        self.invalidate_views();
        let _ = self.lessons.show(self.lesson, lang, false);
        self.write_url();
        self.sync_controls();
        self.refresh_share();
    }

    // ----- View settings ---------------------------------------------------------------

    pub fn set_speed(&mut self, text: &str) {
        if let Some(speed) = Speed::parse(text) {
            if speed == Speed::Max && self.view.speed != Speed::Max {
                // Measured afresh: the last budget may be of another network or machine load.
                self.budget = FrameBudget::new(FRAME_WORK_MS);
            }
            self.view.speed = speed;
        }
        self.sync_controls();
    }

    pub fn set_show_test(&mut self, on: bool) {
        self.view.show_test = on;
    }

    pub fn set_discretize(&mut self, on: bool) {
        self.view.discretize = on;
    }

    pub fn set_log_scale(&mut self, on: bool) {
        self.view.log_scale = on;
    }

    pub fn set_point_class(&mut self, attribute: &str) {
        if let Some(choice) = PointClass::from_attribute(attribute) {
            self.view.point_class = choice;
            self.sync_controls();
        }
    }

    /// Sets or clears (empty text) a stop condition; refuses anything but a whole number
    /// from 1 to [`MAX_STOP`], keeping the condition in force and showing it in the field.
    pub fn set_stop(&mut self, field: &str, value: &str) {
        let trimmed = value.trim();
        let parsed = if trimmed.is_empty() {
            Some(None)
        } else {
            trimmed
                .parse::<u64>()
                .ok()
                .filter(|n| (1..=MAX_STOP).contains(n))
                .map(Some)
        };
        let current = if field == "stop-epoch" {
            self.view.stop_epoch
        } else {
            self.view.stop_patience
        };
        match parsed {
            Some(n) => {
                self.show_field_error(Some(field), None);
                if field == "stop-epoch" {
                    self.view.stop_epoch = n;
                } else {
                    self.view.stop_patience = n;
                    self.early_stop.set_patience(n);
                }
            }
            None => {
                let message = [Lang::En, Lang::Zh].map(|lang| {
                    let kept = current.map_or_else(|| text(lang, "value-none").to_string(), |n| n.to_string());
                    text(lang, "stop-invalid")
                        .replace("{value}", &shorten(value))
                        .replace("{max}", &MAX_STOP.to_string())
                        .replace("{kept}", &kept)
                });
                self.show_field_error(Some(field), Some(message));
                if let Ok(input) = by_id::<web_sys::HtmlInputElement>(field) {
                    input.set_value(&current.map(|n| n.to_string()).unwrap_or_default());
                    input.select();
                }
            }
        }
    }

    // ----- Data points -----------------------------------------------------------------

    /// A click on the boundary at CSS offset (x, y): adds a point of the chosen class (the
    /// other class with shift), or removes the nearest point (right click or remove mode).
    #[inline(never)]
    pub fn boundary_click(&mut self, x: f64, y: f64, shift: bool, remove: bool) {
        let point = self.boundary.plane_point(x, y);
        self.plane_click(point, shift, remove);
    }

    /// A pointer event on the boundary (`kind`: `pointerdown`, `pointermove`, `pointerup`,
    /// `pointercancel` or `click`): a touch held still for `LONG_PRESS_MS` removes the nearest
    /// point (touch has no right click; `frame_work` watches the time), a touch that moves
    /// is a scroll. Returns whether the touch has removed a point: its click then adds none.
    pub fn boundary_pointer(&mut self, b: bool, kind: &str, touch: bool, x: f64, y: f64) -> bool {
        let fired = self.press.is_some_and(|p| p.fired);
        match kind {
            "pointerdown" => {
                self.press = touch.then(|| Press {
                    b,
                    x,
                    y,
                    start: super::bench::now_ms(),
                    fired: false,
                });
            }
            "pointermove" if self.press.is_none_or(|p| p.still(x, y)) => {}
            "click" => self.press = None,
            // Moved, or lifted before the time (the click that follows is a tap).
            _ if !fired => self.press = None,
            _ => {}
        }
        fired
    }

    /// Whether a touch is held on the boundary (a touch browser's context menu then belongs
    /// to the long press).
    pub fn pressing(&self) -> bool {
        self.press.is_some()
    }

    /// A click at CSS pixel (x, y) of A's boundary, or of B's when `b`.
    pub fn click_on(&mut self, b: bool, x: f64, y: f64, shift: bool, remove: bool) {
        if b {
            self.boundary_b_click(x, y, shift, remove);
        } else {
            self.boundary_click(x, y, shift, remove);
        }
    }

    /// The same on B's boundary in compare mode (through B's own pixel-to-plane mapping).
    pub fn boundary_b_click(&mut self, x: f64, y: f64, shift: bool, remove: bool) {
        let point = self.compare.plane_point(x, y);
        self.plane_click(point, shift, remove);
    }

    /// A click at plane point `point` of either boundary: both runs share their data.
    fn plane_click(&mut self, point: Option<(Float, Float)>, shift: bool, remove: bool) {
        let Some((px, py)) = point else {
            return;
        };
        if self.inspector.is_open() {
            // Inspecting: a click picks the nearest training point instead.
            if self.inspector.pick_nearest(&self.trainer, px, py) {
                self.drawn = None;
            }
            return;
        }
        // Students of a link that hides adding points cannot change them.
        if self.share.hides("add-points") {
            return;
        }
        if remove || self.view.point_class == PointClass::Remove {
            self.trainer.remove_point_near(px, py, 0.4);
            self.compare.remove_point_near(px, py, 0.4);
            self.write_url();
            return;
        }
        // On the 0.01 grid a link keeps points on, so a shared link gives these exactly.
        let (px, py) = (crate::core::share::quantise(px), crate::core::share::quantise(py));
        let PointClass::Label(mut label) = self.view.point_class else {
            return;
        };
        match self.trainer.problem() {
            Problem::Binary if shift => label = 1.0 - label.round().clamp(0.0, 1.0),
            Problem::MultiClass(k) if shift => label = ((label as usize + 1) % k) as Float,
            Problem::Regression if shift => label = -label,
            _ => {}
        }
        let classes = self.trainer.problem().classes();
        if classes > 0 && label as usize >= classes {
            label = 0.0;
        }
        let sample = Sample { x: px, y: py, label };
        self.trainer.add_point(sample, Split::Train);
        self.compare.add_point(sample, Split::Train);
        self.write_url();
    }

    // ----- Network diagram -------------------------------------------------------------

    pub fn parameter_at(&self, target: &Element) -> Option<ParamRef> {
        self.network.parameter_at(target)
    }

    pub fn hover(&self, target: Option<&Element>, x: f64, y: f64) {
        let extra = |param| self.inspector.link_tooltip(param, self.lang);
        self.network.hover(&self.trainer, target, x, y, extra);
    }

    // ----- Backprop inspector ----------------------------------------------------------

    /// #inspect: opens the inspector (pausing training) or closes it.
    pub fn toggle_inspect(&mut self) {
        let open = !self.inspector.is_open();
        if open {
            self.pause();
        }
        self.inspector.set_open(open);
        self.drawn = None;
    }

    pub fn inspecting(&self) -> bool {
        self.inspector.is_open()
    }

    /// Moves the inspector `delta` steps through the forward and backward pass.
    pub fn inspect_step(&mut self, delta: i32) {
        self.inspector.step_by(delta, &self.trainer, self.lang);
    }

    /// The current value of a weight or bias, for the editor.
    pub fn parameter_value(&self, param: ParamRef) -> Option<Float> {
        let layers = &self.trainer.network().layers;
        match param {
            ParamRef::Weight { layer, row, column } => layers.get(layer)?.weights.value.get((row, column)).copied(),
            ParamRef::Bias { layer, row } => layers.get(layer)?.biases.value.get((row, 0)).copied(),
        }
    }

    /// Sets a weight or bias typed by the user; returns the error message for a bad value.
    pub fn set_parameter(&mut self, param: ParamRef, value: &str) -> Result<(), String> {
        let parsed: Float = crate::core::math::parse_decimal(value.trim())
            .map(|v| v as Float)
            .filter(|v: &Float| v.is_finite() && v.abs() <= MAX_PARAMETER)
            .ok_or_else(|| text(self.lang, "weight-invalid").to_string())?;
        let ok = match param {
            ParamRef::Weight { layer, row, column } => self.trainer.set_parameter(layer, row, Some(column), parsed),
            ParamRef::Bias { layer, row } => self.trainer.set_parameter(layer, row, None, parsed),
        };
        if ok {
            Ok(())
        } else {
            Err(text(self.lang, "weight-invalid").to_string())
        }
    }

    // ----- Files and sharing -----------------------------------------------------------

    /// Shows `message` in `#notice` (as text, never as HTML).
    pub fn show_notice(&self, message: &str) {
        self.show_notice_items(message, &[]);
    }

    /// Shows `intro` in `#notice` with one list item per (key, message), each
    /// `li[data-key]`; all of it as text nodes, never as HTML.
    pub fn show_notice_items(&self, intro: &str, items: &[(String, String)]) {
        if let Ok(Some(body)) = self.notice.query_selector(".notice-text") {
            body.set_text_content(Some(intro));
            if !items.is_empty() {
                let _ = append_items(&body, items);
            }
        }
        let _ = self.notice.remove_attribute("hidden");
    }

    pub fn dismiss_notice(&self) {
        let _ = self.notice.set_attribute("hidden", "");
    }

    pub fn save_model(&self) {
        let json = self.trainer.model().to_json();
        if let Err(e) = super::files::download_text("nnlab-model.json", "application/json", &json) {
            self.show_notice(&e.to_string());
        }
    }

    pub fn export_loss(&self) {
        let csv = self.trainer.history().to_csv();
        if let Err(e) = super::files::download_text("nnlab-loss.csv", "text/csv", &csv) {
            self.show_notice(&e.to_string());
        }
    }

    /// Downloads the run as a NumPy script, from the template fetched beside the page.
    pub fn export_python(&self, template: Option<String>) {
        let Some(template) = template else {
            return self.show_notice(text(self.lang, "export-python-failed"));
        };
        let script = crate::core::export_python::script(&template, &self.trainer, None, self.lang);
        if let Err(e) = super::files::download_text("nnlab-run.py", "text/x-python", &script) {
            self.show_notice(&e.to_string());
        }
    }

    pub fn export_png(&self) {
        if let Err(e) = super::files::download_canvas_png(&self.boundary.canvas, "nnlab-boundary.png") {
            self.show_notice(&e.to_string());
        }
    }

    /// Loads a chosen model file; a bad file changes nothing and says what is wrong where,
    /// in the page's language.
    pub fn load_model_file(&mut self, name: &str, contents: Result<String, FileRefusal>) {
        let result = match contents {
            Ok(text) => Model::from_json(&text).and_then(|model| self.trainer.load_model(model)),
            Err(FileRefusal::TooLarge(bytes)) => Err(ModelError {
                path: "$".to_string(),
                problem: ModelProblem::TooLarge { bytes },
            }),
            Err(FileRefusal::Unreadable) => {
                return self.file_refused("model-refused", name, text(self.lang, "file-unreadable"));
            }
        };
        match result {
            Ok(()) => {
                self.early_stop.forget();
                self.changed(Changes::default());
                self.show_notice(&format!("{} ({name})", text(self.lang, "model-loaded")));
            }
            Err(e) => self.file_refused("model-refused", name, &e.message(self.lang)),
        }
    }

    /// Imports points from a chosen CSV file; a bad file imports nothing and names the line
    /// and column, in the page's language.
    pub fn import_points_file(&mut self, name: &str, contents: Result<String, FileRefusal>) {
        let parsed = match contents {
            Ok(text) => parse_csv(&text, Some(self.trainer.problem())),
            Err(FileRefusal::TooLarge(bytes)) => Err(CsvError::too_large(bytes)),
            Err(FileRefusal::Unreadable) => {
                return self.file_refused("points-refused", name, text(self.lang, "file-unreadable"));
            }
        };
        match parsed {
            Ok(csv) => {
                let count = csv.samples.len();
                self.compare.import_points(&csv);
                self.trainer.import_points(csv);
                self.changed(Changes::default());
                self.show_notice(&format!("{} {count} ({name})", text(self.lang, "points-imported")));
            }
            Err(e) => self.file_refused("points-refused", name, &e.message(self.lang)),
        }
    }

    /// Says that file `name` was refused (`what`: the text key saying what was not done) and why.
    fn file_refused(&self, what: &str, name: &str, reason: &str) {
        let path = format!("{} {name}", text(self.lang, what));
        self.show_notice(&message(self.lang, "at-path", &[("path", &path), ("reason", &reason)]));
    }

    /// The address that reproduces this run.
    pub fn link(&self) -> String {
        window()
            .and_then(|w| w.location().href().map_err(Into::into))
            .unwrap_or_default()
    }
}

/// Sets the text of `.field-error[data-for=field]` (None clears it).
fn write_field_error(field: &str, message: Option<&str>) {
    let selector = format!(".field-error[data-for=\"{field}\"]");
    if let Ok(Some(element)) = super::dom::document().and_then(|d| d.query_selector(&selector).map_err(Into::into)) {
        element.set_text_content(message);
    }
}

/// Appends `ul.notice-list` with an `li[data-key]` per item to `body`.
fn append_items(body: &Element, items: &[(String, String)]) -> WebResult<()> {
    let doc = super::dom::document()?;
    let list = doc.create_element("ul")?;
    list.set_attribute("class", "notice-list")?;
    for (key, message) in items {
        // A line break between items keeps the notice's plain text (textContent, copying)
        // one message a line; it does not render inside the list.
        list.append_with_str_1("\n")?;
        let item = doc.create_element("li")?;
        item.set_attribute("data-key", key)?;
        item.set_text_content(Some(message));
        list.append_child(&item)?;
    }
    body.append_child(&list)?;
    Ok(())
}

fn diverged_message(lang: Lang, layer: usize, output: bool, quantity: Quantity, epoch: u64) -> String {
    let number = layer + 1;
    let which_key = if output {
        "diverged-output-layer"
    } else {
        "diverged-hidden-layer"
    };
    let which = message(lang, which_key, &[("number", &number)]);
    let what = text(
        lang,
        match quantity {
            Quantity::Loss => "diverged-loss",
            Quantity::Gradient => "diverged-gradients",
            Quantity::Weights => "diverged-weights",
        },
    );
    message(
        lang,
        "diverged",
        &[("epoch", &epoch), ("what", &what), ("which", &which)],
    )
}

/// Sets or clears a class of the page's root element (`projector`, `embed`): the stylesheet
/// does the rest.
fn set_root_class(name: &str, on: bool) {
    if let Some(root) = super::dom::document().ok().and_then(|d| d.document_element()) {
        let _ = root.class_list().toggle_with_force(name, on);
    }
}
