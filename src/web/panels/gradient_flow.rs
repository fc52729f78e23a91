//! Gradient flow (`#gradient-flow`): per-layer weight-gradient norms now and over time.
//! The numbers come from `core::introspect`; this file only shows them.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlCanvasElement, HtmlElement};

use super::activation::SATURATED_COLOUR;
use super::{layer_name, section, Frame, LayerPanel, Panel};
use crate::core::introspect::{gradient_health, gradient_norms, GradientHealth, GradientHistory, EXPLODING_NORM};
use crate::core::ticks::{linear_ticks, log_ticks};
use crate::core::trainer::Trainer;
use crate::core::{Float, Lang};
use crate::web::chart::{labelled, Chart};
use crate::web::dom::{by_id, document, format_number, scientific, Readout, WebError, WebResult};
use crate::web::text::text;

/// The bars, the chart and its hint.
const BODY: &str = "<div id=\"grad-bars\" class=\"grad-bars\"></div>\
    <canvas id=\"gradient-chart\" data-text-label=\"gradient-chart\"></canvas>\
    <p class=\"hint\" data-text=\"gradient-hint\"></p>";

/// `#gradient-flow`.
pub struct GradientFlow {
    /// Computed per run version, built per (layers, language); the chart's data is the
    /// history's (length, last epoch), its looks (language, width).
    common: LayerPanel<(usize, u64), (Lang, u32)>,
    bars: Element,
    /// One bar row per layer, as built.
    rows: Vec<GradRow>,
    history: GradientHistory,
}

impl GradientFlow {
    pub fn new() -> WebResult<GradientFlow> {
        section("gradient-flow", "gradient-panel", "gradient-flow", "", BODY)?;
        Ok(GradientFlow {
            common: LayerPanel::new(by_id("gradient-chart")?),
            bars: by_id("grad-bars")?,
            rows: Vec::new(),
            history: GradientHistory::default(),
        })
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
                .map_err(|_| WebError("a gradient bar is not an HTML element".into()))?;
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
        self.common.mark_built(layers, lang);
        Ok(())
    }
}

impl Panel for GradientFlow {
    fn invalidate(&mut self) {
        self.common.invalidate();
    }

    /// Forgets the history (a new run).
    fn restart(&mut self) {
        self.history.clear();
        self.common.restart();
    }

    fn update(&mut self, trainer: &Trainer, frame: &Frame<'_>) -> WebResult<()> {
        let (lang, layers) = (frame.lang, trainer.network().layers.len());
        // The norms are recorded every version (the chart's history); the rows are
        // rewritten at once on screen, off screen while playing now and then.
        if self.common.stale(trainer.version()) {
            let norms = gradient_norms(trainer);
            self.history.record(trainer.epoch(), &norms);
        }
        let rebuilt = self.common.needs_build(layers, lang);
        if rebuilt {
            self.build(layers, lang)?;
        }
        let Some((last, norms)) = self.history.points().last() else {
            return Ok(());
        };
        if self.common.texts_due(trainer.version(), frame.playing) || rebuilt {
            for ((row, &norm), state) in self.rows.iter_mut().zip(norms).zip(gradient_health(norms)) {
                row.show(norm, state, lang)?;
            }
        }
        let data = (self.history.points().len(), *last);
        if self
            .common
            .due(data, (lang, self.common.canvas.width()), frame.recording)
        {
            let points = self.history.points();
            draw_gradient_chart(
                &self.common.canvas,
                points,
                layers,
                text(lang, "epoch-axis"),
                frame.scale,
            )?;
        }
        Ok(())
    }

    fn canvases(&self) -> Vec<&HtmlCanvasElement> {
        vec![&self.common.canvas]
    }

    fn waits_offscreen(&self) -> bool {
        true
    }

    fn recorded(&self) -> Option<&HtmlCanvasElement> {
        Some(&self.common.canvas)
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
) -> WebResult<()> {
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
    let y = (lo * 0.7, hi * 1.4);
    let chart = Chart::new(canvas, scale, (52.0, 34.0), (first, last), y, true)?;
    // Whole epochs only (see the loss chart); norms in powers of ten.
    let x_ticks = labelled(&linear_ticks(first, last, 5, true));
    let y_ticks: Vec<(f64, String)> = log_ticks(y.0, y.1, 5)
        .iter()
        .map(|t| (t.value, scientific(t.value, 0)))
        .collect();
    chart.axes(&x_ticks, &y_ticks, x_label, [225, 225, 225]);
    let exploding = f64::from(EXPLODING_NORM);
    if exploding < y.1 {
        chart.line(&[(first, exploding), (last, exploding)], SATURATED_COLOUR, [6.0, 4.0]);
    }
    // The bars above the chart, coloured alike, are its legend.
    let mut line = Vec::with_capacity(points.len());
    for l in 0..layers {
        line.clear();
        line.extend(points.iter().filter_map(|(epoch, norms)| {
            norms
                .get(l)
                .filter(|v| v.is_finite() && **v > 0.0)
                .map(|&v| (*epoch as f64, f64::from(v)))
        }));
        chart.line(&line, layer_colour(l, layers), [0.0; 2]);
    }
    Ok(())
}
