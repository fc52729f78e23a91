//! Drawing: colour scales, the heatmap (through one reused ImageData), data points and the
//! loss chart (plotters on a canvas). Everything here only reads what the engine computed.

use std::cell::RefCell;
use std::collections::HashMap;

use js_sys::Uint8ClampedArray;
use plotters::prelude::*;
use plotters_backend::{BackendColor, BackendCoord, DrawingErrorKind};
use plotters_canvas::CanvasBackend;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use super::dom::{context_2d, document, WebError, WebResult};
use crate::core::trainer::HistoryPoint;
use crate::core::{Float, Problem, Sample, PLANE};
use wasm_bindgen::JsCast;

/// Colour of class 0 / negative values: orange (Okabe–Ito), safe for red-green colour blindness.
pub const ORANGE: [u8; 3] = [230, 159, 0];
/// Colour of class 1 / positive values: blue (Okabe–Ito).
pub const BLUE: [u8; 3] = [0, 114, 178];
/// The neutral middle of the diverging scale.
pub const NEUTRAL: [u8; 3] = [246, 246, 246];
/// Class colours for multi-class problems: orange, blue, then the rest of Okabe–Ito.
pub const CLASS_COLOURS: [[u8; 3]; 8] = [
    ORANGE,
    BLUE,
    [0, 158, 115],
    [204, 121, 167],
    [86, 180, 233],
    [213, 94, 0],
    [240, 228, 66],
    [90, 90, 90],
];

fn mix(a: [u8; 3], b: [u8; 3], t: Float) -> [u8; 3] {
    let t = t.clamp(0.0, 1.0);
    [0, 1, 2].map(|i| (Float::from(a[i]) + (Float::from(b[i]) - Float::from(a[i])) * t).round() as u8)
}

/// A 256-step lookup table of the orange–neutral–blue scale over [−1, 1], so colouring a
/// heatmap costs one index per pixel.
pub struct DivergingScale {
    table: Vec<[u8; 3]>,
}

impl DivergingScale {
    /// `strength` 1 gives the full colours; less blends them toward the neutral middle
    /// (the background heatmap is paler than the points drawn on it).
    pub fn new(strength: Float) -> DivergingScale {
        let table = (0..256)
            .map(|i| {
                let v = i as Float / 255.0 * 2.0 - 1.0;
                let end = if v < 0.0 { ORANGE } else { BLUE };
                mix(NEUTRAL, end, v.abs() * strength)
            })
            .collect();
        DivergingScale { table }
    }

    /// The colour of `value` in [−1, 1] (clamped; NaN is neutral).
    pub fn colour(&self, value: Float) -> [u8; 3] {
        let v = if value.is_finite() { value.clamp(-1.0, 1.0) } else { 0.0 };
        self.table[((v + 1.0) * 127.5).round() as usize % 256]
    }
}

/// Colour of a multi-class prediction `class + confidence`: the class's colour, paler where
/// the network is less sure.
pub fn class_colour(value: Float, classes: usize, strength: Float, discrete: bool) -> [u8; 3] {
    if !value.is_finite() {
        return NEUTRAL;
    }
    let class = (value.floor().max(0.0) as usize).min(CLASS_COLOURS.len() - 1);
    let confidence = value - value.floor();
    let floor = 1.0 / classes.max(1) as Float;
    let t = if discrete {
        1.0
    } else {
        ((confidence - floor) / (1.0 - floor)).clamp(0.0, 1.0)
    };
    mix(NEUTRAL, CLASS_COLOURS[class], t * strength)
}

/// Colour of one data point's label.
pub fn label_colour(problem: Problem, label: Float, scale: &DivergingScale) -> [u8; 3] {
    match problem {
        Problem::Regression => scale.colour(label),
        _ => CLASS_COLOURS[(label.max(0.0) as usize).min(CLASS_COLOURS.len() - 1)],
    }
}

/// Converts between the plane and a canvas's pixels (backing-store pixels, so device pixel
/// ratio is accounted for by the caller's scaling of event coordinates).
#[derive(Clone, Copy, Debug)]
pub struct PlaneMapping {
    pub width: f64,
    pub height: f64,
}

impl PlaneMapping {
    pub fn to_canvas(self, x: Float, y: Float) -> (f64, f64) {
        let plane = f64::from(PLANE);
        (
            (f64::from(x) + plane) / (2.0 * plane) * self.width,
            (plane - f64::from(y)) / (2.0 * plane) * self.height,
        )
    }

    /// The inverse of [`PlaneMapping::to_canvas`].
    pub fn to_plane(self, px: f64, py: f64) -> (Float, Float) {
        let plane = f64::from(PLANE);
        (
            (px / self.width * 2.0 * plane - plane) as Float,
            (plane - py / self.height * 2.0 * plane) as Float,
        )
    }
}

/// A square heatmap painted into one reused pixel buffer and ImageData, then drawn scaled
/// onto any canvas.
pub struct Heatmap {
    offscreen: HtmlCanvasElement,
    context: CanvasRenderingContext2d,
    pixels: Vec<u8>,
    shared: Uint8ClampedArray,
    image: ImageData,
}

impl Heatmap {
    pub fn new(resolution: usize) -> WebResult<Heatmap> {
        let offscreen: HtmlCanvasElement = document()?
            .create_element("canvas")?
            .dyn_into()
            .map_err(|_| WebError("cannot create a canvas".into()))?;
        offscreen.set_width(resolution as u32);
        offscreen.set_height(resolution as u32);
        let context = context_2d(&offscreen)?;
        let shared = Uint8ClampedArray::new_with_length((resolution * resolution * 4) as u32);
        let image = ImageData::new_with_js_u8_clamped_array(&shared, resolution as u32)?;
        Ok(Heatmap {
            offscreen,
            context,
            pixels: vec![255; resolution * resolution * 4],
            shared,
            image,
        })
    }

    /// Colours every cell: `colour(i)` for cell i (row-major, top row first).
    pub fn paint(&mut self, mut colour: impl FnMut(usize) -> [u8; 3]) {
        for (i, px) in self.pixels.chunks_exact_mut(4).enumerate() {
            let [r, g, b] = colour(i);
            px[0] = r;
            px[1] = g;
            px[2] = b;
            px[3] = 255;
        }
        self.shared.copy_from(&self.pixels);
        let _ = self.context.put_image_data(&self.image, 0.0, 0.0);
    }

    /// Draws the heatmap scaled to (x, y, w, h) of `target`, smoothed.
    pub fn blit(&self, target: &CanvasRenderingContext2d, x: f64, y: f64, w: f64, h: f64) {
        target.set_image_smoothing_enabled(true);
        let _ = target.draw_image_with_html_canvas_element_and_dw_and_dh(&self.offscreen, x, y, w, h);
    }
}

/// The plotters canvas backend with text measured by the canvas itself. plotters' own
/// measure puts a styled span into the page and reads its size, which forces a layout of the
/// whole page for every label (most of a chart redraw's cost, and the only reason the CSP
/// would need inline styles); `measureText` on the 2D context needs no layout at all.
pub struct MeasuredCanvas {
    inner: CanvasBackend,
    context: CanvasRenderingContext2d,
}

thread_local! {
    /// Text widths already measured, by font and text, for every chart: a chart is redrawn
    /// (with a new backend) every frame and asks for the same axis labels again, and each
    /// measurement costs a font change plus a call into the browser.
    static WIDTHS: RefCell<HashMap<(String, String), u32>> = RefCell::new(HashMap::new());
}

impl MeasuredCanvas {
    pub fn new(canvas: &HtmlCanvasElement) -> Result<MeasuredCanvas, String> {
        let inner = CanvasBackend::with_canvas_object(canvas.clone()).ok_or("no canvas backend")?;
        let context = context_2d(canvas).map_err(|e| e.to_string())?;
        Ok(MeasuredCanvas { inner, context })
    }
}

/// A drawing error of [`MeasuredCanvas`] (plotters-canvas does not export its own type).
#[derive(Debug)]
pub struct ChartError(String);

impl std::fmt::Display for ChartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ChartError {}

type CanvasResult<T = ()> = Result<T, DrawingErrorKind<ChartError>>;

/// The inner backend's result with its error as a [`ChartError`].
fn cast<T, E: std::error::Error + Send + Sync>(result: Result<T, DrawingErrorKind<E>>) -> CanvasResult<T> {
    result.map_err(|e| match e {
        DrawingErrorKind::DrawingError(e) => DrawingErrorKind::DrawingError(ChartError(e.to_string())),
        DrawingErrorKind::FontError(e) => DrawingErrorKind::FontError(e),
    })
}

impl DrawingBackend for MeasuredCanvas {
    type ErrorType = ChartError;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }
    fn ensure_prepared(&mut self) -> CanvasResult {
        cast(self.inner.ensure_prepared())
    }
    fn present(&mut self) -> CanvasResult {
        cast(self.inner.present())
    }
    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> CanvasResult {
        cast(self.inner.draw_pixel(point, color))
    }
    fn draw_line<S: plotters_backend::BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> CanvasResult {
        cast(self.inner.draw_line(from, to, style))
    }
    fn draw_rect<S: plotters_backend::BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> CanvasResult {
        cast(self.inner.draw_rect(upper_left, bottom_right, style, fill))
    }
    fn draw_path<S: plotters_backend::BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> CanvasResult {
        cast(self.inner.draw_path(path, style))
    }
    fn draw_circle<S: plotters_backend::BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> CanvasResult {
        cast(self.inner.draw_circle(center, radius, style, fill))
    }
    fn fill_polygon<S: plotters_backend::BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> CanvasResult {
        cast(self.inner.fill_polygon(vert, style))
    }
    fn draw_text<S: plotters_backend::BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> CanvasResult {
        cast(self.inner.draw_text(text, style, pos))
    }
    fn estimate_text_size<S: plotters_backend::BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> CanvasResult<(u32, u32)> {
        // The same font string plotters-canvas draws with.
        let font = format!(
            "{} {}px {}",
            style.style().as_str(),
            style.size(),
            style.family().as_str()
        );
        let height = style.size().ceil() as u32;
        let key = (font, text.to_owned());
        if let Some(width) = WIDTHS.with(|w| w.borrow().get(&key).copied()) {
            return Ok((width, height));
        }
        self.context.set_font(&key.0);
        let width = self
            .context
            .measure_text(text)
            .map(|m| m.width())
            .unwrap_or(text.chars().count() as f64 * style.size() * 0.6)
            .ceil() as u32;
        WIDTHS.with(|w| {
            let mut widths = w.borrow_mut();
            // Bounded: labels change as the axes rescale.
            if widths.len() >= 128 {
                widths.clear();
            }
            widths.insert(key, width);
        });
        Ok((width, height))
    }
    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> CanvasResult {
        cast(self.inner.blit_bitmap(pos, size, src))
    }
}

/// Draws data points: training points filled with a white ring, test points (when shown)
/// with a dark ring, so the two splits stay distinguishable without colour. Each point is
/// filled and then ringed, so a point drawn later rings itself over the ones below it (one
/// path for all of a colour's points would ring every point over its neighbours' fills and
/// turn dense clusters white). The points go in order of colour, so the fill colour and
/// the ring's style are set once per colour, not per point (four browser calls per point
/// instead of seven and a colour string); `order` is the caller's reused buffer for that.
#[allow(clippy::too_many_arguments)]
pub fn draw_points(
    context: &CanvasRenderingContext2d,
    mapping: PlaneMapping,
    problem: Problem,
    samples: &[Sample],
    test: bool,
    radius: f64,
    scale: &DivergingScale,
    order: &mut Vec<([u8; 3], usize)>,
) {
    order.clear();
    order.extend(
        samples
            .iter()
            .enumerate()
            .map(|(i, sample)| (label_colour(problem, sample.label, scale), i)),
    );
    order.sort_unstable();
    context.set_line_width(radius * 0.35);
    context.set_stroke_style_str(if test { "#111" } else { "#fff" });
    for group in order.chunk_by(|a, b| a.0 == b.0) {
        let [r, g, b] = group[0].0;
        context.set_fill_style_str(&format!("rgb({r},{g},{b})"));
        for &(_, i) in group {
            let (px, py) = mapping.to_canvas(samples[i].x, samples[i].y);
            context.begin_path();
            let _ = context.arc(px, py, radius, 0.0, std::f64::consts::TAU);
            context.fill();
            context.stroke();
        }
    }
}

/// Draws the train and test loss over epochs; in compare mode also network B's curves
/// (`compare`), dashed in other colours, with the legend naming A and B. `scale` is the
/// device pixel ratio, so text and lines keep their size on high-density screens.
pub fn draw_loss_chart(
    canvas: &HtmlCanvasElement,
    history: &[HistoryPoint],
    compare: Option<&[HistoryPoint]>,
    log_scale: bool,
    scale: f64,
    labels: (&str, &str, &str, &str),
) -> Result<(), String> {
    let backend = MeasuredCanvas::new(canvas)?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let both = || history.iter().chain(compare.unwrap_or_default());
    let last_epoch = both().map(|p| p.epoch).max().unwrap_or(1).max(1) as f64;
    let finite = |v: Float| v.is_finite().then_some(f64::from(v));
    let val_of = |p: &HistoryPoint| p.val.unwrap_or(Float::NAN);
    let values = both()
        .flat_map(|p| [finite(p.train), finite(p.test), finite(val_of(p))])
        .flatten();
    let (min, max) = values.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let font = (12.0 * scale) as i32;
    let stroke = (2.0 * scale).round().max(1.0) as u32;
    let (x_label, train_label, test_label, val_label) = labels;
    let mut curves: Vec<Curve> = Vec::with_capacity(5);
    let name = |side: &str, label: &str| {
        if compare.is_some() {
            format!("{side}: {label}")
        } else {
            label.to_string()
        }
    };
    curves.push((history, |p| p.train, [40, 40, 40], false, name("A", train_label)));
    curves.push((history, |p| p.test, BLUE, false, name("A", test_label)));
    // The validation curve, when the run holds points out for validation (A's only: B
    // shares the data, and its test curve is the one to compare).
    if history.iter().any(|p| p.val.is_some()) {
        curves.push((
            history,
            |p| p.val.unwrap_or(Float::NAN),
            VAL,
            false,
            name("A", val_label),
        ));
    }
    if let Some(b) = compare {
        curves.push((b, |p| p.train, B_TRAIN, true, name("B", train_label)));
        curves.push((b, |p| p.test, B_TEST, true, name("B", test_label)));
    }
    let dash = (5.0 * scale) as i32;
    let mut builder = ChartBuilder::on(&root);
    builder
        .margin((8.0 * scale) as i32)
        .x_label_area_size((36.0 * scale) as i32)
        .y_label_area_size((44.0 * scale) as i32);
    let style = (FontFamily::SansSerif, font).into_font().color(&RGBColor(60, 60, 60));
    macro_rules! draw {
        ($chart:expr, $map:expr) => {{
            let mut chart = $chart;
            chart
                .configure_mesh()
                // Epochs are whole numbers: never more ticks than epochs (at epoch 1 a tick
                // at 0.5 would print as a second "0").
                .x_labels((last_epoch as usize + 1).min(5))
                .y_labels(4)
                .max_light_lines(1)
                .x_label_formatter(&|v| format!("{v:.0}"))
                .label_style(style.clone())
                .x_desc(x_label)
                .axis_desc_style(style.clone())
                .light_line_style(RGBColor(235, 235, 235))
                .bold_line_style(RGBColor(215, 215, 215))
                .draw()
                .map_err(|e| e.to_string())?;
            for (points, pick, [r, g, b], dashed, _) in &curves {
                let pick = *pick;
                let series = points
                    .iter()
                    .filter_map(move |p| finite(pick(p)).map(|v| (p.epoch as f64, $map(v))));
                let line = RGBColor(*r, *g, *b).stroke_width(stroke);
                if *dashed {
                    chart.draw_series(DashedLineSeries::new(series, dash, dash, line))
                } else {
                    chart.draw_series(LineSeries::new(series, line))
                }
                .map_err(|e| e.to_string())?;
            }
        }};
    }
    if log_scale {
        let lo = if min.is_finite() && min > 0.0 { min } else { 1e-4 };
        let hi = if max > lo { max } else { lo * 10.0 };
        let chart = builder
            .build_cartesian_2d(0.0..last_epoch, (lo * 0.8..hi * 1.25).log_scale())
            .map_err(|e| e.to_string())?;
        draw!(chart, |v: f64| v.max(lo * 0.8));
    } else {
        let hi = if max > 0.0 { max * 1.05 } else { 1.0 };
        let chart = builder
            .build_cartesian_2d(0.0..last_epoch, 0.0..hi)
            .map_err(|e| e.to_string())?;
        draw!(chart, |v: f64| v);
    }
    root.present().map_err(|e| e.to_string())?;
    let entries: Vec<(&str, [u8; 3], LegendMark)> = curves
        .iter()
        .map(|(_, _, colour, dashed, label)| {
            let mark = if *dashed { LegendMark::Dashed } else { LegendMark::Line };
            (label.as_str(), *colour, mark)
        })
        .collect();
    draw_legend(canvas, &entries, true, scale);
    Ok(())
}

/// One curve of the loss chart: its history, which loss it shows, colour, dashed, legend.
type Curve<'a> = (&'a [HistoryPoint], fn(&HistoryPoint) -> Float, [u8; 3], bool, String);

/// The validation curve: Okabe–Ito's reddish purple, apart from every other curve.
const VAL: [u8; 3] = [204, 121, 167];

/// Compare mode's network B in the loss chart: vermillion training and green test curves.
const B_TRAIN: [u8; 3] = [213, 94, 0];
const B_TEST: [u8; 3] = [0, 158, 115];

/// How a legend entry is marked.
#[derive(Clone, Copy, Debug)]
pub enum LegendMark {
    Line,
    /// A dashed line (compare mode's network B).
    Dashed,
    Box,
}

/// Draws a chart legend straight on the canvas (after plotters presented): a pale box in the
/// top-left or top-right corner with one row per entry. plotters' own legend measures its
/// text with a DOM span, forcing a page layout on every redraw; `measureText` does not.
pub fn draw_legend(canvas: &HtmlCanvasElement, entries: &[(&str, [u8; 3], LegendMark)], right: bool, scale: f64) {
    let Ok(c) = context_2d(canvas) else { return };
    let font = 12.0 * scale;
    c.set_font(&format!("{font}px sans-serif"));
    let text_width = entries
        .iter()
        .filter_map(|(label, _, _)| c.measure_text(label).ok().map(|m| m.width()))
        .fold(0.0, f64::max);
    let (pad, mark, row) = (6.0 * scale, 18.0 * scale, font * 1.45);
    let width = pad * 3.0 + mark + text_width;
    let height = pad * 2.0 + row * entries.len() as f64;
    let margin = 14.0 * scale;
    let x = if right {
        f64::from(canvas.width()) - width - margin
    } else {
        margin + 40.0 * scale
    };
    let y = margin;
    c.set_fill_style_str("rgba(255,255,255,0.85)");
    c.fill_rect(x, y, width, height);
    c.set_stroke_style_str("rgb(220,220,220)");
    c.set_line_width(scale.max(1.0));
    c.stroke_rect(x, y, width, height);
    c.set_text_baseline("middle");
    c.set_text_align("start");
    for (i, (label, [r, g, b], kind)) in entries.iter().enumerate() {
        let middle = y + pad + row * (i as f64 + 0.5);
        let colour = format!("rgb({r},{g},{b})");
        match kind {
            LegendMark::Box => {
                c.set_fill_style_str(&format!("rgba({r},{g},{b},0.45)"));
                c.fill_rect(x + pad, middle - 5.0 * scale, mark, 10.0 * scale);
            }
            LegendMark::Line | LegendMark::Dashed => {
                c.set_stroke_style_str(&colour);
                c.set_line_width((2.0 * scale).round().max(1.0));
                c.begin_path();
                if matches!(kind, LegendMark::Dashed) {
                    // Two dashes with a gap, as the curve is drawn.
                    c.move_to(x + pad, middle);
                    c.line_to(x + pad + mark * 0.4, middle);
                    c.move_to(x + pad + mark * 0.6, middle);
                } else {
                    c.move_to(x + pad, middle);
                }
                c.line_to(x + pad + mark, middle);
                c.stroke();
            }
        }
        c.set_fill_style_str("rgb(60,60,60)");
        let _ = c.fill_text(label, x + pad * 2.0 + mark, middle);
    }
}
