//! The network diagram: one column of nodes per layer (the input features, each hidden
//! layer, the outputs), every node a live thumbnail of what it computes over the plane,
//! every weight an SVG curve coloured by its sign and as thick as its size, every bias a
//! small mark. The DOM is built once per shape; each frame only repaints the thumbnails
//! and rewrites the links and marks whose quantized look changed.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, Document, Element, HtmlCanvasElement, HtmlElement, ResizeObserver};

use super::dom::{context_2d, document, set_style, window, WebError, WebResult};
use super::draw::{DivergingScale, Heatmap};
use crate::core::activation::{sigmoid, Activation};
use crate::core::choice::Choice;
use crate::core::config::limits::MAX_NEURONS;
use crate::core::feature::Feature;
use crate::core::introspect::GridOutputs;
use crate::core::layer::norm::NormKind;
use crate::core::text::{message, text};
use crate::core::trainer::Trainer;
use crate::core::{Float, Lang, Problem};

const SVG_NS: &str = "http://www.w3.org/2000/svg";
/// Cells per side of a thumbnail (sampled from the finer grid).
const THUMB: usize = 20;
/// Node sizes in CSS px.
const MAX_NODE: f64 = 36.0;
const MIN_NODE: f64 = 12.0;
/// Largest distance between the centres of two neighbours of one column.
const MAX_PITCH_Y: f64 = 52.0;
/// The diagram grows vertically up to this height (then its nodes shrink).
const MAX_HEIGHT: f64 = 560.0;
/// Height of the band of layer controls above the columns.
const HEADER: f64 = 108.0;
/// Room left of the first column for the feature names.
const LABEL_PAD: f64 = 42.0;
const RIGHT_PAD: f64 = 6.0;
const BOTTOM_PAD: f64 = 8.0;
/// Narrowest distance between two columns; a narrower container scrolls sideways.
const MIN_PITCH_X: f64 = 24.0;
/// Narrowest layer controls side by side; narrower ones take two rows.
const MIN_HEADER: f64 = 56.0;
/// Largest node size as a share of the distance between columns.
const NODE_SHARE: f64 = 0.45;
/// Steps of the quantized link and bias looks: colour in −LEVELS..=LEVELS, width in 0..=LEVELS.
const LEVELS: i32 = 16;
/// Links of weights this small still show a faint colour instead of vanishing.
const MIN_LINK_TINT: Float = 0.3;
const UNDRAWN: u16 = u16::MAX;
/// Links restyled per frame at most while playing. Every restyled path makes the engine
/// repaint the SVG under it: with batch norm on the largest network about 80 links changed
/// per frame, and repainting them cost more than the rest of the frame in Chromium without
/// a GPU. The rest follow on the next frames, oldest first.
const LINK_RESTYLES_PER_FRAME: usize = 8;
/// While playing, links are restyled at most once per this many ms (20 times a second).
/// Firefox repaints the SVG under a restyled path: with links never restyled the largest
/// network played at 58.6 fps against 55.8 (five interleaved runs), and batch norm, whose
/// links change most, went from 53 to 60 fps with this and the thumbnail cap.
const LINK_RESTYLE_MS: f64 = 50.0;
/// Neuron thumbnails drawn per frame at most while playing. Early in training nearly every
/// thumbnail changes every epoch, and every canvas drawn is one more region the browser
/// repaints and composites: on the largest network (48 thumbnails) that is what kept Firefox
/// and WebKit without a GPU from their best frame rate. A capped frame draws the changed ones
/// from where the last one stopped, so each of 48 still follows within three frames; paused,
/// every changed thumbnail is drawn at once.
const THUMB_REPAINTS_PER_FRAME: usize = 16;

/// A parameter the diagram shows: a weight (a link) or a bias (a mark).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamRef {
    /// `network.layers[layer].weights.value[(row, column)]`.
    Weight { layer: usize, row: usize, column: usize },
    /// `network.layers[layer].biases.value[(row, 0)]`.
    Bias { layer: usize, row: usize },
}

/// Texts of the diagram in one language, from the text table. Layer and neuron numbers
/// passed to the functions count from 1; layer 1 is the first hidden layer.
#[derive(Clone, Copy)]
pub struct NetworkLabels {
    /// Language of every label, and of the activation and feature names.
    pub lang: Lang,
}

impl NetworkLabels {
    /// The labels of the page's language.
    pub fn for_lang(lang: Lang) -> NetworkLabels {
        NetworkLabels { lang }
    }

    fn message(&self, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        message(self.lang, key, args)
    }

    /// Size of a hidden layer: "4 neurons".
    pub fn neurons(&self, n: usize) -> String {
        let key = if n == 1 {
            "diagram-one-neuron"
        } else {
            "diagram-neurons"
        };
        self.message(key, &[("n", &n)])
    }

    /// aria-label of a layer's + button: "Add a neuron to layer 2".
    pub fn add_neuron(&self, layer: usize) -> String {
        self.message("diagram-add-neuron", &[("layer", &layer)])
    }

    /// aria-label of a layer's − button.
    pub fn remove_neuron(&self, layer: usize) -> String {
        self.message("diagram-remove-neuron", &[("layer", &layer)])
    }

    /// aria-label of a layer's activation menu: "Activation of layer 2".
    pub fn layer_activation(&self, layer: usize) -> String {
        self.message("diagram-layer-activation", &[("layer", &layer)])
    }

    /// A hidden neuron on its own: "neuron 3, layer 2".
    pub fn neuron(&self, neuron: usize, layer: usize) -> String {
        self.message("diagram-neuron", &[("neuron", &neuron), ("layer", &layer)])
    }

    /// A hidden neuron at the end of a link: "neuron 3 of layer 2".
    pub fn neuron_of(&self, neuron: usize, layer: usize) -> String {
        self.message("diagram-neuron-of", &[("neuron", &neuron), ("layer", &layer)])
    }

    /// An output neuron: "output 2", or "output" when there is one.
    pub fn output_neuron(&self, neuron: usize, outputs: usize) -> String {
        if outputs <= 1 {
            text(self.lang, "diagram-output").to_string()
        } else {
            self.message("diagram-output-n", &[("neuron", &neuron)])
        }
    }

    /// aria-label of a layer's dropout field: "Dropout of layer 2".
    pub fn layer_dropout(&self, layer: usize) -> String {
        self.message("diagram-layer-dropout", &[("layer", &layer)])
    }

    /// aria-label of a layer's normalisation select: "Normalisation of layer 2".
    pub fn layer_norm(&self, layer: usize) -> String {
        self.message("diagram-layer-norm", &[("layer", &layer)])
    }

    /// Placeholder of an empty dropout field.
    pub fn dropout_off(&self) -> &'static str {
        text(self.lang, "clip-off")
    }

    /// One of a maxout neuron's linear pieces: "piece 2".
    pub fn piece(&self, piece: usize) -> String {
        self.message("diagram-piece", &[("piece", &piece)])
    }

    pub fn weight(&self) -> &'static str {
        text(self.lang, "diagram-weight")
    }

    pub fn bias(&self) -> &'static str {
        text(self.lang, "diagram-bias")
    }

    /// Title of the feature column.
    pub fn input(&self) -> &'static str {
        text(self.lang, "diagram-input")
    }

    /// Title of the output column.
    pub fn output(&self) -> &'static str {
        text(self.lang, "diagram-output-title")
    }
}

/// A layer's dropout rate (0 without dropout).
fn dropout_rate(layer: &crate::core::layer::Layer) -> Float {
    layer.dropout.map_or(0.0, |d| d.rate)
}

/// A dropout field's text: empty (its placeholder, "off") at 0.
fn dropout_text(rate: Float) -> String {
    if rate > 0.0 {
        format!("{rate}")
    } else {
        String::new()
    }
}

/// What decides the diagram's DOM: a change rebuilds it.
#[derive(Clone, Debug, PartialEq)]
struct Shape {
    features: Vec<Feature>,
    /// Neurons, activation, dropout rate and normalisation of every layer (hidden layers,
    /// then the output layer).
    layers: Vec<(usize, Activation, Float, NormKind)>,
    lang: Lang,
}

impl Shape {
    fn of(trainer: &Trainer, lang: Lang) -> Shape {
        Shape {
            features: trainer.features().to_vec(),
            layers: trainer
                .network()
                .layers
                .iter()
                .map(|l| (l.neurons(), l.activation, dropout_rate(l), l.norm_kind()))
                .collect(),
            lang,
        }
    }

    /// Whether `trainer` still has this shape (no allocation: checked every frame).
    fn matches(&self, trainer: &Trainer, lang: Lang) -> bool {
        let layers = &trainer.network().layers;
        self.lang == lang
            && self.features == trainer.features()
            && self.layers.len() == layers.len()
            && self.layers.iter().zip(layers).all(|(&(n, a, d, m), l)| {
                n == l.neurons() && a == l.activation && d == dropout_rate(l) && m == l.norm_kind()
            })
    }

    fn column_sizes(&self) -> impl Iterator<Item = usize> + '_ {
        std::iter::once(self.features.len()).chain(self.layers.iter().map(|&(n, ..)| n))
    }
}

/// Where everything goes, in CSS px of the stage.
#[derive(Clone, Debug, Default)]
struct Geometry {
    width: f64,
    height: f64,
    /// 1, or 2 when the columns are too close for side-by-side layer controls.
    header_rows: usize,
    header_w: f64,
    column_x: Vec<f64>,
    column_top: Vec<f64>,
    column_pitch: Vec<f64>,
    /// Node size of each column: a column of few nodes keeps large thumbnails.
    column_node: Vec<f64>,
}

impl Geometry {
    fn new(shape: &Shape, available: f64) -> Geometry {
        let sizes: Vec<usize> = shape.column_sizes().collect();
        let columns = sizes.len().max(2);
        let most = sizes.iter().copied().max().unwrap_or(1).max(1) as f64;
        let gaps = (columns - 1) as f64;
        // Columns spread over the width (at least MIN_PITCH_X apart: then it scrolls);
        // nodes at most NODE_SHARE of the distance between columns, so links keep room.
        let fixed = LABEL_PAD + RIGHT_PAD;
        let width = available.max(fixed + gaps * MIN_PITCH_X + MIN_PITCH_X * NODE_SHARE);
        let cap = ((width - fixed) / (gaps + NODE_SHARE) * NODE_SHARE).clamp(MIN_NODE, MAX_NODE);
        let pitch_x = (width - fixed - cap) / gaps;
        // Layer controls narrower than MIN_HEADER take two rows, alternate columns in each,
        // so each is two columns wide.
        let header_rows = if pitch_x - 4.0 < MIN_HEADER { 2 } else { 1 };
        let header_w = (pitch_x * header_rows as f64 - 4.0).min(128.0);
        let body_top = header_rows as f64 * HEADER + 6.0;
        let body_max = MAX_HEIGHT - body_top - BOTTOM_PAD;
        // The tallest column sets the body's height: as tall as it needs up to the maximum,
        // its nodes shrinking (never below MIN_NODE, never touching) to fit.
        let node_of = |pitch: f64| (pitch / 1.35).clamp(MIN_NODE, cap);
        let mut pitch_y = (body_max / most).min(MAX_PITCH_Y);
        pitch_y = pitch_y.max(node_of(pitch_y) * 1.15);
        let body = most * pitch_y;
        let mut geometry = Geometry {
            width,
            height: body_top + body + BOTTOM_PAD,
            header_rows,
            header_w,
            ..Geometry::default()
        };
        for (c, &n) in sizes.iter().enumerate() {
            let pitch = if n == 0 {
                0.0
            } else {
                (body / n as f64).min(MAX_PITCH_Y.max(pitch_y))
            };
            geometry.column_x.push(LABEL_PAD + cap / 2.0 + c as f64 * pitch_x);
            geometry.column_pitch.push(pitch);
            geometry.column_top.push(body_top + (body - n as f64 * pitch) / 2.0);
            geometry.column_node.push(node_of(pitch.max(pitch_y)));
        }
        geometry
    }

    /// Centre of node `index` of column `column`.
    fn centre(&self, column: usize, index: usize) -> (f64, f64) {
        (
            self.column_x.get(column).copied().unwrap_or(0.0),
            self.column_top.get(column).copied().unwrap_or(0.0)
                + (index as f64 + 0.5) * self.column_pitch.get(column).copied().unwrap_or(0.0),
        )
    }

    fn node(&self, column: usize) -> f64 {
        self.column_node.get(column).copied().unwrap_or(MIN_NODE)
    }

    fn bias_size(&self, column: usize) -> f64 {
        (self.node(column) * 0.22).clamp(4.0, 8.0)
    }
}

struct FeatureNode {
    feature: Feature,
    canvas: HtmlCanvasElement,
    context: CanvasRenderingContext2d,
    label: HtmlElement,
}

struct NeuronNode {
    canvas: HtmlCanvasElement,
    context: CanvasRenderingContext2d,
    /// The thumbnail's colours as last drawn (empty: not drawn since the canvas was sized).
    shown: Vec<u8>,
}

struct Link {
    path: Element,
    hit: Element,
    layer: usize,
    row: usize,
    column: usize,
    /// Quantized colour and width last written.
    drawn: u16,
}

struct BiasMark {
    span: HtmlElement,
    layer: usize,
    row: usize,
    drawn: u16,
}

struct Header {
    element: HtmlElement,
    column: usize,
}

/// The DOM of one shape.
struct Diagram {
    shape: Shape,
    stage: HtmlElement,
    svg: Element,
    features: Vec<FeatureNode>,
    /// Per network layer (hidden layers, then the output layer).
    neurons: Vec<Vec<NeuronNode>>,
    links: Vec<Link>,
    biases: Vec<BiasMark>,
    /// BN or LN marks of normalised neurons: (mark, layer, neuron).
    norm_marks: Vec<(HtmlElement, usize, usize)>,
    /// Which hidden neurons are shown greyed as dropped by the last training step.
    shown_dropped: Vec<Vec<bool>>,
    headers: Vec<Header>,
    /// (container width, device pixel ratio) the geometry was laid out for.
    laid_out: Option<(f64, f64)>,
    /// The weight shown at full link width: a power of √2 at or above the largest |w|,
    /// kept while that stays above half of it, so that one growing weight does not
    /// restyle every link each frame. 0 before the first update.
    link_scale: Float,
    /// Where the next capped link update starts (round robin, so none waits forever).
    link_cursor: usize,
    /// Some link is not drawn as its weight is now.
    links_pending: bool,
    /// When a capped link update last ran (performance.now, ms).
    links_at: f64,
    /// Where the next capped thumbnail update starts (a flat index over the layers' neurons).
    thumb_cursor: usize,
    /// Some thumbnail may not show the current weights (a capped update stopped early).
    thumbs_pending: bool,
}

pub struct NetworkView {
    container: Element,
    tooltip: HtmlElement,
    document: Document,
    diagram: Option<Diagram>,
    heatmap: Heatmap,
    scale: DivergingScale,
    /// "rgb(…)" of each colour level, −LEVELS..=LEVELS (links: with the minimum tint).
    link_colours: Vec<String>,
    bias_colours: Vec<String>,
    link_widths: Vec<String>,
    link_opacities: Vec<String>,
    samples: Vec<Float>,
    /// The texts of the last render (the tooltip uses them).
    labels: NetworkLabels,
    /// The container's width as last measured, 0 when it must be measured again. Reading
    /// `client_width` every frame forced a layout of the whole page per frame (the readouts
    /// had just changed); a ResizeObserver reads it when it changes, after the engine's layout.
    width: Rc<Cell<f64>>,
    /// Kept so the observer lives as long as the view; None where the engine lacks one.
    observer: Option<ResizeObserver>,
}

fn rgb([r, g, b]: [u8; 3]) -> String {
    format!("rgb({r},{g},{b})")
}

fn level(value: Float) -> i32 {
    if value.is_finite() {
        (value.clamp(-1.0, 1.0) * LEVELS as Float).round() as i32
    } else {
        0
    }
}

/// Index into the colour tables of a value in [−1, 1].
fn colour_index(value: Float) -> usize {
    (level(value) + LEVELS) as usize
}

/// A number as the tooltip shows it: three decimals and a real minus sign.
fn show_number(value: Float) -> String {
    if !value.is_finite() {
        return format!("{value}");
    }
    let text = format!("{value:.3}");
    match text.strip_prefix('-') {
        Some(rest) if rest.chars().any(|c| c != '0' && c != '.') => format!("−{rest}"),
        Some(rest) => rest.to_string(),
        None => text,
    }
}

fn data_index(element: &Element, name: &str) -> Option<usize> {
    element.get_attribute(name)?.parse().ok()
}

fn place(element: &Element, x: f64, y: f64, w: f64, h: f64) {
    set_style(
        element,
        &[
            ("left", &format!("{x:.1}px")),
            ("top", &format!("{y:.1}px")),
            ("width", &format!("{w:.1}px")),
            ("height", &format!("{h:.1}px")),
        ],
    );
}

/// Fills `out` (THUMB² cells, row-major from the top) with the grid's values at the centres
/// of THUMB² blocks of a `resolution`² grid, reading the iterator once, front to back.
fn sample(mut values: impl Iterator<Item = Float>, resolution: usize, out: &mut [Float]) {
    let mut next = 0usize;
    let mut last = 0.0;
    let res = resolution.max(1);
    for (k, slot) in out.iter_mut().enumerate() {
        let (r, c) = (k / THUMB, k % THUMB);
        let source = |i: usize| ((2 * i + 1) * res / (2 * THUMB)).min(res - 1);
        let index = source(r) * res + source(c);
        if index >= next {
            last = values.nth(index - next).unwrap_or(0.0);
            next = index + 1;
        }
        *slot = last;
    }
}

impl NetworkView {
    /// `container` is #network, `tooltip` is #tooltip.
    pub fn new(container: Element, tooltip: Element) -> WebResult<NetworkView> {
        let tooltip: HtmlElement = tooltip
            .dyn_into()
            .map_err(|_| WebError("#tooltip is not an HTML element".into()))?;
        let scale = DivergingScale::new(1.0);
        let levels = -LEVELS..=LEVELS;
        let tint = |l: i32| {
            let v = l as Float / LEVELS as Float;
            if l == 0 {
                v
            } else {
                v.signum() * v.abs().max(MIN_LINK_TINT)
            }
        };
        let link_colours = levels.clone().map(|l| rgb(scale.colour(tint(l)))).collect();
        let bias_colours = levels
            .map(|l| rgb(scale.colour(l as Float / LEVELS as Float)))
            .collect();
        let steps = 0..=LEVELS;
        let fraction = |s: i32| f64::from(s) / f64::from(LEVELS);
        let width = Rc::new(Cell::new(0.0));
        let (measured, observed) = (Rc::clone(&width), container.clone());
        // The observer reports after the engine's layout, so reading the width there forces
        // no layout of its own.
        let on_resize = Closure::<dyn FnMut()>::new(move || {
            measured.set(f64::from(observed.client_width()));
        });
        // Without ResizeObserver (very old engines) the width is measured on every frame.
        let observer = ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok();
        if let Some(observer) = &observer {
            observer.observe(&container);
            on_resize.forget();
        }
        Ok(NetworkView {
            container,
            tooltip,
            document: document()?,
            diagram: None,
            heatmap: Heatmap::new(THUMB)?,
            scale,
            link_colours,
            bias_colours,
            link_widths: steps
                .clone()
                .map(|s| format!("{:.2}", 0.5 + 4.0 * fraction(s)))
                .collect(),
            link_opacities: steps.map(|s| format!("{:.2}", 0.25 + 0.75 * fraction(s))).collect(),
            samples: vec![0.0; THUMB * THUMB],
            labels: NetworkLabels::for_lang(Lang::En),
            width,
            observer,
        })
    }

    /// Measures the container again on the next render (resize, language, projector).
    pub fn remeasure(&self) {
        self.width.set(0.0);
    }

    /// Measures the container now: the App does it with its other layout reads, before the
    /// frame writes to the DOM (a read after a write lays the page out again).
    pub fn measure(&self) {
        self.width.set(f64::from(self.container.client_width()));
    }

    /// Draws the diagram. Rebuilds its DOM only when the shape (features, hidden widths,
    /// per-layer activations, outputs, language) changed; otherwise only updates the
    /// links (while `playing`, a few per frame: see [`LINK_RESTYLES_PER_FRAME`]), bias
    /// marks and thumbnails. `grid` has been computed for the current weights.
    pub fn render(&mut self, trainer: &Trainer, grid: &GridOutputs, labels: &NetworkLabels, playing: bool) {
        self.labels = *labels;
        let stale = self
            .diagram
            .as_ref()
            .is_none_or(|d| !d.shape.matches(trainer, labels.lang));
        if stale {
            if let Err(e) = self.rebuild(trainer, labels) {
                // Nothing to draw on; say why where a developer looks.
                let _ = self.container.set_attribute("data-error", &e.0);
                return;
            }
        }
        let mut available = self.width.get();
        if available <= 0.0 || self.observer.is_none() {
            available = f64::from(self.container.client_width());
            self.width.set(available);
        }
        let ratio = window().map(|w| w.device_pixel_ratio()).unwrap_or(1.0).max(1.0);
        let Some(diagram) = self.diagram.as_mut() else { return };
        if available > 0.0 && diagram.laid_out != Some((available, ratio)) {
            diagram.layout(available, ratio);
            paint_features(diagram, grid, &mut self.heatmap, &self.scale, &mut self.samples);
        }
        self.update_links(trainer, playing.then_some(LINK_RESTYLES_PER_FRAME));
        self.update_biases(trainer);
        self.paint_neurons(trainer, grid, playing.then_some(THUMB_REPAINTS_PER_FRAME));
    }

    /// Greys the hidden neurons that the last training step's dropout zeroed for the first
    /// point of its batch, when `show` (paused: while playing they would flicker every
    /// frame); ungreys them otherwise. Touches the DOM only where that changed.
    pub fn show_dropped(&mut self, trainer: &Trainer, show: bool) {
        let Some(diagram) = self.diagram.as_mut() else { return };
        let hidden = trainer.network().hidden_count();
        diagram.shown_dropped.resize_with(diagram.neurons.len(), Vec::new);
        for (l, (column, shown)) in diagram.neurons.iter().zip(diagram.shown_dropped.iter_mut()).enumerate() {
            shown.resize(column.len(), false);
            for (j, (node, was)) in column.iter().zip(shown.iter_mut()).enumerate() {
                let dropped = show && l < hidden && trainer.last_step_dropped(l, j);
                if dropped != *was {
                    let _ = node.canvas.class_list().toggle_with_force("dropped", dropped);
                    *was = dropped;
                }
            }
        }
    }

    /// Which parameter an element of the diagram stands for (a link or a bias mark, or
    /// anything inside one), from its `data-*` attributes.
    pub fn parameter_at(&self, target: &Element) -> Option<ParamRef> {
        let element = target.closest(".link, .link-hit, .bias").ok()??;
        if !self.container.contains(Some(&element)) {
            return None;
        }
        let layer = data_index(&element, "data-layer")?;
        let row = data_index(&element, "data-row")?;
        if element.matches(".bias").unwrap_or(false) {
            Some(ParamRef::Bias { layer, row })
        } else {
            let column = data_index(&element, "data-column")?;
            Some(ParamRef::Weight { layer, row, column })
        }
    }

    /// Shows the tooltip for the element under the pointer (a weight's or a bias's value,
    /// a neuron's or feature's name) near (x, y) (client coordinates), or hides it.
    /// `extra` adds lines for a parameter (the backprop inspector's gradients).
    pub fn hover(
        &self,
        trainer: &Trainer,
        target: Option<&Element>,
        x: f64,
        y: f64,
        extra: impl Fn(ParamRef) -> Option<String>,
    ) {
        let text = target.and_then(|t| {
            let text = self.describe(trainer, t, &self.labels)?;
            match self.parameter_at(t).and_then(&extra) {
                Some(more) => Some(format!("{text}\n{more}")),
                None => Some(text),
            }
        });
        let Some(text) = text else {
            if !self.tooltip.hidden() {
                self.tooltip.set_hidden(true);
            }
            return;
        };
        if self.tooltip.text_content().as_deref() != Some(text.as_str()) {
            self.tooltip.set_text_content(Some(&text));
        }
        self.tooltip.set_hidden(false);
        // Below-right of the pointer, flipped to the other side near the window's edges.
        let (view_w, view_h) = window()
            .ok()
            .map(|w| {
                let size = |v: Result<wasm_bindgen::JsValue, _>| v.ok().and_then(|v| v.as_f64()).unwrap_or(1e6);
                (size(w.inner_width()), size(w.inner_height()))
            })
            .unwrap_or((1e6, 1e6));
        let rect = self.tooltip.get_bounding_client_rect();
        let mut left = x + 14.0;
        if left + rect.width() > view_w - 4.0 {
            left = (x - 14.0 - rect.width()).max(4.0);
        }
        let mut top = y + 16.0;
        if top + rect.height() > view_h - 4.0 {
            top = (y - 12.0 - rect.height()).max(4.0);
        }
        let style = self.tooltip.style();
        let _ = style.set_property("left", &format!("{left:.0}px"));
        let _ = style.set_property("top", &format!("{top:.0}px"));
    }

    /// The tooltip's text for `target`, or None when it is not part of the diagram.
    fn describe(&self, trainer: &Trainer, target: &Element, labels: &NetworkLabels) -> Option<String> {
        let element = target
            .closest(".link, .link-hit, .bias, .neuron, .feature-node")
            .ok()??;
        if !self.container.contains(Some(&element)) {
            return None;
        }
        let network = trainer.network();
        let hidden = network.hidden_count();
        let outputs = network.layers.last().map_or(0, |l| l.neurons());
        // Name of neuron `index` of network layer `layer` (the last one is the output).
        let neuron_name = |layer: usize, index: usize, of: bool| {
            if layer >= hidden {
                labels.output_neuron(index + 1, outputs)
            } else if of {
                labels.neuron_of(index + 1, layer + 1)
            } else {
                labels.neuron(index + 1, layer + 1)
            }
        };
        if let Some(name) = element.get_attribute("data-feature") {
            let feature = Feature::parse(&name).ok()?;
            let info = feature.info();
            return Some(format!("{} ({})", feature.label(labels.lang), info.formula));
        }
        let layer = data_index(&element, "data-layer")?;
        if element.matches(".neuron").unwrap_or(false) {
            return Some(neuron_name(layer, data_index(&element, "data-index")?, false));
        }
        let pieces = network.layers.get(layer)?.activation.pieces().max(1);
        let target_name = |row: usize| {
            let name = neuron_name(layer, row / pieces, true);
            if pieces > 1 {
                format!("{name}, {}", labels.piece(row % pieces + 1))
            } else {
                name
            }
        };
        match self.parameter_at(&element)? {
            ParamRef::Weight { layer, row, column } => {
                let value = *network.layers.get(layer)?.weights.value.get((row, column))?;
                let source = if layer == 0 {
                    trainer.features().get(column)?.info().formula.to_string()
                } else {
                    neuron_name(layer - 1, column, true)
                };
                Some(format!(
                    "{} {} ({source} → {})",
                    labels.weight(),
                    show_number(value),
                    target_name(row)
                ))
            }
            ParamRef::Bias { layer, row } => {
                let value = *network.layers.get(layer)?.biases.value.get((row, 0))?;
                Some(format!(
                    "{} {} ({})",
                    labels.bias(),
                    show_number(value),
                    target_name(row)
                ))
            }
        }
    }

    /// Writes the rate in force back into hidden layer `layer`'s dropout field (after a
    /// refused value).
    pub fn show_dropout(&self, trainer: &Trainer, layer: usize) {
        let Some(rate) = trainer.network().layers.get(layer).map(dropout_rate) else {
            return;
        };
        let selector = format!("input.layer-dropout[data-layer=\"{layer}\"]");
        if let Ok(Some(field)) = self.container.query_selector(&selector) {
            if let Ok(field) = field.dyn_into::<web_sys::HtmlInputElement>() {
                field.set_value(&dropout_text(rate));
            }
        }
    }

    /// Selects the normalisation in force in hidden layer `layer`'s select again (after a
    /// refusal).
    pub fn show_norm(&self, trainer: &Trainer, layer: usize) {
        let Some(norm) = trainer.network().layers.get(layer).map(|l| l.norm_kind()) else {
            return;
        };
        let selector = format!("select.layer-norm[data-layer=\"{layer}\"]");
        if let Ok(Some(select)) = self.container.query_selector(&selector) {
            if let Ok(select) = select.dyn_into::<web_sys::HtmlSelectElement>() {
                select.set_value(norm.name());
            }
        }
    }

    /// Throws away the old DOM and builds the diagram of the trainer's current shape,
    /// keeping the keyboard focus on the same control if it was in the diagram.
    fn rebuild(&mut self, trainer: &Trainer, labels: &NetworkLabels) -> WebResult<()> {
        let refocus = self
            .document
            .active_element()
            .filter(|e| self.container.contains(Some(e)))
            .and_then(|e| {
                let class = [
                    "add-neuron",
                    "remove-neuron",
                    "layer-activation",
                    "layer-norm",
                    "layer-dropout",
                ]
                .into_iter()
                .find(|c| e.class_list_contains(c))?;
                Some((class, e.get_attribute("data-layer")?))
            });
        if let Some(old) = self.diagram.take() {
            old.stage.remove();
        }
        self.tooltip.set_hidden(true);
        let diagram = self.build(Shape::of(trainer, labels.lang), labels)?;
        self.container.append_child(&diagram.stage)?;
        self.diagram = Some(diagram);
        if let Some((class, layer)) = refocus {
            // A button that became disabled cannot take focus: its sibling does.
            let sibling = match class {
                "add-neuron" => "remove-neuron",
                "remove-neuron" => "add-neuron",
                other => other,
            };
            let target = [class, sibling].into_iter().find_map(|c| {
                let selector = format!(".{c}[data-layer=\"{layer}\"]:not([disabled])");
                self.container.query_selector(&selector).ok().flatten()
            });
            if let Some(Ok(element)) = target.map(|e| e.dyn_into::<HtmlElement>()) {
                let _ = element.focus();
            }
        }
        Ok(())
    }

    fn element(&self, tag: &str, class: &str) -> WebResult<Element> {
        let element = self.document.create_element(tag)?;
        element.set_class_name(class);
        Ok(element)
    }

    /// A layer's `select.{class}[data-layer]` of every `T` choice, `chosen` selected.
    fn choice_select<T: Choice>(
        &self,
        class: &str,
        layer: usize,
        label: &str,
        chosen: T,
        lang: Lang,
    ) -> WebResult<Element> {
        let select = self.element("select", class)?;
        select.set_attribute("data-layer", &layer.to_string())?;
        select.set_attribute("aria-label", label)?;
        select.set_attribute("title", label)?;
        for &choice in T::ALL {
            let option = self.element("option", "")?;
            option.set_attribute("value", choice.name())?;
            if choice == chosen {
                option.set_attribute("selected", "")?;
            }
            option.set_text_content(Some(choice.label(lang)));
            select.append_child(&option)?;
        }
        Ok(select)
    }

    fn html(&self, tag: &str, class: &str) -> WebResult<HtmlElement> {
        self.element(tag, class)?
            .dyn_into()
            .map_err(|_| WebError(format!("<{tag}> is not an HTML element")))
    }

    fn svg(&self, tag: &str, class: &str) -> WebResult<Element> {
        let element = self.document.create_element_ns(Some(SVG_NS), tag)?;
        element.set_attribute("class", class)?;
        Ok(element)
    }

    fn canvas(&self, class: &str) -> WebResult<(HtmlCanvasElement, CanvasRenderingContext2d)> {
        let canvas: HtmlCanvasElement = self
            .element("canvas", class)?
            .dyn_into()
            .map_err(|_| WebError("cannot create a canvas".into()))?;
        let context = context_2d(&canvas)?;
        Ok((canvas, context))
    }

    fn build(&self, shape: Shape, labels: &NetworkLabels) -> WebResult<Diagram> {
        let stage = self.html("div", "network-stage")?;
        let svg = self.svg("svg", "network-links")?;
        svg.set_attribute("aria-hidden", "true")?;
        let hits = self.svg("g", "link-hits")?;
        let lines = self.svg("g", "link-lines")?;
        svg.append_child(&hits)?;
        svg.append_child(&lines)?;
        stage.append_child(&svg)?;
        let hidden = shape.layers.len().saturating_sub(1);

        let mut headers = Vec::new();
        let title = |text: &str, column: usize| -> WebResult<Header> {
            let element = self.html("div", "layer-head column-title")?;
            element.set_text_content(Some(text));
            stage.append_child(&element)?;
            Ok(Header { element, column })
        };
        headers.push(title(labels.input(), 0)?);
        for (i, &(neurons, activation, dropout, norm)) in shape.layers.iter().take(hidden).enumerate() {
            let head = self.html("div", "layer-head")?;
            let _ = head.set_attribute("data-layer", &i.to_string());
            let buttons = self.element("div", "layer-buttons-row")?;
            for (class, text, label, enabled) in [
                ("add-neuron", "+", labels.add_neuron(i + 1), neurons < MAX_NEURONS),
                ("remove-neuron", "−", labels.remove_neuron(i + 1), neurons > 1),
            ] {
                let button = self.element("button", class)?;
                button.set_attribute("type", "button")?;
                button.set_attribute("data-layer", &i.to_string())?;
                button.set_attribute("aria-label", &label)?;
                button.set_attribute("title", &label)?;
                if !enabled {
                    button.set_attribute("disabled", "")?;
                }
                button.set_text_content(Some(text));
                buttons.append_child(&button)?;
            }
            head.append_child(&buttons)?;
            let count = self.element("span", "layer-size")?;
            count.set_text_content(Some(&labels.neurons(neurons)));
            head.append_child(&count)?;
            let label = labels.layer_activation(i + 1);
            let select = self.choice_select("layer-activation", i, &label, activation, labels.lang)?;
            head.append_child(&select)?;
            // One row under the activation: the normalisation between z and f, then the
            // dropout rate after a.
            let extras = self.element("div", "layer-extras")?;
            let label = labels.layer_norm(i + 1);
            let select = self.choice_select("layer-norm", i, &label, norm, labels.lang)?;
            extras.append_child(&select)?;
            // The layer's dropout rate, typed (empty: none).
            let field = self.element("input", "layer-dropout")?;
            field.set_attribute("type", "text")?;
            field.set_attribute("inputmode", "decimal")?;
            field.set_attribute("autocomplete", "off")?;
            field.set_attribute("spellcheck", "false")?;
            field.set_attribute("data-layer", &i.to_string())?;
            let label = labels.layer_dropout(i + 1);
            field.set_attribute("aria-label", &label)?;
            field.set_attribute("title", &label)?;
            field.set_attribute("placeholder", labels.dropout_off())?;
            field.set_attribute("value", &dropout_text(dropout))?;
            extras.append_child(&field)?;
            head.append_child(&extras)?;
            stage.append_child(&head)?;
            headers.push(Header {
                element: head,
                column: i + 1,
            });
        }
        headers.push(title(labels.output(), hidden + 1)?);

        let mut features = Vec::new();
        for &feature in &shape.features {
            let label = self.html("span", "feature-label")?;
            label.set_text_content(Some(feature.info().formula));
            let (canvas, context) = self.canvas("feature-node")?;
            canvas.set_attribute("data-feature", feature.name())?;
            canvas.set_attribute("role", "img")?;
            canvas.set_attribute("aria-label", feature.label(labels.lang))?;
            stage.append_child(&label)?;
            stage.append_child(&canvas)?;
            features.push(FeatureNode {
                feature,
                canvas,
                context,
                label,
            });
        }

        let outputs = shape.layers.last().map_or(0, |&(n, ..)| n);
        let mut neurons = Vec::new();
        let mut links = Vec::new();
        let mut biases = Vec::new();
        let mut norm_marks = Vec::new();
        let mut fan_in = shape.features.len();
        for (l, &(count, activation, _, norm)) in shape.layers.iter().enumerate() {
            let pieces = activation.pieces().max(1);
            let mut column = Vec::new();
            for j in 0..count {
                if norm != NormKind::None {
                    // BN or LN at the neuron's top-left corner, where z arrives (the bias
                    // mark sits at its bottom-left).
                    let mark = self.html("span", "norm-mark")?;
                    mark.set_attribute("data-layer", &l.to_string())?;
                    mark.set_attribute("aria-hidden", "true")?;
                    mark.set_attribute("title", norm.label(labels.lang))?;
                    mark.set_text_content(Some(norm.mark()));
                    stage.append_child(&mark)?;
                    norm_marks.push((mark, l, j));
                }
                let (canvas, context) = self.canvas("neuron")?;
                canvas.set_attribute("data-layer", &l.to_string())?;
                canvas.set_attribute("data-index", &j.to_string())?;
                canvas.set_attribute("role", "img")?;
                let name = if l >= hidden {
                    labels.output_neuron(j + 1, outputs)
                } else {
                    labels.neuron(j + 1, l + 1)
                };
                canvas.set_attribute("aria-label", &name)?;
                stage.append_child(&canvas)?;
                column.push(NeuronNode {
                    canvas,
                    context,
                    shown: Vec::new(),
                });
                for p in 0..pieces {
                    let row = j * pieces + p;
                    let span = self.html("span", "bias")?;
                    span.set_attribute("data-layer", &l.to_string())?;
                    span.set_attribute("data-row", &row.to_string())?;
                    stage.append_child(&span)?;
                    biases.push(BiasMark {
                        span,
                        layer: l,
                        row,
                        drawn: UNDRAWN,
                    });
                    for c in 0..fan_in {
                        let make = |class: &str, parent: &Element| -> WebResult<Element> {
                            let path = self.svg("path", class)?;
                            path.set_attribute("data-layer", &l.to_string())?;
                            path.set_attribute("data-row", &row.to_string())?;
                            path.set_attribute("data-column", &c.to_string())?;
                            parent.append_child(&path)?;
                            Ok(path)
                        };
                        links.push(Link {
                            hit: make("link-hit", &hits)?,
                            path: make("link", &lines)?,
                            layer: l,
                            row,
                            column: c,
                            drawn: UNDRAWN,
                        });
                    }
                }
            }
            neurons.push(column);
            fan_in = count;
        }
        Ok(Diagram {
            shape,
            stage,
            svg,
            features,
            neurons,
            links,
            biases,
            norm_marks,
            shown_dropped: Vec::new(),
            headers,
            laid_out: None,
            link_scale: 0.0,
            link_cursor: 0,
            links_pending: true,
            links_at: f64::NEG_INFINITY,
            thumb_cursor: 0,
            thumbs_pending: true,
        })
    }

    /// Restyles the links whose quantized colour or width changed, at most `cap` of them
    /// (None: all), starting where the last capped update stopped.
    fn update_links(&mut self, trainer: &Trainer, cap: Option<usize>) {
        let Some(diagram) = self.diagram.as_mut() else { return };
        if cap.is_some() {
            let now = crate::web::bench::now_ms();
            if now - diagram.links_at < LINK_RESTYLE_MS {
                // Checked again on a later frame (see `catch_up`).
                diagram.links_pending = true;
                return;
            }
            diagram.links_at = now;
        }
        let layers = &trainer.network().layers;
        let max_abs = layers
            .iter()
            .flat_map(|l| l.weights.value.iter())
            .fold(1.0 as Float, |m, &w| if w.is_finite() { m.max(w.abs()) } else { m });
        let scale = diagram.link_scale;
        if !(max_abs <= scale && max_abs > scale / 2.0) {
            let steps = (2.0 * max_abs.log2()).ceil();
            diagram.link_scale = (steps / 2.0).exp2();
        }
        let scale = diagram.link_scale;
        let count = diagram.links.len();
        let start = diagram.link_cursor.min(count);
        let mut restyled = 0;
        diagram.links_pending = false;
        for index in (start..count).chain(0..start) {
            let link = &mut diagram.links[index];
            let w = layers
                .get(link.layer)
                .and_then(|l| l.weights.value.get((link.row, link.column)))
                .copied()
                .unwrap_or(0.0);
            let colour = colour_index(w);
            let width = if w.is_finite() {
                ((w.abs() / scale).min(1.0) * LEVELS as Float).round() as usize
            } else {
                0
            };
            let key = (colour * 64 + width) as u16;
            if key == link.drawn {
                continue;
            }
            // A link never drawn (a new diagram) is always drawn.
            if link.drawn != UNDRAWN && cap.is_some_and(|cap| restyled >= cap) {
                if !diagram.links_pending {
                    diagram.link_cursor = index;
                    diagram.links_pending = true;
                }
                continue;
            }
            restyled += 1;
            if link.drawn == UNDRAWN || usize::from(link.drawn) / 64 != colour {
                let _ = link.path.set_attribute("stroke", &self.link_colours[colour]);
            }
            if link.drawn == UNDRAWN || usize::from(link.drawn) % 64 != width {
                let _ = link.path.set_attribute("stroke-width", &self.link_widths[width]);
                let _ = link.path.set_attribute("stroke-opacity", &self.link_opacities[width]);
            }
            link.drawn = key;
        }
    }

    /// Restyles the links and draws the thumbnails that a capped update left behind (a frame
    /// with nothing new to draw): capped as in [`NetworkView::render`] while `playing`, all
    /// at once when paused. `grid` is the one the last render had.
    pub fn catch_up(&mut self, trainer: &Trainer, grid: &GridOutputs, playing: bool) {
        if self.diagram.as_ref().is_some_and(|d| d.links_pending) {
            self.update_links(trainer, playing.then_some(LINK_RESTYLES_PER_FRAME));
        }
        if self.diagram.as_ref().is_some_and(|d| d.thumbs_pending) {
            self.paint_neurons(trainer, grid, playing.then_some(THUMB_REPAINTS_PER_FRAME));
        }
    }

    fn update_biases(&mut self, trainer: &Trainer) {
        let Some(diagram) = self.diagram.as_mut() else { return };
        let layers = &trainer.network().layers;
        for mark in &mut diagram.biases {
            let b = layers
                .get(mark.layer)
                .and_then(|l| l.biases.value.get((mark.row, 0)))
                .copied()
                .unwrap_or(0.0);
            let colour = colour_index(b) as u16;
            if colour != mark.drawn {
                let _ = mark
                    .span
                    .style()
                    .set_property("background-color", &self.bias_colours[usize::from(colour)]);
                mark.drawn = colour;
            }
        }
    }

    /// Draws the neuron thumbnails whose colours changed, at most `cap` of them (None: all),
    /// starting where the last capped update stopped; a thumbnail left out stays pending.
    fn paint_neurons(&mut self, trainer: &Trainer, grid: &GridOutputs, cap: Option<usize>) {
        let Some(diagram) = self.diagram.as_mut() else { return };
        let problem = trainer.problem();
        let last = diagram.neurons.len().saturating_sub(1);
        let resolution = grid.resolution();
        let count: usize = diagram.neurons.iter().map(Vec::len).sum();
        let start = if cap.is_some() {
            diagram.thumb_cursor.min(count)
        } else {
            0
        };
        let mut budget = cap.unwrap_or(usize::MAX);
        diagram.thumbs_pending = false;
        for flat in (start..count).chain(0..start) {
            // The layer and neuron of the flat index (a few dozen neurons at most).
            let (mut l, mut j) = (0, flat);
            while j >= diagram.neurons[l].len() {
                j -= diagram.neurons[l].len();
                l += 1;
            }
            let node = &mut diagram.neurons[l][j];
            let samples = &mut self.samples;
            sample(grid.neuron(l, j), resolution, samples);
            let max_abs = samples.iter().fold(0.0 as Float, |m, v| m.max(v.abs()));
            let divisor = match problem {
                _ if l < last => max_abs.max(1.0),
                Problem::Binary => {
                    for v in samples.iter_mut() {
                        *v = 2.0 * sigmoid(*v) - 1.0;
                    }
                    1.0
                }
                Problem::Regression => 1.0,
                Problem::MultiClass(_) => max_abs.max(1e-6),
            };
            let scale = &self.scale;
            let samples = &self.samples;
            // A thumbnail never drawn (a new or resized canvas) is always drawn.
            if budget == 0 && !node.shown.is_empty() {
                if !self
                    .heatmap
                    .differs(&node.shown, |i| scale.colour(samples[i] / divisor))
                {
                    continue;
                }
                diagram.thumb_cursor = flat;
                diagram.thumbs_pending = true;
                break;
            }
            if self
                .heatmap
                .paint_if_changed(&mut node.shown, |i| scale.colour(samples[i] / divisor))
            {
                budget = budget.saturating_sub(1);
                let (w, h) = (f64::from(node.canvas.width()), f64::from(node.canvas.height()));
                self.heatmap.blit(&node.context, 0.0, 0.0, w, h);
            }
        }
    }
}

/// Paints the feature thumbnails (they change only with the layout: resizing clears them).
fn paint_features(
    diagram: &Diagram,
    grid: &GridOutputs,
    heatmap: &mut Heatmap,
    scale: &DivergingScale,
    samples: &mut [Float],
) {
    for node in &diagram.features {
        let max_abs = grid
            .feature_values(node.feature)
            .fold(0.0 as Float, |m, v| m.max(v.abs()))
            .max(1e-6);
        sample(grid.feature_values(node.feature), grid.resolution(), samples);
        heatmap.paint(|i| scale.colour(samples[i] / max_abs));
        let (w, h) = (f64::from(node.canvas.width()), f64::from(node.canvas.height()));
        heatmap.blit(&node.context, 0.0, 0.0, w, h);
    }
}

impl Diagram {
    /// Positions every element for a container `available` px wide.
    fn layout(&mut self, available: f64, ratio: f64) {
        let g = Geometry::new(&self.shape, available);
        set_style(
            &self.stage,
            &[
                ("width", &format!("{:.0}px", g.width)),
                ("height", &format!("{:.0}px", g.height)),
            ],
        );
        let _ = self.svg.set_attribute("width", &format!("{:.0}", g.width));
        let _ = self.svg.set_attribute("height", &format!("{:.0}", g.height));
        let _ = self
            .svg
            .set_attribute("viewBox", &format!("0 0 {:.0} {:.0}", g.width, g.height));
        let head_w = g.header_w;
        for header in &self.headers {
            let x = g.column_x.get(header.column).copied().unwrap_or(0.0);
            // Two rows: the first hidden layer (column 1) in the top row, neighbours alternating.
            let row = if g.header_rows > 1 { (header.column + 1) % 2 } else { 0 };
            // The input and output titles at the edges are cut to the stage, never shifted
            // onto a neighbour.
            let left = (x - head_w / 2.0).max(0.0);
            let right = (x + head_w / 2.0).min(g.width);
            let top = row as f64 * HEADER;
            // A faint stem from a layer's controls down to its first neuron (CSS ::after).
            let stem = g.column_top.get(header.column).copied().unwrap_or(0.0) - top - HEADER - 2.0;
            set_style(
                &header.element,
                &[
                    ("left", &format!("{left:.1}px")),
                    ("top", &format!("{top:.1}px")),
                    ("width", &format!("{:.1}px", right - left)),
                    ("height", &format!("{HEADER:.1}px")),
                    ("--stem", &format!("{:.1}px", stem.max(0.0))),
                ],
            );
        }
        let size_canvas = |canvas: &HtmlCanvasElement, column: usize, index: usize| {
            let s = g.node(column);
            let (x, y) = g.centre(column, index);
            place(canvas, x - s / 2.0, y - s / 2.0, s, s);
            let backing = (s * ratio).round().max(1.0) as u32;
            let resized = canvas.width() != backing || canvas.height() != backing;
            if resized {
                canvas.set_width(backing);
                canvas.set_height(backing);
            }
            resized
        };
        let s = g.node(0);
        let font = (s * 0.4).clamp(10.0, 14.0);
        for (i, node) in self.features.iter().enumerate() {
            size_canvas(&node.canvas, 0, i);
            let (x, y) = g.centre(0, i);
            set_style(
                &node.label,
                &[
                    ("left", "0"),
                    ("top", &format!("{:.1}px", y - font)),
                    ("width", &format!("{:.1}px", (x - s / 2.0 - 6.0).max(0.0))),
                    ("height", &format!("{:.1}px", font * 2.0)),
                    ("line-height", &format!("{:.1}px", font * 2.0)),
                    ("font-size", &format!("{font:.1}px")),
                ],
            );
        }
        for (l, column) in self.neurons.iter_mut().enumerate() {
            for (j, node) in column.iter_mut().enumerate() {
                // Resizing clears a canvas: its thumbnail must be drawn again.
                if size_canvas(&node.canvas, l + 1, j) {
                    node.shown.clear();
                }
            }
        }
        for mark in &mut self.biases {
            let pieces = self
                .shape
                .layers
                .get(mark.layer)
                .map_or(1, |&(_, a, ..)| a.pieces().max(1));
            let column = mark.layer + 1;
            let (s, b) = (g.node(column), g.bias_size(column));
            let (x, y) = g.centre(column, mark.row / pieces);
            let piece = (mark.row % pieces) as f64;
            place(
                &mark.span,
                x - s / 2.0 - b - 2.0,
                y + s / 2.0 - b - piece * (b + 2.0),
                b,
                b,
            );
            mark.drawn = UNDRAWN;
        }
        for (mark, layer, index) in &self.norm_marks {
            let column = layer + 1;
            let s = g.node(column);
            let (x, y) = g.centre(column, *index);
            let (w, h) = (14.0f64.min(s * 0.45), 10.0f64.min(s * 0.34));
            // Beside the canvas, not over it: a mark over a canvas that repaints every
            // frame made Chromium composite them together (55 fps instead of 60 with
            // batch norm on the largest network).
            place(mark, x - s / 2.0 - w - 2.0, y - s / 2.0, w, h);
            let font = format!("{:.1}px", (h * 0.8).max(6.0));
            let _ = mark.style().set_property("font-size", &font);
            let _ = mark.style().set_property("line-height", &format!("{h:.1}px"));
        }
        let mut d = String::with_capacity(96);
        for link in &self.links {
            use std::fmt::Write;
            let pieces = self
                .shape
                .layers
                .get(link.layer)
                .map_or(1, |&(_, a, ..)| a.pieces().max(1));
            let (x0, y0) = g.centre(link.layer, link.column);
            let (x1, y1) = g.centre(link.layer + 1, link.row / pieces);
            let (s0, s1) = (g.node(link.layer), g.node(link.layer + 1));
            // A maxout neuron's pieces arrive side by side.
            let spread = (s1 * 0.16).min(5.0);
            let offset = (link.row % pieces) as f64 - (pieces as f64 - 1.0) / 2.0;
            let (xs, xe, ye) = (x0 + s0 / 2.0, x1 - s1 / 2.0, y1 + offset * spread);
            let xm = (xs + xe) / 2.0;
            d.clear();
            let _ = write!(d, "M{xs:.1},{y0:.1}C{xm:.1},{y0:.1} {xm:.1},{ye:.1} {xe:.1},{ye:.1}");
            let _ = link.path.set_attribute("d", &d);
            let _ = link.hit.set_attribute("d", &d);
        }
        self.laid_out = Some((available, ratio));
    }
}

trait ClassListExt {
    fn class_list_contains(&self, class: &str) -> bool;
}

impl ClassListExt for Element {
    fn class_list_contains(&self, class: &str) -> bool {
        self.class_name().split_whitespace().any(|c| c == class)
    }
}
