//! The two insight panels: the activation panel (f, f′ and where a layer's pre-activations
//! fall, with per-layer saturated and dead shares) and gradient flow (per-layer weight-gradient
//! norms now and over time). The numbers come from `core::introspect`; this file only shows them.

use plotters::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlCanvasElement, HtmlElement, HtmlSelectElement};

use super::dom::{by_id, document, format_number, Readout, WebResult};
use super::draw::{draw_legend, LegendMark, MeasuredCanvas};
use super::text::text;
use crate::core::activation::Activation;
use crate::core::choice::Choice;
use crate::core::introspect::{
    activation_curve, gradient_health, gradient_norms, histogram, layer_stats, GradientHealth, GradientHistory,
    LayerStats, EXPLODING_NORM,
};
use crate::core::network::Pass;
use crate::core::trainer::Trainer;
use crate::core::{Float, Lang};

/// The z range the activation chart covers; values beyond it land in the end bins.
const Z_RANGE: Float = 6.0;
/// Histogram bins over the z range.
const BINS: usize = 48;
/// Plotters charts measure text through the DOM, so while training they redraw at most this
/// often; readouts still update every frame.
const CHART_INTERVAL_MS: f64 = 150.0;
/// Colours of the curves: f dark, f′ blue, the histogram orange, saturated zones red.
const F_COLOUR: RGBColor = RGBColor(30, 35, 42);
const DF_COLOUR: RGBColor = RGBColor(0, 114, 178);
const HIST_COLOUR: RGBColor = RGBColor(230, 159, 0);
const SATURATED_COLOUR: RGBColor = RGBColor(179, 38, 30);

/// Name of hidden layer `layer` (0-based) or of the output layer.
fn layer_name(lang: Lang, layer: usize, output: bool) -> String {
    if output {
        text(lang, "output-layer").to_string()
    } else {
        text(lang, "layer-n").replace("{}", &(layer + 1).to_string())
    }
}

fn percent(share: Float) -> String {
    format!("{:.0}%", f64::from(share) * 100.0)
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// `#activation-panel`.
pub struct ActivationPanel {
    pub canvas: HtmlCanvasElement,
    layer_select: HtmlSelectElement,
    rows: Element,
    /// The saturated and dead readouts of each hidden layer, as built.
    cells: Vec<(Readout, Readout)>,
    pass: Pass,
    stats: Vec<LayerStats>,
    /// Trainer version the stats belong to.
    computed: Option<u64>,
    /// What the chart shows: (version, layer, activation, language, width).
    drawn: Option<(u64, usize, Activation, Lang, u32)>,
    last_draw_ms: f64,
    /// (hidden layers, language) the rows and the layer list were built for.
    built: Option<(usize, Lang)>,
}

impl ActivationPanel {
    pub fn new() -> WebResult<ActivationPanel> {
        Ok(ActivationPanel {
            canvas: by_id("activation-chart")?,
            layer_select: by_id("activation-layer")?,
            rows: by_id("saturation-rows")?,
            cells: Vec::new(),
            pass: Pass::default(),
            stats: Vec::new(),
            computed: None,
            drawn: None,
            last_draw_ms: f64::NEG_INFINITY,
            built: None,
        })
    }

    pub fn invalidate(&mut self) {
        self.drawn = None;
        self.built = None;
    }

    /// The hidden layer whose pre-activations are shown (0-based, within the network).
    fn chosen_layer(&self, hidden: usize) -> usize {
        self.layer_select
            .value()
            .parse::<usize>()
            .unwrap_or(0)
            .min(hidden.saturating_sub(1))
    }

    /// Recomputes the statistics when the run changed, refreshes the readouts and, at most
    /// every [`CHART_INTERVAL_MS`], the chart.
    pub fn update(&mut self, trainer: &Trainer, lang: Lang, ratio: f64) -> WebResult<()> {
        let network = trainer.network();
        let hidden = network.hidden_count();
        let mut fresh = false;
        if self.computed != Some(trainer.version()) {
            let (inputs, _) = trainer.train_set();
            self.stats = layer_stats(network, inputs, &mut self.pass);
            self.computed = Some(trainer.version());
            fresh = true;
        }
        if self.built != Some((hidden, lang)) {
            self.build(hidden, lang)?;
            fresh = true;
        }
        // Readouts change only with new statistics (not on every frame of a paused run).
        if fresh {
            for ((saturated, dead), stats) in self.cells.iter_mut().zip(&self.stats) {
                let (s, d) = (stats.saturated_fraction, stats.dead_fraction);
                saturated.set(&percent(s), f64::from(s));
                dead.set(&percent(d), f64::from(d));
            }
        }
        if hidden == 0 {
            return Ok(());
        }
        let layer = self.chosen_layer(hidden);
        let activation = network.layers[layer].activation;
        let key = (trainer.version(), layer, activation, lang, self.canvas.width());
        let Some(drawn) = self.drawn else {
            return self.draw(key, lang, ratio);
        };
        let only_training = (drawn.1, drawn.2, drawn.3, drawn.4) == (key.1, key.2, key.3, key.4);
        if drawn != key && (!only_training || now_ms() - self.last_draw_ms >= CHART_INTERVAL_MS) {
            self.draw(key, lang, ratio)?;
        }
        Ok(())
    }

    /// Rebuilds the layer list and the readout rows for a new shape or language.
    fn build(&mut self, hidden: usize, lang: Lang) -> WebResult<()> {
        let doc = document()?;
        let chosen = self.layer_select.value();
        self.layer_select.set_inner_html("");
        self.rows.set_inner_html("");
        self.cells.clear();
        for l in 0..hidden {
            let option = doc.create_element("option")?;
            option.set_attribute("value", &l.to_string())?;
            option.set_text_content(Some(&layer_name(lang, l, false)));
            self.layer_select.append_child(&option)?;
            let row = doc.create_element("tr")?;
            let head = doc.create_element("th")?;
            head.set_attribute("scope", "row")?;
            head.set_text_content(Some(&layer_name(lang, l, false)));
            row.append_child(&head)?;
            let cell = |class: &str| -> WebResult<Readout> {
                let cell = doc.create_element("td")?;
                cell.set_attribute("class", class)?;
                cell.set_attribute("data-layer", &l.to_string())?;
                row.append_child(&cell)?;
                Ok(Readout::of(cell))
            };
            let pair = (cell("saturation")?, cell("dead")?);
            self.cells.push(pair);
            self.rows.append_child(&row)?;
        }
        let keep = chosen.parse::<usize>().ok().filter(|&l| l < hidden).unwrap_or(0);
        self.layer_select.set_value(&keep.to_string());
        self.built = Some((hidden, lang));
        self.drawn = None;
        Ok(())
    }

    fn draw(&mut self, key: (u64, usize, Activation, Lang, u32), lang: Lang, ratio: f64) -> WebResult<()> {
        self.drawn = Some(key);
        self.last_draw_ms = now_ms();
        let (_, layer, activation, _, _) = key;
        let Some(stats) = self.stats.get(layer) else {
            return Ok(());
        };
        let counts = histogram(&stats.pre_activation, -Z_RANGE, Z_RANGE, BINS);
        let curve = activation_curve(activation, -Z_RANGE, Z_RANGE, 241);
        let labels = (
            format!("f(z) = {}", activation.label(lang)),
            "f′(z)".to_string(),
            format!("z · {}", layer_name(lang, layer, false)),
        );
        draw_activation_chart(&self.canvas, &curve, &counts, activation, ratio, &labels).map_err(super::dom::WebError)
    }
}

/// Draws f and f′ over z, the saturated zones shaded and the histogram of z behind.
fn draw_activation_chart(
    canvas: &HtmlCanvasElement,
    curve: &[(Float, Float, Float)],
    counts: &[u32],
    activation: Activation,
    scale: f64,
    labels: &(String, String, String),
) -> Result<(), String> {
    let backend = MeasuredCanvas::new(canvas)?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let (lo, hi) = curve
        .iter()
        .flat_map(|&(_, a, d)| [a, d])
        .filter(|v| v.is_finite())
        .fold((0.0f32, 1.0f32), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let pad = 0.06 * (hi - lo);
    let (y0, y1) = (f64::from(lo - pad), f64::from(hi + pad));
    let z = f64::from(Z_RANGE);
    let font = (12.0 * scale) as i32;
    let stroke = (2.0 * scale).round().max(1.0) as u32;
    let style = (FontFamily::SansSerif, font).into_font().color(&RGBColor(60, 60, 60));
    let mut chart = ChartBuilder::on(&root)
        .margin((8.0 * scale) as i32)
        .x_label_area_size((26.0 * scale) as i32)
        .y_label_area_size((34.0 * scale) as i32)
        .build_cartesian_2d(-z..z, y0..y1)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_labels(7)
        .y_labels(5)
        .max_light_lines(0)
        .label_style(style.clone())
        .bold_line_style(RGBColor(225, 225, 225))
        .draw()
        .map_err(|e| e.to_string())?;
    // Saturated zones: runs of z where |f′| is below 10 % of its peak.
    let step = 2.0 * z / (curve.len().max(2) - 1) as f64;
    let zones = curve
        .iter()
        .filter(|&&(zv, _, _)| activation.is_saturated(zv))
        .map(|&(zv, _, _)| {
            let x = f64::from(zv);
            Rectangle::new(
                [(x - step / 2.0, y0), (x + step / 2.0, y1)],
                SATURATED_COLOUR.mix(0.09).filled(),
            )
        });
    chart.draw_series(zones).map_err(|e| e.to_string())?;
    // The histogram, its tallest bar at 85 % of the height.
    let tallest = f64::from(counts.iter().copied().max().unwrap_or(0).max(1));
    let width = 2.0 * z / counts.len().max(1) as f64;
    let bars = counts.iter().enumerate().filter(|(_, &c)| c > 0).map(|(i, &c)| {
        let x = -z + i as f64 * width;
        let top = y0 + (y1 - y0) * 0.85 * f64::from(c) / tallest;
        Rectangle::new(
            [(x + width * 0.08, y0), (x + width * 0.92, top)],
            HIST_COLOUR.mix(0.45).filled(),
        )
    });
    chart.draw_series(bars).map_err(|e| e.to_string())?;
    let series = |pick: fn(&(Float, Float, Float)) -> Float| {
        curve
            .iter()
            .filter(|p| pick(p).is_finite())
            .map(move |p| (f64::from(p.0), f64::from(pick(p))))
            .collect::<Vec<_>>()
    };
    chart
        .draw_series(LineSeries::new(series(|p| p.1), F_COLOUR.stroke_width(stroke)))
        .map_err(|e| e.to_string())?;
    chart
        .draw_series(LineSeries::new(series(|p| p.2), DF_COLOUR.stroke_width(stroke)))
        .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())?;
    let rgb = |c: RGBColor| [c.0, c.1, c.2];
    draw_legend(
        canvas,
        &[
            (labels.2.as_str(), rgb(HIST_COLOUR), LegendMark::Box),
            (labels.0.as_str(), rgb(F_COLOUR), LegendMark::Line),
            (labels.1.as_str(), rgb(DF_COLOUR), LegendMark::Line),
        ],
        false,
        scale,
    );
    Ok(())
}

/// `#gradient-flow`.
pub struct GradientFlow {
    pub canvas: HtmlCanvasElement,
    bars: Element,
    /// One bar row per layer, as built.
    rows: Vec<GradRow>,
    history: GradientHistory,
    computed: Option<u64>,
    /// (history length, last epoch, language, width) the chart shows.
    drawn: Option<(usize, u64, Lang, u32)>,
    last_draw_ms: f64,
    built: Option<(usize, Lang)>,
}

impl GradientFlow {
    pub fn new() -> WebResult<GradientFlow> {
        Ok(GradientFlow {
            canvas: by_id("gradient-chart")?,
            bars: by_id("grad-bars")?,
            rows: Vec::new(),
            history: GradientHistory::default(),
            computed: None,
            drawn: None,
            last_draw_ms: f64::NEG_INFINITY,
            built: None,
        })
    }

    pub fn invalidate(&mut self) {
        self.drawn = None;
        self.built = None;
    }

    /// Forgets the history (a new run).
    pub fn restart(&mut self) {
        self.history.clear();
        self.computed = None;
        self.drawn = None;
    }

    pub fn update(&mut self, trainer: &Trainer, lang: Lang, ratio: f64) -> WebResult<()> {
        let layers = trainer.network().layers.len();
        let mut fresh = false;
        if self.computed != Some(trainer.version()) {
            let norms = gradient_norms(trainer);
            self.history.record(trainer.epoch(), &norms);
            self.computed = Some(trainer.version());
            fresh = true;
        }
        if self.built != Some((layers, lang)) {
            self.build(layers, lang)?;
            fresh = true;
        }
        let Some((_, norms)) = self.history.points().last() else {
            return Ok(());
        };
        if fresh {
            for ((row, &norm), state) in self.rows.iter_mut().zip(norms).zip(gradient_health(norms)) {
                row.show(norm, state, lang)?;
            }
        }
        let last = self.history.points().last().map_or(0, |p| p.0);
        let key = (self.history.points().len(), last, lang, self.canvas.width());
        let only_training = self.drawn.is_some_and(|d| (d.2, d.3) == (key.2, key.3));
        if self.drawn != Some(key) && (!only_training || now_ms() - self.last_draw_ms >= CHART_INTERVAL_MS) {
            self.drawn = Some(key);
            self.last_draw_ms = now_ms();
            draw_gradient_chart(
                &self.canvas,
                self.history.points(),
                layers,
                text(lang, "epoch-axis"),
                ratio,
            )
            .map_err(super::dom::WebError)?;
        }
        Ok(())
    }

    fn build(&mut self, layers: usize, lang: Lang) -> WebResult<()> {
        let doc = document()?;
        self.bars.set_inner_html("");
        self.rows.clear();
        for l in 0..layers {
            let row = doc.create_element("div")?;
            row.set_attribute("class", "grad-row")?;
            row.set_attribute("data-layer", &l.to_string())?;
            let name = doc.create_element("span")?;
            name.set_attribute("class", "grad-label")?;
            name.set_text_content(Some(&layer_name(lang, l, l + 1 == layers)));
            let bar = doc.create_element("span")?;
            bar.set_attribute("class", "grad-bar")?;
            let fill = doc.create_element("span")?;
            fill.set_attribute("class", "grad-fill")?;
            bar.append_child(&fill)?;
            let readout = doc.create_element("output")?;
            readout.set_attribute("class", "grad-norm")?;
            readout.set_attribute("data-layer", &l.to_string())?;
            let state = doc.create_element("span")?;
            state.set_attribute("class", "grad-state")?;
            for child in [&name, &bar, &readout, &state] {
                row.append_child(child)?;
            }
            self.bars.append_child(&row)?;
            let fill: HtmlElement = fill
                .dyn_into()
                .map_err(|_| super::dom::WebError("a gradient bar is not an HTML element".into()))?;
            let [r, g, b] = layer_colour(l, layers);
            fill.style()
                .set_property("background-color", &format!("rgb({r},{g},{b})"))?;
            self.rows.push(GradRow {
                row,
                readout: Readout::of(readout),
                state,
                fill,
                shown: None,
            });
        }
        self.built = Some((layers, lang));
        self.drawn = None;
        Ok(())
    }
}

/// Colour of layer `l` of `layers` in the gradient bars and chart: shallow layers light,
/// deep layers dark, so depth reads as shade and the bars double as the chart's legend.
fn layer_colour(l: usize, layers: usize) -> [u8; 3] {
    let t = if layers > 1 {
        l as f64 / (layers - 1) as f64
    } else {
        1.0
    };
    [
        (150.0 - 150.0 * t) as u8,
        (200.0 - 150.0 * t) as u8,
        (240.0 - 110.0 * t) as u8,
    ]
}

/// One layer's row of the gradient bars.
struct GradRow {
    row: Element,
    readout: Readout,
    state: Element,
    fill: HtmlElement,
    /// The state the row shows, so its label is rewritten only when it changes.
    shown: Option<GradientHealth>,
}

impl GradRow {
    /// Shows a layer's gradient norm: the number, the bar length and the state's label.
    fn show(&mut self, norm: Float, state: GradientHealth, lang: Lang) -> WebResult<()> {
        self.readout.set(&format_number(f64::from(norm)), f64::from(norm));
        self.fill
            .style()
            .set_property("width", &format!("{:.1}%", bar_share(norm) * 100.0))?;
        if self.shown != Some(state) {
            self.shown = Some(state);
            let element = self.readout.element();
            element.set_attribute("data-state", state.name())?;
            self.row.set_attribute("data-state", state.name())?;
            let label = match state {
                GradientHealth::Healthy => "",
                GradientHealth::Vanishing => text(lang, "vanishing"),
                GradientHealth::Exploding => text(lang, "exploding"),
            };
            self.state.set_text_content(Some(label));
        }
        Ok(())
    }
}

/// Bar length on a log scale: 1e-6 (or less) is empty, [`EXPLODING_NORM`] and more is full.
fn bar_share(norm: Float) -> f64 {
    if !norm.is_finite() {
        return 1.0;
    }
    let low = -6.0;
    let high = f64::from(EXPLODING_NORM).log10();
    ((f64::from(norm.max(1e-12)).log10() - low) / (high - low)).clamp(0.0, 1.0)
}

/// Per-layer gradient norms over epochs on a log scale, with the exploding line dashed.
/// `layers` counts the output layer.
fn draw_gradient_chart(
    canvas: &HtmlCanvasElement,
    points: &[(u64, Vec<Float>)],
    layers: usize,
    x_label: &str,
    scale: f64,
) -> Result<(), String> {
    let backend = MeasuredCanvas::new(canvas)?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let first = points.first().map_or(0, |p| p.0) as f64;
    let last = points.last().map_or(1, |p| p.0) as f64;
    let last = if last > first { last } else { first + 1.0 };
    let values = points
        .iter()
        .flat_map(|p| p.1.iter().copied())
        .filter(|v| v.is_finite() && *v > 0.0);
    let (lo, hi) = values.fold((Float::INFINITY, 0.0 as Float), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let lo = if lo.is_finite() { f64::from(lo).max(1e-9) } else { 1e-4 };
    let hi = f64::from(hi).max(lo * 10.0);
    let font = (12.0 * scale) as i32;
    let stroke = (2.0 * scale).round().max(1.0) as u32;
    let style = (FontFamily::SansSerif, font).into_font().color(&RGBColor(60, 60, 60));
    let mut chart = ChartBuilder::on(&root)
        .margin((8.0 * scale) as i32)
        .x_label_area_size((34.0 * scale) as i32)
        .y_label_area_size((52.0 * scale) as i32)
        .build_cartesian_2d(first..last, (lo * 0.7..hi * 1.4).log_scale())
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        // Whole epochs only (see the loss chart).
        .x_labels(((last - first) as usize + 1).min(5))
        .y_labels(5)
        .max_light_lines(0)
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.0e}"))
        .label_style(style.clone())
        .x_desc(x_label)
        .axis_desc_style(style.clone())
        .bold_line_style(RGBColor(225, 225, 225))
        .draw()
        .map_err(|e| e.to_string())?;
    let exploding = f64::from(EXPLODING_NORM);
    if exploding < hi * 1.4 {
        let dashes = DashedLineSeries::new(
            [(first, exploding), (last, exploding)],
            (6.0 * scale) as u32,
            (4.0 * scale) as u32,
            SATURATED_COLOUR.stroke_width(stroke),
        );
        chart.draw_series(dashes).map_err(|e| e.to_string())?;
    }
    // The bars above the chart, coloured alike, are its legend.
    for l in 0..layers {
        let [r, g, b] = layer_colour(l, layers);
        let colour = RGBColor(r, g, b);
        let series = points.iter().filter_map(move |(epoch, norms)| {
            norms
                .get(l)
                .filter(|v| v.is_finite() && **v > 0.0)
                .map(|&v| (*epoch as f64, f64::from(v)))
        });
        chart
            .draw_series(LineSeries::new(series, colour.stroke_width(stroke)))
            .map_err(|e| e.to_string())?;
    }
    root.present().map_err(|e| e.to_string())
}
