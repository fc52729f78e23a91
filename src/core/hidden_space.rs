//! The hidden space: where the training points sit in a hidden layer, as its activations,
//! seen along two of its neurons or its first two principal components. The input plane's
//! grid lines are carried through the same layers, so a student sees how the layers fold
//! the plane; for the last hidden layer the output layer's decision line in that view is
//! given too, the line along which the classes have become separable.
//!
//! Everything here is the engine's own numbers: the positions are the activations of an
//! evaluation-mode forward pass, and the principal components are computed here.

use nalgebra::DMatrix;

use super::feature::fill_inputs;
use super::network::Pass;
use super::trainer::Trainer;
use super::{Float, Problem, PLANE};

/// One axis of the view: a neuron of the layer, or one of its first two principal
/// components over the training split.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Axis {
    Neuron(usize),
    /// 0 for the first principal component, 1 for the second.
    Component(usize),
}

impl Axis {
    /// `pc1`, `pc2`, or the neuron's 0-based index as text (the selects' values).
    pub fn value(self) -> String {
        match self {
            Axis::Neuron(j) => j.to_string(),
            Axis::Component(c) => format!("pc{}", c + 1),
        }
    }

    /// Reads a select's value: `pc1`, `pc2` or a neuron index below `neurons`.
    pub fn parse(text: &str, neurons: usize) -> Option<Axis> {
        match text {
            "pc1" => Some(Axis::Component(0)),
            "pc2" => Some(Axis::Component(1)),
            _ => text.parse().ok().filter(|&j| j < neurons).map(Axis::Neuron),
        }
    }

    /// The default pair for a layer of `neurons` neurons: the principal components when it
    /// has more than two, else its neurons (the second repeated for a single neuron).
    pub fn defaults(neurons: usize) -> (Axis, Axis) {
        if neurons > 2 {
            (Axis::Component(0), Axis::Component(1))
        } else {
            (Axis::Neuron(0), Axis::Neuron(neurons.saturating_sub(1).min(1)))
        }
    }
}

/// A straight line a·x + b·y + c = 0 in the view's coordinates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Line {
    pub a: Float,
    pub b: Float,
    pub c: Float,
}

/// A point of the view.
type Point = (Float, Float);
/// A rectangle of the view: its x range and its y range.
type Rect = ((Float, Float), (Float, Float));

impl Line {
    /// The rectangle `bounds`'s corners in order, each with whether it is on the side where
    /// a·x + b·y + c ≥ 0, and where the edge from it to the next corner crosses the line.
    fn walk(&self, bounds: Rect) -> [(Point, bool, Option<Point>); 4] {
        let ((x0, x1), (y0, y1)) = bounds;
        let score = |(x, y): (Float, Float)| self.a * x + self.b * y + self.c;
        let corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)];
        std::array::from_fn(|i| {
            let (p, q) = (corners[i], corners[(i + 1) % 4]);
            let (sp, sq) = (score(p), score(q));
            let crossing = ((sp >= 0.0) != (sq >= 0.0)).then(|| {
                let t = sp / (sp - sq);
                (p.0 + t * (q.0 - p.0), p.1 + t * (q.1 - p.1))
            });
            (p, sp >= 0.0, crossing)
        })
    }

    /// The part of the rectangle `bounds` (x range, y range) where a·x + b·y + c ≥ 0, the
    /// side the output scores as the second class, as a polygon (empty when none of it is):
    /// the rectangle clipped by the half-plane (Sutherland–Hodgman, one edge).
    pub fn positive_side(&self, bounds: Rect) -> Vec<Point> {
        let mut out = Vec::with_capacity(5);
        for (corner, inside, crossing) in self.walk(bounds) {
            if inside {
                out.push(corner);
            }
            out.extend(crossing);
        }
        out
    }

    /// Where the line crosses the rectangle `bounds`'s edges: the ends of the segment of it
    /// that is inside (None when it misses the rectangle).
    pub fn segment(&self, bounds: Rect) -> Option<[Point; 2]> {
        let ends: Vec<_> = self.walk(bounds).into_iter().filter_map(|(_, _, c)| c).collect();
        match ends[..] {
            [a, b] => Some([a, b]),
            _ => None,
        }
    }
}

/// What the hidden-space panel draws.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HiddenView {
    /// Each training point's (x, y) in the view and its label.
    pub points: Vec<(Float, Float, Float)>,
    /// The input plane's grid lines (vertical ones first, then horizontal), each a polyline
    /// in the view.
    pub grid_lines: Vec<Vec<(Float, Float)>>,
    /// The output layer's decision line in the view (last hidden layer of a two-class
    /// problem only): where its score is 0 with every other direction at the points' mean.
    pub decision_line: Option<Line>,
    /// The smallest and largest x and y over the points and grid lines, for the axes.
    pub bounds: ((Float, Float), (Float, Float)),
    /// Share of the activations' variance the two axes show (principal components only).
    pub explained: Option<Float>,
}

/// Number of grid lines of the input plane in each direction.
pub const GRID_LINES: usize = 9;
/// Points along each grid line.
pub const LINE_SAMPLES: usize = 41;

/// Where the training points and the input plane's grid sit in hidden layer `layer` along
/// axes `x` and `y`. Reads the run; changes nothing. Empty for a layer that does not exist.
pub fn hidden_view(trainer: &Trainer, layer: usize, x: Axis, y: Axis) -> HiddenView {
    let network = trainer.network();
    if layer >= network.hidden_count() {
        return HiddenView::default();
    }
    let neurons = network.layers[layer].neurons();
    let (inputs, labels) = trainer.train_set();
    let mut pass = Pass::default();
    network.forward(inputs, &mut pass);
    let activations = layer_activations(&pass, layer, neurons);
    let mean = column_means(&activations);
    let components = if matches!(x, Axis::Component(_)) || matches!(y, Axis::Component(_)) {
        Some(principal_components(&activations, &mean))
    } else {
        None
    };
    // The view's direction for an axis: a unit vector in the layer's space.
    let direction = |axis: Axis| -> Vec<Float> {
        match axis {
            Axis::Neuron(j) => (0..neurons).map(|i| if i == j { 1.0 } else { 0.0 }).collect(),
            Axis::Component(c) => components
                .as_ref()
                .and_then(|(vectors, _)| vectors.get(c).cloned())
                .unwrap_or_else(|| vec![0.0; neurons]),
        }
    };
    let (dx, dy) = (direction(x), direction(y));
    // Neurons are shown as they are; components as coordinates about the mean, as PCA does.
    let origin = |axis: Axis, d: &[Float]| -> Float {
        match axis {
            Axis::Neuron(_) => 0.0,
            Axis::Component(_) => dot(&mean, d),
        }
    };
    let (ox, oy) = (origin(x, &dx), origin(y, &dy));
    let project = |a: &[Float]| (dot(a, &dx) - ox, dot(a, &dy) - oy);
    let points = activations
        .iter()
        .zip(labels)
        .map(|(a, &label)| {
            let (px, py) = project(a);
            (px, py, label)
        })
        .collect();
    let grid_lines = grid_lines(trainer, layer, neurons)
        .iter()
        .map(|line| line.iter().map(|a| project(a)).collect())
        .collect();
    let decision_line = (layer + 1 == network.hidden_count() && network.problem == Problem::Binary)
        .then(|| {
            // The view's plane: a(u, v) = rest + (u + ox)·dx + (v + oy)·dy, where rest is the
            // points' mean with its parts along dx and dy taken out (every other direction
            // held at the mean); the score s = w·a + b is 0 on the line.
            let output = &network.layers[layer + 1];
            let w: Vec<Float> = (0..neurons).map(|j| output.weights.value[(0, j)]).collect();
            let bias = output.biases.value[(0, 0)];
            let mut rest = mean.clone();
            for d in [&dx, &dy] {
                let along = dot(&rest, d);
                for (r, &di) in rest.iter_mut().zip(d) {
                    *r -= along * di;
                }
            }
            // (dx and dy are orthonormal: two components, or two different neurons.)
            Line {
                a: dot(&w, &dx),
                b: dot(&w, &dy),
                c: dot(&w, &rest) + ox * dot(&w, &dx) + oy * dot(&w, &dy) + bias,
            }
        })
        .filter(|l| l.a.is_finite() && l.b.is_finite() && l.c.is_finite() && (l.a != 0.0 || l.b != 0.0));
    let mut view = HiddenView {
        points,
        grid_lines,
        decision_line,
        bounds: ((0.0, 0.0), (0.0, 0.0)),
        explained: components.map(|(_, share)| share),
    };
    view.bounds = bounds(&view);
    view
}

/// Every training point's activations in `layer`, one vector per point.
fn layer_activations(pass: &Pass, layer: usize, neurons: usize) -> Vec<Vec<Float>> {
    let rows: Vec<&[Float]> = (0..neurons).map(|j| pass.activation(layer, j)).collect();
    (0..pass.points())
        .map(|p| rows.iter().map(|row| row.get(p).copied().unwrap_or(0.0)).collect())
        .collect()
}

/// The input plane's grid lines, x = const then y = const across [−PLANE, PLANE], carried
/// through the layers up to `layer`: each line's activations there, point by point.
fn grid_lines(trainer: &Trainer, layer: usize, neurons: usize) -> Vec<Vec<Vec<Float>>> {
    let step = 2.0 * PLANE / (GRID_LINES - 1) as Float;
    let along = |i: usize| -PLANE + 2.0 * PLANE * i as Float / (LINE_SAMPLES - 1) as Float;
    let mut plane_points = Vec::with_capacity(2 * GRID_LINES * LINE_SAMPLES);
    for k in 0..GRID_LINES {
        let fixed = -PLANE + step * k as Float;
        plane_points.extend((0..LINE_SAMPLES).map(|i| (fixed, along(i))));
    }
    for k in 0..GRID_LINES {
        let fixed = -PLANE + step * k as Float;
        plane_points.extend((0..LINE_SAMPLES).map(|i| (along(i), fixed)));
    }
    let mut inputs = DMatrix::zeros(0, 0);
    fill_inputs(trainer.features(), trainer.normalizer(), &plane_points, &mut inputs);
    let mut pass = Pass::default();
    trainer.network().forward(&inputs, &mut pass);
    let activations = layer_activations(&pass, layer, neurons);
    activations.chunks(LINE_SAMPLES).map(<[Vec<Float>]>::to_vec).collect()
}

fn dot(a: &[Float], b: &[Float]) -> Float {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The mean of every coordinate over `rows`.
fn column_means(rows: &[Vec<Float>]) -> Vec<Float> {
    let n = rows.first().map_or(0, Vec::len);
    let mut sums = vec![0.0f64; n];
    for row in rows {
        for (s, &v) in sums.iter_mut().zip(row) {
            *s += f64::from(v);
        }
    }
    let count = rows.len().max(1) as f64;
    sums.iter().map(|s| (s / count) as Float).collect()
}

/// The first two principal components of `rows` (about `mean`) as unit vectors, and the
/// share of the total variance they explain. Power iteration on the covariance matrix
/// with deflation, from a fixed start, for a fixed number of rounds, so the result is the
/// same on every target; each vector's largest entry is made positive, so the view does
/// not flip from one frame to the next.
pub fn principal_components(rows: &[Vec<Float>], mean: &[Float]) -> (Vec<Vec<Float>>, Float) {
    let n = mean.len();
    let mut covariance = vec![vec![0.0f64; n]; n];
    let count = rows.len().max(1) as f64;
    let centred: Vec<Vec<f64>> = rows
        .iter()
        .map(|row| row.iter().zip(mean).map(|(&v, &m)| f64::from(v - m)).collect())
        .collect();
    for (i, line) in covariance.iter_mut().enumerate() {
        for (j, entry) in line.iter_mut().enumerate() {
            *entry = centred.iter().map(|d| d[i] * d[j]).sum::<f64>() / count;
        }
    }
    let total: f64 = (0..n).map(|i| covariance[i][i]).sum();
    let mut vectors = Vec::new();
    let mut explained = 0.0;
    for _ in 0..2.min(n.max(1)) {
        let (vector, value) = leading_eigenvector(&covariance);
        explained += value;
        // Deflate: C ← C − λ·v·vᵀ.
        for i in 0..n {
            for j in 0..n {
                covariance[i][j] -= value * vector[i] * vector[j];
            }
        }
        vectors.push(vector.iter().map(|&v| v as Float).collect());
    }
    while vectors.len() < 2 {
        vectors.push(vec![0.0; n]);
    }
    let share = if total > 0.0 {
        (explained / total).min(1.0) as Float
    } else {
        0.0
    };
    (vectors, share)
}

/// The eigenvector of the largest eigenvalue of the symmetric matrix `m`, and that
/// eigenvalue (0 and a zero vector for a zero matrix).
fn leading_eigenvector(m: &[Vec<f64>]) -> (Vec<f64>, f64) {
    let n = m.len();
    // A fixed start that is not orthogonal to any axis.
    let mut v: Vec<f64> = (0..n).map(|i| 1.0 + 0.1 * i as f64).collect();
    for _ in 0..200 {
        let next: Vec<f64> = (0..n).map(|i| (0..n).map(|j| m[i][j] * v[j]).sum()).collect();
        let norm = next.iter().map(|x| x * x).sum::<f64>().sqrt();
        if norm == 0.0 || !norm.is_finite() {
            return (vec![0.0; n], 0.0);
        }
        v = next.iter().map(|x| x / norm).collect();
    }
    // The Rayleigh quotient, with the sign of the direction fixed.
    let mv: Vec<f64> = (0..n).map(|i| (0..n).map(|j| m[i][j] * v[j]).sum()).collect();
    let value = v.iter().zip(&mv).map(|(a, b)| a * b).sum::<f64>().max(0.0);
    let largest = v
        .iter()
        .copied()
        .fold(0.0f64, |best, x| if x.abs() > best.abs() { x } else { best });
    if largest < 0.0 {
        v.iter_mut().for_each(|x| *x = -*x);
    }
    (v, value)
}

fn bounds(view: &HiddenView) -> ((Float, Float), (Float, Float)) {
    let all = view
        .points
        .iter()
        .map(|&(x, y, _)| (x, y))
        .chain(view.grid_lines.iter().flatten().copied())
        .filter(|(x, y)| x.is_finite() && y.is_finite());
    let ((mut x0, mut x1), (mut y0, mut y1)) = (
        (Float::INFINITY, Float::NEG_INFINITY),
        (Float::INFINITY, Float::NEG_INFINITY),
    );
    for (x, y) in all {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    if !x0.is_finite() {
        return ((-1.0, 1.0), (-1.0, 1.0));
    }
    // A flat direction still gets an axis of some width.
    let widen = |lo: Float, hi: Float| if hi - lo < 1e-3 { (lo - 0.5, hi + 0.5) } else { (lo, hi) };
    (widen(x0, x1), widen(y0, y1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trained(query: &str, epochs: u64) -> Trainer {
        let mut t = crate::core::trainer::test_run(query);
        t.train_epochs(epochs);
        t
    }

    #[test]
    fn the_positive_side_is_the_rectangle_cut_by_the_line() {
        let square = ((0.0, 2.0), (0.0, 2.0));
        // x − 1 ≥ 0: the right half, corners in order with the two crossings.
        let right = Line {
            a: 1.0,
            b: 0.0,
            c: -1.0,
        }
        .positive_side(square);
        assert_eq!(right, vec![(1.0, 0.0), (2.0, 0.0), (2.0, 2.0), (1.0, 2.0)]);
        // x + y − 3 ≥ 0: the triangle at the top-right corner, area 1/2.
        let corner = Line {
            a: 1.0,
            b: 1.0,
            c: -3.0,
        }
        .positive_side(square);
        assert_eq!(corner, vec![(2.0, 1.0), (2.0, 2.0), (1.0, 2.0)]);
        // The segments inside.
        let vertical = Line {
            a: 1.0,
            b: 0.0,
            c: -1.0,
        }
        .segment(square);
        assert_eq!(vertical, Some([(1.0, 0.0), (1.0, 2.0)]));
        assert_eq!(
            Line {
                a: 1.0,
                b: 1.0,
                c: -3.0
            }
            .segment(square),
            Some([(2.0, 1.0), (1.0, 2.0)])
        );
        assert_eq!(
            Line {
                a: 0.0,
                b: 1.0,
                c: -5.0
            }
            .segment(square),
            None
        );
        // All of it, and none of it.
        assert_eq!(Line { a: 0.0, b: 1.0, c: 5.0 }.positive_side(square).len(), 4);
        assert!(Line {
            a: 0.0,
            b: 1.0,
            c: -5.0
        }
        .positive_side(square)
        .is_empty());
    }

    #[test]
    fn principal_components_of_known_data() {
        // Points along the direction (3, 4)/5 with a little spread along (−4, 3)/5: the
        // first component is ±(0.6, 0.8) and explains nearly all the variance.
        let rows: Vec<Vec<Float>> = (-10..=10)
            .map(|i| {
                let (t, s) = (i as Float, if i % 2 == 0 { 0.1 } else { -0.1 });
                vec![0.6 * t - 0.8 * s, 0.8 * t + 0.6 * s]
            })
            .collect();
        let mean = column_means(&rows);
        let (vectors, share) = principal_components(&rows, &mean);
        assert!(
            (vectors[0][0] - 0.6).abs() < 1e-4 && (vectors[0][1] - 0.8).abs() < 1e-4,
            "{vectors:?}"
        );
        assert!((vectors[1][0].abs() - 0.8).abs() < 1e-3 && (vectors[1][1].abs() - 0.6).abs() < 1e-3);
        assert!(
            (share - 1.0).abs() < 1e-5,
            "two components of two dimensions explain all: {share}"
        );
        assert!(dot(&vectors[0], &vectors[1]).abs() < 1e-4, "orthogonal");
    }

    #[test]
    fn the_view_shows_the_engines_activations() {
        let t = trained("dataset=xor&hidden=2&activation=tanh&seed=2&lr=0.1", 50);
        let view = hidden_view(&t, 0, Axis::Neuron(0), Axis::Neuron(1));
        let (inputs, labels) = t.train_set();
        assert_eq!(view.points.len(), labels.len());
        let mut pass = Pass::default();
        t.network().forward(inputs, &mut pass);
        for (p, &(x, y, label)) in view.points.iter().enumerate() {
            assert_eq!(
                (x, y, label),
                (pass.activation(0, 0)[p], pass.activation(0, 1)[p], labels[p])
            );
        }
        assert_eq!(view.grid_lines.len(), 2 * GRID_LINES);
        assert!(view.grid_lines.iter().all(|l| l.len() == LINE_SAMPLES));
        // tanh keeps every position inside (−1, 1).
        let ((x0, x1), (y0, y1)) = view.bounds;
        assert!(x0 >= -1.0 && x1 <= 1.0 && y0 >= -1.0 && y1 <= 1.0, "{:?}", view.bounds);
        assert_eq!(view.explained, None);
        assert_eq!(
            hidden_view(&t, 5, Axis::Neuron(0), Axis::Neuron(1)),
            HiddenView::default()
        );
    }

    #[test]
    fn in_the_last_hidden_layer_the_decision_line_splits_the_classes() {
        // The circle with 2 tanh neurons after training: in their space the output's line
        // w·a + b = 0 puts (nearly) every training point on its own class's side, as the
        // output layer reads exactly these activations.
        let mut t = trained(
            "dataset=circle&hidden=3,2&activation=tanh&optimizer=adam&lr=0.03&seed=1",
            300,
        );
        let accuracy = t.evaluate().0.accuracy.expect("classification");
        let view = hidden_view(&t, 1, Axis::Neuron(0), Axis::Neuron(1));
        let line = view.decision_line.expect("last hidden layer of two classes");
        let agree = view
            .points
            .iter()
            .filter(|&&(x, y, label)| ((line.a * x + line.b * y + line.c) > 0.0) == (label > 0.5))
            .count();
        let n = view.points.len() as Float;
        // The same split as the network's up to a point whose score rounds to the other
        // side of 0 in another order of f32 sums.
        let correct = (accuracy * n).round();
        assert!(
            (agree as Float - correct).abs() <= 1.0,
            "the line splits {agree}, the network {correct}"
        );
        assert!(agree as Float / n > 0.9, "{agree} of {n}");
        // Not for an earlier layer.
        assert!(hidden_view(&t, 0, Axis::Component(0), Axis::Component(1))
            .decision_line
            .is_none());
    }

    #[test]
    fn components_are_the_default_past_two_neurons_and_the_line_follows_them() {
        assert_eq!(Axis::defaults(5), (Axis::Component(0), Axis::Component(1)));
        assert_eq!(Axis::defaults(2), (Axis::Neuron(0), Axis::Neuron(1)));
        assert_eq!(Axis::defaults(1), (Axis::Neuron(0), Axis::Neuron(0)));
        assert_eq!(Axis::parse("pc2", 4), Some(Axis::Component(1)));
        assert_eq!(Axis::parse("3", 4), Some(Axis::Neuron(3)));
        assert_eq!(Axis::parse("4", 4), None);
        let t = trained("dataset=xor&hidden=6&activation=tanh&seed=3&lr=0.1", 100);
        let view = hidden_view(&t, 0, Axis::Component(0), Axis::Component(1));
        let share = view.explained.expect("components");
        assert!(share > 0.5 && share <= 1.0, "{share}");
        // The line in the plane of the first two components through the mean: a point of
        // the view maps back to a = mean + x·pc1 + y·pc2 and its score has the line's sign.
        let line = view.decision_line.expect("line");
        let (inputs, _) = t.train_set();
        let mut pass = Pass::default();
        t.network().forward(inputs, &mut pass);
        let activations = layer_activations(&pass, 0, 6);
        let mean = column_means(&activations);
        let (pcs, _) = principal_components(&activations, &mean);
        let output = &t.network().layers[1];
        for &(x, y) in &[(0.3, -0.2), (-1.0, 0.5), (0.0, 0.0)] {
            let a: Vec<Float> = (0..6).map(|j| mean[j] + x * pcs[0][j] + y * pcs[1][j]).collect();
            let score: Float =
                (0..6).map(|j| output.weights.value[(0, j)] * a[j]).sum::<Float>() + output.biases.value[(0, 0)];
            let on_line = line.a * x + line.b * y + line.c;
            assert!((score - on_line).abs() < 1e-4, "{score} vs {on_line}");
        }
    }
}
