//! The multi-layer perceptron: layers of weights and biases, and the three separate steps
//! of training — [`Network::forward`], [`Network::backward`] and [`Network::update`] — each
//! over a whole batch at once (one matrix product per layer). The batch is kept
//! batch-major: each neuron's values for every point sit in one row, padded to whole SIMD
//! registers, so the products and activations run over the points in the inner loop.

use nalgebra::DMatrix;
use rand::Rng;

use super::activation::Activation;
use super::init::Init;
use super::layer::{ensure_len, params_mut, LayerPass, Mode};
use super::loss::Loss;
use super::loss::MAX_CLASSES;
use super::optimizer::{Optimizer, OptimizerParams};
use super::regularization::Regularization;
use super::{Float, Problem, SeededRng};
use nnlab_kernels::mlp::{sgd_epoch, DenseLayer, Epoch, EpochBuffers, Head, MAX_LAYERS as MAX_FUSED_LAYERS};
use nnlab_kernels::{gather_rows, padded, transpose_rows};
use rand::SeedableRng;

pub use super::layer::Layer;

/// Everything one forward and backward pass computes for a batch, kept between passes so
/// training allocates nothing once the batch size is settled. Index l is layer l. Every
/// buffer is batch-major: row r (one neuron, or one maxout piece) holds its value for every
/// point, `stride` entries apart; the entries past `points` are padding (zero inputs, zero
/// gradients) so that the loops always run over whole SIMD registers.
#[derive(Clone, Debug, Default)]
pub struct Pass {
    points: usize,
    stride: usize,
    /// The batch's inputs, features × stride.
    input: Vec<Float>,
    /// Layer l's values.
    layers: Vec<LayerPass>,
    /// Whether the pass keeps only what each layer hands on (its a), not z where the
    /// activation is fused into the product: the boundary grid, which reads a alone.
    outputs_only: bool,
}

/// Row `row` of a batch-major buffer, only its `points` real values (empty if out of range).
fn row_of(buffer: &[Float], stride: usize, points: usize, row: usize) -> &[Float] {
    buffer.get(row * stride..row * stride + points).unwrap_or(&[])
}

impl Pass {
    /// A pass that keeps only each layer's output a, not its pre-activations (where the
    /// activation is computed inside the product): for passes that read a alone (the
    /// boundary grid, 10 000 points every frame), a store per value less.
    /// [`Pass::pre_activation`] of such a pass is empty for those layers.
    pub fn outputs_only() -> Pass {
        Pass {
            outputs_only: true,
            ..Pass::default()
        }
    }

    /// Loads every point of `inputs` (features × points, one point per column) as the batch.
    pub fn load(&mut self, inputs: &DMatrix<Float>) {
        let (features, points) = inputs.shape();
        self.set_points(features, points);
        transpose_rows(inputs.as_slice(), features, self.stride, &mut self.input);
    }

    /// Loads the points `order` of `inputs` (features × points) as the batch, in that order.
    pub fn gather(&mut self, inputs: &DMatrix<Float>, order: &[usize]) {
        let features = inputs.nrows();
        self.set_points(features, order.len());
        gather_rows(inputs.as_slice(), features, order, self.stride, &mut self.input);
    }

    fn set_points(&mut self, features: usize, points: usize) {
        self.points = points;
        self.stride = padded(points);
        ensure_len(&mut self.input, features * self.stride);
    }

    /// Number of points in the batch.
    pub fn points(&self) -> usize {
        self.points
    }

    /// Number of layers the last forward pass went through.
    pub fn layers(&self) -> usize {
        self.layers.len()
    }

    /// Rows of a layer's pre-activations (neurons·pieces).
    pub fn pre_activation_rows(&self, layer: usize) -> usize {
        self.layers.get(layer).map_or(0, |l| l.z().len() / self.stride.max(1))
    }

    /// Neurons of a layer (rows of its activations).
    pub fn neurons(&self, layer: usize) -> usize {
        self.layers
            .get(layer)
            .map_or(0, |l| l.activation.len() / self.stride.max(1))
    }

    /// Row `row` of one of layer `layer`'s buffers (empty if out of range).
    fn row(&self, layer: usize, buffer: impl Fn(&LayerPass) -> &[Float], row: usize) -> &[Float] {
        self.layers
            .get(layer)
            .map_or(&[][..], |l| row_of(buffer(l), self.stride, self.points, row))
    }

    /// Input feature `feature` of every point.
    pub fn input(&self, feature: usize) -> &[Float] {
        row_of(&self.input, self.stride, self.points, feature)
    }

    /// Pre-activation z of row `row` of layer `layer`, for every point.
    pub fn pre_activation(&self, layer: usize, row: usize) -> &[Float] {
        self.row(layer, LayerPass::z, row)
    }

    /// What f read in row `row` of layer `layer`, for every point: u = γ·ẑ + β when the layer
    /// normalises, else z.
    pub fn activation_input(&self, layer: usize, row: usize) -> &[Float] {
        self.row(layer, LayerPass::activation_input, row)
    }

    /// Normalisation's ẑ of row `row` of layer `layer` (empty when it does not normalise).
    pub fn normalized(&self, layer: usize, row: usize) -> &[Float] {
        self.row(layer, |l| if l.norm.active { &l.norm.normalized } else { &[] }, row)
    }

    /// The μ and σ² normalisation used for row `row` and point `point` of layer `layer`
    /// (None when it does not normalise): the batch's or running estimates (batch norm) or
    /// the point's over its neurons (layer norm).
    pub fn norm_statistics(&self, layer: usize, row: usize, point: usize) -> Option<(Float, Float)> {
        let norm = &self.layers.get(layer)?.norm;
        if !norm.active {
            return None;
        }
        let at = if norm.per_point { point } else { row };
        Some((*norm.mean.get(at)?, *norm.variance.get(at)?))
    }

    /// Whether dropout zeroed neuron `neuron` of layer `layer` for point `point` in this
    /// pass (false when dropout did not act).
    pub fn dropped(&self, layer: usize, neuron: usize, point: usize) -> bool {
        self.layers
            .get(layer)
            .is_some_and(|l| l.dropout && point < self.points && l.mask.get(neuron * self.stride + point) == Some(&0.0))
    }

    /// Output a of neuron `neuron` of layer `layer` (the raw scores for the output layer).
    pub fn activation(&self, layer: usize, neuron: usize) -> &[Float] {
        self.row(layer, |l| &l.activation, neuron)
    }

    /// δ = dL/dz of row `row` of layer `layer` (after a backward pass).
    pub fn delta(&self, layer: usize, row: usize) -> &[Float] {
        self.row(layer, |l| &l.delta, row)
    }

    /// dL/da of neuron `neuron` of layer `layer` arriving from above (for the output layer,
    /// dL/ds as the loss wrote it).
    pub fn upstream(&self, layer: usize, neuron: usize) -> &[Float] {
        self.row(layer, |l| &l.upstream, neuron)
    }

    /// The output layer's scores, batch-major.
    fn scores(&self) -> Option<&[Float]> {
        self.layers.last().map(|l| &l.activation[..])
    }

    /// Number of output scores per point (0 before a forward pass).
    pub fn outputs(&self) -> usize {
        self.scores().map_or(0, |v| v.len() / self.stride.max(1))
    }

    /// The output scores of point `point`, written into the start of `out` (as many as fit);
    /// returns how many there are.
    pub fn scores_of(&self, point: usize, out: &mut [Float]) -> usize {
        let outputs = self.outputs();
        if let Some(scores) = self.scores() {
            for (o, slot) in out.iter_mut().enumerate().take(outputs) {
                *slot = scores.get(o * self.stride + point).copied().unwrap_or(0.0);
            }
        }
        outputs
    }

    /// Whether every output score of the real points is a finite number.
    pub fn scores_are_finite(&self) -> bool {
        self.scores()
            .is_none_or(|scores| scores_are_finite(scores, self.stride, self.points))
    }
}

/// A multi-layer perceptron: hidden layers, then one output layer whose scores the
/// problem's head (sigmoid, softmax or identity) turns into predictions.
#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    /// Hidden layers followed by the output layer.
    pub layers: Vec<Layer>,
    /// What the output means.
    pub problem: Problem,
    /// Number of optimizer updates made (Adam's t).
    pub step: u64,
}

impl Network {
    /// A fresh network: `inputs` features, the given hidden widths, `problem.outputs()` outputs.
    pub fn new<R: Rng + ?Sized>(
        inputs: usize,
        hidden: &[usize],
        activation: Activation,
        problem: Problem,
        init: Init,
        rng: &mut R,
    ) -> Network {
        Network::with_activations(inputs, hidden, &vec![activation; hidden.len()], problem, init, rng)
    }

    /// A fresh network whose hidden layer l uses `activations[l]` (missing entries: tanh).
    pub fn with_activations<R: Rng + ?Sized>(
        inputs: usize,
        hidden: &[usize],
        activations: &[Activation],
        problem: Problem,
        init: Init,
        rng: &mut R,
    ) -> Network {
        let mut widths = vec![inputs];
        widths.extend_from_slice(hidden);
        widths.push(problem.outputs());
        let last = widths.len() - 2;
        let layers = (0..=last)
            .map(|l| {
                let act = if l == last {
                    Activation::Linear
                } else {
                    activations.get(l).copied().unwrap_or(Activation::Tanh)
                };
                let fan_out = widths.get(l + 2).copied().unwrap_or(widths[l + 1]);
                Layer::new(widths[l], widths[l + 1], fan_out, act, init, rng)
            })
            .collect();
        Network {
            layers,
            problem,
            step: 0,
        }
    }

    /// Number of input features.
    pub fn inputs(&self) -> usize {
        self.layers.first().map_or(0, Layer::fan_in)
    }

    /// Number of hidden layers.
    pub fn hidden_count(&self) -> usize {
        self.layers.len().saturating_sub(1)
    }

    /// Widths of the hidden layers.
    pub fn hidden_widths(&self) -> Vec<usize> {
        self.layers[..self.hidden_count()].iter().map(Layer::neurons).collect()
    }

    /// Total number of weights and biases.
    pub fn parameter_count(&self) -> usize {
        self.layers.iter().flat_map(Layer::params).map(|p| p.value.len()).sum()
    }

    /// Forward propagation of a batch (`inputs`: features × points, one point per column):
    /// loads the points into `pass`, then [`Network::propagate`]s them.
    pub fn forward(&self, inputs: &DMatrix<Float>, pass: &mut Pass) {
        pass.load(inputs);
        self.propagate(pass);
    }

    /// Forward propagation of the batch already loaded into `pass` (by [`Pass::load`] or
    /// [`Pass::gather`]) in `mode`. Changes only `pass`: afterwards it holds every layer's
    /// z and a, the last a being the output scores.
    pub fn propagate_t(&self, pass: &mut Pass, mode: Mode, rng: &mut SeededRng) {
        let (stride, points) = (pass.stride, pass.points);
        pass.layers.resize_with(self.layers.len(), LayerPass::default);
        for (l, layer) in self.layers.iter().enumerate() {
            let (below, rest) = pass.layers.split_at_mut(l);
            let input = below.last().map_or(&pass.input[..], LayerPass::output);
            rest[0].outputs_only = pass.outputs_only;
            layer.forward_t(input, stride, points, &mut rest[0], mode, rng);
        }
    }

    /// [`Network::propagate_t`] in evaluation mode: every pass that does not train (it
    /// draws no random numbers).
    pub fn propagate(&self, pass: &mut Pass) {
        self.propagate_t(pass, Mode::Eval, &mut SeededRng::seed_from_u64(0));
    }

    /// Backward propagation of the batch in `pass`, after a forward pass and
    /// [`Network::batch_loss`] (or [`Network::batch_gradient`]), which left dL/ds of every
    /// point (already divided by the batch size, so gradients are batch means) as the output
    /// layer's upstream gradient. Changes `pass` (upstream and delta) and every layer's
    /// gradients, which it overwrites.
    pub fn backward(&mut self, pass: &mut Pass) {
        let stride = pass.stride;
        for (l, layer) in self.layers.iter_mut().enumerate().rev() {
            let (below, rest) = pass.layers.split_at_mut(l);
            let Some(slot) = rest.first_mut() else {
                continue;
            };
            // The layer below gets dL/da = Wᵀ·δ; the inputs need none.
            match below.last_mut() {
                Some(b) => {
                    let input = if b.dropout { &b.dropped } else { &b.activation };
                    layer.backward(input, stride, slot, Some(&mut b.upstream))
                }
                None => layer.backward(&pass.input, stride, slot, None),
            }
        }
    }

    /// Adds the penalty's gradient to every layer's weight gradient (never to biases).
    pub fn add_penalty_gradient(&mut self, reg: Regularization, rate: Float) {
        for layer in &mut self.layers {
            reg.add_gradient(rate, layer.weights.value.as_slice(), layer.weights.grad.as_mut_slice());
        }
    }

    /// Gradient clipping by the global norm: when the Euclidean norm ‖g‖ of every weight
    /// and bias gradient taken together exceeds `max_norm`, scales all of them by
    /// `max_norm / ‖g‖` (g ← g · min(1, max_norm/‖g‖)), so the step keeps its direction but
    /// not its size. Changes only the stored gradients (`grad` of every weight and bias), and
    /// nothing when `max_norm` is 0 or ‖g‖ is within it or not finite. Returns ‖g‖ before clipping.
    pub fn clip_gradients(&mut self, max_norm: Float) -> Float {
        let squares: f64 = self
            .layers
            .iter()
            .flat_map(|l| l.params().flat_map(|p| p.grad.iter()))
            .map(|&g| f64::from(g) * f64::from(g))
            .sum();
        let norm = squares.sqrt();
        if max_norm > 0.0 && norm.is_finite() && norm > f64::from(max_norm) {
            let scale = (f64::from(max_norm) / norm) as Float;
            for param in params_mut(&mut self.layers) {
                param.grad.iter_mut().for_each(|g| *g *= scale);
            }
        }
        norm as Float
    }

    /// The penalty term of the current weights.
    pub fn penalty(&self, reg: Regularization, rate: Float) -> Float {
        self.layers
            .iter()
            .map(|l| reg.penalty(rate, l.weights.value.as_slice()))
            .sum()
    }

    /// One optimizer step from the stored gradients. Changes every weight, bias and
    /// optimizer state, and counts the step.
    pub fn update(&mut self, optimizer: Optimizer, hp: &OptimizerParams, lr: Float) {
        self.step += 1;
        for param in params_mut(&mut self.layers) {
            optimizer.update(hp, lr, param, self.step);
        }
    }

    /// Moves every batch normalisation's running estimates towards the statistics of the
    /// training pass in `pass`. Changes only the running estimates (nothing after an
    /// evaluation pass).
    pub fn update_running_statistics(&mut self, pass: &Pass) {
        for (layer, slot) in self.layers.iter_mut().zip(&pass.layers) {
            layer.update_running_statistics(slot);
        }
    }

    /// Forgets all optimizer state (after a change of optimizer).
    pub fn clear_optimizer_state(&mut self) {
        self.step = 0;
        for param in params_mut(&mut self.layers) {
            param.clear_state();
        }
    }

    /// Loss of a batch from a finished forward pass: writes dL/ds (divided by the batch size)
    /// as the output layer's upstream gradient in `pass` and returns the mean data loss.
    pub fn batch_loss(&self, loss: Loss, pass: &mut Pass, labels: &[Float]) -> Float {
        let total = self.output_gradient::<true>(loss, pass, labels);
        (total / pass.points.max(1) as f64) as Float
    }

    /// dL/ds of a batch from a finished forward pass, like [`Network::batch_loss`] but without
    /// the loss's value (training needs only the gradient; the value's logarithms cost a
    /// quarter of a small network's step). Writes the output layer's upstream gradient;
    /// returns whether every score is finite, which is when the loss is.
    pub fn batch_gradient(&self, loss: Loss, pass: &mut Pass, labels: &[Float]) -> bool {
        self.output_gradient::<false>(loss, pass, labels);
        pass.scores_are_finite()
    }

    /// Writes dL/ds / points for every point (zero for the padding) and returns the summed
    /// loss when `WITH_VALUE` (else 0, and the per-sample rules never compute the value).
    fn output_gradient<const WITH_VALUE: bool>(&self, loss: Loss, pass: &mut Pass, labels: &[Float]) -> f64 {
        let stride = pass.stride;
        let points = pass.points.min(labels.len());
        let Some(top) = pass.layers.last_mut() else {
            return 0.0;
        };
        let (scores, grad) = (&top.activation, &mut top.upstream);
        ensure_len(grad, scores.len());
        output_gradient_rows::<WITH_VALUE>(loss, self.problem, scores, stride, &labels[..points], grad)
    }

    /// One epoch of plain SGD over the points `order` of `inputs` (features × points) in
    /// batches of `batch`, fused into one call of [`nnlab_kernels::mlp::sgd_epoch`]: the same
    /// forward, [`Network::batch_gradient`], [`Network::backward`] and [`Network::update`]
    /// (SGD) per batch, with the same numbers, without the per-layer calls. Changes every
    /// weight, bias and gradient and counts the steps. Returns `None`, changing nothing, when
    /// a layer's activation is not one the fused epoch runs (maxout, softplus, …).
    #[allow(clippy::too_many_arguments)]
    pub fn sgd_epoch(
        &mut self,
        loss: Loss,
        inputs: &DMatrix<Float>,
        labels: &[Float],
        order: &[usize],
        batch: usize,
        learning_rate: Float,
        buffers: &mut EpochBuffers,
    ) -> Option<Epoch> {
        let count = self.layers.len();
        if count > MAX_FUSED_LAYERS {
            return None;
        }
        let mut views: [DenseLayer<'_>; MAX_FUSED_LAYERS] = Default::default();
        if self.layers.iter().any(|l| l.dropout.is_some() || l.norm.is_some()) {
            // The fused kernel knows plain dense layers only.
            return None;
        }
        for (view, layer) in views.iter_mut().zip(&mut self.layers) {
            *view = DenseLayer {
                activation: layer.activation.elementwise()?,
                weights: layer.weights.value.as_mut_slice(),
                biases: layer.biases.value.as_mut_slice(),
                weight_grad: layer.weights.grad.as_mut_slice(),
                bias_grad: layer.biases.grad.as_mut_slice(),
            };
        }
        let problem = self.problem;
        let mut rule = |scores: &[Float], stride: usize, labels: &[Float], grad: &mut [Float]| {
            output_gradient_rows::<false>(loss, problem, scores, stride, labels, grad);
            scores_are_finite(scores, stride, labels.len())
        };
        let mut head = if loss.gradient_is_probability_minus_label(problem) {
            Head::ProbabilityMinusLabel
        } else {
            Head::Rule(&mut rule)
        };
        let epoch = sgd_epoch(
            &mut views[..count],
            inputs.as_slice(),
            inputs.nrows(),
            labels,
            order,
            batch,
            learning_rate,
            &mut head,
            buffers,
        )?;
        self.step += epoch.updates;
        Some(epoch)
    }

    /// The first layer (0-based) holding a non-finite weight or bias.
    pub fn first_non_finite_layer(&self) -> Option<usize> {
        self.layers.iter().position(|l| !l.is_finite())
    }

    /// The first layer (0-based) whose gradient holds a non-finite entry.
    pub fn first_non_finite_gradient(&self) -> Option<usize> {
        self.layers.iter().position(|l| !l.gradient_is_finite())
    }

    // ----- Live edits. Each keeps every weight it does not have to change, bit for bit,
    // ----- together with its optimizer state; new weights come from `init`.

    /// Adds one neuron at the end of hidden layer `layer`: new weight rows there and a new
    /// input column in the layer above. Returns false when `layer` is not a hidden layer.
    pub fn add_neuron<R: Rng + ?Sized>(&mut self, layer: usize, init: Init, rng: &mut R) -> bool {
        if layer >= self.hidden_count() {
            return false;
        }
        let neurons = self.layers[layer].neurons() + 1;
        self.resize_hidden(layer, neurons, |j| (j + 1 < neurons).then_some(j), init, rng);
        true
    }

    /// Removes neuron `index` of hidden layer `layer` with its input column above. A layer
    /// keeps at least one neuron; returns whether anything changed.
    pub fn remove_neuron<R: Rng + ?Sized>(&mut self, layer: usize, index: usize, init: Init, rng: &mut R) -> bool {
        if layer >= self.hidden_count() || self.layers[layer].neurons() <= 1 || index >= self.layers[layer].neurons() {
            return false;
        }
        let neurons = self.layers[layer].neurons() - 1;
        self.resize_hidden(layer, neurons, |j| Some(if j < index { j } else { j + 1 }), init, rng);
        true
    }

    /// Gives hidden layer `layer` `neurons` neurons, neuron j coming from `source(j)`.
    fn resize_hidden<R: Rng + ?Sized>(
        &mut self,
        layer: usize,
        neurons: usize,
        source: impl Fn(usize) -> Option<usize> + Copy,
        init: Init,
        rng: &mut R,
    ) {
        let next_fan_out = self.layers[layer + 1].neurons();
        // The new rows' weights are drawn with this layer's width as their fan-out, as
        // they always were (a seeded run's live edits stay the same).
        self.layers[layer].remap_neurons(neurons, source, neurons, init, rng);
        let above = &mut self.layers[layer + 1];
        above.remap_inputs(neurons, source, next_fan_out, init, rng);
        above.biases.grad.fill(0.0);
    }

    /// Inserts a hidden layer of `neurons` neurons at `position` (0 = next to the inputs,
    /// `hidden_count()` = just below the output). The layer above keeps its weights for
    /// every input index that still exists and draws new ones for the rest.
    pub fn insert_layer<R: Rng + ?Sized>(
        &mut self,
        position: usize,
        neurons: usize,
        activation: Activation,
        init: Init,
        rng: &mut R,
    ) -> bool {
        if position > self.hidden_count() || neurons == 0 {
            return false;
        }
        let fan_in = if position == 0 {
            self.inputs()
        } else {
            self.layers[position - 1].neurons()
        };
        let above_neurons = self.layers[position].neurons();
        let layer = Layer::new(fan_in, neurons, above_neurons, activation, init, rng);
        self.layers.insert(position, layer);
        self.set_fan_in(position + 1, neurons, init, rng);
        true
    }

    /// Removes hidden layer `position`; the layer above is re-wired to the layer below,
    /// keeping the weights of input indices that exist on both sides.
    pub fn remove_layer<R: Rng + ?Sized>(&mut self, position: usize, init: Init, rng: &mut R) -> bool {
        if position >= self.hidden_count() {
            return false;
        }
        let inputs = self.inputs();
        self.layers.remove(position);
        let fan_in = if position == 0 {
            inputs
        } else {
            self.layers[position - 1].neurons()
        };
        self.set_fan_in(position, fan_in, init, rng);
        true
    }

    /// Makes layer `index` read `fan_in` inputs, keeping the columns that still exist.
    fn set_fan_in<R: Rng + ?Sized>(&mut self, index: usize, fan_in: usize, init: Init, rng: &mut R) {
        let fan_out = self
            .layers
            .get(index + 1)
            .map_or(self.problem.outputs(), Layer::neurons);
        let layer = &mut self.layers[index];
        let old = layer.fan_in();
        layer.remap_inputs(fan_in, |j| (j < old).then_some(j), fan_out, init, rng);
    }

    /// Re-wires the first layer to a new list of inputs: new input j takes the weights of
    /// old input `source(j)`, and inputs without a source get fresh weights.
    pub fn remap_inputs<R: Rng + ?Sized>(
        &mut self,
        inputs: usize,
        source: impl Fn(usize) -> Option<usize>,
        init: Init,
        rng: &mut R,
    ) {
        let fan_out = self.layers.get(1).map_or(self.problem.outputs(), Layer::neurons);
        let Some(first) = self.layers.first_mut() else {
            return;
        };
        first.remap_inputs(inputs, source, fan_out, init, rng);
    }

    /// Sets the activation of hidden layer `layer`. Switching to maxout gives each neuron a
    /// second, freshly drawn piece beside its old weights; leaving maxout keeps piece 0.
    pub fn set_activation<R: Rng + ?Sized>(&mut self, layer: usize, activation: Activation, init: Init, rng: &mut R) {
        if layer >= self.hidden_count() {
            return;
        }
        let fan_out = self.layers[layer + 1].neurons();
        self.layers[layer].set_activation(activation, fan_out, init, rng);
    }

    /// Changes the output layer to `problem.outputs()` neurons, keeping the output rows that
    /// exist on both sides.
    pub fn set_problem<R: Rng + ?Sized>(&mut self, problem: Problem, init: Init, rng: &mut R) {
        self.problem = problem;
        let outputs = problem.outputs();
        let Some(last) = self.layers.last_mut() else {
            return;
        };
        if last.neurons() != outputs {
            let old = last.neurons();
            last.remap_neurons(outputs, |i| (i < old).then_some(i), outputs, init, rng);
        }
    }
}

/// dL/ds ÷ points of a batch into `grad` (the output rows, `stride` apart, zero on the
/// padding) from its `scores` (same shape) and the `labels` of its real points; returns the
/// summed loss when `WITH_VALUE` (else 0, and the per-sample rules never compute the value).
fn output_gradient_rows<const WITH_VALUE: bool>(
    loss: Loss,
    problem: Problem,
    scores: &[Float],
    stride: usize,
    labels: &[Float],
    grad: &mut [Float],
) -> f64 {
    let points = labels.len().min(stride);
    let outputs = scores.len().min(grad.len()) / stride.max(1);
    grad.fill(0.0);
    if points == 0 || outputs == 0 {
        return 0.0;
    }
    let scale = 1.0 / points as Float;
    if !WITH_VALUE && problem == Problem::Binary && outputs == 1 {
        // One score per point: σ of the whole padded row at once (whole SIMD registers),
        // then each real point's rule; the padding's gradient stays zero.
        let row = stride.min(scores.len()).min(grad.len());
        loss.binary_gradients(&scores[..row], labels, &mut grad[..row]);
        let (grad, padding) = grad[..row].split_at_mut(points);
        grad.iter_mut().for_each(|g| *g *= scale);
        padding.fill(0.0);
        return 0.0;
    }
    let mut total = 0.0f64;
    let mut s = [0.0; MAX_CLASSES];
    let mut g = [0.0; MAX_CLASSES];
    let outputs = outputs.min(MAX_CLASSES);
    for (point, &label) in labels.iter().enumerate().take(points) {
        for (o, slot) in s.iter_mut().enumerate().take(outputs) {
            *slot = scores[o * stride + point];
        }
        if WITH_VALUE {
            total += f64::from(loss.sample(problem, &s[..outputs], label, &mut g[..outputs]));
        } else {
            loss.gradient(problem, &s[..outputs], label, &mut g[..outputs]);
        }
        for (o, &gv) in g.iter().enumerate().take(outputs) {
            grad[o * stride + point] = gv * scale;
        }
    }
    total
}

/// Whether the first `points` scores of every output row (`stride` apart) are finite.
fn scores_are_finite(scores: &[Float], stride: usize, points: usize) -> bool {
    scores
        .chunks(stride.max(1))
        .all(|row| nnlab_kernels::all_finite(&row[..points.min(row.len())]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::choice::Choice;
    use crate::core::layer::norm::NormKind;
    use crate::core::SeededRng;
    use rand::SeedableRng;

    /// A 1-2-1 network whose gradients are the given 7 numbers (W1: 2, b1: 2, W2: 2, b2: 1).
    fn with_gradients(grads: [Float; 7]) -> Network {
        let mut rng = SeededRng::seed_from_u64(1);
        let mut net = Network::new(1, &[2], Activation::Tanh, Problem::Binary, Init::Xavier, &mut rng);
        let mut it = grads.into_iter();
        for layer in &mut net.layers {
            for g in layer.weights.grad.iter_mut().chain(layer.biases.grad.iter_mut()) {
                *g = it.next().expect("7 parameters");
            }
        }
        net
    }

    fn gradients(net: &Network) -> Vec<Float> {
        net.layers
            .iter()
            .flat_map(|l| l.weights.grad.iter().chain(l.biases.grad.iter()).copied())
            .collect()
    }

    #[test]
    fn clipping_scales_only_large_gradients_to_the_limit() {
        // ‖(3, 4, 0, 0, 0, 0, 12)‖ = √(9 + 16 + 144) = √169 = 13.
        let large = [3.0, 4.0, 0.0, 0.0, 0.0, 0.0, 12.0];
        // Under the limit 26: nothing changes.
        let mut net = with_gradients(large);
        assert_eq!(net.clip_gradients(26.0), 13.0);
        assert_eq!(gradients(&net), large.to_vec());
        // 0 means off.
        assert_eq!(net.clip_gradients(0.0), 13.0);
        assert_eq!(gradients(&net), large.to_vec());
        // Limit 6.5: every entry is halved (6.5 / 13), so the norm is exactly 6.5.
        assert_eq!(net.clip_gradients(6.5), 13.0);
        assert_eq!(gradients(&net), vec![1.5, 2.0, 0.0, 0.0, 0.0, 0.0, 6.0]);
        assert_eq!(net.clip_gradients(1000.0), 6.5);
        // Limit 1: (3, 4, 12) / 13; the norm afterwards is 1 up to rounding.
        let mut net = with_gradients(large);
        net.clip_gradients(1.0);
        let after: Vec<Float> = gradients(&net);
        let expected = [3.0 / 13.0, 4.0 / 13.0, 0.0, 0.0, 0.0, 0.0, 12.0 / 13.0];
        for (a, e) in after.iter().zip(expected) {
            assert!((a - e).abs() < 1e-6, "{after:?}");
        }
        assert!((net.clip_gradients(1000.0) - 1.0).abs() < 1e-6);
    }

    fn random_inputs(features: usize, batch: usize, rng: &mut SeededRng) -> DMatrix<Float> {
        DMatrix::from_fn(features, batch, |_, _| rng.random_range(-1.5..1.5))
    }

    fn labels_for(problem: Problem, batch: usize, rng: &mut SeededRng) -> Vec<Float> {
        (0..batch)
            .map(|_| match problem {
                Problem::Regression => rng.random_range(-1.0..1.0),
                _ => rng.random_range(0..problem.classes()) as Float,
            })
            .collect()
    }

    /// Total objective: mean data loss plus the penalty, as training minimises it.
    /// The seed of the dropout masks of a gradient check: every pass of one check draws the
    /// same masks, so the objective is a fixed function of the weights.
    const MASK_SEED: u64 = 99;

    #[allow(clippy::too_many_arguments)]
    fn objective(
        net: &Network,
        inputs: &DMatrix<Float>,
        labels: &[Float],
        loss: Loss,
        reg: Regularization,
        rate: Float,
        mode: Mode,
    ) -> f64 {
        let mut pass = Pass::default();
        pass.load(inputs);
        net.propagate_t(&mut pass, mode, &mut SeededRng::seed_from_u64(MASK_SEED));
        f64::from(net.batch_loss(loss, &mut pass, labels)) + f64::from(net.penalty(reg, rate))
    }

    /// Compares every analytic gradient entry with a central difference. Entries whose
    /// neighbourhood crosses a kink (ReLU at 0, |r| at 0, maxout ties, hinge margins, L1 at
    /// 0) are detected by comparing two step sizes and skipped.
    fn check_gradients(act: Activation, loss: Loss, reg: Regularization, problem: Problem, seed: u64) {
        let (checked, total) = check_gradients_with(act, loss, reg, problem, seed, Layers::default());
        assert!(
            checked > total / 2,
            "{} / {} / {} / {problem:?}: too few entries checked: {checked} of {total}",
            act.name(),
            loss.name(),
            reg.name()
        );
    }

    /// What the hidden layers of a gradient check carry besides the dense layer.
    #[derive(Clone, Copy, Default)]
    struct Layers {
        /// Dropout rate (in training mode, with the same masks in every pass).
        dropout: Float,
        norm: NormKind,
        /// The mode of the passes: batch normalisation's gradient couples the batch's points
        /// in training and is a per-neuron affine map in evaluation.
        mode: Mode,
    }

    /// [`check_gradients`] through hidden layers with dropout and normalisation, checking
    /// every trained parameter (W, b, γ, β). Returns how many entries were compared (the
    /// others sit on a kink) and how many there are.
    fn check_gradients_with(
        act: Activation,
        loss: Loss,
        reg: Regularization,
        problem: Problem,
        seed: u64,
        extra: Layers,
    ) -> (usize, usize) {
        let mut rng = SeededRng::seed_from_u64(seed);
        let mut net = Network::new(3, &[4, 3], act, problem, Init::Xavier, &mut rng);
        let hidden = net.hidden_count();
        for layer in &mut net.layers[..hidden] {
            layer.dropout = crate::core::layer::dropout::Dropout::new(extra.dropout);
            layer.set_norm(extra.norm);
            // γ, β and the running estimates away from their starting values, so every term
            // of the chain rule is exercised.
            if let Some(norm) = &mut layer.norm {
                for g in norm.gamma.value.iter_mut() {
                    *g = rng.random_range(0.5..1.5);
                }
                for b in norm.beta.value.iter_mut() {
                    *b = rng.random_range(-0.5..0.5);
                }
                for m in norm.running_mean.iter_mut() {
                    *m = rng.random_range(-0.5..0.5);
                }
                for v in norm.running_var.iter_mut() {
                    *v = rng.random_range(0.5..2.0);
                }
            }
        }
        // Non-zero biases so every code path sees them.
        for layer in &mut net.layers {
            for b in layer.biases.value.iter_mut() {
                *b = rng.random_range(-0.5..0.5);
            }
        }
        let inputs = random_inputs(3, 5, &mut rng);
        let labels = labels_for(problem, 5, &mut rng);
        let rate = 0.03;
        let mut pass = Pass::default();
        pass.load(&inputs);
        net.propagate_t(&mut pass, extra.mode, &mut SeededRng::seed_from_u64(MASK_SEED));
        net.batch_loss(loss, &mut pass, &labels);
        net.backward(&mut pass);
        net.add_penalty_gradient(reg, rate);
        let h: Float = 5e-3;
        let mut checked = 0;
        const NAMES: [&str; 4] = ["weight", "bias", "gamma", "beta"];
        for l in 0..net.layers.len() {
            for (which, name) in NAMES.iter().enumerate().take(net.layers[l].params().count()) {
                let len = net.layers[l].params().nth(which).map_or(0, |p| p.value.len());
                for i in 0..len {
                    let analytic = net.layers[l].params().nth(which).map_or(0.0, |p| p.grad.as_slice()[i]);
                    let mut probe = net.clone();
                    let f = |probe: &mut Network, delta: Float| {
                        let nudge = |probe: &mut Network, by: Float| {
                            if let Some(p) = probe.layers[l].params_mut().nth(which) {
                                p.value.as_mut_slice()[i] += by;
                            }
                        };
                        nudge(probe, delta);
                        let v = objective(probe, &inputs, &labels, loss, reg, rate, extra.mode);
                        nudge(probe, -delta);
                        v
                    };
                    // Central differences at h and h/4 agree to O(h²) where the objective is
                    // smooth; where they disagree a kink lies within ±h and the entry is skipped.
                    let wide = (f(&mut probe, h) - f(&mut probe, -h)) / (2.0 * f64::from(h));
                    let narrow = (f(&mut probe, h / 4.0) - f(&mut probe, -h / 4.0)) / (0.5 * f64::from(h));
                    if (wide - narrow).abs() > 1e-3 * (1.0 + narrow.abs()) {
                        continue;
                    }
                    let numeric = narrow;
                    let err = (numeric - f64::from(analytic)).abs();
                    if err >= 5e-3 * (1.0 + numeric.abs()) {
                        // A kink right at the current value (a ReLU input within 1e-5 of 0)
                        // leaves both central differences at the mean of its two slopes, half
                        // the kink's jump from either one-sided slope. Where the function is
                        // smooth, the gap between the one-sided differences shrinks with the
                        // step (by 4 from h/4 to h/16); across a kink it stays. Such an entry
                        // is skipped when the kink explains the disagreement.
                        let centre = f(&mut probe, 0.0);
                        let mut gap = |step: Float| {
                            let right = (f(&mut probe, step) - centre) / f64::from(step);
                            let left = (centre - f(&mut probe, -step)) / f64::from(step);
                            right - left
                        };
                        let (coarse, fine) = (gap(h / 4.0), gap(h / 16.0));
                        if fine.abs() > 0.5 * coarse.abs() && fine.abs() > err {
                            continue;
                        }
                    }
                    assert!(
                        err < 5e-3 * (1.0 + numeric.abs()),
                        "{} / {} / {} / {:?} / {}: layer {l} {} {i}: analytic {analytic}, numeric {numeric}",
                        act.name(),
                        loss.name(),
                        reg.name(),
                        problem,
                        extra.norm.name(),
                        name,
                    );
                    checked += 1;
                }
            }
        }
        (checked, net.parameter_count())
    }

    #[test]
    fn gradients_through_dropout_match_finite_differences() {
        // With the masks fixed, dropout is a fixed linear map: the chain rule through it
        // must match central differences like every other layer's.
        for (act, seed) in [(Activation::Tanh, 1), (Activation::Sigmoid, 2), (Activation::Relu, 3)] {
            for problem in [Problem::Binary, Problem::MultiClass(3)] {
                let loss = Loss::default_for(problem);
                let extra = Layers {
                    dropout: 0.4,
                    mode: Mode::Train,
                    ..Layers::default()
                };
                let (checked, total) = check_gradients_with(act, loss, Regularization::L2, problem, seed, extra);
                assert!(checked > total / 2, "{}: {checked} of {total} checked", act.name());
            }
        }
    }

    #[test]
    fn gradients_through_normalisation_match_finite_differences() {
        // Batch norm in training (every point's ẑ depends on every z of the batch) and in
        // evaluation (running estimates), and layer norm, through every activation, loss
        // and penalty, with γ and β checked like the weights.
        let mut seed = 100;
        for (norm, mode) in [
            (NormKind::Batch, Mode::Train),
            (NormKind::Batch, Mode::Eval),
            (NormKind::Layer, Mode::Train),
        ] {
            let mut sweep = (0, 0);
            for problem in [Problem::Binary, Problem::MultiClass(3), Problem::Regression] {
                for &act in Activation::ALL {
                    for &loss in Loss::ALL.iter().filter(|l| l.supports(problem)) {
                        for &reg in Regularization::ALL {
                            seed += 1;
                            let extra = Layers {
                                norm,
                                mode,
                                ..Layers::default()
                            };
                            let (checked, total) = check_gradients_with(act, loss, reg, problem, seed, extra);
                            // Normalisation couples every output to every weight of the
                            // layer, so a kinked loss (MAE, hinge) over maxout crosses more
                            // kinks within the step: at least a third of each combination's
                            // entries, and over half of all, are compared.
                            assert!(
                                checked * 3 >= total,
                                "{} / {} / {} / {problem:?} / {} / {mode:?}: {checked} of {total} checked",
                                act.name(),
                                loss.name(),
                                reg.name(),
                                norm.name()
                            );
                            sweep.0 += checked;
                            sweep.1 += total;
                        }
                    }
                }
            }
            assert!(sweep.0 * 2 > sweep.1, "{} {mode:?}: {sweep:?}", norm.name());
        }
        // With dropout on top, in training.
        let extra = Layers {
            dropout: 0.3,
            norm: NormKind::Batch,
            mode: Mode::Train,
        };
        let (checked, total) = check_gradients_with(
            Activation::Tanh,
            Loss::Bce,
            Regularization::L2,
            Problem::Binary,
            7,
            extra,
        );
        assert!(checked > total / 2);
    }

    #[test]
    fn gradients_match_finite_differences_for_every_combination() {
        let mut seed = 1;
        for problem in [Problem::Binary, Problem::MultiClass(3), Problem::Regression] {
            for &act in Activation::ALL {
                for &loss in Loss::ALL.iter().filter(|l| l.supports(problem)) {
                    for &reg in Regularization::ALL {
                        seed += 1;
                        check_gradients(act, loss, reg, problem, seed);
                    }
                }
            }
        }
    }

    #[test]
    fn every_layer_shows_its_pre_activations_also_when_linear() {
        // Hidden tanh, hidden linear, linear output: z must be W·a + b for each, although a
        // linear layer keeps z only once (in a).
        let mut rng = SeededRng::seed_from_u64(9);
        let net = Network::with_activations(
            2,
            &[3, 2],
            &[Activation::Tanh, Activation::Linear],
            Problem::Binary,
            Init::Xavier,
            &mut rng,
        );
        let inputs = random_inputs(2, 7, &mut rng);
        let mut pass = Pass::default();
        for _ in 0..2 {
            // Twice: the second pass reuses (and swaps) the buffers of the first.
            net.forward(&inputs, &mut pass);
            for point in 0..7 {
                let mut below: Vec<Float> = (0..2).map(|f| inputs[(f, point)]).collect();
                for (l, layer) in net.layers.iter().enumerate() {
                    let w = &layer.weights.value;
                    let mut next = Vec::new();
                    for r in 0..w.nrows() {
                        let z: Float =
                            layer.biases.value[(r, 0)] + (0..w.ncols()).map(|j| w[(r, j)] * below[j]).sum::<Float>();
                        assert!((pass.pre_activation(l, r)[point] - z).abs() < 1e-5, "layer {l}");
                        assert!((pass.activation(l, r)[point] - layer.activation.apply(z)).abs() < 1e-5);
                        next.push(pass.activation(l, r)[point]);
                    }
                    below = next;
                }
            }
        }
    }

    #[test]
    fn same_seed_same_weights() {
        let a = Network::new(
            2,
            &[4, 2],
            Activation::Tanh,
            Problem::Binary,
            Init::He,
            &mut SeededRng::seed_from_u64(5),
        );
        let b = Network::new(
            2,
            &[4, 2],
            Activation::Tanh,
            Problem::Binary,
            Init::He,
            &mut SeededRng::seed_from_u64(5),
        );
        assert_eq!(a, b);
        let c = Network::new(
            2,
            &[4, 2],
            Activation::Tanh,
            Problem::Binary,
            Init::He,
            &mut SeededRng::seed_from_u64(6),
        );
        assert_ne!(a, c);
    }

    #[test]
    fn adding_and_removing_neurons_keeps_other_weights() {
        let mut rng = SeededRng::seed_from_u64(3);
        let mut net = Network::new(2, &[3, 2], Activation::Maxout, Problem::Binary, Init::Xavier, &mut rng);
        let before = net.clone();
        assert!(net.add_neuron(0, Init::Xavier, &mut rng));
        assert_eq!(net.hidden_widths(), vec![4, 2]);
        let k = 2;
        // Layer 0: the old 3 neurons' rows (all pieces) are unchanged.
        for i in 0..3 * k {
            for j in 0..2 {
                assert_eq!(
                    net.layers[0].weights.value[(i, j)],
                    before.layers[0].weights.value[(i, j)]
                );
            }
        }
        // Layer 1: old input columns unchanged; layer 2 untouched.
        for i in 0..2 * k {
            for j in 0..3 {
                assert_eq!(
                    net.layers[1].weights.value[(i, j)],
                    before.layers[1].weights.value[(i, j)]
                );
            }
        }
        assert_eq!(net.layers[2], before.layers[2]);
        // Removing the added neuron gives back exactly the original weights.
        assert!(net.remove_neuron(0, 3, Init::Xavier, &mut rng));
        for l in 0..3 {
            assert_eq!(net.layers[l].weights.value, before.layers[l].weights.value);
            assert_eq!(net.layers[l].biases.value, before.layers[l].biases.value);
        }
        // Removing the middle neuron drops its row and the matching column above.
        assert!(net.remove_neuron(0, 1, Init::Xavier, &mut rng));
        assert_eq!(
            net.layers[1].weights.value.column(1),
            before.layers[1].weights.value.column(2)
        );
        assert_eq!(
            net.layers[0].weights.value.row(k),
            before.layers[0].weights.value.row(2 * k)
        );
        // A layer keeps at least one neuron.
        let mut small = Network::new(2, &[1], Activation::Tanh, Problem::Binary, Init::Xavier, &mut rng);
        assert!(!small.remove_neuron(0, 0, Init::Xavier, &mut rng));
    }

    #[test]
    fn adding_and_removing_layers_keeps_other_weights() {
        let mut rng = SeededRng::seed_from_u64(4);
        let mut net = Network::new(2, &[4, 3], Activation::Tanh, Problem::Binary, Init::Xavier, &mut rng);
        let before = net.clone();
        // A new last hidden layer as wide as the old last: everything else is kept.
        assert!(net.insert_layer(2, 3, Activation::Tanh, Init::Xavier, &mut rng));
        assert_eq!(net.hidden_widths(), vec![4, 3, 3]);
        assert_eq!(net.layers[0], before.layers[0]);
        assert_eq!(net.layers[1], before.layers[1]);
        assert_eq!(net.layers[3].weights.value, before.layers[2].weights.value);
        assert!(net.remove_layer(2, Init::Xavier, &mut rng));
        assert_eq!(net.hidden_widths(), vec![4, 3]);
        for l in 0..3 {
            assert_eq!(net.layers[l].weights.value, before.layers[l].weights.value);
        }
        // Down to no hidden layer: the output reads the inputs directly.
        assert!(net.remove_layer(1, Init::Xavier, &mut rng));
        assert!(net.remove_layer(0, Init::Xavier, &mut rng));
        assert_eq!(net.hidden_count(), 0);
        assert_eq!(net.layers[0].fan_in(), 2);
        // The output keeps its weights for the inputs it still can index.
        assert_eq!(
            net.layers[0].weights.value.columns(0, 2),
            before.layers[2].weights.value.columns(0, 2)
        );
        let mut pass = Pass::default();
        net.forward(&DMatrix::from_element(2, 3, 0.5), &mut pass);
        assert_eq!((pass.outputs(), pass.points()), (1, 3));
    }

    #[test]
    fn switching_to_maxout_and_back_keeps_piece_zero() {
        let mut rng = SeededRng::seed_from_u64(9);
        let mut net = Network::new(2, &[3], Activation::Relu, Problem::Binary, Init::He, &mut rng);
        let before = net.clone();
        net.set_activation(0, Activation::Maxout, Init::He, &mut rng);
        assert_eq!(net.layers[0].weights.value.nrows(), 6);
        for j in 0..3 {
            assert_eq!(
                net.layers[0].weights.value.row(2 * j),
                before.layers[0].weights.value.row(j)
            );
        }
        net.set_activation(0, Activation::Tanh, Init::He, &mut rng);
        assert_eq!(net.layers[0].weights.value, before.layers[0].weights.value);
        assert_eq!(net.layers[1], before.layers[1]);
    }
}
