//! A whole training epoch of plain SGD in one call: for every batch the gather, the forward
//! pass, the loss's gradient (a callback: the losses live in nnlab's core), the backward pass
//! and the update. A small network's batch is a few hundred nanoseconds of arithmetic, and
//! walking it layer by layer from the size-optimised core cost more than the arithmetic;
//! here one loop compiled for speed calls the same kernels, and the SGD step and its
//! finiteness check are one pass.
//!
//! The arithmetic is exactly that of the per-layer entry points, in the same order, so a
//! fused epoch gives the same weights bit for bit as the layer-by-layer one (tested in nnlab's
//! core).

use crate::f4::{load_unchecked, store_at, store_unchecked, F4};
use crate::logistic_with;
use crate::tile::{self, Constants, Rule};
use crate::{dense_rows, outer_rows, padded, relu_delta, sgd_step, sigmoid_delta, tanh_delta, transposed_rows};

/// The activations whose derivative is a plain element-wise rule, which the fused epoch runs
/// itself (the others train layer by layer).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Elementwise {
    /// a = z (the output layer's raw scores).
    #[default]
    Linear,
    /// a = tanh(z), f′ = 1 − a².
    Tanh,
    /// a = σ(z), f′ = a(1 − a).
    Sigmoid,
    /// a = max(0, z), f′ = [z > 0].
    Relu,
}

/// The element-wise activations other than the identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Nonlinear {
    Tanh,
    Sigmoid,
    Relu,
}

impl Elementwise {
    /// `None` for [`Elementwise::Linear`], whose a is z and δ is the upstream gradient (no
    /// pass over the row at all).
    #[inline(always)]
    fn nonlinear(self) -> Option<Nonlinear> {
        match self {
            Elementwise::Linear => None,
            Elementwise::Tanh => Some(Nonlinear::Tanh),
            Elementwise::Sigmoid => Some(Nonlinear::Sigmoid),
            Elementwise::Relu => Some(Nonlinear::Relu),
        }
    }
}

impl Nonlinear {
    /// δ = upstream ⊙ f′(z) over a layer.
    #[inline(always)]
    fn delta(self, upstream: &[f32], z: &[f32], a: &[f32], delta: &mut [f32]) {
        match self {
            Nonlinear::Tanh => tanh_delta(upstream, a, delta),
            Nonlinear::Sigmoid => sigmoid_delta(upstream, a, delta),
            Nonlinear::Relu => relu_delta(upstream, z, delta),
        }
    }
}

/// One fully connected layer, borrowed from the network that owns it: `weights` is rows ×
/// fan_in column-major (row r, input j at j·rows + r), `biases` has one value per row, and
/// the gradients have the same shapes.
#[derive(Debug, Default)]
pub struct DenseLayer<'a> {
    pub activation: Elementwise,
    pub weights: &'a mut [f32],
    pub biases: &'a mut [f32],
    pub weight_grad: &'a mut [f32],
    pub bias_grad: &'a mut [f32],
}

impl DenseLayer<'_> {
    fn rows(&self) -> usize {
        self.biases.len()
    }
}

/// The most layers [`sgd_epoch`] takes (nnlab allows 8 hidden layers and the output layer).
pub const MAX_LAYERS: usize = 16;

/// The per-batch values of a fused epoch, kept between epochs so training allocates nothing
/// once the shapes are settled. Each buffer is batch-major (one row per neuron, `stride`
/// points), sized for the largest batch.
#[derive(Clone, Debug, Default)]
pub struct EpochBuffers {
    input: Vec<f32>,
    labels: Vec<f32>,
    pre_activation: Vec<Vec<f32>>,
    activation: Vec<Vec<f32>>,
    delta: Vec<Vec<f32>>,
    upstream: Vec<Vec<f32>>,
}

impl EpochBuffers {
    /// Layer `l`'s rows for a forward pass at `stride`: the layer below's a (the batch's
    /// inputs for the first layer), and this layer's z and a, `rows` × `stride` each.
    #[inline(always)]
    fn forward_rows(
        &mut self,
        l: usize,
        features: usize,
        rows: usize,
        stride: usize,
    ) -> (&[f32], &mut [f32], &mut [f32]) {
        let (done, rest) = self.activation.split_at_mut(l);
        let below: &[f32] = if l == 0 {
            &self.input[..features * stride]
        } else {
            &done[l - 1][..]
        };
        (
            below,
            &mut self.pre_activation[l][..rows * stride],
            &mut rest[0][..rows * stride],
        )
    }
}

/// Makes `v` exactly `len` long, reusing its memory.
fn ensure_len(v: &mut Vec<f32>, len: usize) {
    if v.len() != len {
        v.clear();
        v.resize(len, 0.0);
    }
}

/// Why an epoch stopped before its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// A batch's output scores held a NaN or an infinity (before any update from it).
    Scores,
    /// An update left a NaN or an infinity in the weights or biases.
    Weights,
}

/// What [`sgd_epoch`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Epoch {
    /// Optimizer steps taken (including one that left a non-finite weight).
    pub updates: u64,
    /// Where it stopped early, if it did.
    pub stop: Option<Stop>,
}

/// The loss's part of a batch: given the output scores (`outputs` rows of `stride` points),
/// the stride and the batch's labels (one per real point), writes dL/ds ÷ points into `grad`
/// (same shape, zero on the padding) and returns whether every score is finite.
pub type HeadRule<'h> = dyn FnMut(&[f32], usize, &[f32], &mut [f32]) -> bool + 'h;

/// The loss's part of a batch, as [`sgd_epoch`] runs it.
pub enum Head<'a, 'h> {
    /// One score s per point and dL/ds = σ(s) − y (binary cross-entropy from the logit,
    /// also softmax cross-entropy over two classes), ÷ points: computed here, four points at
    /// a time, as nnlab's core computes it (σ = 1/(1 + e^−s) by [`crate::exp_f32`], then
    /// p − y, then × (1 ÷ points), in that order), so with the same bits.
    ProbabilityMinusLabel,
    /// Any other loss, through nnlab's core (see [`HeadRule`]).
    Rule(&'a mut HeadRule<'h>),
}

impl Head<'_, '_> {
    /// Writes dL/ds ÷ points of a batch's `scores` into `grad` (zero on the padding) and
    /// returns whether every real point's score is finite. `labels` is the batch's row of labels (`stride` long, zero past the real `points`).
    #[inline(always)]
    fn gradient(&mut self, scores: &[f32], labels: &[f32], points: usize, grad: &mut [f32], c: &Constants) -> bool {
        let stride = labels.len();
        match self {
            Head::Rule(rule) => rule(scores, stride, &labels[..points], grad),
            Head::ProbabilityMinusLabel => probability_minus_label(scores, labels, points, grad, c),
        }
    }
}

/// [`Head::ProbabilityMinusLabel`] over one row of scores, read four at a time with its
/// labels (`labels`: the row's length, `padded(points)`, zero past the real `points`); the
/// padding's gradient is set to zero.
#[inline(always)]
fn probability_minus_label(scores: &[f32], labels: &[f32], points: usize, grad: &mut [f32], c: &Constants) -> bool {
    let stride = labels.len();
    if scores.len() < stride || grad.len() < stride || points == 0 || padded(points) != stride {
        grad.fill(0.0);
        return points == 0;
    }
    // As the core's finiteness check: Σ s·0 over the real points is 0 exactly when all are finite.
    let finite = scores[..points].iter().fold(0.0, |acc, &s| acc + s * 0.0) == 0.0;
    let scale = F4::splat(1.0 / points as f32);
    // The last register's padding lanes are masked to +0, as the core writes them (also if
    // a padding score were not finite).
    let mut real = [0.0; 4];
    real[..points + 4 - stride].fill(1.0);
    let real = F4::load(&real);
    for at in (0..stride).step_by(4) {
        // SAFETY: at + 4 ≤ stride ≤ the lengths of scores, labels and grad (checked above).
        unsafe {
            let p = logistic_with(load_unchecked(scores, at), &c.exp);
            let g = p.sub(load_unchecked(labels, at)).mul(scale);
            store_unchecked(if at + 4 < stride { g } else { real.where_positive(g) }, grad, at);
        }
    }
    finite
}

/// One epoch of plain SGD (w ← w − η·∂L/∂w after every batch) over the points `order` of
/// `inputs` (point-major: point i's `features` values at i·features) with their `labels`,
/// in batches of `batch` (the last one shorter). Changes every layer's weights, biases and
/// gradients (the gradients end as those of the last batch) and `buffers`. Returns `None`,
/// changing nothing, when the layers do not chain (a fan-in that is not the width below it,
/// gradients of another shape, no layer, more than [`MAX_LAYERS`]) or when `head` is
/// [`Head::ProbabilityMinusLabel`] and the output layer has more than one score.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
pub fn sgd_epoch(
    layers: &mut [DenseLayer<'_>],
    inputs: &[f32],
    features: usize,
    labels: &[f32],
    order: &[usize],
    batch: usize,
    learning_rate: f32,
    head: &mut Head<'_, '_>,
    buffers: &mut EpochBuffers,
) -> Option<Epoch> {
    let count = layers.len();
    if count == 0 || count > MAX_LAYERS || batch == 0 {
        return None;
    }
    // Each layer's fan-in, the width below it, found once per epoch (no division per batch).
    let mut fan_ins = [0; MAX_LAYERS];
    let mut width = features;
    for (layer, fan_in) in layers.iter().zip(&mut fan_ins) {
        *fan_in = width;
        let rows = layer.rows();
        if rows == 0
            || layer.weights.len() != rows * width
            || layer.weight_grad.len() != layer.weights.len()
            || layer.bias_grad.len() != rows
        {
            return None;
        }
        width = rows;
    }
    if matches!(head, Head::ProbabilityMinusLabel) && width != 1 {
        return None;
    }
    if order
        .iter()
        .any(|&i| i >= labels.len() || (i + 1) * features > inputs.len())
    {
        return None;
    }

    // Buffers for the largest batch; a shorter last batch uses the front of each row set.
    let most = padded(batch.min(order.len()));
    ensure_len(&mut buffers.input, features * most);
    ensure_len(&mut buffers.labels, most);
    for set in [
        &mut buffers.pre_activation,
        &mut buffers.activation,
        &mut buffers.delta,
        &mut buffers.upstream,
    ] {
        set.resize_with(count, Vec::new);
    }
    for (l, layer) in layers.iter().enumerate() {
        let len = layer.rows() * most;
        ensure_len(&mut buffers.pre_activation[l], len);
        ensure_len(&mut buffers.activation[l], len);
        ensure_len(&mut buffers.delta[l], len);
        ensure_len(&mut buffers.upstream[l], len);
    }

    let constants = Constants::new();
    let mut updates = 0;
    for order in order.chunks(batch) {
        let stride = padded(order.len());
        let input = &mut buffers.input[..features * stride];
        gather_batch(inputs, features, order, stride, input);
        // Zero the last register first, then the labels over it: the padding's labels are
        // zero without a call to memset.
        let batch_labels = &mut buffers.labels[..stride];
        store_at(F4::splat(0.0), batch_labels, stride - 4);
        for (label, &i) in batch_labels.iter_mut().zip(order) {
            *label = labels[i];
        }

        // A batch of up to 16 points is one tile: the fused forward and backward below.
        let tiled = (stride <= 16).then(|| {
            tile_batch(
                stride / 4,
                layers,
                &fan_ins,
                buffers,
                order.len(),
                learning_rate,
                head,
                &constants,
            )
        });
        match tiled {
            Some(Err(stop)) => {
                return Some(Epoch {
                    updates,
                    stop: Some(stop),
                })
            }
            Some(Ok(finite)) => {
                updates += 1;
                if !finite {
                    return Some(Epoch {
                        updates,
                        stop: Some(Stop::Weights),
                    });
                }
                continue;
            }
            None => {}
        }

        // Forward: z = W·a_prev + b, a = f(z), layer by layer (a linear layer's a is its z,
        // written straight into a).
        for (l, layer) in layers.iter().enumerate() {
            let (below, z, a) = buffers.forward_rows(l, features, layer.rows(), stride);
            // The shapes were checked above, so the fused layer always runs.
            dense_rows(layer.activation, layer.weights, layer.biases, below, stride, z, a);
        }

        // The loss's gradient dL/ds, as the output layer's upstream gradient.
        let outputs = layers[count - 1].rows();
        let scores = &buffers.activation[count - 1][..outputs * stride];
        let grad = &mut buffers.upstream[count - 1][..outputs * stride];
        if !head.gradient(scores, &buffers.labels[..stride], order.len(), grad, &constants) {
            return Some(Epoch {
                updates,
                stop: Some(Stop::Scores),
            });
        }

        // Backward from the top; each layer's W feeds the gradient below it before it is
        // updated, so the step uses the gradients of the weights the forward pass used.
        let mut finite = true;
        for l in (0..count).rev() {
            let layer = &mut layers[l];
            let rows = layer.rows();
            let fan_in = fan_ins[l];
            let (lower, upper) = buffers.upstream.split_at_mut(l);
            let upstream = &upper[0][..rows * stride];
            // δ = dL/da ⊙ f′(z); a linear layer's δ is its upstream gradient itself.
            let delta: &[f32] = match layer.activation.nonlinear() {
                Some(activation) => {
                    let delta = &mut buffers.delta[l][..rows * stride];
                    activation.delta(
                        upstream,
                        &buffers.pre_activation[l][..rows * stride],
                        &buffers.activation[l][..rows * stride],
                        delta,
                    );
                    delta
                }
                None => upstream,
            };
            let below: &[f32] = if l == 0 {
                &buffers.input[..features * stride]
            } else {
                &buffers.activation[l - 1][..fan_in * stride]
            };
            outer_rows(delta, below, fan_in, stride, layer.weight_grad, layer.bias_grad);
            if l > 0 {
                transposed_rows(layer.weights, rows, delta, stride, &mut lower[l - 1][..fan_in * stride]);
            }
            finite &= sgd_step(learning_rate, layer.weight_grad, layer.weights)
                & sgd_step(learning_rate, layer.bias_grad, layer.biases);
        }
        updates += 1;
        if !finite {
            return Some(Epoch {
                updates,
                stop: Some(Stop::Weights),
            });
        }
    }
    Some(Epoch { updates, stop: None })
}

/// One batch whose rows are one tile of `registers` (1 to 4) registers (stride 4·registers): the forward pass with the
/// activations inside the products' tiles ([`dense_tile`]), the head, then from the top each
/// layer's backward pass fused with its SGD step ([`backward_tile`]). The same operations in
/// the same order as the general loop of [`sgd_epoch`], so the same weights bit for bit,
/// without its per-layer passes over stored rows. `Ok` says whether every updated weight is
/// finite; `Err` that the scores were not (nothing updated). The shapes were checked by
/// [`sgd_epoch`], which sized `buffers` for at least this stride.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn tile_batch(
    registers: usize,
    layers: &mut [DenseLayer<'_>],
    fan_ins: &[usize; MAX_LAYERS],
    buffers: &mut EpochBuffers,
    points: usize,
    learning_rate: f32,
    head: &mut Head<'_, '_>,
    c: &Constants,
) -> Result<bool, Stop> {
    let stride = 4 * registers;
    let count = layers.len();
    let features = fan_ins[0];
    for (l, layer) in layers.iter().enumerate() {
        // The backward tile reads a, never z: z is not stored.
        let (below, _, a) = buffers.forward_rows(l, features, layer.rows(), stride);
        let view = tile::Layer {
            w: layer.weights,
            b: layer.biases,
            below,
            stride,
            inputs: fan_ins[l],
        };
        debug_assert!(view.fits(usize::MAX, a.len()));
        tile::dense_tile_of(registers, layer.activation, &view, 0, &mut [], a, c);
    }

    let outputs = layers[count - 1].rows();
    let scores = &buffers.activation[count - 1][..outputs * stride];
    let grad = &mut buffers.upstream[count - 1][..outputs * stride];
    if !head.gradient(scores, &buffers.labels[..stride], points, grad, c) {
        return Err(Stop::Scores);
    }

    let mut check = 0.0;
    for l in (0..count).rev() {
        let layer = &mut layers[l];
        let (rows, fan_in) = (layer.rows(), fan_ins[l]);
        let (lower, upper) = buffers.upstream.split_at_mut(l);
        let rows_of = Rows {
            upstream: &upper[0][..rows * stride],
            a: &buffers.activation[l][..rows * stride],
            below: if l == 0 {
                &buffers.input[..features * stride]
            } else {
                &buffers.activation[l - 1][..fan_in * stride]
            },
            fan_in,
        };
        let up_below = match l {
            0 => None,
            _ => Some(&mut lower[l - 1][..fan_in * stride]),
        };
        check += match registers {
            1 => backward_tile::<1>(layer, &rows_of, up_below, learning_rate, c),
            2 => backward_tile::<2>(layer, &rows_of, up_below, learning_rate, c),
            3 => backward_tile::<3>(layer, &rows_of, up_below, learning_rate, c),
            _ => backward_tile::<4>(layer, &rows_of, up_below, learning_rate, c),
        };
    }
    Ok(check == 0.0)
}

/// A layer's rows in a tiled batch: dL/da (`upstream`) and a, rows × stride, and the layer
/// below's a (`fan_in` × stride).
struct Rows<'a> {
    upstream: &'a [f32],
    a: &'a [f32],
    below: &'a [f32],
    fan_in: usize,
}

/// One layer's backward pass over a batch of V registers per row, with its SGD step: for
/// each neuron r, δ = dL/da ⊙ f′ in registers, then dL/db = Σ δ, dL/dW[r, j] = Σ δ·a_j
/// (four inputs' sums from one register), Wᵀ·δ added into the layer below's upstream
/// gradient `up_below` (when there is a layer below) with the weight before its step, and
/// w ← w − η·g. Changes the layer's weights, biases and gradients and `up_below`. Returns
/// Σ w·0 over the updated values: 0 when all are finite, NaN otherwise.
///
/// The same operations in the same order as `outer_rows`, `transposed_rows` and `sgd_step`
/// (per-lane sums in order of the registers, then (l0 + l2) + (l1 + l3); up_j summed in
/// order of r from 0), so the same bits.
#[inline(never)]
fn backward_tile<const V: usize>(
    layer: &mut DenseLayer<'_>,
    rows_of: &Rows<'_>,
    mut up_below: Option<&mut [f32]>,
    learning_rate: f32,
    c: &Constants,
) -> f32 {
    let stride = 4 * V;
    let (rows, fan_in) = (layer.rows(), rows_of.fan_in);
    let (upstream, a, below) = (rows_of.upstream, rows_of.a, rows_of.below);
    // What the unchecked accesses below rely on (tile_batch slices them so).
    assert!(
        upstream.len() >= rows * stride
            && a.len() >= rows * stride
            && below.len() >= fan_in * stride
            && layer.weights.len() == rows * fan_in
            && layer.weight_grad.len() == rows * fan_in
            && layer.biases.len() == rows
            && layer.bias_grad.len() == rows
            && up_below.as_ref().is_none_or(|up| up.len() >= fan_in * stride)
    );
    let step = -learning_rate;
    let mut check = 0.0;
    for r in 0..rows {
        let mut delta = [F4::splat(0.0); V];
        for (v, d) in delta.iter_mut().enumerate() {
            let at = r * stride + 4 * v;
            // SAFETY: at + 4 ≤ rows·stride, asserted above.
            let (upstream, a) = unsafe { (load_unchecked(upstream, at), load_unchecked(a, at)) };
            // One branch per register, always the same way within a layer; one copy of this
            // function per width instead of one per width and rule (.wasm size).
            *d = match layer.activation {
                Elementwise::Linear => tile::Linear::delta(upstream, a, c),
                Elementwise::Tanh => tile::Tanh::delta(upstream, a, c),
                Elementwise::Sigmoid => tile::Sigmoid::delta(upstream, a, c),
                Elementwise::Relu => tile::Relu::delta(upstream, a, c),
            };
        }
        let mut bias_sum = F4::splat(0.0);
        for &d in &delta {
            bias_sum = bias_sum.add(d);
        }
        let g = bias_sum.sum();
        layer.bias_grad[r] = g;
        layer.biases[r] += step * g;
        check += layer.biases[r] * 0.0;

        let mut j = 0;
        while j < fan_in {
            let inputs = (fan_in - j).min(4);
            let mut sums = [F4::splat(0.0); 4];
            for (i, sum) in sums.iter_mut().enumerate().take(inputs) {
                let row = (j + i) * stride;
                for (v, &d) in delta.iter().enumerate() {
                    // SAFETY: row + 4·v + 4 ≤ fan_in·stride, asserted above.
                    *sum = sum.add_mul(d, unsafe { load_unchecked(below, row + 4 * v) });
                }
                if let Some(up) = up_below.as_deref_mut() {
                    // SAFETY: (j + i)·rows + r < fan_in·rows = weights.len().
                    let weight = F4::splat(unsafe { *layer.weights.get_unchecked((j + i) * rows + r) });
                    for (v, &d) in delta.iter().enumerate() {
                        let at = row + 4 * v;
                        // SAFETY: at + 4 ≤ fan_in·stride ≤ up.len(), asserted above.
                        unsafe {
                            let before = if r == 0 { F4::splat(0.0) } else { load_unchecked(up, at) };
                            store_unchecked(before.add_mul(weight, d), up, at);
                        }
                    }
                }
            }
            let mut g = [0.0; 4];
            F4::sum4(sums).store(&mut g);
            for (i, &g) in g.iter().enumerate().take(inputs) {
                let at = (j + i) * rows + r;
                // SAFETY: at < fan_in·rows = weights.len() = weight_grad.len(), asserted above.
                unsafe {
                    *layer.weight_grad.get_unchecked_mut(at) = g;
                    let w = layer.weights.get_unchecked_mut(at);
                    *w += step * g;
                    check += *w * 0.0;
                }
            }
            j += 4;
        }
    }
    check
}

/// The batch's points `order` of `inputs` (point-major) into batch-major `target` (feature
/// f's row at f·stride), the padding zeroed: [`crate::gather_rows`] for the indices
/// [`sgd_epoch`] has checked (every (i + 1)·features ≤ inputs.len()), so without a bounds
/// check per value, a division or a call to memset.
#[inline(always)]
fn gather_batch(inputs: &[f32], features: usize, order: &[usize], stride: usize, target: &mut [f32]) {
    assert!(order.len() <= stride && stride.is_multiple_of(4) && target.len() >= features * stride);
    for f in 0..features {
        let row = &mut target[f * stride..(f + 1) * stride];
        // The last register zeroed first, then the points written over it.
        store_at(F4::splat(0.0), row, stride - 4);
        for (slot, &i) in row.iter_mut().zip(order) {
            debug_assert!((i + 1) * features <= inputs.len());
            // SAFETY: sgd_epoch checked (i + 1)·features ≤ inputs.len() for every i in order.
            *slot = unsafe { *inputs.get_unchecked(i * features + f) };
        }
    }
}
