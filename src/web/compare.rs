//! Compare mode (`#compare`): a second network, B, trained beside the main one (A) on the
//! same data and seed, differing only in the keys of [`CompareKeys`]. B has its own
//! boundary canvas (drawn by [`BoundaryView`]), readouts and selects; the loss chart
//! overlays its curves. Both train in lock-step: the App calls the hooks here from its
//! frame, step, reset, data edits and config changes. All math is the engine's.

use web_sys::{Element, HtmlCanvasElement, HtmlSelectElement};

use super::app::App;
use super::boundary::{BoundaryView, GRID};
use super::controls::{fill_key, option, ViewSettings};
use super::dom::{by_id, Readout, WebResult};
use super::text::text;
use super::{on, Shared};
use crate::core::compare::{describe, matching_preset, Preset, PRESETS};
use crate::core::config::{CompareKeys, Config};
use crate::core::data_csv::{CsvData, Split};
use crate::core::introspect::GridOutputs;
use crate::core::loss::Metrics;
use crate::core::trainer::{Health, Trainer};
use crate::core::{Float, Lang, Sample};

/// B's selects: (element id, config key).
const B_SELECTS: &[(&str, &str)] = &[
    ("compare-activation", "activation"),
    ("compare-optimizer", "optimizer"),
    ("compare-init", "init"),
    ("compare-reg", "reg"),
    ("compare-normalize", "normalize"),
    ("compare-norm", "norm"),
];

/// The top-bar toggle and preset select, and network B while compare mode is on.
pub struct Compare {
    pub view: Option<CompareView>,
    toggle: Element,
    preset: HtmlSelectElement,
    panel: Element,
    board: Element,
    selects: Vec<(HtmlSelectElement, &'static str)>,
    shown_lang: Option<Lang>,
}

/// Network B: its run, the keys in which it differs from A, and what shows it.
pub struct CompareView {
    pub trainer: Trainer,
    pub keys: CompareKeys,
    boundary: BoundaryView,
    /// B's outputs over the plane, for its boundary.
    grid: GridOutputs,
    /// B's train and test metrics, evaluated in the frame's mutation phase.
    metrics: (Metrics, Metrics),
    readouts: [Readout; 5],
    label: Element,
    status: Element,
    drawn: Option<(u64, u64, ViewSettings, Lang)>,
}

impl CompareView {
    /// B from A's run: the same data (hand-made points too), B's config, fresh weights.
    fn start(a: &Trainer, keys: CompareKeys, lang: Lang) -> Result<CompareView, String> {
        let mut trainer = a.clone();
        let b = keys.apply(a.config()).map_err(|e| e.message(lang))?;
        trainer.apply_config(b).map_err(|e| e.message(lang))?;
        trainer.reset();
        let readout = |id: &str| Readout::new(id).map_err(|e| e.0);
        Ok(CompareView {
            trainer,
            keys,
            boundary: BoundaryView::on("boundary-b").map_err(|e| e.0)?,
            grid: GridOutputs::new(GRID),
            metrics: (Metrics::default(), Metrics::default()),
            readouts: [
                readout("compare-epoch")?,
                readout("compare-train-loss")?,
                readout("compare-test-loss")?,
                readout("compare-train-accuracy")?,
                readout("compare-test-accuracy")?,
            ],
            label: by_id("compare-label").map_err(|e| e.0)?,
            status: by_id("compare-status").map_err(|e| e.0)?,
            drawn: None,
        })
    }

    fn update_readouts(&mut self, train: &Metrics, test: &Metrics) {
        let epoch = self.trainer.epoch();
        let [epoch_out, train_loss, test_loss, train_accuracy, test_accuracy] = &mut self.readouts;
        epoch_out.set(&epoch.to_string(), epoch as f64);
        super::dom::show_metrics(train_loss, train_accuracy, train);
        super::dom::show_metrics(test_loss, test_accuracy, test);
    }
}

impl Compare {
    pub fn new() -> WebResult<Compare> {
        let board = super::dom::document()?
            .query_selector("main.board")?
            .ok_or_else(|| super::dom::WebError("the page has no main.board".into()))?;
        Ok(Compare {
            view: None,
            toggle: by_id("compare")?,
            preset: by_id("compare-preset")?,
            panel: by_id("compare-panel")?,
            board,
            selects: B_SELECTS
                .iter()
                .map(|&(id, key)| Ok((by_id::<HtmlSelectElement>(id)?, key)))
                .collect::<WebResult<Vec<_>>>()?,
            shown_lang: None,
        })
    }

    /// B's run, while compare mode is on.
    pub fn trainer(&self) -> Option<&Trainer> {
        self.view.as_ref().map(|v| &v.trainer)
    }

    fn trainer_mut(&mut self) -> Option<&mut Trainer> {
        self.view.as_mut().map(|v| &mut v.trainer)
    }

    // ----- Hooks called by the App: B does what A does --------------------------------

    /// Trains B as many epochs as A was asked to (lock-step).
    pub fn train(&mut self, epochs: u64) {
        if let Some(b) = self.trainer_mut() {
            b.train_epochs(epochs);
        }
    }

    pub fn step(&mut self) {
        if let Some(b) = self.trainer_mut() {
            b.train_epoch();
        }
    }

    pub fn reset(&mut self) {
        if let Some(b) = self.trainer_mut() {
            b.reset();
        }
    }

    /// A point added on the boundary goes into both runs' data.
    pub fn add_point(&mut self, sample: Sample, split: Split) {
        if let Some(b) = self.trainer_mut() {
            b.add_point(sample, split);
        }
    }

    pub fn remove_point_near(&mut self, x: Float, y: Float, radius: Float) {
        if let Some(b) = self.trainer_mut() {
            b.remove_point_near(x, y, radius);
        }
    }

    pub fn import_points(&mut self, csv: &CsvData) {
        if let Some(b) = self.trainer_mut() {
            b.import_points(csv.clone());
        }
    }

    /// The plane point under CSS offset (x, y) of B's boundary canvas, while it is shown.
    pub fn plane_point(&self, x: f64, y: f64) -> Option<(Float, Float)> {
        self.view.as_ref().and_then(|v| v.boundary.plane_point(x, y))
    }

    /// `compare=…` for the URL, while compare mode is on.
    pub fn url_pair(&self) -> Option<String> {
        self.view.as_ref().map(|v| v.keys.url_pair())
    }

    /// B's boundary canvas in compare mode (for sizing it with the page's others).
    pub fn canvas(&self) -> Option<&HtmlCanvasElement> {
        self.view.as_ref().map(|v| &v.boundary.canvas)
    }

    /// Marks B's boundary for a redraw (its canvas was resized).
    pub fn redraw(&mut self) {
        if let Some(view) = &mut self.view {
            view.drawn = None;
        }
    }

    /// Evaluates B (cached in its trainer, and it can mark B diverged): the frame's mutation
    /// phase calls this before [`Compare::render`].
    pub fn evaluate(&mut self) {
        if let Some(view) = &mut self.view {
            view.metrics = view.trainer.evaluate();
        }
    }

    /// Draws B where its run, the view or the language changed. Reads the runs only.
    pub fn render(&mut self, a: &Trainer, settings: &ViewSettings, lang: Lang) {
        if self.shown_lang != Some(lang) {
            let _ = self.populate(lang);
            self.sync(a.config(), lang);
        }
        let Some(view) = &mut self.view else { return };
        let key = (view.trainer.version(), a.version(), settings.clone(), lang);
        if view.drawn.as_ref() == Some(&key) {
            return;
        }
        let b = &view.trainer;
        view.grid.compute(b.network(), b.features(), b.normalizer());
        view.boundary.paint(b, &view.grid, settings);
        let (train, test) = view.metrics;
        view.update_readouts(&train, &test);
        let diverged = matches!(view.trainer.health(), Health::Diverged { .. });
        if diverged {
            view.status.set_text_content(Some(text(lang, "b-diverged")));
            let _ = view.status.remove_attribute("hidden");
        } else {
            let _ = view.status.set_attribute("hidden", "");
        }
        view.drawn = Some(key);
    }

    /// Fills the preset and B's selects in `lang`.
    fn populate(&mut self, lang: Lang) -> WebResult<()> {
        self.preset.set_inner_html("");
        let first = option("", text(lang, "choose-preset"))?;
        self.preset.append_child(&first)?;
        for preset in PRESETS {
            let opt = option(preset.name, preset.label(lang))?;
            self.preset.append_child(&opt)?;
        }
        for (select, key) in &self.selects {
            fill_key(select, key, lang)?;
        }
        self.shown_lang = Some(lang);
        Ok(())
    }

    /// Shows compare mode's state: the toggle, the panel, the preset matching A and B's
    /// keys, B's settings and what differs.
    fn sync(&self, a: &Config, lang: Lang) {
        let on = self.view.is_some();
        let _ = self
            .toggle
            .set_attribute("aria-pressed", if on { "true" } else { "false" });
        if on {
            let _ = self.panel.remove_attribute("hidden");
            let _ = self.board.set_attribute("data-compare", "");
        } else {
            let _ = self.panel.set_attribute("hidden", "");
            let _ = self.board.remove_attribute("data-compare");
        }
        let Some(view) = &self.view else {
            self.preset.set_value("");
            return;
        };
        let chosen = matching_preset(a, &view.keys).map_or("", |p| p.name);
        if self.preset.value() != chosen {
            self.preset.set_value(chosen);
        }
        let b = view.trainer.config();
        for (select, key) in &self.selects {
            if let Some(value) = b.get(key) {
                if select.value() != value {
                    select.set_value(&value);
                }
            }
            // A select showing a key B sets is marked, so the differing settings stand out.
            let set = view.keys.get(key).is_some() && a.get(key) != b.get(key);
            let _ = select.set_attribute("data-differs", if set { "true" } else { "false" });
        }
        let label = describe(a, b, &view.keys, lang);
        if view.label.text_content().as_deref() != Some(label.as_str()) {
            view.label.set_text_content(Some(&label));
        }
    }

    /// After A changed: B becomes A with its keys again. A key that no longer fits (a
    /// loss for another kind of problem) is dropped and named in the returned messages.
    fn follow(&mut self, a: &Trainer, lang: Lang) -> Vec<String> {
        let mut messages = Vec::new();
        if let Some(view) = &mut self.view {
            loop {
                let result = view.keys.apply(a.config()).and_then(|b| view.trainer.apply_config(b));
                match result {
                    Ok(_) => break,
                    Err(e) if view.keys.get(&e.key).is_some() => {
                        messages.push(format!("B: {}", e.message(lang)));
                        view.keys.remove(&e.key);
                    }
                    Err(e) => {
                        messages.push(format!("B: {}", e.message(lang)));
                        self.view = None;
                        break;
                    }
                }
            }
        }
        self.sync(a.config(), lang);
        messages
    }
}

// ----- What the user does in compare mode ------------------------------------------------

impl App {
    /// Turns compare mode on (B differs from A in activation and initialisation, or in what
    /// the URL says) or off. Turning it on resets A, so both start together.
    pub fn toggle_compare(&mut self) {
        if self.compare.view.is_some() {
            self.compare.view = None;
            self.follow_compare();
            return;
        }
        let relu = CompareKeys::parse("activation=relu&init=he").unwrap_or_default();
        let keys = match relu.apply(self.trainer.config()) {
            Ok(b) if b != *self.trainer.config() => relu,
            _ => CompareKeys::parse("activation=sigmoid&init=xavier").unwrap_or_default(),
        };
        self.start_compare(keys);
    }

    /// Applies a preset: A's keys to A (through the usual change path), B's keys to B, and
    /// both start again from their initial weights.
    pub fn choose_compare_preset(&mut self, name: &str) {
        let Some(preset) = Preset::find(name) else {
            self.follow_compare();
            return;
        };
        match preset.apply(self.trainer.config()) {
            Ok((a, keys)) => {
                self.compare.view = None;
                if let Ok(changes) = self.trainer.apply_config(a) {
                    self.changed(changes);
                }
                self.start_compare(keys);
            }
            Err(e) => self.show_notice(&e.message(self.lang)),
        }
    }

    /// Sets one of B's settings from its select; choosing A's value makes B follow A again.
    pub fn set_compare_key(&mut self, key: &str, value: &str) {
        let Some(view) = &mut self.compare.view else { return };
        let mut keys = view.keys.clone();
        if self.trainer.config().get(key).as_deref() == Some(value) {
            keys.remove(key);
        } else if let Err(e) = keys.set(key, value) {
            self.show_notice(&e.message(self.lang));
            self.follow_compare();
            return;
        }
        match keys.apply(self.trainer.config()) {
            Ok(_) => view.keys = keys,
            Err(e) => self.show_notice(&e.message(self.lang)),
        }
        self.follow_compare();
    }

    /// A lesson's second network: compare mode with the lesson's keys, or off when the
    /// lesson uses one network.
    pub(super) fn open_lesson_compare(&mut self, compare: Option<&str>) {
        match compare.map(CompareKeys::parse) {
            Some(Ok(keys)) => self.start_compare(keys),
            Some(Err(e)) => self.show_notice(&e.message(self.lang)),
            None if self.compare.view.is_some() => {
                self.compare.view = None;
                self.follow_compare();
            }
            None => {}
        }
    }

    fn start_compare(&mut self, keys: CompareKeys) {
        match CompareView::start(&self.trainer, keys, self.lang) {
            Ok(view) => {
                self.compare.view = Some(view);
                self.reset();
            }
            Err(e) => self.show_notice(&e),
        }
        self.follow_compare();
        self.fit_canvases();
    }

    /// Brings B up to date with A, and the URL and compare controls with both.
    pub(super) fn follow_compare(&mut self) {
        let messages = self.compare.follow(&self.trainer, self.lang);
        if !messages.is_empty() {
            self.show_notice(&messages.join(" "));
        }
        self.write_url();
    }

    /// Opens compare mode from the page's query (`compare=…`); returns the messages of
    /// refused keys.
    pub(super) fn open_compare_from_query(&mut self, compare: Option<&str>) -> Vec<String> {
        let Some(compare) = compare else {
            return Vec::new();
        };
        let (keys, errors) = CompareKeys::parse_lenient(compare);
        let mut messages: Vec<String> = errors.iter().map(|e| format!("B: {}", e.message(self.lang))).collect();
        match CompareView::start(&self.trainer, keys, self.lang) {
            Ok(view) => {
                self.compare.view = Some(view);
                self.reset();
            }
            Err(e) => messages.push(format!("B: {e}")),
        }
        messages.extend(self.compare.follow(&self.trainer, self.lang));
        self.write_url();
        self.fit_canvases();
        messages
    }
}

/// Connects the compare controls to the app.
pub fn wire(app: &Shared) -> WebResult<()> {
    on::<web_sys::Event>(app, &by_id("compare")?, "click", |a, _| a.toggle_compare());
    // B's boundary takes clicks, right clicks and long presses like A's.
    super::wire_boundary_canvas(app, "boundary-b", true)?;
    let preset: HtmlSelectElement = by_id("compare-preset")?;
    let source = preset.clone();
    on::<web_sys::Event>(app, &preset.into(), "change", move |a, _| {
        a.choose_compare_preset(&source.value())
    });
    for &(id, key) in B_SELECTS {
        let select: HtmlSelectElement = by_id(id)?;
        let source = select.clone();
        on::<web_sys::Event>(app, &select.into(), "change", move |a, _| {
            a.set_compare_key(key, &source.value())
        });
    }
    Ok(())
}
