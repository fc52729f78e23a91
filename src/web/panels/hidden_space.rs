//! The hidden space (`#hidden-space`): the training points at their activations in a hidden
//! layer, with the input plane's grid lines carried through the same layers, and in the last
//! hidden layer of a two-class run the output's decision line with its two sides tinted.
//! `#hidden-space-layer` picks the layer, `#hidden-space-x` and `#hidden-space-y` two of its
//! neurons or its principal components. The numbers are the core's (`core::hidden_space`);
//! this file keeps the selects and draws.

use web_sys::{CanvasRenderingContext2d, Element, HtmlCanvasElement, HtmlSelectElement};

use super::{layer_name, section, Frame, Panel};
use crate::core::hidden_space::{hidden_view, Axis, HiddenView, Line};
use crate::core::text::message;
use crate::core::trainer::Trainer;
use crate::core::{Float, Lang, Problem};
use crate::web::controls::option;
use crate::web::dom::{by_id, context_2d, format_number, WebResult};
use crate::web::draw::{label_colour, DivergingScale, CLASS_COLOURS};
use crate::web::text::text;

const BODY: &str = "<div class=\"hidden-space-controls\">\
    <label class=\"field inline\"><span data-text=\"hidden-space-layer\"></span><select id=\"hidden-space-layer\"></select></label>\
    <label class=\"field inline\"><span data-text=\"hidden-space-x\"></span><select id=\"hidden-space-x\"></select></label>\
    <label class=\"field inline\"><span data-text=\"hidden-space-y\"></span><select id=\"hidden-space-y\"></select></label></div>\
    <canvas id=\"hidden-space-canvas\" class=\"hidden-space-canvas\" role=\"img\" data-text-label=\"hidden-space-canvas\"></canvas>\
    <p id=\"hidden-space-note\" class=\"hint\"></p>\
    <p class=\"hint\" data-text=\"hidden-space-hint\"></p>";

/// While training, the view is recomputed and redrawn at most this often (ms).
const REDRAW_MS: f64 = 150.0;

/// The view's choice and looks: layer, axes, canvas width, language.
type Looks = (usize, Axis, Axis, u32, Lang);

/// `#hidden-space`.
pub struct HiddenSpace {
    canvas: HtmlCanvasElement,
    layer: HtmlSelectElement,
    x: HtmlSelectElement,
    y: HtmlSelectElement,
    note: Element,
    /// The hidden widths and language the layer select was built for.
    layers_for: Option<(Vec<usize>, Lang)>,
    /// The layer, its width and the language the axis selects were built for.
    axes_for: Option<(usize, usize, Lang)>,
    /// The run version and looks drawn last, and when.
    drawn: Option<(u64, Looks)>,
    drawn_at: f64,
    scale: DivergingScale,
}

impl HiddenSpace {
    pub fn new() -> WebResult<HiddenSpace> {
        section("hidden-space", "hidden-space-panel", "hidden-space", "", BODY)?;
        Ok(HiddenSpace {
            canvas: by_id("hidden-space-canvas")?,
            layer: by_id("hidden-space-layer")?,
            x: by_id("hidden-space-x")?,
            y: by_id("hidden-space-y")?,
            note: by_id("hidden-space-note")?,
            layers_for: None,
            axes_for: None,
            drawn: None,
            drawn_at: f64::NEG_INFINITY,
            scale: DivergingScale::new(1.0),
        })
    }

    /// One option per hidden layer; keeps the chosen layer while it exists.
    fn build_layers(&mut self, widths: &[usize], lang: Lang) -> WebResult<()> {
        let kept = self.layer.value();
        self.layer.set_inner_html("");
        for l in 0..widths.len() {
            let choice = option(&l.to_string(), &layer_name(lang, l, false))?;
            self.layer.append_child(&choice)?;
        }
        if kept.parse::<usize>().is_ok_and(|l| l < widths.len()) {
            self.layer.set_value(&kept);
        }
        self.layer.set_disabled(widths.is_empty());
        self.layers_for = Some((widths.to_vec(), lang));
        Ok(())
    }

    /// The axis options of a layer of `neurons` neurons: its principal components (two or
    /// more neurons), then each neuron. A new layer starts at [`Axis::defaults`].
    fn build_axes(&mut self, layer: usize, neurons: usize, lang: Lang) -> WebResult<()> {
        let same_layer = self.axes_for.is_some_and(|(l, n, _)| l == layer && n == neurons);
        let kept = (self.x.value(), self.y.value());
        let (x, y) = Axis::defaults(neurons);
        for (select, default) in [(&self.x, x), (&self.y, y)] {
            select.set_inner_html("");
            let components = if neurons >= 2 { 0..2 } else { 0..0 };
            for c in components {
                let label = message(lang, "hidden-space-pc", &[("n", &(c + 1))]);
                let choice = option(&Axis::Component(c).value(), &label)?;
                select.append_child(&choice)?;
            }
            for j in 0..neurons {
                let label = message(lang, "hidden-space-neuron", &[("n", &(j + 1))]);
                let choice = option(&Axis::Neuron(j).value(), &label)?;
                select.append_child(&choice)?;
            }
            select.set_value(&default.value());
        }
        if same_layer {
            self.x.set_value(&kept.0);
            self.y.set_value(&kept.1);
        }
        self.axes_for = Some((layer, neurons, lang));
        Ok(())
    }

    /// Draws `view` filling the canvas: the tinted sides of the decision line, the carried
    /// grid, the line, the points, and the axes' names with their ranges.
    fn draw(&self, view: &HiddenView, problem: Problem, names: (&str, &str), scale: f64) -> WebResult<()> {
        let context = context_2d(&self.canvas)?;
        let (w, h) = (f64::from(self.canvas.width()), f64::from(self.canvas.height()));
        context.set_fill_style_str("#fff");
        context.fill_rect(0.0, 0.0, w, h);
        let font = 11.0 * scale;
        let (left, bottom, gap) = (font * 1.8, font * 1.9, 4.0 * scale);
        let (plot_w, plot_h) = (w - left - gap, h - bottom - gap);
        if plot_w <= 0.0 || plot_h <= 0.0 {
            return Ok(());
        }
        // 4 % of room around what is shown.
        let ((x0, x1), (y0, y1)) = view.bounds;
        let (mx, my) = (0.04 * (x1 - x0), 0.04 * (y1 - y0));
        let ((x0, x1), (y0, y1)) = ((x0 - mx, x1 + mx), (y0 - my, y1 + my));
        let to_px = |(x, y): (Float, Float)| {
            (
                left + f64::from((x - x0) / (x1 - x0)) * plot_w,
                gap + f64::from((y1 - y) / (y1 - y0)) * plot_h,
            )
        };
        context.save();
        context.begin_path();
        context.rect(left, gap, plot_w, plot_h);
        context.clip();
        if let Some(line) = view.decision_line {
            // Each side in the colour of the class the output gives it.
            let negative = Line {
                a: -line.a,
                b: -line.b,
                c: -line.c,
            };
            for (side, class) in [(negative, 0), (line, 1)] {
                let polygon = side.positive_side(((x0, x1), (y0, y1)));
                if !polygon.is_empty() {
                    let [r, g, b] = CLASS_COLOURS[class];
                    context.set_fill_style_str(&format!("rgba({r},{g},{b},0.14)"));
                    polyline(&context, polygon.iter().map(|&p| to_px(p)));
                    context.close_path();
                    context.fill();
                }
            }
        }
        context.set_line_width(scale);
        context.set_stroke_style_str("rgba(70,80,90,0.3)");
        for line in &view.grid_lines {
            polyline(&context, line.iter().map(|&p| to_px(p)));
            context.stroke();
        }
        if let Some([a, b]) = view.decision_line.and_then(|l| l.segment(((x0, x1), (y0, y1)))) {
            context.set_line_width(2.0 * scale);
            context.set_stroke_style_str("#222");
            let _ = context.set_line_dash(&dash(scale));
            polyline(&context, [to_px(a), to_px(b)].into_iter());
            context.stroke();
            let _ = context.set_line_dash(&js_sys::Array::new());
        }
        let radius = 3.0 * scale;
        context.set_line_width(radius * 0.35);
        context.set_stroke_style_str("#fff");
        for &(x, y, label) in &view.points {
            if !(x.is_finite() && y.is_finite()) {
                continue;
            }
            let [r, g, b] = label_colour(problem, label, &self.scale);
            context.set_fill_style_str(&format!("rgb({r},{g},{b})"));
            let (px, py) = to_px((x, y));
            context.begin_path();
            let _ = context.arc(px, py, radius, 0.0, std::f64::consts::TAU);
            context.fill();
            context.stroke();
        }
        context.restore();
        context.set_stroke_style_str("#889");
        context.set_line_width(scale);
        context.stroke_rect(left, gap, plot_w, plot_h);
        // The axes: each name centred, its range at the ends.
        context.set_fill_style_str("#333");
        context.set_font(&format!("{font}px system-ui, sans-serif"));
        let number = |v: Float| format_number(f64::from(v));
        let baseline = h - font * 0.5;
        context.set_text_align("left");
        let _ = context.fill_text(&number(x0), left, baseline);
        context.set_text_align("right");
        let _ = context.fill_text(&number(x1), w - gap, baseline);
        context.set_text_align("center");
        let _ = context.fill_text(names.0, left + plot_w / 2.0, baseline);
        context.save();
        let _ = context.translate(font * 1.1, gap + plot_h);
        let _ = context.rotate(-std::f64::consts::FRAC_PI_2);
        context.set_text_align("left");
        let _ = context.fill_text(&number(y0), 0.0, 0.0);
        context.set_text_align("right");
        let _ = context.fill_text(&number(y1), plot_h, 0.0);
        context.set_text_align("center");
        let _ = context.fill_text(names.1, plot_h / 2.0, 0.0);
        context.restore();
        Ok(())
    }
}

/// Starts a path through `points`.
fn polyline(context: &CanvasRenderingContext2d, points: impl Iterator<Item = (f64, f64)>) {
    context.begin_path();
    for (i, (x, y)) in points.enumerate() {
        if i == 0 {
            context.move_to(x, y);
        } else {
            context.line_to(x, y);
        }
    }
}

fn dash(scale: f64) -> js_sys::Array {
    let array = js_sys::Array::new();
    array.push(&(6.0 * scale).into());
    array.push(&(4.0 * scale).into());
    array
}

/// An axis's name: "Neuron 2", "Principal component 1".
fn axis_name(axis: Axis, lang: Lang) -> String {
    match axis {
        Axis::Neuron(j) => message(lang, "hidden-space-neuron", &[("n", &(j + 1))]),
        Axis::Component(c) => message(lang, "hidden-space-pc", &[("n", &(c + 1))]),
    }
}

impl Panel for HiddenSpace {
    fn invalidate(&mut self) {
        self.drawn = None;
        self.layers_for = None;
    }

    fn restart(&mut self) {
        self.drawn = None;
    }

    fn update(&mut self, trainer: &Trainer, frame: &Frame<'_>) -> WebResult<()> {
        let lang = frame.lang;
        let widths = trainer.network().hidden_widths();
        let rebuilt = self.layers_for.as_ref().is_none_or(|(w, l)| *w != widths || *l != lang);
        if rebuilt {
            self.build_layers(&widths, lang)?;
            self.axes_for = None;
            self.drawn = None;
        }
        if widths.is_empty() {
            if rebuilt {
                let context = context_2d(&self.canvas)?;
                context.clear_rect(
                    0.0,
                    0.0,
                    f64::from(self.canvas.width()),
                    f64::from(self.canvas.height()),
                );
                self.x.set_inner_html("");
                self.y.set_inner_html("");
                self.note.set_text_content(Some(text(lang, "hidden-space-none")));
            }
            return Ok(());
        }
        let layer = self.layer.value().parse::<usize>().unwrap_or(0).min(widths.len() - 1);
        let neurons = widths[layer];
        if self.axes_for != Some((layer, neurons, lang)) {
            self.build_axes(layer, neurons, lang)?;
        }
        // Off screen the view waits (its selects above are kept current): computing and
        // drawing it every 150 ms cost frames while playing.
        if super::offscreen(&self.canvas) {
            return Ok(());
        }
        let (dx, dy) = Axis::defaults(neurons);
        let x = Axis::parse(&self.x.value(), neurons).unwrap_or(dx);
        let y = Axis::parse(&self.y.value(), neurons).unwrap_or(dy);
        let looks = (layer, x, y, self.canvas.width(), lang);
        let version = trainer.version();
        let now = js_sys::Date::now();
        let due = match self.drawn {
            None => true,
            Some((_, shown)) if shown != looks => true,
            Some((drawn, _)) => drawn != version && now - self.drawn_at >= REDRAW_MS,
        };
        if !due {
            return Ok(());
        }
        self.drawn = Some((version, looks));
        self.drawn_at = now;
        let view = hidden_view(trainer, layer, x, y);
        let names = (axis_name(x, lang), axis_name(y, lang));
        self.draw(&view, trainer.network().problem, (&names.0, &names.1), frame.scale)?;
        let note = match view.explained {
            Some(share) if matches!(x, Axis::Component(_)) && matches!(y, Axis::Component(_)) => {
                let percent = format!("{:.0}", 100.0 * f64::from(share));
                message(lang, "hidden-space-explained", &[("share", &percent)])
            }
            _ => String::new(),
        };
        self.note.set_text_content(Some(&note));
        Ok(())
    }

    fn canvases(&self) -> Vec<&HtmlCanvasElement> {
        vec![&self.canvas]
    }

    fn waits_offscreen(&self) -> bool {
        true
    }
}
