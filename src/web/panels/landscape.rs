//! The loss landscape (`#landscape`): the training loss over a plane of weight space through
//! the current weights, as a heatmap with contour lines, and the path of the weights on it
//! (in compare mode B's path too). The map, its contours and the projected paths come from
//! `core::landscape`; this file only asks for one at the right moments and draws it.
//!
//! A map costs about 1681 passes over the training split, so it is computed on demand
//! (`#landscape-refresh`, a new choice in `#landscape-directions`) and when training pauses
//! (the run changed since the last map and play is off), never on every frame.

use std::cell::Cell;
use std::rc::Rc;

use web_sys::{CanvasRenderingContext2d, Element, HtmlButtonElement, HtmlCanvasElement, HtmlSelectElement};

use super::{section, Frame, Panel};
use crate::core::landscape::{loss_map, Directions, Fallback, LossMap, GRID};
use crate::core::text::message;
use crate::core::trainer::Trainer;
use crate::core::{Float, Lang};
use crate::web::dom::{by_id, context_2d, format_number, listen, WebResult};
use crate::web::draw::{Heatmap, ORANGE};
use crate::web::text::text;

const HEAD: &str = "<label class=\"field inline\"><span data-text=\"landscape-directions\"></span>\
    <select id=\"landscape-directions\"><option value=\"path\" data-text=\"landscape-path\"></option>\
    <option value=\"random\" data-text=\"landscape-random\"></option></select></label>\
    <button type=\"button\" id=\"landscape-refresh\" data-text=\"landscape-refresh\"></button>";

const BODY: &str = "<canvas id=\"landscape-chart\" data-text-label=\"landscape-chart\"></canvas>\
    <p id=\"landscape-info\" class=\"landscape-info\" aria-live=\"polite\"></p>\
    <p class=\"hint\" data-text=\"landscape-hint\"></p>";

/// While paused, a changing run (a slider dragged) is mapped at most this often.
const PAUSED_INTERVAL_MS: f64 = 250.0;

/// What a map was computed from: the runs' versions and the directions.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Source {
    version: u64,
    compare: Option<u64>,
    directions: Directions,
}

/// `#landscape`.
pub struct LandscapePanel {
    canvas: HtmlCanvasElement,
    context: CanvasRenderingContext2d,
    select: HtmlSelectElement,
    info: Element,
    heatmap: Heatmap,
    /// Set by the refresh button, taken by the next update.
    asked: Rc<Cell<bool>>,
    map: Option<LossMap>,
    /// The loss at the path's start and at the start's point on the plane.
    start: Option<(Float, Float)>,
    source: Option<Source>,
    computed_ms: f64,
    /// (canvas width, height, language) the drawing is for.
    drawn: Option<(u32, u32, Lang)>,
}

impl LandscapePanel {
    pub fn new() -> WebResult<LandscapePanel> {
        section("landscape", "landscape-panel", "landscape", HEAD, BODY)?;
        let canvas: HtmlCanvasElement = by_id("landscape-chart")?;
        let context = context_2d(&canvas)?;
        let asked = Rc::new(Cell::new(false));
        let button: HtmlButtonElement = by_id("landscape-refresh")?;
        let flag = asked.clone();
        listen(&button, "click", move |_: web_sys::Event| flag.set(true));
        Ok(LandscapePanel {
            canvas,
            context,
            select: by_id("landscape-directions")?,
            info: by_id("landscape-info")?,
            heatmap: Heatmap::new(GRID)?,
            asked,
            map: None,
            start: None,
            source: None,
            computed_ms: f64::NEG_INFINITY,
            drawn: None,
        })
    }

    fn compute(&mut self, trainer: &Trainer, compare: Option<&Trainer>, source: Source) {
        let map = loss_map(trainer, source.directions, GRID, compare);
        // The loss the run started with (when the history still begins where the path
        // does) and the loss at the start's point on the plane.
        let first = trainer.trajectory().epochs().first().copied();
        let started = trainer.history().points().first().filter(|p| Some(p.epoch) == first);
        self.start = match (started, map.path.first()) {
            (Some(p), Some(&(a, b))) => Some((p.train, map.plane.loss_at(trainer, f64::from(a), f64::from(b)))),
            _ => None,
        };
        // What the map shows, for tests and scripts: the epoch it maps, its directions, the
        // centre's loss, the points of each path and a fallback, if any.
        let fallback = match map.plane.fallback {
            Some(Fallback::NoSpread) => "one-point",
            Some(Fallback::Straight) => "straight",
            None => "none",
        };
        for (name, value) in [
            ("data-epoch", trainer.epoch().to_string()),
            ("data-directions", source.directions.name().to_string()),
            ("data-centre", map.centre_value().to_string()),
            ("data-path", map.path.len().to_string()),
            ("data-other", map.other.as_ref().map_or(0, Vec::len).to_string()),
            ("data-fallback", fallback.to_string()),
        ] {
            let _ = self.canvas.set_attribute(name, &value);
        }
        self.map = Some(map);
        self.source = Some(source);
        self.computed_ms = js_sys::Date::now();
        self.drawn = None;
    }

    /// The line under the map: the plane's share of the path's spread or why the
    /// directions fell back, the start's loss and its shadow's, and whether B is drawn.
    fn describe(&self, lang: Lang, compare: bool) -> String {
        let Some(map) = &self.map else {
            return text(lang, "landscape-waiting").to_string();
        };
        let mut parts = Vec::new();
        match (map.plane.fallback, map.plane.explained) {
            (Some(Fallback::NoSpread), _) => parts.push(text(lang, "landscape-one-point").to_string()),
            (Some(Fallback::Straight), _) => parts.push(text(lang, "landscape-straight").to_string()),
            (None, Some(share)) => parts.push(message(
                lang,
                "landscape-explained",
                &[("share", &format!("{:.1}%", share * 100.0))],
            )),
            (None, None) => {}
        }
        if let Some((started, on_plane)) = self.start.filter(|_| map.path.len() > 1) {
            parts.push(message(
                lang,
                "landscape-start",
                &[
                    ("loss", &format_number(f64::from(started))),
                    ("plane", &format_number(f64::from(on_plane))),
                ],
            ));
        }
        if compare && map.other.is_none() {
            parts.push(text(lang, "landscape-other-missing").to_string());
        }
        parts.join(" ")
    }

    fn draw(&mut self, scale: f64) {
        let (w, h) = (f64::from(self.canvas.width()), f64::from(self.canvas.height()));
        let Some(map) = &self.map else {
            self.context.clear_rect(0.0, 0.0, w, h);
            return;
        };
        let (w, h) = (f64::from(self.canvas.width()), f64::from(self.canvas.height()));
        let ctx = &self.context;
        ctx.clear_rect(0.0, 0.0, w, h);
        let n = map.size;
        // The grid points span the canvas; each pixel of the heatmap is centred on one.
        let (cell_w, cell_h) = (w / (n - 1) as f64, h / (n - 1) as f64);
        let (lo, hi) = map.range;
        let (llo, lhi) = (log(lo), log(hi));
        let span = if lhi > llo { lhi - llo } else { 1.0 };
        self.heatmap.paint(|k| {
            let (i, row) = (k % n, k / n);
            let value = map.value(i, n - 1 - row);
            if value.is_finite() {
                sequential((log(value) - llo) / span)
            } else {
                [255, 255, 255]
            }
        });
        self.heatmap
            .blit(ctx, -cell_w / 2.0, -cell_h / 2.0, w + cell_w, h + cell_h);
        let (a0, a1) = (f64::from(map.alpha[0]), f64::from(map.alpha[n - 1]));
        let (b0, b1) = (f64::from(map.beta[0]), f64::from(map.beta[n - 1]));
        let to_canvas = |(a, b): (Float, Float)| {
            (
                (f64::from(a) - a0) / (a1 - a0) * w,
                h - (f64::from(b) - b0) / (b1 - b0) * h,
            )
        };
        // Contours: thin light lines.
        ctx.set_stroke_style_str("rgba(255, 255, 255, 0.55)");
        ctx.set_line_width(scale);
        ctx.begin_path();
        for contour in &map.contours {
            for [p, q] in &contour.segments {
                let (p, q) = (to_canvas(*p), to_canvas(*q));
                ctx.move_to(p.0, p.1);
                ctx.line_to(q.0, q.1);
            }
        }
        ctx.stroke();
        let polyline = |points: &[(Float, Float)]| {
            ctx.begin_path();
            for (k, &p) in points.iter().enumerate() {
                let (x, y) = to_canvas(p);
                if k == 0 {
                    ctx.move_to(x, y);
                } else {
                    ctx.line_to(x, y);
                }
            }
            ctx.stroke();
        };
        // B's path, dashed orange, under A's.
        if let Some(other) = &map.other {
            ctx.set_stroke_style_str(&rgb(ORANGE));
            ctx.set_line_width(2.0 * scale);
            let dash = js_sys::Array::of2(&(6.0 * scale).into(), &(4.0 * scale).into());
            let _ = ctx.set_line_dash(&dash);
            polyline(other);
            let _ = ctx.set_line_dash(&js_sys::Array::new());
            marker(ctx, to_canvas(other[0]), scale, false, &rgb(ORANGE));
            if let Some(&last) = other.last() {
                marker(ctx, to_canvas(last), scale, true, &rgb(ORANGE));
            }
        }
        // A's path: white over a dark edge, a ring at its start and a dot at the centre.
        ctx.set_stroke_style_str("rgba(20, 20, 30, 0.8)");
        ctx.set_line_width(4.0 * scale);
        polyline(&map.path);
        ctx.set_stroke_style_str("#fff");
        ctx.set_line_width(2.0 * scale);
        polyline(&map.path);
        if let Some(&start) = map.path.first() {
            marker(ctx, to_canvas(start), scale, false, "#fff");
        }
        marker(ctx, to_canvas((0.0, 0.0)), scale, true, "#fff");
        // The axes' names in the corners.
        ctx.set_fill_style_str("rgba(255, 255, 255, 0.9)");
        ctx.set_font(&format!("{}px sans-serif", (11.0 * scale).round()));
        let _ = ctx.fill_text("d₁ →", w - 34.0 * scale, h - 6.0 * scale);
        let _ = ctx.fill_text("↑ d₂", 6.0 * scale, 14.0 * scale);
    }
}

/// ln of a loss, with a floor so that 0 has a colour.
fn log(value: Float) -> f64 {
    f64::from(crate::core::math::ln(value.max(1e-12)))
}

fn rgb([r, g, b]: [u8; 3]) -> String {
    format!("rgb({r},{g},{b})")
}

/// A ring (`filled` false) or a dot with a dark edge at `(x, y)`.
fn marker(ctx: &CanvasRenderingContext2d, (x, y): (f64, f64), scale: f64, filled: bool, colour: &str) {
    ctx.begin_path();
    let _ = ctx.arc(x, y, 5.0 * scale, 0.0, std::f64::consts::TAU);
    ctx.set_line_width(if filled { 1.5 * scale } else { 2.5 * scale });
    if filled {
        ctx.set_fill_style_str(colour);
        ctx.fill();
        ctx.set_stroke_style_str("rgba(20, 20, 30, 0.9)");
    } else {
        ctx.set_stroke_style_str(colour);
    }
    ctx.stroke();
}

/// A sequential scale from dark blue-violet (low loss) through teal and green to yellow
/// (high), after viridis: readable in grey and for red-green colour blindness.
fn sequential(t: f64) -> [u8; 3] {
    const STOPS: [[f64; 3]; 5] = [
        [68.0, 1.0, 84.0],
        [59.0, 82.0, 139.0],
        [33.0, 145.0, 140.0],
        [94.0, 201.0, 98.0],
        [253.0, 231.0, 37.0],
    ];
    let t = t.clamp(0.0, 1.0) * (STOPS.len() - 1) as f64;
    let k = (t.floor() as usize).min(STOPS.len() - 2);
    let f = t - k as f64;
    [0, 1, 2].map(|c| (STOPS[k][c] + (STOPS[k + 1][c] - STOPS[k][c]) * f).round() as u8)
}

impl Panel for LandscapePanel {
    fn invalidate(&mut self) {
        self.drawn = None;
    }

    fn restart(&mut self) {
        self.map = None;
        self.source = None;
        self.drawn = None;
    }

    fn update(&mut self, trainer: &Trainer, frame: &Frame<'_>) -> WebResult<()> {
        let directions = Directions::parse(&self.select.value()).unwrap_or_default();
        let source = Source {
            version: trainer.version(),
            compare: frame.compare.map(Trainer::version),
            directions,
        };
        let asked = self.asked.replace(false);
        let chosen = self.source.is_some_and(|s| s.directions != directions);
        // Out of view (below the fold as the page opens) no map is made: one costs some 1700
        // passes over the training split, which would delay the first boundary.
        let onscreen = !super::offscreen(&self.canvas);
        let paused_and_moved = onscreen
            && !frame.playing
            && self.source != Some(source)
            && js_sys::Date::now() - self.computed_ms >= PAUSED_INTERVAL_MS;
        if asked || chosen || paused_and_moved || (onscreen && self.map.is_none() && !frame.playing) {
            self.compute(trainer, frame.compare, source);
        }
        let looks = (self.canvas.width(), self.canvas.height(), frame.lang);
        if self.drawn != Some(looks) {
            self.draw(frame.scale);
            self.info
                .set_text_content(Some(&self.describe(frame.lang, frame.compare.is_some())));
            self.drawn = Some(looks);
        }
        Ok(())
    }

    fn canvases(&self) -> Vec<&HtmlCanvasElement> {
        vec![&self.canvas]
    }

    fn waits_offscreen(&self) -> bool {
        true
    }
}
