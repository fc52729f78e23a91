//! The loss landscape: the training loss over a plane of weight space through the current
//! weights, with the path the weights took projected onto it (Li, Xu, Taylor, Studer and
//! Goldstein, "Visualizing the Loss Landscape of Neural Nets", NeurIPS 2018).
//!
//! - [`Trajectory`]: the trainer's record of every trainable parameter (W, b, and γ, β of the
//!   normalisation layers), flattened, once per epoch and at reset, bounded in memory.
//! - [`Plane`]: the current weights θ and two directions d₁, d₂, either the first two
//!   principal directions of the trajectory ([`Directions::Path`]) or two random directions
//!   drawn from the run's seed and normalised filter by filter ([`Directions::Random`]).
//! - [`LossMap`]: the loss at θ + α·d₁ + β·d₂ over a grid, its contour levels and lines, and
//!   the path (and in compare mode network B's path) projected onto the plane.
//!
//! The loss is the one the engine reports as the training loss: the mean data loss over the
//! whole training split in evaluation mode (dropout off, batch normalisation on its running
//! estimates, which stay those of the current weights), without the L1/L2 penalty, which the
//! engine reports apart. Each grid point is one batched forward pass of the whole training
//! split through a scratch copy of the network ([`evaluate_split`]), so the map's centre is
//! exactly the reported training loss.

use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};

use super::network::{Network, Pass};
use super::trainer::{evaluate_split, Trainer};
use super::{Float, SeededRng};

/// How many snapshots a trajectory keeps at most.
pub const MAX_SNAPSHOTS: usize = 500;
/// How many parameter values a trajectory keeps at most over all its snapshots (2 MB of
/// f32): a large network keeps fewer snapshots, at least [`MIN_SNAPSHOTS`].
pub const MAX_VALUES: usize = 500_000;
/// The fewest snapshots a trajectory keeps, however large the network.
pub const MIN_SNAPSHOTS: usize = 32;
/// The side of the default grid (odd, so the grid has a middle row and column).
pub const GRID: usize = 41;
/// How many contour levels a map has.
pub const LEVELS: usize = 10;

/// The shape of every trainable parameter of a network, in [`Layer::params`] order: a
/// weight matrix (rows × columns, each row one neuron's or maxout piece's incoming weights)
/// or a vector (biases, γ, β). Two networks with the same layout have comparable weights.
///
/// [`Layer::params`]: super::layer::Layer::params
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    /// (rows, columns, is a weight matrix), one per parameter.
    params: Vec<(usize, usize, bool)>,
}

impl Layout {
    /// The layout of `network`'s parameters: each layer's W first, then b, γ, β.
    pub fn of(network: &Network) -> Layout {
        let params = network
            .layers
            .iter()
            .flat_map(|layer| {
                layer
                    .params()
                    .enumerate()
                    .map(|(k, p)| (p.value.nrows(), p.value.ncols(), k == 0))
            })
            .collect();
        Layout { params }
    }

    /// Whether `network`'s parameters have this layout (without building its layout).
    pub fn matches(&self, network: &Network) -> bool {
        let mut mine = self.params.iter();
        let same = network.layers.iter().all(|layer| {
            layer
                .params()
                .enumerate()
                .all(|(k, p)| mine.next() == Some(&(p.value.nrows(), p.value.ncols(), k == 0)))
        });
        same && mine.next().is_none()
    }

    /// Number of values in all the parameters.
    pub fn len(&self) -> usize {
        self.params.iter().map(|&(r, c, _)| r * c).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Every trainable value of `network` in one vector, parameter after parameter (each
/// matrix column-major, as nalgebra stores it).
pub fn flatten(network: &Network) -> Vec<Float> {
    let mut out = Vec::with_capacity(network.parameter_count());
    for layer in &network.layers {
        for p in layer.params() {
            out.extend_from_slice(p.value.as_slice());
        }
    }
    out
}

/// Writes `values` (as [`flatten`] orders them) into `network`'s parameters.
fn unflatten(values: &[Float], network: &mut Network) {
    let mut rest = values;
    for p in super::layer::params_mut(&mut network.layers) {
        let slice = p.value.as_mut_slice();
        let n = slice.len().min(rest.len());
        slice[..n].copy_from_slice(&rest[..n]);
        rest = &rest[n..];
    }
}

/// The weights' trajectory: snapshots of every trainable parameter with their epochs,
/// taken once per epoch and at reset. Bounded like the loss history: when full, every other
/// snapshot is dropped (the first is always kept) and the recording stride doubles, so
/// memory stays flat however long a run lasts. Cleared whenever the parameters' layout
/// changes (a neuron, layer, input or normalisation added or removed, maxout switched).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trajectory {
    layout: Layout,
    snapshots: Vec<Vec<Float>>,
    epochs: Vec<u64>,
    stride: u64,
}

impl Trajectory {
    /// The snapshots, oldest first.
    pub fn snapshots(&self) -> &[Vec<Float>] {
        &self.snapshots
    }

    /// The epoch of each snapshot.
    pub fn epochs(&self) -> &[u64] {
        &self.epochs
    }

    /// The layout every snapshot has.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Record every this many epochs.
    pub fn stride(&self) -> u64 {
        self.stride.max(1)
    }

    /// How many snapshots of `values` values each the trajectory keeps.
    pub fn capacity(values: usize) -> usize {
        (MAX_VALUES / values.max(1)).clamp(MIN_SNAPSHOTS, MAX_SNAPSHOTS)
    }

    /// Forgets every snapshot and starts afresh from `network` at `epoch`.
    pub fn restart(&mut self, network: &Network, epoch: u64) {
        self.layout = Layout::of(network);
        self.snapshots.clear();
        self.epochs.clear();
        self.stride = 1;
        self.snapshots.push(flatten(network));
        self.epochs.push(epoch);
    }

    /// Starts afresh when `network`'s layout is no longer the trajectory's (its snapshots
    /// could not be compared with the weights any more).
    pub fn follow(&mut self, network: &Network, epoch: u64) {
        if self.snapshots.is_empty() || !self.layout.matches(network) {
            self.restart(network, epoch);
        }
    }

    /// Records `network` after `epoch` when the stride asks for it, thinning when full.
    pub fn record(&mut self, network: &Network, epoch: u64) {
        self.follow(network, epoch);
        if !epoch.is_multiple_of(self.stride()) || self.epochs.last() == Some(&epoch) {
            return;
        }
        self.snapshots.push(flatten(network));
        self.epochs.push(epoch);
        if self.snapshots.len() > Self::capacity(self.layout.len()) {
            self.stride = self.stride() * 2;
            let stride = self.stride;
            let mut i = 0;
            let epochs = &self.epochs;
            // Keep the first snapshot and those on the new stride.
            let keep: Vec<bool> = epochs
                .iter()
                .enumerate()
                .map(|(k, e)| k == 0 || e.is_multiple_of(stride))
                .collect();
            self.snapshots.retain(|_| {
                i += 1;
                keep[i - 1]
            });
            let mut i = 0;
            self.epochs.retain(|_| {
                i += 1;
                keep[i - 1]
            });
        }
    }

    /// The path of the weights: every snapshot, then `network`'s current weights when they
    /// differ from the last snapshot (so the path always ends at the current weights).
    /// Empty when `network`'s layout is not the trajectory's.
    pub fn path(&self, network: &Network, epoch: u64) -> (Vec<Vec<Float>>, Vec<u64>) {
        if !self.layout.matches(network) {
            return (Vec::new(), Vec::new());
        }
        let current = flatten(network);
        let mut points = self.snapshots.clone();
        let mut epochs = self.epochs.clone();
        if points.last() != Some(&current) {
            points.push(current);
            epochs.push(epoch);
        }
        (points, epochs)
    }
}

/// Which plane the map shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Directions {
    /// The first two principal directions of the weights' trajectory.
    #[default]
    Path,
    /// Two random directions from the run's seed, normalised filter by filter.
    Random,
}

impl Directions {
    pub const ALL: [Directions; 2] = [Directions::Path, Directions::Random];

    /// `path` or `random` (the select's values).
    pub fn name(self) -> &'static str {
        match self {
            Directions::Path => "path",
            Directions::Random => "random",
        }
    }

    pub fn parse(text: &str) -> Option<Directions> {
        Self::ALL.into_iter().find(|d| d.name() == text)
    }
}

/// Why path directions could not all come from the trajectory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fallback {
    /// The path has a single point, or all its points are the same weights: both directions
    /// are the random ones ([`Directions::Random`]).
    NoSpread,
    /// The path lies on a straight line: d₁ is that line, d₂ the second random direction
    /// made orthogonal to it and of unit length.
    Straight,
}

/// A plane of weight space: the current weights θ and two directions.
#[derive(Clone, Debug, PartialEq)]
pub struct Plane {
    /// θ, the current weights (as [`flatten`] orders them).
    pub origin: Vec<Float>,
    /// d₁ and d₂.
    pub directions: [Vec<f64>; 2],
    pub layout: Layout,
    /// What was asked for.
    pub kind: Directions,
    /// Where path directions had to fall back (None when they did not, and for random).
    pub fallback: Option<Fallback>,
    /// The share of the path's variance the two principal directions hold (path only).
    pub explained: Option<f64>,
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}

impl Plane {
    /// The plane of `kind` through `trainer`'s current weights.
    pub fn new(trainer: &Trainer, kind: Directions) -> Plane {
        let network = trainer.network();
        let layout = Layout::of(network);
        let origin = flatten(network);
        let random = || random_directions(&layout, &origin, trainer.landscape_seed());
        let (directions, fallback, explained) = match kind {
            Directions::Random => (random(), None, None),
            Directions::Path => {
                let (points, _) = trainer.trajectory().path(network, trainer.epoch());
                match principal_directions(&points, &origin) {
                    Principal::Two(d, share) => (d, None, Some(share)),
                    Principal::One(d1) => {
                        let [_, mut d2] = random();
                        let along = dot(&d2, &d1);
                        d2.iter_mut().zip(&d1).for_each(|(v, u)| *v -= along * u);
                        let length = norm(&d2);
                        if length > 0.0 {
                            d2.iter_mut().for_each(|v| *v /= length);
                        }
                        ([d1, d2], Some(Fallback::Straight), Some(1.0))
                    }
                    Principal::None => (random(), Some(Fallback::NoSpread), None),
                }
            }
        };
        Plane {
            origin,
            directions,
            layout,
            kind,
            fallback,
            explained,
        }
    }

    /// The coordinates (α, β) of `point` on the plane: the least-squares solution of
    /// α·d₁ + β·d₂ ≈ point − θ, which for orthonormal directions is (d₁·v, d₂·v). None for
    /// a point of another layout's length.
    pub fn project(&self, point: &[Float]) -> Option<(f64, f64)> {
        if point.len() != self.origin.len() {
            return None;
        }
        let v: Vec<f64> = point
            .iter()
            .zip(&self.origin)
            .map(|(&p, &o)| f64::from(p) - f64::from(o))
            .collect();
        let [d1, d2] = &self.directions;
        let (a11, a12, a22) = (dot(d1, d1), dot(d1, d2), dot(d2, d2));
        let (b1, b2) = (dot(d1, &v), dot(d2, &v));
        let det = a11 * a22 - a12 * a12;
        if det > 1e-12 * a11 * a22 {
            Some(((a22 * b1 - a12 * b2) / det, (a11 * b2 - a12 * b1) / det))
        } else if a11 > 0.0 {
            // Parallel (or a zero d₂): along d₁ only.
            Some((b1 / a11, 0.0))
        } else {
            Some((0.0, 0.0))
        }
    }

    /// A run's whole path (its trajectory and current weights) on this plane; None when the
    /// run's parameters have another layout than the plane's (they cannot be compared).
    pub fn project_run(&self, trainer: &Trainer) -> Option<Vec<(Float, Float)>> {
        if !self.layout.matches(trainer.network()) {
            return None;
        }
        let (points, _) = trainer.trajectory().path(trainer.network(), trainer.epoch());
        points
            .iter()
            .map(|p| self.project(p).map(|(a, b)| (a as Float, b as Float)))
            .collect()
    }

    /// The training loss at θ + α·d₁ + β·d₂, as one grid point of the map computes it.
    pub fn loss_at(&self, trainer: &Trainer, alpha: f64, beta: f64) -> Float {
        let mut network = trainer.network().clone();
        self.place(alpha, beta, &mut Vec::new(), &mut network);
        let (inputs, labels) = trainer.train_set();
        evaluate_split(&network, trainer.config().loss, inputs, labels, &mut Pass::default())
            .finish(network.problem)
            .loss
    }

    /// How much of the way from the current weights to `point` the plane holds: the length
    /// of the point's shadow on the plane, α·d₁ + β·d₂, over its distance ‖point − θ‖ (1
    /// for a point on the plane, near 0 for one almost square to it; 1 for θ itself).
    pub fn captured(&self, point: &[Float]) -> f64 {
        let Some((alpha, beta)) = self.project(point) else {
            return 0.0;
        };
        let [d1, d2] = &self.directions;
        let (mut shadow, mut distance) = (0.0, 0.0);
        for ((&p, &o), (&u, &w)) in point.iter().zip(&self.origin).zip(d1.iter().zip(d2)) {
            shadow += (alpha * u + beta * w).powi(2);
            distance += (f64::from(p) - f64::from(o)).powi(2);
        }
        if distance > 0.0 {
            (shadow / distance).sqrt()
        } else {
            1.0
        }
    }

    /// θ + α·d₁ + β·d₂, written into `network` (of the plane's layout).
    fn place(&self, alpha: f64, beta: f64, values: &mut Vec<Float>, network: &mut Network) {
        let [d1, d2] = &self.directions;
        values.clear();
        values.extend(
            self.origin
                .iter()
                .zip(d1.iter().zip(d2))
                .map(|(&o, (&u, &w))| (f64::from(o) + alpha * u + beta * w) as Float),
        );
        unflatten(values, network);
    }
}

/// The outcome of the principal component analysis of a path.
enum Principal {
    /// Two unit, orthogonal directions and the share of the variance they hold.
    Two([Vec<f64>; 2], f64),
    /// The path is a straight line: its direction.
    One(Vec<f64>),
    /// No spread at all.
    None,
}

/// A second eigenvalue below this share of the first counts as none: the path is straight
/// (f32 weights carry about 7 digits, so their squares about 14).
const FLAT: f64 = 1e-9;

/// The first two principal directions of `points` (the path, each minus the current
/// weights `origin` and then centred, as scikit-learn's PCA in Li et al.'s code does). The
/// covariance of p parameters is p × p; with n ≤ 501 points the n × n Gram matrix of the
/// centred differences has the same non-zero eigenvalues, so the eigenvectors u of the
/// Gram matrix give the directions d = Cᵀu/‖Cᵀu‖. Power iteration with deflation from a
/// fixed start, in f64, so every target gets the same directions. Each direction's sign
/// puts the path's start on its negative side, so the path runs left to right and upwards.
fn principal_directions(points: &[Vec<Float>], origin: &[Float]) -> Principal {
    let n = points.len();
    if n < 2 {
        return Principal::None;
    }
    let p = origin.len();
    let mut centred: Vec<Vec<f64>> = points
        .iter()
        .map(|q| {
            q.iter()
                .zip(origin)
                .map(|(&a, &o)| f64::from(a) - f64::from(o))
                .collect()
        })
        .collect();
    let mut mean = vec![0.0; p];
    for row in &centred {
        mean.iter_mut().zip(row).for_each(|(m, v)| *m += v);
    }
    mean.iter_mut().for_each(|m| *m /= n as f64);
    let start: Vec<f64> = centred[0].clone();
    for row in &mut centred {
        row.iter_mut().zip(&mean).for_each(|(v, m)| *v -= m);
    }
    let mut gram = vec![0.0; n * n];
    for i in 0..n {
        for j in i..n {
            let g = dot(&centred[i], &centred[j]);
            gram[i * n + j] = g;
            gram[j * n + i] = g;
        }
    }
    let total: f64 = (0..n).map(|i| gram[i * n + i]).sum();
    if total.is_nan() || total <= 0.0 || !total.is_finite() {
        return Principal::None;
    }
    let mut directions: Vec<Vec<f64>> = Vec::new();
    let mut values: Vec<f64> = Vec::new();
    for _ in 0..2 {
        let (u, value) = leading_eigenvector(&gram, n);
        if values.first().is_some_and(|&first| value <= FLAT * first) || value.is_nan() || value <= FLAT * total {
            break;
        }
        // Deflate: G ← G − λ·u·uᵀ.
        for i in 0..n {
            for j in 0..n {
                gram[i * n + j] -= value * u[i] * u[j];
            }
        }
        let mut d = vec![0.0; p];
        for (row, &ui) in centred.iter().zip(&u) {
            d.iter_mut().zip(row).for_each(|(x, v)| *x += ui * v);
        }
        // Orthogonal to the first up to rounding; make it exactly so.
        if let Some(first) = directions.first() {
            let along = dot(&d, first);
            d.iter_mut().zip(first).for_each(|(x, f)| *x -= along * f);
        }
        let length = norm(&d);
        if length.is_nan() || length <= 0.0 {
            break;
        }
        d.iter_mut().for_each(|x| *x /= length);
        if dot(&d, &start) > 0.0 {
            d.iter_mut().for_each(|x| *x = -*x);
        }
        directions.push(d);
        values.push(value);
    }
    match directions.len() {
        2 => {
            let share = ((values[0] + values[1]) / total).min(1.0);
            let second = directions.pop().unwrap_or_default();
            let first = directions.pop().unwrap_or_default();
            Principal::Two([first, second], share)
        }
        1 => Principal::One(directions.pop().unwrap_or_default()),
        _ => Principal::None,
    }
}

/// The eigenvector of the largest eigenvalue of the symmetric n × n matrix `m` (row-major)
/// and that eigenvalue, by power iteration from a fixed start until it settles.
fn leading_eigenvector(m: &[f64], n: usize) -> (Vec<f64>, f64) {
    // A start that is not orthogonal to any axis.
    let mut v: Vec<f64> = (0..n).map(|i| 1.0 + 0.37 * ((i * 7919) % 97) as f64 / 97.0).collect();
    let length = norm(&v);
    v.iter_mut().for_each(|x| *x /= length);
    let mut next = vec![0.0; n];
    for _ in 0..1000 {
        for (i, out) in next.iter_mut().enumerate() {
            *out = dot(&m[i * n..(i + 1) * n], &v);
        }
        let length = norm(&next);
        if length.is_nan() || length <= 0.0 || !length.is_finite() {
            return (vec![0.0; n], 0.0);
        }
        next.iter_mut().for_each(|x| *x /= length);
        let change: f64 = next.iter().zip(&v).map(|(a, b)| (a - b) * (a - b)).sum();
        std::mem::swap(&mut v, &mut next);
        if change < 1e-24 {
            break;
        }
    }
    // The Rayleigh quotient.
    let value: f64 = (0..n).map(|i| v[i] * dot(&m[i * n..(i + 1) * n], &v)).sum();
    (v, value.max(0.0))
}

/// Two random directions for the weights `origin` of `layout`, drawn N(0, 1) from `seed`
/// and normalised filter by filter as Li et al. do: each row of a weight matrix (one
/// neuron's incoming weights, or one maxout piece's) is scaled to the norm of the same row
/// of the current weights, so a step of 1 along the direction changes every neuron by as
/// much as its weights weigh, whatever their scale. The directions of biases and of the
/// normalisation's γ and β are zero (Li et al.'s default, `ignore='biasbn'`): the plane
/// moves the weights only. A row whose current weights are all zero stays zero; if every
/// row is (init `zeros` before training), the direction is the raw draw made unit length.
pub fn random_directions(layout: &Layout, origin: &[Float], seed: u64) -> [Vec<f64>; 2] {
    let mut rng = SeededRng::seed_from_u64(seed);
    let mut draw = || {
        let mut d = vec![0.0f64; layout.len()];
        let raw: Vec<f64> = (0..layout.len())
            .map(|_| {
                let v: f64 = StandardNormal.sample(&mut rng);
                v
            })
            .collect();
        let mut offset = 0;
        for &(rows, cols, is_weights) in &layout.params {
            if is_weights {
                // Column-major: entry (r, c) at offset + c·rows + r.
                for r in 0..rows {
                    let at = |c: usize| offset + c * rows + r;
                    let want: f64 = (0..cols).map(|c| f64::from(origin[at(c)]).powi(2)).sum::<f64>().sqrt();
                    let have: f64 = (0..cols).map(|c| raw[at(c)].powi(2)).sum::<f64>().sqrt();
                    if have > 0.0 {
                        for c in 0..cols {
                            d[at(c)] = raw[at(c)] * want / have;
                        }
                    }
                }
            }
            offset += rows * cols;
        }
        if d.iter().all(|&x| x == 0.0) {
            let length = norm(&raw);
            if length > 0.0 {
                d = raw.iter().map(|x| x / length).collect();
            }
        }
        d
    };
    let first = draw();
    let second = draw();
    [first, second]
}

/// One contour line's pieces at a level: straight segments in the plane's (α, β).
#[derive(Clone, Debug, PartialEq)]
pub struct Contour {
    pub level: Float,
    pub segments: Vec<[(Float, Float); 2]>,
}

/// The training loss over a plane of weight space, and the paths on it.
#[derive(Clone, Debug, PartialEq)]
pub struct LossMap {
    /// The plane the map is on.
    pub plane: Plane,
    /// Points per side.
    pub size: usize,
    /// α of column i is `alpha[i]`, β of row j is `beta[j]` (rising).
    pub alpha: Vec<Float>,
    pub beta: Vec<Float>,
    /// The loss at (alpha[i], beta[j]) at `values[j * size + i]` (row 0 the lowest β); NaN
    /// where it is not a finite number.
    pub values: Vec<Float>,
    /// The grid point (column, row) at α = β = 0, the current weights.
    pub centre: (usize, usize),
    /// The smallest and largest finite value.
    pub range: (Float, Float),
    /// Contour lines at [`LEVELS`] levels, spaced evenly in log(loss) between the smallest
    /// and largest value (evenly in loss when the smallest is not above 0).
    pub contours: Vec<Contour>,
    /// The run's path on the plane, from its start to the current weights at (0, 0).
    pub path: Vec<(Float, Float)>,
    /// The epoch of each point of `path`.
    pub epochs: Vec<u64>,
    /// Network B's path on the same plane (compare mode, same layout only).
    pub other: Option<Vec<(Float, Float)>>,
}

impl LossMap {
    /// The loss at the centre, which is the current training loss.
    pub fn centre_value(&self) -> Float {
        self.values[self.centre.1 * self.size + self.centre.0]
    }

    /// The loss at grid point (column i, row j).
    pub fn value(&self, i: usize, j: usize) -> Float {
        self.values[j * self.size + i]
    }
}

/// A grid of `size` values from `lo` to `hi` (about), with 0 exactly on one of them: the
/// values and that index. `lo ≤ 0 ≤ hi`.
fn axis(lo: f64, hi: f64, size: usize) -> (Vec<Float>, usize) {
    let steps = size.max(2) - 1;
    let step = (hi - lo) / steps as f64;
    // The index of 0: lo rounded up to the grid, so the grid stays within the margin.
    let zero = ((-lo / step).floor() as usize).min(steps);
    let values = (0..=steps)
        .map(|i| ((i as f64 - zero as f64) * step) as Float)
        .collect();
    (values, zero)
}

/// The map of `trainer`'s training loss on the plane of `kind` through its current weights,
/// `size` × `size` points (at least 3; [`GRID`] is the panel's), with its path and, in
/// compare mode, `other`'s path on the same plane. The grid covers both paths with a
/// margin of a quarter of the larger span on every side; a path of one point (and random
/// directions, in units of the weights' own size) gets ±1.
pub fn loss_map(trainer: &Trainer, kind: Directions, size: usize, other: Option<&Trainer>) -> LossMap {
    let size = size.max(3);
    let plane = Plane::new(trainer, kind);
    let (points, epochs) = trainer.trajectory().path(trainer.network(), trainer.epoch());
    let path: Vec<(Float, Float)> = points
        .iter()
        .filter_map(|p| plane.project(p))
        .map(|(a, b)| (a as Float, b as Float))
        .collect();
    let other = other.and_then(|o| plane.project_run(o));
    let all = path
        .iter()
        .chain(other.iter().flatten())
        .filter(|(a, b)| a.is_finite() && b.is_finite());
    let (mut a0, mut a1, mut b0, mut b1) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for &(a, b) in all {
        a0 = a0.min(f64::from(a));
        a1 = a1.max(f64::from(a));
        b0 = b0.min(f64::from(b));
        b1 = b1.max(f64::from(b));
    }
    let span = (a1 - a0).max(b1 - b0);
    let margin = if span > 0.0 { span / 4.0 } else { 1.0 };
    let (alpha, ci) = axis(a0 - margin, a1 + margin, size);
    let (beta, cj) = axis(b0 - margin, b1 + margin, size);
    let mut network = trainer.network().clone();
    let (inputs, labels) = trainer.train_set();
    let loss = trainer.config().loss;
    let mut pass = Pass::default();
    let mut scratch = Vec::with_capacity(plane.origin.len());
    let mut values = Vec::with_capacity(size * size);
    for &b in &beta {
        for &a in &alpha {
            plane.place(f64::from(a), f64::from(b), &mut scratch, &mut network);
            let value = evaluate_split(&network, loss, inputs, labels, &mut pass)
                .finish(network.problem)
                .loss;
            values.push(if value.is_finite() { value } else { Float::NAN });
        }
    }
    let finite = values.iter().copied().filter(|v| v.is_finite());
    let range = finite.fold((Float::INFINITY, Float::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let mut map = LossMap {
        plane,
        size,
        alpha,
        beta,
        values,
        centre: (ci, cj),
        range,
        contours: Vec::new(),
        path,
        epochs,
        other,
    };
    map.contours = levels(range.0, range.1)
        .into_iter()
        .map(|level| Contour {
            level,
            segments: contour_segments(&map, level),
        })
        .collect();
    map
}

/// [`LEVELS`] levels strictly between `lo` and `hi`: evenly spaced in log(loss) when `lo`
/// is above 0 (a landscape spans orders of magnitude), else evenly in loss.
pub fn levels(lo: Float, hi: Float) -> Vec<Float> {
    if !(lo.is_finite() && hi.is_finite() && hi > lo) {
        return Vec::new();
    }
    // libm's pow, as everywhere in the engine: the same levels natively and in the page.
    (1..=LEVELS)
        .map(|k| {
            let t = k as Float / (LEVELS + 1) as Float;
            if lo > 0.0 {
                lo * super::math::powf(hi / lo, t)
            } else {
                lo + (hi - lo) * t
            }
        })
        .collect()
}

/// The contour line of `map` at `level`, by marching squares: in each grid cell the level
/// crosses the edges whose ends lie on either side of it, at the linearly interpolated
/// point; a saddle cell (opposite corners on the same side) is split by the cell's mean.
/// Cells with a NaN corner are skipped.
pub fn contour_segments(map: &LossMap, level: Float) -> Vec<[(Float, Float); 2]> {
    let mut out = Vec::new();
    let n = map.size;
    for j in 0..n.saturating_sub(1) {
        for i in 0..n - 1 {
            // Corners counter-clockwise from the lower left.
            let corners = [
                (map.alpha[i], map.beta[j], map.value(i, j)),
                (map.alpha[i + 1], map.beta[j], map.value(i + 1, j)),
                (map.alpha[i + 1], map.beta[j + 1], map.value(i + 1, j + 1)),
                (map.alpha[i], map.beta[j + 1], map.value(i, j + 1)),
            ];
            if corners.iter().any(|c| !c.2.is_finite()) {
                continue;
            }
            let above: Vec<bool> = corners.iter().map(|c| c.2 >= level).collect();
            let crossing = |k: usize| {
                let (p, q) = (corners[k], corners[(k + 1) % 4]);
                let t = (level - p.2) / (q.2 - p.2);
                (p.0 + t * (q.0 - p.0), p.1 + t * (q.1 - p.1))
            };
            let edges: Vec<usize> = (0..4).filter(|&k| above[k] != above[(k + 1) % 4]).collect();
            match edges.len() {
                2 => out.push([crossing(edges[0]), crossing(edges[1])]),
                4 => {
                    // A saddle: pair the edges around the corners that lie on the mean's
                    // other side.
                    let mean = corners.iter().map(|c| c.2).sum::<Float>() / 4.0;
                    if (mean >= level) == above[0] {
                        out.push([crossing(0), crossing(1)]);
                        out.push([crossing(2), crossing(3)]);
                    } else {
                        out.push([crossing(3), crossing(0)]);
                        out.push([crossing(1), crossing(2)]);
                    }
                }
                _ => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trained(query: &str, epochs: u64) -> Trainer {
        let mut t = crate::core::trainer::test_run(query);
        assert_eq!(t.train_epochs(epochs), epochs, "{query} diverged");
        t
    }

    const CONFIGS: [&str; 6] = [
        "dataset=xor&hidden=4&seed=1&lr=0.1",
        "dataset=circle&hidden=5,3&activation=relu&init=he&optimizer=adam&lr=0.01&seed=2",
        "dataset=blobs3&hidden=4&optimizer=momentum&lr=0.01&seed=3",
        "dataset=bumps&hidden=6&activation=maxout&optimizer=rmsprop&lr=0.01&seed=1",
        "dataset=moons&hidden=6,4&norm=batch&dropout=0.2&reg=l2&reg-rate=0.01&optimizer=adam&lr=0.01&seed=4",
        "dataset=spiral&hidden=8,8&norm=layer&activation=swish&optimizer=adam&lr=0.01&seed=5",
    ];

    #[test]
    fn the_centre_is_the_reported_training_loss_and_the_path_ends_there() {
        for query in CONFIGS {
            let mut t = trained(query, 30);
            let loss = t.evaluate().0.loss;
            for kind in Directions::ALL {
                let map = loss_map(&t, kind, 21, None);
                let (i, j) = map.centre;
                assert_eq!((map.alpha[i], map.beta[j]), (0.0, 0.0), "{query}");
                let centre = map.centre_value();
                assert!(
                    (centre - loss).abs() <= 1e-12 * loss.abs(),
                    "{query} {kind:?}: centre {centre} vs training loss {loss}"
                );
                assert_eq!(map.path.last(), Some(&(0.0, 0.0)), "{query} {kind:?}");
                assert_eq!(map.epochs.last(), Some(&30));
                assert_eq!(map.epochs.first(), Some(&0));
                assert_eq!(map.values.len(), 21 * 21);
                // The grid covers the path.
                for &(a, b) in &map.path {
                    assert!(a >= map.alpha[0] && a <= map.alpha[20], "{query}: α {a}");
                    assert!(b >= map.beta[0] && b <= map.beta[20], "{query}: β {b}");
                }
                assert!(map.range.0 <= centre && centre <= map.range.1);
            }
        }
    }

    #[test]
    fn path_directions_are_unit_orthogonal_and_hold_the_paths_spread() {
        for query in CONFIGS {
            let t = trained(query, 40);
            let plane = Plane::new(&t, Directions::Path);
            assert_eq!(plane.fallback, None, "{query}");
            let [d1, d2] = &plane.directions;
            assert!((norm(d1) - 1.0).abs() < 1e-12, "{query}");
            assert!((norm(d2) - 1.0).abs() < 1e-12, "{query}");
            assert!(dot(d1, d2).abs() < 1e-12, "{query}: {}", dot(d1, d2));
            let share = plane.explained.expect("path");
            assert!(share > 0.5 && share <= 1.0, "{query}: {share}");
            // The path starts on the negative side of both directions.
            let map = loss_map(&t, Directions::Path, 11, None);
            assert!(
                map.path[0].0 < 0.0 && map.path[0].1 <= 0.0,
                "{query}: {:?}",
                map.path[0]
            );
        }
    }

    #[test]
    fn pca_of_a_known_path() {
        // Points along (3, 4)/5 with a wiggle along (−4, 3)/5, ending at the origin: the
        // first direction is ±(0.6, 0.8), the second ±(−0.8, 0.6).
        let points: Vec<Vec<Float>> = (0..=20)
            .map(|i| {
                let (t, s) = ((20 - i) as Float, if i % 2 == 0 { 0.1 } else { -0.1 });
                vec![0.6 * t - 0.8 * s, 0.8 * t + 0.6 * s]
            })
            .collect();
        let origin = points[20].clone();
        let Principal::Two([d1, d2], share) = principal_directions(&points, &origin) else {
            panic!("two directions");
        };
        assert!((d1[0] + 0.6).abs() < 1e-6 && (d1[1] + 0.8).abs() < 1e-6, "{d1:?}");
        assert!(
            (d2[0].abs() - 0.8).abs() < 1e-6 && (d2[1].abs() - 0.6).abs() < 1e-6,
            "{d2:?}"
        );
        assert!((share - 1.0).abs() < 1e-12);
        // A straight path has one direction; a single point none.
        let line: Vec<Vec<Float>> = (0..5).map(|i| vec![i as Float, 2.0 * i as Float, 0.0]).collect();
        assert!(matches!(principal_directions(&line, &line[4]), Principal::One(_)));
        assert!(matches!(principal_directions(&line[..1], &line[0]), Principal::None));
        let same = vec![line[1].clone(), line[1].clone()];
        assert!(matches!(principal_directions(&same, &line[1]), Principal::None));
    }

    #[test]
    fn degenerate_paths_fall_back_to_random_directions() {
        // A fresh run: one point, so the random plane.
        let fresh = trained("dataset=xor&hidden=4&seed=1", 0);
        let plane = Plane::new(&fresh, Directions::Path);
        assert_eq!(plane.fallback, Some(Fallback::NoSpread));
        assert_eq!(plane.directions, Plane::new(&fresh, Directions::Random).directions);
        let map = loss_map(&fresh, Directions::Path, 11, None);
        assert_eq!(map.path, [(0.0, 0.0)]);
        assert_eq!((map.alpha[0], map.alpha[10]), (-1.0, 1.0));
        // One epoch: two points on a line; d₂ is the random one made orthogonal.
        let one = trained("dataset=xor&hidden=4&seed=1", 1);
        let plane = Plane::new(&one, Directions::Path);
        assert_eq!(plane.fallback, Some(Fallback::Straight));
        let [d1, d2] = &plane.directions;
        assert!((norm(d1) - 1.0).abs() < 1e-12 && (norm(d2) - 1.0).abs() < 1e-12);
        assert!(dot(d1, d2).abs() < 1e-12);
        let map = loss_map(&one, Directions::Path, 11, None);
        assert_eq!(map.path.len(), 2);
        assert!(map.path[0].0 < 0.0 && map.path[0].1.abs() < 1e-6, "{:?}", map.path);
    }

    #[test]
    fn random_directions_come_from_the_seed_and_are_filter_normalised() {
        let query = "dataset=circle&hidden=5,3&activation=maxout&norm=layer&optimizer=adam&lr=0.01&seed=2";
        let t = trained(query, 10);
        let again = trained(query, 10);
        let plane = Plane::new(&t, Directions::Random);
        assert_eq!(plane.directions, Plane::new(&again, Directions::Random).directions);
        let other = trained(&query.replace("seed=2", "seed=3"), 10);
        assert_ne!(
            plane.directions[0],
            Plane::new(&other, Directions::Random).directions[0]
        );
        assert_ne!(plane.directions[0], plane.directions[1]);
        // Row by row the directions have the norm of the weights' rows; biases, γ, β zero.
        for d in &plane.directions {
            let mut offset = 0;
            let mut weights_seen = 0;
            for layer in &t.network().layers {
                for (k, p) in layer.params().enumerate() {
                    let (rows, cols) = p.value.shape();
                    let part = &d[offset..offset + rows * cols];
                    if k == 0 {
                        weights_seen += 1;
                        for r in 0..rows {
                            let dn: f64 = (0..cols).map(|c| part[c * rows + r].powi(2)).sum::<f64>().sqrt();
                            let wn: f64 = (0..cols)
                                .map(|c| f64::from(p.value[(r, c)]).powi(2))
                                .sum::<f64>()
                                .sqrt();
                            assert!((dn - wn).abs() <= 1e-9 * wn, "row {r}: {dn} vs {wn}");
                        }
                    } else {
                        assert!(part.iter().all(|&x| x == 0.0), "bias, γ or β moved");
                    }
                    offset += rows * cols;
                }
            }
            assert_eq!(weights_seen, 3);
            assert_eq!(offset, d.len());
        }
        // Weights all zero: the raw draw, unit length.
        let zeros = trained("dataset=xor&hidden=3&init=zeros&seed=1", 0);
        let [d1, _] = Plane::new(&zeros, Directions::Random).directions;
        assert!((norm(&d1) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn the_trajectory_is_bounded_and_follows_the_layout() {
        let mut t = trained("dataset=xor&hidden=2&seed=1&lr=0.1&batch=100", 1200);
        let traj = t.trajectory();
        assert!(traj.snapshots().len() <= MAX_SNAPSHOTS, "{}", traj.snapshots().len());
        assert!(traj.snapshots().len() > MAX_SNAPSHOTS / 4);
        assert_eq!(traj.epochs()[0], 0);
        assert_eq!(traj.stride(), 4);
        assert!(traj.epochs().windows(2).all(|w| w[0] < w[1]));
        assert!(traj.epochs()[1..].iter().all(|e| e % 4 == 0));
        assert_eq!(traj.snapshots()[0].len(), t.network().parameter_count());
        assert!(traj.layout().matches(t.network()));
        // A large network keeps fewer, bounded in values.
        assert_eq!(Trajectory::capacity(25), MAX_SNAPSHOTS);
        assert_eq!(Trajectory::capacity(5000), 100);
        assert_eq!(Trajectory::capacity(1_000_000), MIN_SNAPSHOTS);
        // A change that keeps the layout keeps the trajectory; a new neuron restarts it.
        let kept = t.trajectory().snapshots().len();
        t.set("lr", "0.05").expect("valid");
        assert_eq!(t.trajectory().snapshots().len(), kept);
        assert!(t.add_neuron(0));
        assert_eq!(t.trajectory().snapshots().len(), 1);
        assert_eq!(t.trajectory().epochs(), [1200]);
        t.train_epochs(3);
        assert_eq!(t.trajectory().epochs(), [1200, 1201, 1202, 1203]);
        t.set("norm", "layer").expect("valid");
        assert_eq!(t.trajectory().snapshots().len(), 1, "γ and β are parameters");
        t.reset();
        assert_eq!(t.trajectory().epochs(), [0]);
        assert_eq!(t.trajectory().snapshots()[0], flatten(t.network()));
    }

    #[test]
    fn another_runs_path_on_the_plane() {
        let a = trained("dataset=circle&hidden=4&optimizer=sgd&lr=0.05&seed=1", 30);
        let b = trained("dataset=circle&hidden=4&optimizer=momentum&lr=0.05&seed=1", 30);
        let map = loss_map(&a, Directions::Path, 11, Some(&b));
        let other = map.other.clone().expect("same layout");
        assert_eq!(other.len(), 31);
        // Same start (same seed, same init), so the same first point.
        assert_eq!(other[0], map.path[0]);
        // B's current weights are its last point: its projection onto A's plane.
        let last = map.plane.project(&flatten(b.network())).expect("same length");
        assert_eq!(other[30], (last.0 as Float, last.1 as Float));
        // A run projected onto its own plane is its own path.
        assert_eq!(map.plane.project_run(&a).expect("same"), map.path);
        // The grid covers B's path too.
        for &(x, y) in &other {
            assert!(x >= map.alpha[0] && x <= map.alpha[10] && y >= map.beta[0] && y <= map.beta[10]);
        }
        // Another layout cannot be projected.
        let wider = trained("dataset=circle&hidden=5&seed=1", 3);
        assert!(map.plane.project_run(&wider).is_none());
        assert!(loss_map(&a, Directions::Path, 11, Some(&wider)).other.is_none());
    }

    #[test]
    fn least_squares_projection_for_directions_that_are_not_orthogonal() {
        let t = trained("dataset=xor&hidden=2&seed=1", 5);
        let mut plane = Plane::new(&t, Directions::Random);
        let n = plane.origin.len();
        plane.directions = [vec![1.0; n], (0..n).map(|i| if i == 0 { 2.0 } else { 1.0 }).collect()];
        let point: Vec<Float> = plane
            .origin
            .iter()
            .enumerate()
            .map(|(i, &o)| o + 0.5 * 1.0 + 0.25 * if i == 0 { 2.0 } else { 1.0 })
            .collect();
        let (a, b) = plane.project(&point).expect("same length");
        assert!((a - 0.5).abs() < 1e-5 && (b - 0.25).abs() < 1e-5, "{a} {b}");
        assert_eq!(plane.project(&point[1..]), None);
    }

    #[test]
    fn contours_of_a_bowl_are_circles() {
        let t = trained("dataset=xor&hidden=2&seed=1", 0);
        let mut map = loss_map(&t, Directions::Random, 41, None);
        for j in 0..41 {
            for i in 0..41 {
                let (a, b) = (map.alpha[i], map.beta[j]);
                map.values[j * 41 + i] = a * a + b * b;
            }
        }
        let segments = contour_segments(&map, 0.25);
        assert!(segments.len() > 20);
        for [p, q] in segments {
            for (a, b) in [p, q] {
                let r = (a * a + b * b).sqrt();
                assert!((r - 0.5).abs() < 0.01, "{a} {b}");
            }
        }
        let l = levels(0.01, 100.0);
        assert_eq!(l.len(), LEVELS);
        assert!(l.windows(2).all(|w| w[0] < w[1]) && l[0] > 0.01 && l[LEVELS - 1] < 100.0);
        // Even in log: the ratios are equal.
        assert!((l[1] / l[0] - l[5] / l[4]).abs() < 1e-4);
        assert!(levels(1.0, 1.0).is_empty());
    }
}
