//! The main output canvas: the network's prediction over the plane as a heatmap, the data
//! points on top, and the mapping from a click back to the plane.

use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::controls::ViewSettings;
use super::dom::{canvas, WebResult};
use super::draw::{class_colour, draw_points, offscreen_canvas, DivergingScale, Heatmap, PlaneMapping};
use crate::core::introspect::GridOutputs;
use crate::core::trainer::Trainer;
use crate::core::{Float, Problem, Sample, PLANE};

/// Cells per side of the boundary grid (the peer uses 100 as well).
pub const GRID: usize = 100;

pub struct BoundaryView {
    pub canvas: HtmlCanvasElement,
    context: CanvasRenderingContext2d,
    heatmap: Heatmap,
    predictions: Vec<Float>,
    background: DivergingScale,
    foreground: DivergingScale,
    /// The data points grouped by colour for drawing (reused every frame).
    point_order: Vec<([u8; 3], usize)>,
    points: PointsLayer,
}

/// The data points, drawn into a canvas off the page when they or the view change, and
/// copied over the heatmap every frame: the points stand still while the boundary under
/// them moves, and drawing 500 ringed dots per frame took Firefox a third of its frame.
struct PointsLayer {
    canvas: HtmlCanvasElement,
    context: CanvasRenderingContext2d,
    /// What the layer shows (None: nothing yet).
    drawn: Option<PointsKey>,
}

/// Everything the points' drawing depends on.
struct PointsKey {
    size: (u32, u32),
    radius: f64,
    show_test: bool,
    problem: Problem,
    train: Vec<Sample>,
    test: Vec<Sample>,
}

impl PointsKey {
    fn matches(
        &self,
        size: (u32, u32),
        radius: f64,
        show_test: bool,
        problem: Problem,
        train: &[Sample],
        test: &[Sample],
    ) -> bool {
        self.size == size
            && self.radius == radius
            && self.show_test == show_test
            && self.problem == problem
            && self.train == train
            && self.test == test
    }
}

impl BoundaryView {
    pub fn new() -> WebResult<BoundaryView> {
        BoundaryView::on("boundary")
    }

    /// A boundary view drawing on the canvas with this id (compare mode's B uses `boundary-b`).
    pub fn on(id: &str) -> WebResult<BoundaryView> {
        let (canvas, context) = canvas(id)?;
        Ok(BoundaryView {
            canvas,
            context,
            heatmap: Heatmap::new(GRID)?,
            predictions: Vec::with_capacity(GRID * GRID),
            background: DivergingScale::new(0.6),
            foreground: DivergingScale::new(1.0),
            point_order: Vec::new(),
            points: {
                let (canvas, context) = offscreen_canvas(1, 1)?;
                PointsLayer {
                    canvas,
                    context,
                    drawn: None,
                }
            },
        })
    }

    /// Repaints from `grid`, the network's outputs over the plane (computed for the
    /// current weights by the frame's mutation phase).
    pub fn paint(&mut self, trainer: &Trainer, grid: &GridOutputs, view: &ViewSettings) {
        let problem = trainer.problem();
        grid.predictions(problem, &mut self.predictions);
        let predictions = &self.predictions;
        let background = &self.background;
        let discrete = view.discretize;
        match problem {
            Problem::MultiClass(k) => self.heatmap.paint(|i| class_colour(predictions[i], k, 0.6, discrete)),
            Problem::Binary if discrete => self.heatmap.paint(|i| background.colour(predictions[i].signum())),
            _ => self.heatmap.paint(|i| background.colour(predictions[i])),
        }
        let (w, h) = (f64::from(self.canvas.width()), f64::from(self.canvas.height()));
        self.heatmap.blit(&self.context, 0.0, 0.0, w, h);
        self.draw_axes(w, h);
        let radius = (w / 110.0).max(2.5) * if view.projector { 1.4 } else { 1.0 };
        let data = trainer.data();
        let size = (self.canvas.width(), self.canvas.height());
        let test: &[Sample] = if view.show_test { &data.test } else { &[] };
        let mapping = self.mapping();
        let layer = &mut self.points;
        let current = layer
            .drawn
            .as_ref()
            .is_some_and(|key| key.matches(size, radius, view.show_test, problem, &data.train, test));
        if !current {
            // Resizing clears the layer (and is skipped when the size is the same).
            if (layer.canvas.width(), layer.canvas.height()) == size {
                layer.context.clear_rect(0.0, 0.0, w, h);
            } else {
                layer.canvas.set_width(size.0);
                layer.canvas.set_height(size.1);
            }
            for (samples, is_test) in [(&data.train[..], false), (test, true)] {
                draw_points(
                    &layer.context,
                    mapping,
                    problem,
                    samples,
                    is_test,
                    radius,
                    &self.foreground,
                    &mut self.point_order,
                );
            }
            layer.drawn = Some(PointsKey {
                size,
                radius,
                show_test: view.show_test,
                problem,
                train: data.train.clone(),
                test: test.to_vec(),
            });
        }
        let _ = self
            .context
            .draw_image_with_html_canvas_element(&layer.canvas, 0.0, 0.0);
    }

    /// Faint axes through the origin, so students can read the quadrants.
    fn draw_axes(&self, w: f64, h: f64) {
        let c = &self.context;
        c.set_stroke_style_str("rgba(0,0,0,0.18)");
        c.set_line_width((w / 400.0).max(1.0));
        c.begin_path();
        c.move_to(w / 2.0, 0.0);
        c.line_to(w / 2.0, h);
        c.move_to(0.0, h / 2.0);
        c.line_to(w, h / 2.0);
        c.stroke();
    }

    /// Rings the point at plane (x, y) (the inspector's picked point), over the points.
    pub fn mark_point(&self, x: Float, y: Float) {
        let (px, py) = self.mapping().to_canvas(x, y);
        let w = f64::from(self.canvas.width());
        let radius = (w / 110.0).max(2.5);
        let c = &self.context;
        for (colour, width) in [("#fff", radius * 0.9), ("#111", radius * 0.45)] {
            c.begin_path();
            let _ = c.arc(px, py, radius * 2.3, 0.0, std::f64::consts::TAU);
            c.set_stroke_style_str(colour);
            c.set_line_width(width);
            c.stroke();
        }
    }

    /// The CSS offset in the canvas of plane point (x, y) (where a click would hit it).
    pub fn css_point(&self, x: Float, y: Float) -> (f64, f64) {
        let (px, py) = self.mapping().to_canvas(x, y);
        let rect = self.canvas.get_bounding_client_rect();
        let (w, h) = (
            f64::from(self.canvas.width()).max(1.0),
            f64::from(self.canvas.height()).max(1.0),
        );
        (px * rect.width() / w, py * rect.height() / h)
    }

    pub fn mapping(&self) -> PlaneMapping {
        PlaneMapping {
            width: f64::from(self.canvas.width()),
            height: f64::from(self.canvas.height()),
        }
    }

    /// The plane point under a pointer event at CSS offset (x, y) in the canvas, or None
    /// outside the plane.
    pub fn plane_point(&self, offset_x: f64, offset_y: f64) -> Option<(Float, Float)> {
        let rect = self.canvas.get_bounding_client_rect();
        if rect.width() <= 0.0 || rect.height() <= 0.0 {
            return None;
        }
        // CSS pixels to backing-store pixels (device pixel ratio), then to the plane.
        let px = offset_x * f64::from(self.canvas.width()) / rect.width();
        let py = offset_y * f64::from(self.canvas.height()) / rect.height();
        let (x, y) = self.mapping().to_plane(px, py);
        (x.abs() <= PLANE && y.abs() <= PLANE).then_some((x, y))
    }
}
