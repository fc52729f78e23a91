//! Drawing: colour scales, the heatmap (through one reused ImageData) and data points.
//! Everything here only reads what the engine computed. The charts are `chart.rs`.

use js_sys::Uint8ClampedArray;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use super::dom::{context_2d, document, WebError, WebResult};
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

/// A canvas outside the page, `width` × `height`, with its 2D context.
pub fn offscreen_canvas(width: u32, height: u32) -> WebResult<(HtmlCanvasElement, CanvasRenderingContext2d)> {
    let canvas: HtmlCanvasElement = document()?
        .create_element("canvas")?
        .dyn_into()
        .map_err(|_| WebError("cannot create a canvas".into()))?;
    canvas.set_width(width);
    canvas.set_height(height);
    let context = context_2d(&canvas)?;
    Ok((canvas, context))
}

impl Heatmap {
    pub fn new(resolution: usize) -> WebResult<Heatmap> {
        let (offscreen, context) = offscreen_canvas(resolution as u32, resolution as u32)?;
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
    pub fn paint(&mut self, colour: impl FnMut(usize) -> [u8; 3]) {
        self.fill(colour);
        self.upload();
    }

    /// Like [`Heatmap::paint`] for a target that keeps what it shows in `shown` (its last
    /// colours, empty for "nothing yet"): when the colours come out the same as `shown`,
    /// leaves the canvas alone and returns false, so the caller skips its blit. Late in
    /// training a thumbnail's colours often stay the same from one epoch to the next, and
    /// every canvas left alone is one the browser need not composite again.
    pub fn paint_if_changed(&mut self, shown: &mut Vec<u8>, colour: impl FnMut(usize) -> [u8; 3]) -> bool {
        self.fill(colour);
        if *shown == self.pixels {
            return false;
        }
        shown.clone_from(&self.pixels);
        self.upload();
        true
    }

    /// Whether `colour` gives other colours than `shown` (fills the pixels, draws nothing).
    pub fn differs(&mut self, shown: &[u8], colour: impl FnMut(usize) -> [u8; 3]) -> bool {
        self.fill(colour);
        shown != self.pixels.as_slice()
    }

    fn fill(&mut self, mut colour: impl FnMut(usize) -> [u8; 3]) {
        for (i, px) in self.pixels.chunks_exact_mut(4).enumerate() {
            let [r, g, b] = colour(i);
            px[0] = r;
            px[1] = g;
            px[2] = b;
            px[3] = 255;
        }
    }

    fn upload(&self) {
        self.shared.copy_from(&self.pixels);
        let _ = self.context.put_image_data(&self.image, 0.0, 0.0);
    }

    /// Draws the heatmap scaled to (x, y, w, h) of `target`, smoothed.
    pub fn blit(&self, target: &CanvasRenderingContext2d, x: f64, y: f64, w: f64, h: f64) {
        target.set_image_smoothing_enabled(true);
        let _ = target.draw_image_with_html_canvas_element_and_dw_and_dh(&self.offscreen, x, y, w, h);
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
