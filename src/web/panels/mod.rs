//! The page's per-frame panels as a registry. Each frame first trains and evaluates (the
//! App mutates the run and fills a [`FrameSnapshot`]), then every panel updates from the
//! run borrowed read-only and the snapshot. A new panel is a file here implementing
//! [`Panel`] plus one line in [`registry`].

mod activation;
mod charts;
mod gradient_flow;
mod hidden_space;
mod landscape;
mod readouts;

use web_sys::{Element, HtmlCanvasElement};

use super::boundary::GRID;
use super::controls::ViewSettings;
use super::dom::{by_id, document, WebError, WebResult};
use super::text::text;
use crate::core::introspect::GridOutputs;
use crate::core::loss::Metrics;
use crate::core::trainer::Trainer;
use crate::core::Lang;

/// Every panel of the page, in the order they update (and the video shows their charts).
pub fn registry() -> WebResult<Vec<Box<dyn Panel>>> {
    Ok(vec![
        Box::new(readouts::Readouts::new()?),
        Box::new(charts::Charts::new()?),
        Box::new(activation::ActivationPanel::new()?),
        Box::new(gradient_flow::GradientFlow::new()?),
        Box::new(hidden_space::HiddenSpace::new()?),
        Box::new(landscape::LandscapePanel::new()?),
    ])
}

/// The sections of the panels that wait off screen, marked `data-offscreen` while out of
/// view by one IntersectionObserver (see [`OffscreenWatch::new`]).
pub struct OffscreenWatch {
    observer: web_sys::IntersectionObserver,
    sections: Vec<Element>,
}

impl OffscreenWatch {
    /// Starts watching the sections of `panels` that wait off screen. Without an
    /// IntersectionObserver (old engines) nothing is marked and every panel draws every frame.
    pub fn new(panels: &[Box<dyn Panel>]) -> Option<OffscreenWatch> {
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;
        let mark = Closure::<dyn FnMut(js_sys::Array)>::new(|entries: js_sys::Array| {
            for entry in entries.iter() {
                let entry: web_sys::IntersectionObserverEntry = entry.unchecked_into();
                let _ = entry
                    .target()
                    .toggle_attribute_with_force("data-offscreen", !entry.is_intersecting());
            }
        });
        let observer = web_sys::IntersectionObserver::new(mark.as_ref().unchecked_ref()).ok()?;
        // The page keeps the callback as long as it keeps the observer.
        mark.forget();
        let sections: Vec<Element> = panels
            .iter()
            .filter(|p| p.waits_offscreen())
            .flat_map(|p| p.canvases())
            .filter_map(|canvas| canvas.closest("section.panel").ok().flatten())
            .collect();
        for section in &sections {
            // Off screen until the observer's first report (it comes after the first frame,
            // which should not pay for what it cannot show).
            let _ = section.set_attribute("data-offscreen", "");
            observer.observe(section);
        }
        Some(OffscreenWatch { observer, sections })
    }

    /// Before printing: every section counts as shown, so that the next render draws the
    /// panels the reader never scrolled to (a printout has no scrolling).
    pub fn show_all(&self) {
        for section in &self.sections {
            let _ = section.remove_attribute("data-offscreen");
        }
    }

    /// After printing: observed afresh, each section is marked again by the observer's
    /// first report.
    pub fn observe_again(&self) {
        for section in &self.sections {
            self.observer.unobserve(section);
            self.observer.observe(section);
        }
    }
}

/// Whether `canvas`'s panel is out of view (marked by [`watch_offscreen`]).
pub fn offscreen(canvas: &HtmlCanvasElement) -> bool {
    canvas.closest("[data-offscreen]").ok().flatten().is_some()
}

/// One view of the run that redraws itself each frame from read-only data.
pub trait Panel {
    /// Forces a full rebuild and redraw on the next update (resize, language, projector).
    fn invalidate(&mut self);

    /// A new run (reset, lesson, benchmark): forget what was gathered over the old one.
    fn restart(&mut self) {}

    /// Brings the panel up to date with the run, building its parts for `frame.lang`
    /// when the language or the network's shape changed. Redraws only what changed.
    fn update(&mut self, trainer: &Trainer, frame: &Frame<'_>) -> WebResult<()>;

    /// The canvases whose backing store follows their CSS size (see `App::fit_canvases`).
    fn canvases(&self) -> Vec<&HtmlCanvasElement>;

    /// Whether the panel's section should be marked `data-offscreen` while it is out of view
    /// ([`watch_offscreen`]), so that it can leave its drawing until it shows (a canvas drawn
    /// off screen still costs the frame its time). A panel that uses this keeps its texts
    /// current, off screen while playing at most [`OFFSCREEN_TEXT_MS`] behind (screen
    /// readers read them off screen; rewriting them every frame cost layout and paint).
    fn waits_offscreen(&self) -> bool {
        false
    }

    /// The chart the video recording shows beside the boundary, if any.
    fn recorded(&self) -> Option<&HtmlCanvasElement> {
        None
    }
}

/// What the panels read besides the run: the snapshot, the view and network B.
pub struct Frame<'a> {
    pub snapshot: &'a FrameSnapshot,
    pub view: &'a ViewSettings,
    pub lang: Lang,
    /// Scale of chart text and lines (pixel ratio, larger in projector mode).
    pub scale: f64,
    /// Network B's run in compare mode.
    pub compare: Option<&'a Trainer>,
    /// Whether training is playing (a panel with costly work waits for a pause).
    pub playing: bool,
    /// Whether a video is being recorded (its charts draw even off screen).
    pub recording: bool,
}

/// What evaluating the run gave, computed in the frame's mutation phase: evaluation caches
/// in the trainer and can mark it diverged, so no panel may trigger it while drawing.
pub struct FrameSnapshot {
    /// Counts refreshes, so a panel can tell new data from a repeat (even across a new run
    /// whose version number happens to equal the old one's).
    pub serial: u64,
    pub train: Metrics,
    pub test: Metrics,
    /// The validation split's metrics, when the run has one.
    pub val: Option<Metrics>,
    /// The test split's confusion matrix (empty for regression).
    pub confusion: Vec<Vec<u32>>,
    /// Every neuron's output over the plane (the boundary and the diagram's thumbnails).
    pub grid: GridOutputs,
}

impl FrameSnapshot {
    /// Empty until the first [`FrameSnapshot::refresh`] (the first frame's).
    pub fn new() -> FrameSnapshot {
        FrameSnapshot {
            serial: 0,
            train: Metrics::default(),
            test: Metrics::default(),
            val: None,
            confusion: Vec::new(),
            grid: GridOutputs::new(GRID),
        }
    }

    /// Evaluates the run (cached in the trainer) and runs the grid through the network.
    pub fn refresh(&mut self, trainer: &mut Trainer) {
        let (train, test) = trainer.evaluate();
        self.train = train;
        self.test = test;
        self.val = trainer.validation();
        let confusion = trainer.test_confusion();
        if self.confusion.as_slice() != confusion {
            self.confusion = confusion.to_vec();
        }
        self.grid
            .compute(trainer.network(), trainer.features(), trainer.normalizer());
        self.serial = self.serial.wrapping_add(1);
    }
}

/// Appends a panel's own `<section id="{id}" class="panel {class}">` to `section.insights`:
/// a head with the title (text key `title`), `head` and the snapshot button, then `body`.
/// `head` and `body` are static program markup without words: `text::apply` fills every
/// `data-text` and `data-text-label` in it from the text table. Never user input.
pub fn section(id: &str, class: &str, title: &str, head: &str, body: &str) -> WebResult<Element> {
    let snapshot = "<button type=\"button\" class=\"snapshot\" data-text-label=\"snapshot\"><svg viewBox=\"0 0 24 24\" aria-hidden=\"true\">\
         <path d=\"M9 4 7.2 6H4v13h16V6h-3.2L15 4zm3 4.5a4 4 0 1 1 0 8 4 4 0 0 1 0-8z\"/></svg></button>";
    let markup = format!(
        "<section id=\"{id}\" class=\"panel {class}\" aria-labelledby=\"{id}-title\">\
         <div class=\"panel-head\"><h2 id=\"{id}-title\" data-text=\"{title}\"></h2>{head}{snapshot}</div>\
         {body}</section>"
    );
    let insights = document()?
        .query_selector("section.insights")?
        .ok_or_else(|| WebError("the page has no section.insights".into()))?;
    insights.insert_adjacent_html("beforeend", &markup)?;
    by_id(id)
}

/// While only training moves their data, the per-layer charts redraw at most this often;
/// readouts still update every frame while their panel shows.
const CHART_INTERVAL_MS: f64 = 150.0;

/// How far behind the run an off-screen panel's readouts may be while it plays.
pub const OFFSCREEN_TEXT_MS: f64 = 500.0;

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The part every per-layer panel shares: statistics recomputed once per run version, rows
/// built per (layer count, language), and a chart redrawn when what it shows changed, but
/// while only training moved at most every [`CHART_INTERVAL_MS`].
pub struct LayerPanel<Data, Looks> {
    pub canvas: HtmlCanvasElement,
    /// Trainer version the statistics belong to.
    computed: Option<u64>,
    /// (layers, language) the rows were built for.
    built: Option<(usize, Lang)>,
    /// What the chart shows: the data (moves with training) and its looks (anything else).
    drawn: Option<(Data, Looks)>,
    last_draw_ms: f64,
    /// Trainer version the readouts show, and when they were written.
    texts_for: Option<u64>,
    last_texts_ms: f64,
}

impl<Data: PartialEq + Copy, Looks: PartialEq + Copy> LayerPanel<Data, Looks> {
    pub fn new(canvas: HtmlCanvasElement) -> Self {
        LayerPanel {
            canvas,
            computed: None,
            built: None,
            drawn: None,
            last_draw_ms: f64::NEG_INFINITY,
            texts_for: None,
            last_texts_ms: f64::NEG_INFINITY,
        }
    }

    pub fn invalidate(&mut self) {
        self.drawn = None;
        self.built = None;
        self.texts_for = None;
    }

    /// Forgets the statistics and the chart (a new run).
    pub fn restart(&mut self) {
        self.computed = None;
        self.drawn = None;
        self.texts_for = None;
    }

    /// True (once) when the statistics must be recomputed for this version of the run.
    pub fn stale(&mut self, version: u64) -> bool {
        let stale = self.computed != Some(version);
        self.computed = Some(version);
        stale
    }

    /// True when the rows must be rebuilt for `layers` layers in `lang`.
    pub fn needs_build(&self, layers: usize, lang: Lang) -> bool {
        self.built != Some((layers, lang))
    }

    /// Records that the rows now stand for `layers` layers in `lang`; the chart redraws.
    pub fn mark_built(&mut self, layers: usize, lang: Lang) {
        self.built = Some((layers, lang));
        self.drawn = None;
    }

    /// True when the readouts should be rewritten for run version `version` now (and
    /// records them as written): at once while the panel shows or the run is paused, off
    /// screen while playing at most every [`OFFSCREEN_TEXT_MS`].
    pub fn texts_due(&mut self, version: u64, playing: bool) -> bool {
        if self.texts_for == Some(version) {
            return false;
        }
        let now = now_ms();
        let waiting = self.texts_for.is_some()
            && playing
            && offscreen(&self.canvas)
            && now - self.last_texts_ms < OFFSCREEN_TEXT_MS;
        if waiting {
            return false;
        }
        self.texts_for = Some(version);
        self.last_texts_ms = now;
        true
    }

    /// True when the chart should be drawn now (and records it as drawn); off screen only
    /// when `recorded` (a video shows it), else it draws when it shows again.
    pub fn due(&mut self, data: Data, looks: Looks, recorded: bool) -> bool {
        if !recorded && offscreen(&self.canvas) {
            return false;
        }
        let due = match self.drawn {
            None => true,
            Some((_, shown)) if shown != looks => true,
            Some((shown, _)) if shown == data => false,
            Some(_) => now_ms() - self.last_draw_ms >= CHART_INTERVAL_MS,
        };
        if due {
            self.drawn = Some((data, looks));
            self.last_draw_ms = now_ms();
        }
        due
    }
}

/// Name of hidden layer `layer` (0-based) or of the output layer.
pub fn layer_name(lang: Lang, layer: usize, output: bool) -> String {
    if output {
        text(lang, "output-layer").to_string()
    } else {
        text(lang, "layer-n").replace("{}", &(layer + 1).to_string())
    }
}
