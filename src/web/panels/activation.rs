//! The activation panel (`#activation-panel`): f, f′ and where a layer's pre-activations
//! fall, with per-layer saturated and dead shares. The numbers come from `core::introspect`;
//! this file only shows them.

use web_sys::{Element, HtmlCanvasElement, HtmlSelectElement};

use super::{layer_name, section, Frame, LayerPanel, Panel};
use crate::core::activation::Activation;
use crate::core::choice::Choice;
use crate::core::introspect::{activation_curve, histogram, layer_stats, LayerStats};
use crate::core::network::Pass;
use crate::core::ticks::linear_ticks;
use crate::core::trainer::Trainer;
use crate::core::{Float, Lang};
use crate::web::chart::{labelled, Chart, LegendMark};
use crate::web::dom::{by_id, document, Readout, WebResult};

/// The z range the activation chart covers; values beyond it land in the end bins.
const Z_RANGE: Float = 6.0;
/// Histogram bins over the z range.
const BINS: usize = 48;
/// Colours of the curves: f dark, f′ blue, the histogram orange, saturated zones red.
const F_COLOUR: [u8; 3] = [30, 35, 42];
const DF_COLOUR: [u8; 3] = [0, 114, 178];
const HIST_COLOUR: [u8; 3] = [230, 159, 0];
pub(super) const SATURATED_COLOUR: [u8; 3] = [179, 38, 30];

fn percent(share: Float) -> String {
    format!("{:.0}%", f64::from(share) * 100.0)
}

/// The layer select in the panel's head.
const HEAD: &str = "<label class=\"field inline\"><span data-text=\"layer\"></span>\
    <select id=\"activation-layer\"></select></label>";

/// The chart, its hint and the saturation table.
const BODY: &str = "<canvas id=\"activation-chart\" data-text-label=\"activation-chart\"></canvas>\
    <p class=\"hint\" data-text=\"activation-hint\"></p>\
    <table class=\"saturation-table\"><thead><tr><th scope=\"col\" data-text=\"layer\"></th>\
    <th scope=\"col\" data-text=\"saturated\"></th><th scope=\"col\" data-text=\"dead\"></th>\
    </tr></thead><tbody id=\"saturation-rows\"></tbody></table>";

/// `#activation-panel`.
pub struct ActivationPanel {
    /// Computed per run version, built per (hidden layers, language); the chart's data is
    /// the run version, its looks (layer, activation, language, width).
    common: LayerPanel<u64, (usize, Activation, bool, Lang, u32)>,
    layer_select: HtmlSelectElement,
    rows: Element,
    /// The saturated and dead readouts of each hidden layer, as built.
    cells: Vec<(Readout, Readout)>,
    pass: Pass,
    stats: Vec<LayerStats>,
}

impl ActivationPanel {
    pub fn new() -> WebResult<ActivationPanel> {
        section("activation-panel", "activation-panel", "activation-panel", HEAD, BODY)?;
        Ok(ActivationPanel {
            common: LayerPanel::new(by_id("activation-chart")?),
            layer_select: by_id("activation-layer")?,
            rows: by_id("saturation-rows")?,
            cells: Vec::new(),
            pass: Pass::default(),
            stats: Vec::new(),
        })
    }

    /// The hidden layer whose pre-activations are shown (0-based, within the network).
    fn chosen_layer(&self, hidden: usize) -> usize {
        self.layer_select
            .value()
            .parse::<usize>()
            .unwrap_or(0)
            .min(hidden.saturating_sub(1))
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
        self.common.mark_built(hidden, lang);
        Ok(())
    }

    /// The curve of f over its input, and the histogram of that input over the training
    /// points: z, or u = γ·ẑ + β when the layer normalises (`normalised`).
    fn draw(&self, layer: usize, activation: Activation, normalised: bool, lang: Lang, scale: f64) -> WebResult<()> {
        let Some(stats) = self.stats.get(layer) else {
            return Ok(());
        };
        let counts = histogram(&stats.pre_activation, -Z_RANGE, Z_RANGE, BINS);
        let curve = activation_curve(activation, -Z_RANGE, Z_RANGE, 241);
        let x = if normalised { "u" } else { "z" };
        let labels = (
            format!("f({x}) = {}", activation.label(lang)),
            format!("f′({x})"),
            format!("{x} · {}", layer_name(lang, layer, false)),
        );
        draw_activation_chart(&self.common.canvas, &curve, &counts, activation, scale, &labels)
    }
}

impl Panel for ActivationPanel {
    fn invalidate(&mut self) {
        self.common.invalidate();
    }

    /// Refreshes the readouts when the run changed (off screen while playing, now and then)
    /// and, at most every `CHART_INTERVAL_MS` while training and only on screen, the chart;
    /// recomputes the statistics when either needs them.
    fn update(&mut self, trainer: &Trainer, frame: &Frame<'_>) -> WebResult<()> {
        let (lang, network) = (frame.lang, trainer.network());
        let (hidden, version) = (network.hidden_count(), trainer.version());
        let rebuilt = self.common.needs_build(hidden, lang);
        if rebuilt {
            self.build(hidden, lang)?;
        }
        let texts = self.common.texts_due(version, frame.playing) || rebuilt;
        let layer = self.chosen_layer(hidden);
        let chart = hidden > 0 && {
            let activation = network.layers[layer].activation;
            let normalised = network.layers[layer].norm.is_some();
            let looks = (layer, activation, normalised, lang, self.common.canvas.width());
            self.common.due(version, looks, false)
        };
        if (texts || chart) && self.common.stale(version) {
            let (inputs, _) = trainer.train_set();
            self.stats = layer_stats(network, inputs, &mut self.pass);
        }
        if texts {
            for ((saturated, dead), stats) in self.cells.iter_mut().zip(&self.stats) {
                let (s, d) = (stats.saturated_fraction, stats.dead_fraction);
                saturated.set(&percent(s), f64::from(s));
                dead.set(&percent(d), f64::from(d));
            }
        }
        if chart {
            let activation = network.layers[layer].activation;
            let normalised = network.layers[layer].norm.is_some();
            self.draw(layer, activation, normalised, lang, frame.scale)?;
        }
        Ok(())
    }

    fn canvases(&self) -> Vec<&HtmlCanvasElement> {
        vec![&self.common.canvas]
    }

    fn waits_offscreen(&self) -> bool {
        true
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
) -> WebResult<()> {
    let (lo, hi) = curve
        .iter()
        .flat_map(|&(_, a, d)| [a, d])
        .filter(|v| v.is_finite())
        .fold((0.0f32, 1.0f32), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let pad = 0.06 * (hi - lo);
    let (y0, y1) = (f64::from(lo - pad), f64::from(hi + pad));
    let z = f64::from(Z_RANGE);
    let chart = Chart::new(canvas, scale, (34.0, 26.0), (-z, z), (y0, y1), false)?;
    let (x_ticks, y_ticks) = (linear_ticks(-z, z, 7, false), linear_ticks(y0, y1, 5, false));
    chart.axes(&labelled(&x_ticks), &labelled(&y_ticks), "", [225, 225, 225]);
    // Saturated zones: runs of z where |f′| is below 10 % of its peak, one rectangle each
    // (adjacent translucent strips would show seams).
    let step = 2.0 * z / (curve.len().max(2) - 1) as f64;
    let mut zones: Vec<[f64; 4]> = Vec::new();
    for &(zv, _, _) in curve.iter().filter(|&&(zv, _, _)| activation.is_saturated(zv)) {
        let (from, to) = (f64::from(zv) - step / 2.0, f64::from(zv) + step / 2.0);
        match zones.last_mut() {
            Some(zone) if (zone[2] - from).abs() < step * 0.01 => zone[2] = to,
            _ => zones.push([from, y0, to, y1]),
        }
    }
    chart.rects(&zones, SATURATED_COLOUR, 0.09);
    // The histogram, its tallest bar at 85 % of the height.
    let tallest = f64::from(counts.iter().copied().max().unwrap_or(0).max(1));
    let width = 2.0 * z / counts.len().max(1) as f64;
    let bars: Vec<[f64; 4]> = counts
        .iter()
        .enumerate()
        .filter(|(_, &c)| c > 0)
        .map(|(i, &c)| {
            let x = -z + i as f64 * width;
            let top = y0 + (y1 - y0) * 0.85 * f64::from(c) / tallest;
            [x + width * 0.08, y0, x + width * 0.92, top]
        })
        .collect();
    chart.rects(&bars, HIST_COLOUR, 0.45);
    let f: Vec<(f64, f64)> = curve.iter().map(|p| (f64::from(p.0), f64::from(p.1))).collect();
    chart.line(&f, F_COLOUR, [0.0; 2]);
    let df: Vec<(f64, f64)> = curve.iter().map(|p| (f64::from(p.0), f64::from(p.2))).collect();
    chart.line(&df, DF_COLOUR, [0.0; 2]);
    chart.legend(
        &[
            (labels.2.as_str(), HIST_COLOUR, LegendMark::Box),
            (labels.0.as_str(), F_COLOUR, LegendMark::Line),
            (labels.1.as_str(), DF_COLOUR, LegendMark::Line),
        ],
        false,
    );
    Ok(())
}
