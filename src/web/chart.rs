//! The page's charts (loss, activation, gradient flow), drawn straight on a canvas's 2D
//! context: a plot area inside margins, light grid lines at the ticks, the left and bottom
//! axes with tick marks and labels, line series, shaded rectangles and a legend. Where the
//! ticks go is `core::ticks`; this file only maps and draws. One non-generic type, so the
//! drawing code exists once in the .wasm whatever a chart plots.

use js_sys::Array;
use wasm_bindgen::JsValue;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::dom::{context_2d, scientific, WebResult};
use crate::core::ticks::Tick;

/// The colour of labels and axes.
const INK: &str = "rgb(60,60,60)";

/// `rgb(r,g,b)`, the canvas's colour string.
pub fn rgb([r, g, b]: [u8; 3]) -> String {
    format!("rgb({r},{g},{b})")
}

/// A tick's label: fixed-point with its decimals; past three decimals in scientific form
/// with the digits that still tell the ticks apart (0.00032 with five decimals: 3.2e-4).
pub fn tick_label(tick: &Tick) -> String {
    let Tick { value, decimals } = *tick;
    if decimals > 3 && value != 0.0 {
        let exponent = value.abs().log10().floor() as i64;
        scientific(value, (decimals as i64 + exponent).max(0) as usize)
    } else {
        format!("{value:.decimals$}")
    }
}

/// Ticks with their labels from [`tick_label`].
pub fn labelled(ticks: &[Tick]) -> Vec<(f64, String)> {
    ticks.iter().map(|t| (t.value, tick_label(t))).collect()
}

/// A legend row: its label and its marks, one per column (see [`Chart::legend_table`]).
pub type LegendRow<'a> = (&'a str, Vec<Option<([u8; 3], LegendMark)>>);

/// How a legend entry is marked.
#[derive(Clone, Copy, Debug)]
pub enum LegendMark {
    Line,
    /// A dashed line (compare mode's network B).
    Dashed,
    Box,
}

/// One chart being drawn: the context, the scale (device pixel ratio, larger in projector
/// mode) and the plot area, in backing-store pixels, that the data ranges map onto.
pub struct Chart {
    c: CanvasRenderingContext2d,
    scale: f64,
    width: f64,
    /// The plot area: left, top, right, bottom.
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
    /// The x range, and the y range (its log10 when `log_y`).
    x: (f64, f64),
    y: (f64, f64),
    log_y: bool,
}

impl Chart {
    /// Clears `canvas` to white and lays out the plot area: an 8 px margin all round, plus
    /// `left` px for the y labels and `bottom` px for the x labels (CSS pixels, times
    /// `scale`). `x` and `y` are the data ranges; on a log y axis `y` must be positive.
    pub fn new(
        canvas: &HtmlCanvasElement,
        scale: f64,
        (left, bottom): (f64, f64),
        x: (f64, f64),
        y: (f64, f64),
        log_y: bool,
    ) -> WebResult<Chart> {
        let c = context_2d(canvas)?;
        let (width, height) = (f64::from(canvas.width()), f64::from(canvas.height()));
        c.set_global_alpha(1.0);
        c.set_fill_style_str("#fff");
        c.fill_rect(0.0, 0.0, width, height);
        // Setting a canvas's font makes Chromium bring the page's style up to date first
        // (a forced style recalc after the frame's DOM writes); the font rarely changes.
        let font = format!("{}px sans-serif", (12.0 * scale).round());
        if c.font() != font {
            c.set_font(&font);
        }
        c.set_line_join("round");
        let margin = 8.0 * scale;
        let y = if log_y { (y.0.log10(), y.1.log10()) } else { y };
        Ok(Chart {
            c,
            scale,
            width,
            left: (margin + left * scale).round(),
            top: margin.round(),
            right: (width - margin).round(),
            bottom: (height - margin - bottom * scale).round(),
            x,
            y,
            log_y,
        })
    }

    /// The canvas pixel of the data point (x, y); a log axis maps y ≤ 0 below the area.
    fn to_px(&self, x: f64, y: f64) -> (f64, f64) {
        let y = if self.log_y { y.max(1e-300).log10() } else { y };
        let fx = (x - self.x.0) / (self.x.1 - self.x.0);
        let fy = (y - self.y.0) / (self.y.1 - self.y.0);
        (
            self.left + fx * (self.right - self.left),
            self.bottom - fy * (self.bottom - self.top),
        )
    }

    /// `width` (CSS px, times the scale, at least one pixel, whole) and the offset that puts
    /// a line of that width on whole pixels.
    fn pen(&self, width: f64) -> (f64, f64) {
        let w = (width * self.scale).round().max(1.0);
        (w, if w % 2.0 == 1.0 { 0.5 } else { 0.0 })
    }

    /// Grid lines in `grid` at every tick, the left and bottom axes with tick marks and
    /// labels, and `x_name` centred under the x labels (none when empty).
    pub fn axes(&self, x_ticks: &[(f64, String)], y_ticks: &[(f64, String)], x_name: &str, grid: [u8; 3]) {
        let c = &self.c;
        let (thin, half) = self.pen(0.0);
        let (axis, axis_half) = self.pen(1.0);
        let tick = 5.0 * self.scale;
        c.set_line_width(thin);
        c.set_stroke_style_str(&rgb(grid));
        c.begin_path();
        for (x, _) in x_ticks {
            let px = self.to_px(*x, self.y.0).0.round() + half;
            c.move_to(px, self.top);
            c.line_to(px, self.bottom);
        }
        for (y, _) in y_ticks {
            let py = self.to_px(self.x.0, *y).1.round() + half;
            c.move_to(self.left, py);
            c.line_to(self.right, py);
        }
        c.stroke();
        // The axes, and the tick marks outside them.
        c.set_line_width(axis);
        c.set_stroke_style_str(INK);
        c.begin_path();
        let (left, bottom) = (self.left + axis_half, self.bottom + axis_half);
        c.move_to(left, self.top);
        c.line_to(left, bottom);
        c.line_to(self.right, bottom);
        for (x, _) in x_ticks {
            let px = self.to_px(*x, self.y.0).0.round() + axis_half;
            c.move_to(px, bottom);
            c.line_to(px, bottom + tick);
        }
        for (y, _) in y_ticks {
            let py = self.to_px(self.x.0, *y).1.round() + axis_half;
            c.move_to(left - tick, py);
            c.line_to(left, py);
        }
        c.stroke();
        c.set_fill_style_str(INK);
        c.set_text_align("center");
        c.set_text_baseline("top");
        let below = bottom + tick + 3.0 * self.scale;
        for (x, label) in x_ticks {
            // A label at the right end (epoch 100 at the last epoch) stays on the canvas.
            let half = c.measure_text(label).map_or(0.0, |m| m.width() / 2.0);
            let px = self.to_px(*x, self.y.0).0.min(self.width - half - 1.0);
            let _ = c.fill_text(label, px, below);
        }
        if !x_name.is_empty() {
            let middle = (self.left + self.right) / 2.0;
            let _ = c.fill_text(x_name, middle, below + 17.0 * self.scale);
        }
        c.set_text_align("end");
        c.set_text_baseline("middle");
        for (y, label) in y_ticks {
            let _ = c.fill_text(label, left - tick - 3.0 * self.scale, self.to_px(self.x.0, *y).1);
        }
    }

    /// Restricts what follows to the plot area (until [`Chart::unclip`]).
    fn clip(&self) {
        self.c.save();
        self.c.begin_path();
        self.c
            .rect(self.left, self.top, self.right - self.left, self.bottom - self.top);
        self.c.clip();
    }

    fn unclip(&self) {
        self.c.restore();
    }

    /// A line through `points` (non-finite ones are skipped, the line joins their
    /// neighbours) in `colour`, 2 px wide; dashed when `dash` (dash and gap, px) is not 0.
    pub fn line(&self, points: &[(f64, f64)], colour: [u8; 3], dash: [f64; 2]) {
        let c = &self.c;
        self.clip();
        c.set_stroke_style_str(&rgb(colour));
        c.set_line_width(self.pen(2.0).0);
        if dash[0] > 0.0 {
            let [d, g] = dash.map(|v| JsValue::from_f64(v * self.scale));
            let _ = c.set_line_dash(&Array::of2(&d, &g));
        }
        c.begin_path();
        let mut first = true;
        for &(x, y) in points {
            if !(x.is_finite() && y.is_finite()) {
                continue;
            }
            let (px, py) = self.to_px(x, y);
            if first {
                c.move_to(px, py);
                first = false;
            } else {
                c.line_to(px, py);
            }
        }
        c.stroke();
        self.unclip();
    }

    /// Filled rectangles between the data corners (x0, y0) and (x1, y1), in `colour` at
    /// opacity `alpha`.
    pub fn rects(&self, rects: &[[f64; 4]], colour: [u8; 3], alpha: f64) {
        let c = &self.c;
        self.clip();
        c.set_global_alpha(alpha);
        c.set_fill_style_str(&rgb(colour));
        for &[x0, y0, x1, y1] in rects {
            let (a, b) = (self.to_px(x0, y0), self.to_px(x1, y1));
            c.fill_rect(a.0.min(b.0), a.1.min(b.1), (b.0 - a.0).abs(), (b.1 - a.1).abs());
        }
        self.unclip();
    }

    /// A legend in a pale box at the top left or top right (`right`) of the chart, one row
    /// per entry: its mark in its colour, then its label.
    pub fn legend(&self, entries: &[(&str, [u8; 3], LegendMark)], right: bool) {
        let rows: Vec<LegendRow> = entries
            .iter()
            .map(|&(label, colour, mark)| (label, vec![Some((colour, mark))]))
            .collect();
        self.legend_table(&[], &rows, right);
    }

    /// A legend as a small table: a row per label with one mark per column (`None` leaves
    /// the cell empty), the columns headed by `headers` (none: no header row). Compare
    /// mode's loss chart puts A and B side by side, so six curves take three rows.
    pub fn legend_table(&self, headers: &[&str], rows: &[LegendRow], right: bool) {
        let (c, scale) = (&self.c, self.scale);
        let text_width = rows
            .iter()
            .filter_map(|(label, _)| c.measure_text(label).ok().map(|m| m.width()))
            .fold(0.0, f64::max);
        let columns = rows
            .iter()
            .map(|(_, marks)| marks.len())
            .max()
            .unwrap_or(0)
            .max(headers.len());
        let (pad, mark, row) = (6.0 * scale, 18.0 * scale, 12.0 * scale * 1.45);
        let header_rows = if headers.is_empty() { 0.0 } else { 1.0 };
        let width = pad * 2.0 + (mark + pad) * columns as f64 + text_width;
        let height = pad * 2.0 + row * (rows.len() as f64 + header_rows);
        let margin = 14.0 * scale;
        let x = if right {
            self.width - width - margin
        } else {
            margin + 40.0 * scale
        };
        let y = margin;
        c.set_global_alpha(0.85);
        c.set_fill_style_str("#fff");
        c.fill_rect(x, y, width, height);
        c.set_global_alpha(1.0);
        c.set_stroke_style_str("rgb(220,220,220)");
        c.set_line_width(scale.max(1.0));
        c.stroke_rect(x, y, width, height);
        c.set_text_baseline("middle");
        let column_x = |k: usize| x + pad + (mark + pad) * k as f64;
        c.set_fill_style_str(INK);
        c.set_text_align("center");
        for (k, header) in headers.iter().enumerate() {
            let _ = c.fill_text(header, column_x(k) + mark / 2.0, y + pad + row * 0.5);
        }
        c.set_text_align("start");
        c.set_line_width(self.pen(2.0).0);
        for (i, (label, marks)) in rows.iter().enumerate() {
            let middle = y + pad + row * (i as f64 + header_rows + 0.5);
            for (k, cell) in marks.iter().enumerate() {
                let Some((colour, kind)) = cell else { continue };
                let (left, colour) = (column_x(k), rgb(*colour));
                match kind {
                    LegendMark::Box => {
                        c.set_global_alpha(0.45);
                        c.set_fill_style_str(&colour);
                        c.fill_rect(left, middle - 5.0 * scale, mark, 10.0 * scale);
                        c.set_global_alpha(1.0);
                    }
                    LegendMark::Line | LegendMark::Dashed => {
                        c.set_stroke_style_str(&colour);
                        c.begin_path();
                        c.move_to(left, middle);
                        if matches!(kind, LegendMark::Dashed) {
                            // Two dashes with a gap, as the curve is drawn.
                            c.line_to(left + mark * 0.4, middle);
                            c.move_to(left + mark * 0.6, middle);
                        }
                        c.line_to(left + mark, middle);
                        c.stroke();
                    }
                }
            }
            c.set_fill_style_str(INK);
            let _ = c.fill_text(label, column_x(columns), middle);
        }
    }
}
