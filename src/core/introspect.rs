//! What the views draw, computed without touching training: every neuron's output over a
//! grid of the plane (one batched pass), per-layer statistics (pre-activations, saturation,
//! dead neurons, weight and gradient norms) and the full trace of one point's forward and
//! backward pass for the backprop inspector.

use nalgebra::DMatrix;

use super::activation::Activation;
use super::feature::{fill_inputs, Feature, Normalizer};
use super::layer::norm::NormKind;
use super::layer::Mode;
use super::loss::{self, MAX_CLASSES};
use super::network::{Network, Pass};
use super::step::{train_step, LossValue, StepRule};
use super::trainer::Trainer;
use super::{Float, Problem, Sample, SeededRng, PLANE};
use rand::SeedableRng;

/// The plane coordinates of cell (column, row) of a `resolution`² grid whose row 0 is the
/// top (y = +PLANE), matching a canvas's pixel order. Cells are sampled at their centres.
pub fn grid_point(resolution: usize, column: usize, row: usize) -> (Float, Float) {
    let step = 2.0 * PLANE / resolution as Float;
    (
        -PLANE + (column as Float + 0.5) * step,
        PLANE - (row as Float + 0.5) * step,
    )
}

/// Every neuron's output over a square grid, kept from one forward pass. Point index
/// `row · resolution + column`.
#[derive(Clone, Debug, Default)]
pub struct GridOutputs {
    resolution: usize,
    points: Vec<(Float, Float)>,
    inputs: DMatrix<Float>,
    /// The features and normalizer `inputs` (and the pass's loaded batch) were computed
    /// for: the grid's inputs only change when these do, not as training goes on.
    inputs_for: Option<(Vec<Feature>, Normalizer)>,
    pass: Pass,
}

impl GridOutputs {
    /// A grid of `resolution` × `resolution` cells over the plane.
    pub fn new(resolution: usize) -> GridOutputs {
        let points = (0..resolution * resolution)
            .map(|i| grid_point(resolution, i % resolution, i / resolution))
            .collect();
        GridOutputs {
            resolution,
            points,
            inputs: DMatrix::zeros(0, 0),
            inputs_for: None,
            // The thumbnails and the heatmap read each layer's a, never z.
            pass: Pass::outputs_only(),
        }
    }

    pub fn resolution(&self) -> usize {
        self.resolution
    }

    /// Runs the whole grid through the network in one batched pass. Changes only `self`.
    pub fn compute(&mut self, network: &Network, features: &[Feature], normalizer: &Normalizer) {
        let current = self
            .inputs_for
            .as_ref()
            .is_some_and(|(f, n)| f.as_slice() == features && n == normalizer);
        if !current {
            fill_inputs(features, normalizer, &self.points, &mut self.inputs);
            self.pass.load(&self.inputs);
            self.inputs_for = Some((features.to_vec(), normalizer.clone()));
        }
        network.propagate(&mut self.pass);
    }

    /// Output score `output` at every grid point (after [`GridOutputs::compute`]).
    pub fn scores(&self, output: usize) -> &[Float] {
        self.pass.activation(self.pass.layers().saturating_sub(1), output)
    }

    /// Output a of neuron `index` of layer `layer` at every grid point (the last layer's
    /// "neurons" are the raw output scores).
    pub fn neuron(&self, layer: usize, index: usize) -> impl Iterator<Item = Float> + '_ {
        self.pass.activation(layer, index).iter().copied()
    }

    /// The head's prediction at every grid point, written into `out`: for two classes
    /// 2p − 1 in [−1, 1]; for regression the predicted value; for several classes
    /// class + confidence (the class index plus the winning probability, in [k, k + 1]).
    pub fn predictions(&self, problem: Problem, out: &mut Vec<Float>) {
        out.clear();
        let pass = &self.pass;
        if pass.layers() == 0 {
            return;
        }
        match problem {
            Problem::Binary => {
                // σ of the whole row four points at a time (the training head's σ, to f32
                // precision; the library's exp is a call per point), then 2p − 1.
                let scores = self.scores(0);
                out.resize(scores.len(), 0.0);
                nnlab_kernels::logistic_slice(scores, out);
                out.iter_mut().for_each(|p| *p = 2.0 * *p - 1.0);
            }
            Problem::Regression => out.extend_from_slice(self.scores(0)),
            Problem::MultiClass(k) => {
                let k = k.min(MAX_CLASSES);
                let mut scores = [0.0; MAX_CLASSES];
                let mut probabilities = [0.0; MAX_CLASSES];
                for point in 0..pass.points() {
                    pass.scores_of(point, &mut scores[..k]);
                    let class = loss::predict(problem, &scores[..k], &mut probabilities[..k]);
                    out.push(class + probabilities[class as usize]);
                }
            }
        }
    }

    /// Feature `feature`'s raw (unnormalized) value at every grid point, for its thumbnail.
    pub fn feature_values(&self, feature: Feature) -> impl Iterator<Item = Float> + '_ {
        self.points.iter().map(move |&(x, y)| feature.value(x, y))
    }
}

/// Statistics of one layer over a set of points.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LayerStats {
    /// Share of (neuron, point) pairs where |f′(z)| is below 10 % of its maximum.
    pub saturated_fraction: Float,
    /// Share of neurons that are saturated (for ReLU: output 0) on every point: they pass
    /// no gradient at all.
    pub dead_fraction: Float,
    /// Frobenius norm of the layer's weights.
    pub weight_norm: Float,
    /// Every input of f in the layer, row by row (each neuron's, or maxout piece's, value at
    /// every point): the pre-activation z, or u = γ·ẑ + β when the layer normalises.
    pub pre_activation: Vec<Float>,
}

/// Statistics of every layer when the points `inputs` (features × points) pass through.
pub fn layer_stats(network: &Network, inputs: &DMatrix<Float>, pass: &mut Pass) -> Vec<LayerStats> {
    network.forward(inputs, pass);
    network
        .layers
        .iter()
        .enumerate()
        .map(|(l, layer)| {
            let act = if l + 1 == network.layers.len() {
                Activation::Linear
            } else {
                layer.activation
            };
            let rows = pass.pre_activation_rows(l);
            let points = pass.points();
            let mut saturated = 0usize;
            let mut always = vec![points > 0; rows];
            let mut pre_activation = Vec::with_capacity(rows * points);
            for (r, always_r) in always.iter_mut().enumerate() {
                // What f reads: u after a normalisation, else z.
                let z = pass.activation_input(l, r);
                pre_activation.extend_from_slice(z);
                for &v in z {
                    if act.is_saturated(v) {
                        saturated += 1;
                    } else {
                        *always_r = false;
                    }
                }
            }
            // A maxout neuron is dead only if all its pieces are; maxout never saturates.
            let k = act.pieces();
            let neurons = rows / k.max(1);
            let dead = always.chunks(k.max(1)).filter(|c| c.iter().all(|&d| d)).count();
            LayerStats {
                saturated_fraction: if pre_activation.is_empty() {
                    0.0
                } else {
                    saturated as Float / pre_activation.len() as Float
                },
                dead_fraction: if neurons == 0 {
                    0.0
                } else {
                    dead as Float / neurons as Float
                },
                weight_norm: layer.weights.value.norm(),
                pre_activation,
            }
        })
        .collect()
}

/// Frobenius norm of each layer's weight gradient over the whole training split (data loss
/// plus penalty), at the current weights, in training mode. Training state is not touched.
pub fn gradient_norms(trainer: &Trainer) -> Vec<Float> {
    let (inputs, labels) = trainer.train_set();
    let config = trainer.config();
    let mut network = trainer.network().clone();
    if labels.is_empty() {
        return vec![0.0; network.layers.len()];
    }
    let mut pass = Pass::default();
    pass.load(inputs);
    // In training mode, as a step sees it: batch normalisation then normalises with the
    // split's own statistics (its running estimates would hide what it does to the gradient),
    // and dropout draws one fixed set of masks.
    network.propagate_t(&mut pass, Mode::Train, &mut SeededRng::seed_from_u64(0));
    network.batch_loss(config.loss, &mut pass, labels);
    network.backward(&mut pass);
    network.add_penalty_gradient(config.reg, config.reg_rate);
    network.layers.iter().map(|l| l.weights.grad.norm()).collect()
}

/// A layer's weight gradient is called vanishing when its norm is below this share of the
/// largest layer's norm (the lesson's "100× smaller").
pub const VANISHING_SHARE: Float = 0.01;
/// A layer's weight gradient is called exploding when its norm exceeds this: with learning
/// rates around 0.03 such a step moves weights by several units at once.
pub const EXPLODING_NORM: Float = 100.0;

/// How healthy one layer's gradient is compared with the others.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GradientHealth {
    Healthy,
    /// Much smaller than the largest layer's: this layer barely learns.
    Vanishing,
    /// Huge or not finite: the next update will overshoot.
    Exploding,
}

impl GradientHealth {
    /// A stable lowercase name, used as the page's `data-state`.
    pub fn name(self) -> &'static str {
        match self {
            GradientHealth::Healthy => "healthy",
            GradientHealth::Vanishing => "vanishing",
            GradientHealth::Exploding => "exploding",
        }
    }
}

/// Classifies each layer's gradient norm (see [`VANISHING_SHARE`] and [`EXPLODING_NORM`]).
pub fn gradient_health(norms: &[Float]) -> Vec<GradientHealth> {
    let largest = norms.iter().copied().filter(|n| n.is_finite()).fold(0.0, Float::max);
    norms
        .iter()
        .map(|&n| {
            if !n.is_finite() || n > EXPLODING_NORM {
                GradientHealth::Exploding
            } else if largest > 0.0 && n < VANISHING_SHARE * largest {
                GradientHealth::Vanishing
            } else {
                GradientHealth::Healthy
            }
        })
        .collect()
}

/// Most points [`GradientHistory`] keeps.
pub const GRADIENT_HISTORY_CAPACITY: usize = 256;

/// Per-layer gradient norms over epochs, bounded like the loss history: when full, every
/// other point is dropped, so a long run keeps a flat memory and its whole span.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GradientHistory {
    points: Vec<(u64, Vec<Float>)>,
}

impl GradientHistory {
    /// (epoch, one norm per layer), oldest first.
    pub fn points(&self) -> &[(u64, Vec<Float>)] {
        &self.points
    }

    /// Adds the norms at `epoch`. A run that went back in time (reset) or changed its number
    /// of layers starts a new history; the same epoch again replaces its point.
    pub fn record(&mut self, epoch: u64, norms: &[Float]) {
        let restart = self
            .points
            .last()
            .is_some_and(|(last, n)| epoch < *last || n.len() != norms.len());
        if restart {
            self.points.clear();
        }
        if self.points.last().is_some_and(|(last, _)| *last == epoch) {
            self.points.pop();
        }
        self.points.push((epoch, norms.to_vec()));
        if self.points.len() > GRADIENT_HISTORY_CAPACITY {
            let mut index = 0;
            // Keep the newest point and every other one before it.
            let newest = self.points.len() - 1;
            self.points.retain(|_| {
                let keep = index % 2 == 0 || index == newest;
                index += 1;
                keep
            });
        }
    }

    pub fn clear(&mut self) {
        self.points.clear();
    }
}

/// Counts of `values` in `bins` equal bins over [lo, hi]. Values outside the range land in
/// the end bins, so saturated tails stay visible; NaN is skipped.
pub fn histogram(values: &[Float], lo: Float, hi: Float, bins: usize) -> Vec<u32> {
    let mut counts = vec![0u32; bins];
    if bins == 0 || hi <= lo {
        return counts;
    }
    let width = (hi - lo) / bins as Float;
    for &v in values {
        if v.is_nan() {
            continue;
        }
        let bin = ((v - lo) / width).floor();
        let bin = if bin < 0.0 { 0 } else { (bin as usize).min(bins - 1) };
        counts[bin] += 1;
    }
    counts
}

/// f(z) and f′(z) of `activation` at `samples` evenly spaced z over [lo, hi], for plotting.
pub fn activation_curve(activation: Activation, lo: Float, hi: Float, samples: usize) -> Vec<(Float, Float, Float)> {
    let steps = samples.max(2) - 1;
    (0..=steps)
        .map(|i| {
            let z = lo + (hi - lo) * i as Float / steps as Float;
            let a = activation.apply(z);
            (z, a, activation.derivative(z, a))
        })
        .collect()
}

/// One layer of a traced point: the values of the forward pass and the gradients of the
/// backward pass, for one sample. Rows are the layer's pre-activations (neurons·pieces).
#[derive(Clone, Debug, PartialEq)]
pub struct LayerTrace {
    /// a of the layer below (the normalized features for layer 0).
    pub input: Vec<Float>,
    /// z = W·input + b.
    pub pre_activation: Vec<Float>,
    /// a = f(z), or f(u) when the layer normalises (per neuron; the output layer's raw scores).
    pub activation: Vec<Float>,
    /// The normalisation between z and f, when the layer has one.
    pub norm: Option<NormTrace>,
    /// f′ at its input (z, or u when the layer normalises), the local gradient of each
    /// pre-activation (maxout: 1 for the winning piece, else 0).
    pub local_grad: Vec<Float>,
    /// dL/da arriving from above (per neuron).
    pub upstream_grad: Vec<Float>,
    /// dL/dz = upstream × local.
    pub delta: Vec<Float>,
    /// dL/dW = δ·inputᵀ, plus the penalty's gradient (before clipping).
    pub weight_grad: DMatrix<Float>,
    /// dL/db = δ (before clipping).
    pub bias_grad: Vec<Float>,
    /// The gradient the optimizer was given: `weight_grad` after clipping (the same when
    /// nothing was clipped).
    pub applied_weight_grad: DMatrix<Float>,
    /// The same for the biases.
    pub applied_bias_grad: Vec<Float>,
    /// The change the optimizer would make to each weight if this point were the whole batch.
    pub weight_update: DMatrix<Float>,
    /// The same for each bias.
    pub bias_update: Vec<Float>,
}

/// One point's trip through a layer's normalisation, per pre-activation row, in evaluation
/// mode (batch normalisation with its running estimates).
#[derive(Clone, Debug, PartialEq)]
pub struct NormTrace {
    pub kind: NormKind,
    /// μ used: the running mean (batch norm) or the point's mean over the layer (layer norm).
    pub mean: Vec<Float>,
    /// σ² used, likewise.
    pub variance: Vec<Float>,
    /// ẑ = (z − μ)/√(σ² + ε).
    pub normalized: Vec<Float>,
    pub gamma: Vec<Float>,
    pub beta: Vec<Float>,
    /// u = γ·ẑ + β, what f reads.
    pub output: Vec<Float>,
}

/// The complete forward and backward pass of one point.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    pub sample: Sample,
    /// The head's output: P(class 1), the predicted value, or the class probabilities.
    pub prediction: Vec<Float>,
    /// The point's data loss.
    pub loss: Float,
    /// dL/ds for each output score.
    pub output_grad: Vec<Float>,
    /// The norm of all the gradients together before clipping (0 when clipping is off).
    pub gradient_norm: Float,
    /// The factor clipping scaled every gradient by (1: nothing was clipped).
    pub clip_scale: Float,
    pub layers: Vec<LayerTrace>,
}

/// Traces `sample` through the trainer's network: every value, every local and upstream
/// gradient, the clipping and the update the optimizer would make, all from one
/// [`train_step`] on a copy of the network (the step training runs). Training state is not
/// touched.
pub fn trace(trainer: &Trainer, sample: Sample) -> Trace {
    let config = trainer.config();
    let before = trainer.network();
    let mut updated = before.clone();
    let mut inputs = DMatrix::zeros(0, 0);
    fill_inputs(
        trainer.features(),
        trainer.normalizer(),
        &[(sample.x, sample.y)],
        &mut inputs,
    );
    let mut pass = Pass::default();
    pass.load(&inputs);
    // The gradients as backward and the penalty left them; NaN when the point's loss is not
    // finite and the step stopped before the backward pass.
    let mut network = before.clone();
    for layer in &mut network.layers {
        layer.weights.grad.fill(Float::NAN);
        layer.biases.grad.fill(Float::NAN);
    }
    let rule = StepRule {
        mode: Mode::Eval,
        ..StepRule::of(config, &trainer.optimizer_params)
    };
    let report = train_step(
        &mut updated,
        &mut pass,
        &[sample.label],
        &rule,
        LossValue::Measure,
        // Evaluation mode draws no dropout mask.
        &mut SeededRng::seed_from_u64(0),
        |net| {
            for (kept, layer) in network.layers.iter_mut().zip(&net.layers) {
                kept.weights.grad.copy_from(&layer.weights.grad);
                kept.biases.grad.copy_from(&layer.biases.grad);
            }
        },
    );
    let loss = report.loss.unwrap_or(Float::NAN);
    let problem = network.problem;
    // One point: the first value of every row is that point's.
    let first = |values: &[Float]| values.first().copied().unwrap_or(0.0);
    let last = pass.layers().saturating_sub(1);
    let scores: Vec<Float> = (0..pass.outputs()).map(|o| first(pass.activation(last, o))).collect();
    let mut probabilities = vec![0.0; scores.len().max(1)];
    let value = loss::predict(problem, &scores, &mut probabilities);
    let prediction = match problem {
        Problem::MultiClass(_) => probabilities,
        _ if problem == Problem::Binary => vec![probabilities[0]],
        _ => vec![value],
    };
    let layers = network
        .layers
        .iter()
        .enumerate()
        .map(|(l, layer)| {
            let input = if l == 0 {
                inputs.as_slice().to_vec()
            } else {
                (0..pass.neurons(l - 1))
                    .map(|j| first(pass.activation(l - 1, j)))
                    .collect()
            };
            let rows = pass.pre_activation_rows(l);
            let z: Vec<Float> = (0..rows).map(|r| first(pass.pre_activation(l, r))).collect();
            let a: Vec<Float> = (0..pass.neurons(l)).map(|j| first(pass.activation(l, j))).collect();
            let delta = (0..rows).map(|r| first(pass.delta(l, r))).collect();
            let upstream = (0..pass.neurons(l)).map(|j| first(pass.upstream(l, j))).collect();
            let k = layer.activation.pieces();
            let norm = layer.norm.as_ref().map(|n| NormTrace {
                kind: n.kind,
                mean: (0..rows)
                    .map(|r| pass.norm_statistics(l, r, 0).map_or(0.0, |s| s.0))
                    .collect(),
                variance: (0..rows)
                    .map(|r| pass.norm_statistics(l, r, 0).map_or(0.0, |s| s.1))
                    .collect(),
                normalized: (0..rows).map(|r| first(pass.normalized(l, r))).collect(),
                gamma: n.gamma.value.iter().copied().collect(),
                beta: n.beta.value.iter().copied().collect(),
                output: (0..rows).map(|r| first(pass.activation_input(l, r))).collect(),
            });
            // f′ at what f read: u after a normalisation, else z.
            let f_input = norm.as_ref().map_or(&z, |n| &n.output);
            let local_grad = f_input
                .iter()
                .enumerate()
                .map(|(r, &zv)| match layer.activation {
                    Activation::Maxout => {
                        let neuron = r / k;
                        if a.get(neuron) == Some(&zv) {
                            1.0
                        } else {
                            0.0
                        }
                    }
                    act => act.derivative(zv, a.get(r).copied().unwrap_or(0.0)),
                })
                .collect();
            let after = &updated.layers[l];
            LayerTrace {
                input,
                pre_activation: z,
                activation: a,
                norm,
                local_grad,
                upstream_grad: upstream,
                delta,
                weight_grad: layer.weights.grad.clone(),
                bias_grad: layer.biases.grad.as_slice().to_vec(),
                applied_weight_grad: after.weights.grad.clone(),
                applied_bias_grad: after.biases.grad.as_slice().to_vec(),
                weight_update: &after.weights.value - &layer.weights.value,
                bias_update: (&after.biases.value - &layer.biases.value).as_slice().to_vec(),
            }
        })
        .collect();
    Trace {
        sample,
        prediction,
        loss,
        output_grad: (0..pass.outputs()).map(|o| first(pass.upstream(last, o))).collect(),
        gradient_norm: report.gradient_norm,
        clip_scale: report.clip_scale,
        layers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::optimizer::OptimizerParams;

    use crate::core::trainer::test_run as trainer;

    #[test]
    fn the_grid_keeps_every_layers_output_bit_for_bit_and_no_pre_activations() {
        for query in [
            "dataset=circle&hidden=3,2&seed=2",
            "dataset=xor&hidden=4&activation=relu&seed=3",
            "dataset=spiral&hidden=5,3&activation=sigmoid&seed=4",
        ] {
            let t = trainer(query);
            let mut grid = GridOutputs::new(20);
            grid.compute(t.network(), t.features(), t.normalizer());
            let mut full = Pass::default();
            full.load(&grid.inputs);
            t.network().propagate(&mut full);
            assert_eq!(grid.pass.layers(), full.layers());
            for l in 0..full.layers() {
                assert_eq!(grid.pass.neurons(l), full.neurons(l));
                for r in 0..full.neurons(l) {
                    let (ours, theirs) = (grid.pass.activation(l, r), full.activation(l, r));
                    assert_eq!(ours.len(), 400);
                    assert!(
                        ours.iter().zip(theirs).all(|(a, b)| a.to_bits() == b.to_bits()),
                        "{query}: layer {l} neuron {r}"
                    );
                }
            }
            // The hidden layers' z is not stored (a store per value less, every frame).
            assert_eq!(grid.pass.pre_activation_rows(0), 0, "{query}");
            assert!(full.pre_activation_rows(0) > 0, "{query}");
        }
    }

    #[test]
    fn grid_matches_single_point_passes() {
        let t = trainer("dataset=circle&hidden=3,2&seed=2");
        let mut grid = GridOutputs::new(7);
        grid.compute(t.network(), t.features(), t.normalizer());
        let neuron: Vec<Float> = grid.neuron(0, 1).collect();
        assert_eq!(neuron.len(), 49);
        for (i, &value) in neuron.iter().enumerate() {
            let (x, y) = grid_point(7, i % 7, i / 7);
            let tr = trace(&t, Sample { x, y, label: 0.0 });
            assert!((tr.layers[0].activation[1] - value).abs() < 1e-6);
        }
        assert_eq!(grid_point(2, 0, 0), (-3.0, 3.0));
        assert_eq!(grid.neuron(0, 3).count(), 0, "no such neuron");
        // The boundary's shading: 2σ(s) − 1 of every grid point's score (to f32 precision).
        let mut shading = Vec::new();
        grid.predictions(Problem::Binary, &mut shading);
        let scores = grid.scores(0);
        assert_eq!(shading.len(), scores.len());
        for (&shade, &s) in shading.iter().zip(scores) {
            let exact = 2.0 / (1.0 + (-f64::from(s)).exp()) - 1.0;
            assert!((f64::from(shade) - exact).abs() < 1e-6, "score {s}: {shade} vs {exact}");
        }
    }

    #[test]
    fn trace_agrees_with_the_engine_and_the_chain_rule() {
        let t = trainer("dataset=xor&hidden=3&activation=sigmoid&seed=5&optimizer=sgd&lr=0.5");
        let sample = t.data().train[0];
        let tr = trace(&t, sample);
        for layer in &tr.layers {
            for r in 0..layer.delta.len() {
                // δ = upstream × local (no maxout here, so rows are neurons).
                assert!((layer.delta[r] - layer.upstream_grad[r] * layer.local_grad[r]).abs() < 1e-6);
            }
            // SGD: Δw = −η·g.
            let expected = &layer.weight_grad * -0.5;
            assert!((&layer.weight_update - expected).norm() < 1e-5);
        }
        // Batch of one point: the gradient equals the per-sample one the engine computes.
        let mut net = t.network().clone();
        let mut inputs = DMatrix::zeros(0, 0);
        fill_inputs(t.features(), t.normalizer(), &[(sample.x, sample.y)], &mut inputs);
        let mut pass = Pass::default();
        net.forward(&inputs, &mut pass);
        net.batch_loss(t.config().loss, &mut pass, &[sample.label]);
        net.backward(&mut pass);
        assert_eq!(tr.layers[0].weight_grad, net.layers[0].weights.grad);
    }

    /// The data loss of one point through `network` (no penalty), in f64 for differencing.
    fn point_loss(t: &Trainer, network: &Network, sample: Sample) -> f64 {
        let mut inputs = DMatrix::zeros(0, 0);
        fill_inputs(t.features(), t.normalizer(), &[(sample.x, sample.y)], &mut inputs);
        let mut pass = Pass::default();
        network.forward(&inputs, &mut pass);
        f64::from(network.batch_loss(t.config().loss, &mut pass, &[sample.label]))
    }

    #[test]
    fn the_trace_shows_the_normalisation_it_went_through() {
        let mut t = trainer("dataset=circle&hidden=4&activation=tanh&seed=3&norm=batch&optimizer=adam");
        t.train_epochs(5);
        let sample = t.data().train[0];
        let tr = trace(&t, sample);
        let layer = &tr.layers[0];
        let norm = layer.norm.as_ref().expect("normalised layer");
        let kept = t.network().layers[0].norm.as_ref().expect("batch norm");
        assert_eq!(norm.kind, NormKind::Batch);
        // Evaluation mode: μ and σ² are the running estimates.
        assert_eq!(norm.mean, kept.running_mean.as_slice());
        assert_eq!(norm.variance, kept.running_var.as_slice());
        for r in 0..4 {
            let z_hat = (layer.pre_activation[r] - norm.mean[r]) / (norm.variance[r] + 1e-5).sqrt();
            assert!((norm.normalized[r] - z_hat).abs() < 1e-5);
            let u = norm.gamma[r] * z_hat + norm.beta[r];
            assert!((norm.output[r] - u).abs() < 1e-5);
            assert!((layer.activation[r] - u.tanh()).abs() < 1e-5, "a = f(u)");
            // f′ at u, not at z.
            assert!((layer.local_grad[r] - (1.0 - u.tanh().powi(2))).abs() < 1e-5);
        }
        assert!(tr.layers[1].norm.is_none(), "the output layer never normalises");
    }

    #[test]
    fn trace_gradients_match_finite_differences_of_the_point_loss() {
        for query in [
            "dataset=xor&hidden=3,2&activation=tanh&seed=5&reg=none",
            "dataset=circle&hidden=4&activation=sigmoid&seed=2&reg=none",
            "dataset=blobs3&hidden=3&activation=tanh&seed=4&reg=none",
            "dataset=plane&hidden=2&activation=tanh&seed=1&reg=none",
            "dataset=circle&hidden=4,3&activation=sigmoid&seed=3&reg=none&norm=layer",
            "dataset=circle&hidden=4,3&activation=tanh&seed=3&reg=none&norm=batch&optimizer=adam",
        ] {
            let mut t = trainer(query);
            // A few epochs first: batch normalisation's running estimates then differ from
            // their starting 0 and 1, and the trace must use them.
            t.train_epochs(3);
            for &sample in t.data().train.iter().take(3) {
                let tr = trace(&t, sample);
                assert!((f64::from(tr.loss) - point_loss(&t, t.network(), sample)).abs() < 1e-5);
                let h: Float = 1e-2;
                for (l, layer) in tr.layers.iter().enumerate() {
                    let (rows, cols) = layer.weight_grad.shape();
                    for r in 0..rows {
                        for c in 0..=cols {
                            // Column `cols` stands for the bias.
                            let numeric = {
                                let mut plus = t.network().clone();
                                let mut minus = t.network().clone();
                                if c < cols {
                                    plus.layers[l].weights.value[(r, c)] += h;
                                    minus.layers[l].weights.value[(r, c)] -= h;
                                } else {
                                    plus.layers[l].biases.value[(r, 0)] += h;
                                    minus.layers[l].biases.value[(r, 0)] -= h;
                                }
                                (point_loss(&t, &plus, sample) - point_loss(&t, &minus, sample)) / (2.0 * f64::from(h))
                            };
                            let analytic = if c < cols {
                                layer.weight_grad[(r, c)]
                            } else {
                                layer.bias_grad[r]
                            };
                            let analytic = f64::from(analytic);
                            assert!(
                                (numeric - analytic).abs() <= 2e-3 + 2e-2 * analytic.abs(),
                                "{query}: layer {l} ({r}, {c}): numeric {numeric} vs trace {analytic}"
                            );
                            if c < cols {
                                // dL/dw = δ · a_in.
                                let chain = layer.delta[r] * layer.input[c];
                                assert!((layer.weight_grad[(r, c)] - chain).abs() < 1e-5);
                            }
                        }
                    }
                    // The output layer's upstream gradient is dL/ds.
                    if l + 1 == tr.layers.len() {
                        assert_eq!(layer.upstream_grad, tr.output_grad);
                    }
                }
            }
        }
    }

    #[test]
    fn trace_updates_follow_the_optimizer_rules_with_their_state() {
        let hp = OptimizerParams::default();
        for optimizer in ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"] {
            let query = format!(
                "dataset=xor&hidden=3&activation=tanh&seed=3&lr=0.03&reg=l2&reg-rate=0.01&optimizer={optimizer}"
            );
            let mut t = trainer(&query);
            t.train_epochs(3); // non-zero optimizer state
            let sample = t.data().train[1];
            let tr = trace(&t, sample);
            let lr = t.config().lr;
            let step = t.network().step + 1;
            for (l, layer) in tr.layers.iter().enumerate() {
                let param = &t.network().layers[l].weights;
                for i in 0..layer.weight_grad.len() {
                    let g = layer.weight_grad.as_slice()[i];
                    let (m, v) = (param.first.as_slice()[i], param.second.as_slice()[i]);
                    let expected = match optimizer {
                        "sgd" => -lr * g,
                        "momentum" => -lr * (hp.momentum * m + g),
                        "nesterov" => -lr * (g + hp.momentum * (hp.momentum * m + g)),
                        "adagrad" => -lr * g / ((v + g * g).sqrt() + hp.adagrad_eps),
                        "rmsprop" => {
                            let s = hp.alpha * v + (1.0 - hp.alpha) * g * g;
                            -lr * g / (s.sqrt() + hp.eps)
                        }
                        _ => {
                            let m = hp.beta1 * m + (1.0 - hp.beta1) * g;
                            let v = hp.beta2 * v + (1.0 - hp.beta2) * g * g;
                            let t = step.clamp(1, u64::from(u32::MAX)) as u32;
                            let m_hat = m / (1.0 - crate::core::math::powi(hp.beta1, t));
                            let v_hat = v / (1.0 - crate::core::math::powi(hp.beta2, t));
                            -lr * m_hat / (v_hat.sqrt() + hp.eps)
                        }
                    };
                    let got = layer.weight_update.as_slice()[i];
                    assert!(
                        (got - expected).abs() <= 1e-6 + 1e-3 * expected.abs(),
                        "{optimizer}: layer {l} weight {i}: {got} vs {expected}"
                    );
                }
                // The penalty's gradient is part of dL/dw (L2: rate·w on top of δ·a_in).
                for r in 0..layer.delta.len() {
                    for c in 0..layer.input.len() {
                        let data = layer.delta[r] * layer.input[c];
                        let penalty = 0.01 * param.value[(r, c)];
                        assert!((layer.weight_grad[(r, c)] - data - penalty).abs() < 1e-5);
                    }
                }
            }
            // The trainer itself was not touched.
            assert_eq!(t.network().step + 1, step);
        }
    }

    #[test]
    fn the_trace_clips_like_training_does() {
        // A learning rate of 1 with an L2 penalty makes the gradient of one point large; a
        // limit of 0.05 is far below its norm, a limit of 1000 far above it.
        for (clip, clipped) in [(0.05, true), (1000.0, false)] {
            let query = format!("dataset=xor&hidden=3&activation=tanh&seed=4&lr=1&reg=l2&reg-rate=0.01&clip={clip}");
            let t = trainer(&query);
            let tr = trace(&t, t.data().train[0]);
            // The norm before clipping, by hand from the trace's own gradients.
            let squares: f64 = tr
                .layers
                .iter()
                .flat_map(|l| l.weight_grad.iter().chain(&l.bias_grad))
                .map(|&g| f64::from(g).powi(2))
                .sum();
            let norm = squares.sqrt() as Float;
            assert!(
                (tr.gradient_norm - norm).abs() <= 1e-5 * norm,
                "{} vs {norm}",
                tr.gradient_norm
            );
            assert_eq!(tr.clip_scale < 1.0, clipped, "clip {clip}: norm {norm}");
            let scale = if clipped { clip / norm } else { 1.0 };
            assert!((tr.clip_scale - scale).abs() <= 1e-5, "{} vs {scale}", tr.clip_scale);
            for layer in &tr.layers {
                for (i, &g) in layer.weight_grad.iter().enumerate() {
                    let applied = layer.applied_weight_grad.as_slice()[i];
                    assert!((applied - g * scale).abs() <= 1e-6 + 1e-5 * g.abs());
                    // SGD: Δw = −η·g with the clipped g (η = 1).
                    assert!((layer.weight_update.as_slice()[i] + applied).abs() <= 1e-6 + 1e-5 * applied.abs());
                }
                for (i, &g) in layer.bias_grad.iter().enumerate() {
                    assert!((layer.applied_bias_grad[i] - g * scale).abs() <= 1e-6 + 1e-5 * g.abs());
                    assert!((layer.bias_update[i] + layer.applied_bias_grad[i]).abs() <= 1e-6);
                }
            }
            if clipped {
                // The applied gradients' norm is the limit.
                let applied: f64 = tr
                    .layers
                    .iter()
                    .flat_map(|l| l.applied_weight_grad.iter().chain(&l.applied_bias_grad))
                    .map(|&g| f64::from(g).powi(2))
                    .sum();
                assert!((applied.sqrt() as Float - clip).abs() <= 1e-4 * clip);
            }
        }
    }

    #[test]
    fn deep_sigmoid_gradients_vanish_and_he_relu_ones_do_not() {
        let ratio = |query: &str| {
            let t = trainer(query);
            let norms = gradient_norms(&t);
            let hidden = t.network().hidden_count();
            norms[hidden - 1] / norms[0]
        };
        let sigmoid = ratio("dataset=circle&hidden=8,8,8,8,8&activation=sigmoid&init=xavier&seed=1");
        let relu = ratio("dataset=circle&hidden=8,8,8,8,8&activation=relu&init=he&seed=1");
        assert!(sigmoid >= 100.0, "sigmoid last/first gradient norm ratio {sigmoid}");
        assert!((1.0 / 20.0..=20.0).contains(&relu), "relu ratio {relu}");
    }

    #[test]
    fn confusion_matrix_agrees_with_accuracy() {
        let mut t = trainer("dataset=blobs3&hidden=4&seed=2");
        t.train_epochs(20);
        let matrix = t.test_confusion().to_vec();
        let total: u32 = matrix.iter().flatten().sum();
        let correct: u32 = (0..3).map(|i| matrix[i][i]).sum();
        assert_eq!(total as usize, t.test_set().1.len());
        assert!(matrix.iter().flatten().filter(|&&c| c > 0).count() >= 3, "{matrix:?}");
        let accuracy = t.evaluate().1.accuracy.unwrap_or(0.0);
        assert!((correct as Float / total as Float - accuracy).abs() < 1e-6);
    }

    #[test]
    fn relu_dead_zone_counts_as_saturated() {
        let t = trainer("dataset=circle&hidden=4&activation=relu&seed=3");
        let (inputs, _) = t.train_set();
        let stats = layer_stats(t.network(), inputs, &mut Pass::default());
        let negatives = stats[0].pre_activation.iter().filter(|&&z| z <= 0.0).count();
        let expected = negatives as Float / stats[0].pre_activation.len() as Float;
        assert!((stats[0].saturated_fraction - expected).abs() < 1e-6);
        assert_eq!(stats.len(), 2);
    }

    #[test]
    fn histogram_counts_every_value_once_and_clamps_tails() {
        // Bins of width 1 over [-2, 2]: -5 and -2 go to bin 0, 0.5 to bin 2, 1.99 and 9 to bin 3.
        let counts = histogram(&[-5.0, -2.0, 0.5, 1.99, 9.0, Float::NAN], -2.0, 2.0, 4);
        assert_eq!(counts, vec![2, 0, 1, 2]);
        assert_eq!(histogram(&[1.0], 1.0, 1.0, 3), vec![0, 0, 0]);
    }

    #[test]
    fn activation_curve_samples_f_and_its_derivative() {
        let curve = activation_curve(Activation::Sigmoid, -4.0, 4.0, 9);
        assert_eq!(curve.len(), 9);
        assert_eq!(curve[4].0, 0.0);
        // σ(0) = 1/2 and σ′(0) = 1/4.
        assert!((curve[4].1 - 0.5).abs() < 1e-7 && (curve[4].2 - 0.25).abs() < 1e-7);
        let relu = activation_curve(Activation::Relu, -1.0, 1.0, 3);
        assert_eq!(relu, vec![(-1.0, 0.0, 0.0), (0.0, 0.0, 0.0), (1.0, 1.0, 1.0)]);
    }

    #[test]
    fn gradient_health_marks_vanishing_and_exploding_layers() {
        let health = gradient_health(&[1e-4, 0.5, 1.0, 250.0, Float::NAN]);
        use GradientHealth::*;
        // 250 is the largest finite norm; 1e-4, 0.5 and 1.0 are all below 1 % of it.
        assert_eq!(health, vec![Vanishing, Vanishing, Vanishing, Exploding, Exploding]);
        assert_eq!(gradient_health(&[0.2, 0.1]), vec![Healthy, Healthy]);
        assert_eq!(gradient_health(&[0.0, 0.0]), vec![Healthy, Healthy]);
    }

    #[test]
    fn a_deep_sigmoid_net_shows_vanishing_first_layers() {
        let t = trainer("dataset=circle&hidden=8,8,8,8,8&activation=sigmoid&init=xavier&seed=1");
        let health = gradient_health(&gradient_norms(&t));
        assert_eq!(health[0], GradientHealth::Vanishing);
        assert_eq!(health[4], GradientHealth::Healthy);
    }

    #[test]
    fn gradient_history_is_bounded_and_restarts_on_reset_or_shape_change() {
        let mut history = GradientHistory::default();
        for epoch in 0..10_000 {
            history.record(epoch, &[1.0, 2.0]);
        }
        assert!(history.points().len() <= GRADIENT_HISTORY_CAPACITY);
        assert_eq!(history.points().first().map(|p| p.0), Some(0));
        assert_eq!(history.points().last().map(|p| p.0), Some(9_999));
        history.record(9_999, &[3.0, 4.0]);
        assert_eq!(history.points().last().map(|p| p.1.clone()), Some(vec![3.0, 4.0]));
        history.record(5, &[1.0, 2.0]);
        assert_eq!(history.points().len(), 1, "going back in time restarts");
        history.record(6, &[1.0, 2.0, 3.0]);
        assert_eq!(history.points().len(), 1, "a new shape restarts");
    }
}
