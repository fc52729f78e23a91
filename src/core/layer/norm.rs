//! Normalisation of a hidden layer's pre-activations, between z and f: ẑ = (z − μ)/√(σ² + ε),
//! u = γ·ẑ + β, a = f(u). Batch normalisation (as torch's `BatchNorm1d`) takes μ and σ² of
//! each neuron over the batch's points in training and keeps running estimates for
//! evaluation; layer normalisation (as torch's `LayerNorm` over a layer's neurons) takes them
//! over each point's neurons, the same in both modes. γ and β are per pre-activation (a
//! maxout neuron has one pair per piece), trained by the optimizer with their state beside
//! them, and never penalised.

use nalgebra::DMatrix;
use serde::Serialize;
use serde_json::Value;

use super::{ensure_len, Mode};
use crate::core::choice::{Choice, ChoiceInfo};

use crate::core::json_read::{Object, ReadJson};
use crate::core::model::ModelError;
use crate::core::optimizer::Param;
use crate::core::Float;

/// ε under the square root: keeps a constant neuron (σ² = 0) finite, as torch's default.
pub const EPSILON: Float = 1e-5;
/// How far one training batch moves the running estimates (torch's default momentum).
pub const MOMENTUM: Float = 0.1;

/// Which normalisation a hidden layer applies to its pre-activations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum NormKind {
    /// z goes to f as it is.
    #[default]
    None,
    /// Over the batch's points, per neuron; running estimates in evaluation.
    Batch,
    /// Over a point's neurons, per point; the same in training and evaluation.
    Layer,
}

crate::choice_serde!(NormKind);

impl Choice for NormKind {
    const ALL: &'static [Self] = &[NormKind::None, NormKind::Batch, NormKind::Layer];
    const KEY: &'static str = "norm";

    fn info(self) -> ChoiceInfo {
        let (name, en, zh, (tex, mathml, formula)) = match self {
            NormKind::None => ("none", "No norm", "不归一化", crate::tex!(r"u = z")),
            NormKind::Batch => (
                "batch",
                "Batch norm",
                "批量归一化",
                crate::tex!(
                    r"\begin{gathered} \mu_j = \frac{1}{m} \sum_{i=1}^{m} z_{ij} \quad \sigma_j^2 = \frac{1}{m} \sum_{i=1}^{m} (z_{ij} - \mu_j)^2 \\ \hat{z}_{ij} = \frac{z_{ij} - \mu_j}{\sqrt{\sigma_j^2 + \epsilon}} \quad u_{ij} = \gamma_j \hat{z}_{ij} + \beta_j \quad a_{ij} = f(u_{ij}) \end{gathered}"
                ),
            ),
            NormKind::Layer => (
                "layer",
                "Layer norm",
                "层归一化",
                crate::tex!(
                    r"\begin{gathered} \mu_i = \frac{1}{n} \sum_{j=1}^{n} z_{ij} \quad \sigma_i^2 = \frac{1}{n} \sum_{j=1}^{n} (z_{ij} - \mu_i)^2 \\ \hat{z}_{ij} = \frac{z_{ij} - \mu_i}{\sqrt{\sigma_i^2 + \epsilon}} \quad u_{ij} = \gamma_j \hat{z}_{ij} + \beta_j \quad a_{ij} = f(u_{ij}) \end{gathered}"
                ),
            ),
        };
        ChoiceInfo {
            name,
            en,
            zh,
            tex: crate::core::choice::kept_tex(tex),
            mathml,
            formula,
        }
    }
}

impl NormKind {
    /// The diagram's mark between z and a.
    pub fn mark(self) -> &'static str {
        match self {
            NormKind::None => "",
            NormKind::Batch => "BN",
            NormKind::Layer => "LN",
        }
    }
}

/// A layer's normalisation: its kind, the trained scale γ and shift β, and (batch
/// normalisation) the running estimates of each pre-activation's mean and variance.
#[derive(Clone, Debug, PartialEq)]
pub struct Norm {
    /// `Batch` or `Layer` (a layer without normalisation has no `Norm`).
    pub kind: NormKind,
    /// γ, rows × 1, starts at 1.
    pub gamma: Param,
    /// β, rows × 1, starts at 0.
    pub beta: Param,
    /// Running mean of each pre-activation (batch normalisation), rows × 1, starts at 0.
    pub running_mean: DMatrix<Float>,
    /// Running (unbiased) variance of each pre-activation, rows × 1, starts at 1.
    pub running_var: DMatrix<Float>,
}

/// What normalisation computed in one pass, kept for the backward pass, the running
/// estimates' update and the inspector. Batch-major like every pass buffer.
#[derive(Clone, Debug, Default)]
pub struct NormPass {
    /// Whether the layer normalised in this pass.
    pub(crate) active: bool,
    /// Whether μ and σ² came from this batch (batch normalisation in training): the
    /// backward pass then couples the batch's points, and the running estimates move.
    pub(crate) batch_statistics: bool,
    /// Whether `mean`, `variance` and `inv_std` are per point (layer normalisation) rather
    /// than per pre-activation.
    pub(crate) per_point: bool,
    /// Number of real points of the pass.
    pub(crate) points: usize,
    /// μ used, per row (batch) or per point (layer).
    pub(crate) mean: Vec<Float>,
    /// σ² used (biased, or the running estimate in evaluation), same layout as `mean`.
    pub(crate) variance: Vec<Float>,
    /// 1/√(σ² + ε), same layout as `mean`.
    pub(crate) inv_std: Vec<Float>,
    /// ẑ, rows × stride.
    pub(crate) normalized: Vec<Float>,
    /// u = γ·ẑ + β, rows × stride: what f reads.
    pub(crate) output: Vec<Float>,
    /// dL/du, rows × stride (backward).
    pub(crate) grad: Vec<Float>,
}

impl Norm {
    /// A fresh normalisation of `rows` pre-activations: γ = 1, β = 0, running mean 0 and
    /// variance 1. None for `NormKind::None`.
    pub fn new(kind: NormKind, rows: usize) -> Option<Norm> {
        (kind != NormKind::None).then(|| Norm {
            kind,
            gamma: Param::new(DMatrix::from_element(rows, 1, 1.0)),
            beta: Param::new(DMatrix::zeros(rows, 1)),
            running_mean: DMatrix::zeros(rows, 1),
            running_var: DMatrix::from_element(rows, 1, 1.0),
        })
    }

    /// Number of pre-activations normalised.
    pub fn rows(&self) -> usize {
        self.gamma.value.nrows()
    }

    /// Forward pass: normalises `z` (rows × `stride`, the first `points` of each row real)
    /// into `out`. Changes only `out`: afterwards it holds μ, σ², 1/√(σ² + ε), ẑ and u. Batch
    /// normalisation uses the batch's statistics in training and the running estimates in
    /// evaluation; layer normalisation acts the same in both modes.
    pub fn forward_t(&self, z: &[Float], (stride, points): (usize, usize), out: &mut NormPass, mode: Mode) {
        let rows = self.rows();
        let stride = stride.max(1);
        out.active = true;
        out.points = points;
        out.batch_statistics = self.kind == NormKind::Batch && mode == Mode::Train;
        out.per_point = self.kind == NormKind::Layer;
        let stats = if out.per_point { stride } else { rows };
        ensure_len(&mut out.mean, stats);
        ensure_len(&mut out.variance, stats);
        ensure_len(&mut out.inv_std, stats);
        ensure_len(&mut out.normalized, rows * stride);
        ensure_len(&mut out.output, rows * stride);
        match (self.kind, mode) {
            (NormKind::Batch, Mode::Train) => {
                for r in 0..rows {
                    let row = &z[r * stride..r * stride + points];
                    let (mean, variance) = mean_and_variance(row.iter().copied());
                    out.mean[r] = mean;
                    out.variance[r] = variance;
                }
            }
            (NormKind::Batch, Mode::Eval) => {
                out.mean.copy_from_slice(self.running_mean.as_slice());
                out.variance.copy_from_slice(self.running_var.as_slice());
            }
            _ => nnlab_kernels::column_mean_variance(z, rows, stride, &mut out.mean, &mut out.variance),
        }
        for (inv, &v) in out.inv_std.iter_mut().zip(&out.variance) {
            *inv = 1.0 / (v + EPSILON).sqrt();
        }
        // Row by row in the kernels crate: the boundary grid of 10 000 points goes through
        // here every frame.
        let (gamma, beta) = (self.gamma.value.as_slice(), self.beta.value.as_slice());
        for (r, ((z, z_hat), u)) in z
            .chunks_exact(stride)
            .zip(out.normalized.chunks_exact_mut(stride))
            .zip(out.output.chunks_exact_mut(stride))
            .take(rows)
            .enumerate()
        {
            if out.per_point {
                nnlab_kernels::normalize_columns(z, &out.mean, &out.inv_std, gamma[r], beta[r], z_hat, u);
            } else {
                nnlab_kernels::normalize_row(z, out.mean[r], out.inv_std[r], gamma[r], beta[r], z_hat, u);
            }
            if out.batch_statistics {
                // The padding is not in μ: its ẑ is 0 (and u = β).
                z_hat[points..].fill(0.0);
                u[points..].fill(beta[r]);
            }
        }
    }

    /// Backward pass from dL/du in `pass.grad`: adds nothing, overwrites γ's and β's
    /// gradients (dL/dγ = Σ dL/du·ẑ, dL/dβ = Σ dL/du over the real points) and writes dL/dz
    /// into `delta` (rows × `stride`, zero on the padding). With the batch's statistics
    /// every point's ẑ depends on every other's z, and dL/dz carries those terms:
    /// dL/dz = (dẑ − mean(dẑ) − ẑ·mean(dẑ·ẑ))/√(σ² + ε), the means over what μ and σ² were
    /// taken over (the batch, or the point's neurons).
    pub fn backward(&mut self, pass: &NormPass, stride: usize, delta: &mut [Float]) {
        let rows = self.rows();
        let stride = stride.max(1);
        let points = pass.points.min(stride);
        if !pass.per_point {
            // Batch normalisation: row by row in the kernels crate (the gradient flow panel
            // runs this over the whole training split every frame).
            for r in 0..rows {
                let at = r * stride..(r + 1) * stride;
                let (dg, db) = nnlab_kernels::normalize_row_backward(
                    &pass.grad[at.clone()],
                    &pass.normalized[at.clone()],
                    self.gamma.value[(r, 0)],
                    pass.inv_std[r],
                    points,
                    pass.batch_statistics,
                    &mut delta[at],
                );
                self.gamma.grad[(r, 0)] = dg;
                self.beta.grad[(r, 0)] = db;
            }
            return;
        }
        // Layer normalisation: μ and σ² of each point over the layer's rows.
        let gamma = self.gamma.value.as_slice();
        for r in 0..rows {
            let at = r * stride;
            let (mut dg, mut db) = (0.0f64, 0.0f64);
            for p in 0..points {
                let du = f64::from(pass.grad[at + p]);
                dg += du * f64::from(pass.normalized[at + p]);
                db += du;
            }
            self.gamma.grad[(r, 0)] = dg as Float;
            self.beta.grad[(r, 0)] = db as Float;
        }
        delta[..rows * stride].fill(0.0);
        let d_hat = |r: usize, p: usize| pass.grad[r * stride + p] * gamma[r];
        for p in 0..points {
            let (mut sum, mut dot) = (0.0f64, 0.0f64);
            for r in 0..rows {
                let d = f64::from(d_hat(r, p));
                sum += d;
                dot += d * f64::from(pass.normalized[r * stride + p]);
            }
            let (mean_d, mean_dot) = ((sum / rows as f64) as Float, (dot / rows as f64) as Float);
            for r in 0..rows {
                let n = pass.normalized[r * stride + p];
                delta[r * stride + p] = (d_hat(r, p) - mean_d - n * mean_dot) * pass.inv_std[p];
            }
        }
    }

    /// Moves the running estimates towards the statistics of the training batch in `pass`
    /// (batch normalisation only): mean ← (1 − m)·mean + m·μ, var ← (1 − m)·var + m·σ²·n/(n − 1)
    /// with the unbiased batch variance, as torch. Changes only the running estimates, and
    /// nothing when the pass used no batch statistics or had a single point (whose unbiased
    /// variance is undefined).
    pub fn update_running_statistics(&mut self, pass: &NormPass) {
        if !pass.batch_statistics || pass.points < 2 {
            return;
        }
        let n = pass.points as Float;
        let unbias = n / (n - 1.0);
        for r in 0..self.rows() {
            let (Some(&mean), Some(&var)) = (pass.mean.get(r), pass.variance.get(r)) else {
                continue;
            };
            let rm = &mut self.running_mean[(r, 0)];
            *rm = (1.0 - MOMENTUM) * *rm + MOMENTUM * mean;
            let rv = &mut self.running_var[(r, 0)];
            *rv = (1.0 - MOMENTUM) * *rv + MOMENTUM * var * unbias;
        }
    }

    /// Gives the normalisation `rows` pre-activations, row i coming from `source(i)` (None:
    /// new, with γ = 1, β = 0, running mean 0 and variance 1). Kept rows keep their values
    /// and optimizer state.
    pub fn remap(&mut self, rows: usize, source: impl Fn(usize) -> Option<usize> + Copy) {
        self.remap_dyn(rows, &source);
    }

    fn remap_dyn(&mut self, rows: usize, source: &dyn Fn(usize) -> Option<usize>) {
        self.gamma.remap(rows, 1, source, Some, |_, _| 1.0);
        self.beta.remap(rows, 1, source, Some, |_, _| 0.0);
        for (running, fresh) in [(&mut self.running_mean, 0.0), (&mut self.running_var, 1.0)] {
            let old = std::mem::replace(running, DMatrix::from_element(rows, 1, fresh));
            for i in 0..rows {
                if let Some(&v) = source(i).and_then(|s| old.get((s, 0))) {
                    running[(i, 0)] = v;
                }
            }
        }
    }

    /// The normalisation as the model file writes it.
    pub fn to_file(&self) -> NormFile {
        let column = |m: &DMatrix<Float>| m.iter().copied().collect::<Vec<_>>();
        let batch = self.kind == NormKind::Batch;
        NormFile {
            kind: self.kind.name().to_string(),
            gamma: column(&self.gamma.value),
            beta: column(&self.beta.value),
            running_mean: batch.then(|| column(&self.running_mean)),
            running_var: batch.then(|| column(&self.running_var)),
        }
    }
}

/// Mean and biased variance of `values`, accumulated in f64 (the same bits on every target).
fn mean_and_variance(values: impl Iterator<Item = Float> + Clone) -> (Float, Float) {
    let (mut n, mut sum) = (0usize, 0.0f64);
    for v in values.clone() {
        n += 1;
        sum += f64::from(v);
    }
    if n == 0 {
        return (0.0, 1.0);
    }
    let mean = sum / n as f64;
    let squares: f64 = values
        .map(|v| {
            let d = f64::from(v) - mean;
            d * d
        })
        .sum();
    (mean as Float, (squares / n as f64) as Float)
}

/// A hidden layer's `"norm"` section of the model file (version 2).
#[derive(Clone, Debug, Serialize)]
pub struct NormFile {
    /// `batch` or `layer` (`none` reads as no normalisation).
    pub kind: String,
    pub gamma: Vec<Float>,
    pub beta: Vec<Float>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub running_mean: Option<Vec<Float>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub running_var: Option<Vec<Float>>,
}

impl ReadJson for NormFile {
    fn read(value: &Value, path: &str) -> Result<Self, ModelError> {
        let section = Object::new(value, path)?;
        Ok(NormFile {
            kind: section.field("kind")?,
            gamma: section.field("gamma")?,
            beta: section.field("beta")?,
            running_mean: section.optional("running_mean")?,
            running_var: section.optional("running_var")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 2-row layer over 3 real points padded to 4.
    fn z() -> Vec<Float> {
        // Row 0: 1, 2, 3 (padding 9); row 1: 0, 0, 6 (padding 9).
        vec![1.0, 2.0, 3.0, 9.0, 0.0, 0.0, 6.0, 9.0]
    }

    #[test]
    fn batch_norm_in_training_uses_the_batch_statistics() {
        let norm = Norm::new(NormKind::Batch, 2).expect("batch");
        let mut pass = NormPass::default();
        norm.forward_t(&z(), (4, 3), &mut pass, Mode::Train);
        // Row 0: μ = 2, σ² = (1 + 0 + 1)/3 = 2/3; ẑ = (z − 2)/√(2/3 + 1e-5).
        // Row 1: μ = 2, σ² = (4 + 4 + 16)/3 = 8.
        assert_eq!(&pass.mean[..], &[2.0, 2.0]);
        assert!((pass.variance[0] - 2.0 / 3.0).abs() < 1e-6 && (pass.variance[1] - 8.0).abs() < 1e-5);
        let s0 = (2.0f64 / 3.0 + 1e-5).sqrt();
        let s1 = (8.0f64 + 1e-5).sqrt();
        let expected = [-1.0 / s0, 0.0, 1.0 / s0, 0.0, -2.0 / s1, -2.0 / s1, 4.0 / s1, 0.0];
        for (got, want) in pass.normalized.iter().zip(expected) {
            assert!((f64::from(*got) - want).abs() < 1e-5, "{:?}", pass.normalized);
        }
        // γ = 1 and β = 0: u = ẑ.
        assert_eq!(pass.output, pass.normalized);
    }

    #[test]
    fn batch_norm_in_evaluation_uses_the_running_estimates() {
        let mut norm = Norm::new(NormKind::Batch, 2).expect("batch");
        norm.running_mean = DMatrix::from_column_slice(2, 1, &[1.0, -1.0]);
        norm.running_var = DMatrix::from_column_slice(2, 1, &[4.0, 0.25]);
        norm.gamma.value = DMatrix::from_column_slice(2, 1, &[2.0, 1.0]);
        norm.beta.value = DMatrix::from_column_slice(2, 1, &[0.5, 0.0]);
        let mut pass = NormPass::default();
        norm.forward_t(&z(), (4, 3), &mut pass, Mode::Eval);
        // Row 0, z = 3: ẑ = (3 − 1)/√(4 + 1e-5) ≈ 0.99999875, u = 2·ẑ + 0.5 ≈ 2.4999975.
        assert!((pass.output[2] - 2.4999975).abs() < 1e-6, "{}", pass.output[2]);
        // Row 1, z = 0: ẑ = (0 + 1)/√(0.25 + 1e-5) ≈ 1.99996, u = ẑ.
        assert!((pass.output[4] - 1.99996).abs() < 1e-5, "{}", pass.output[4]);
    }

    #[test]
    fn layer_norm_normalises_each_point_over_its_neurons() {
        let norm = Norm::new(NormKind::Layer, 2).expect("layer");
        let (mut train, mut eval) = (NormPass::default(), NormPass::default());
        norm.forward_t(&z(), (4, 3), &mut train, Mode::Train);
        norm.forward_t(&z(), (4, 3), &mut eval, Mode::Eval);
        assert_eq!(train.output, eval.output, "the same in both modes");
        // Point 0: z = (1, 0): μ = 0.5, σ² = 0.25, ẑ = ±0.5/√(0.25 + 1e-5) ≈ ±0.99998.
        assert!((train.normalized[0] - 0.99998).abs() < 1e-5);
        assert!((train.normalized[4] + 0.99998).abs() < 1e-5);
        // Point 1: z = (2, 0); point 2: z = (3, 6): μ = 4.5, ẑ ≈ ∓1.
        assert!((train.normalized[2] + 1.0).abs() < 1e-5 && (train.normalized[6] - 1.0).abs() < 1e-5);
        assert_eq!(Norm::new(NormKind::None, 2), None);
    }

    #[test]
    fn running_estimates_follow_the_momentum_formula() {
        // Three steps on the same batch: row 0 has μ = 2 and unbiased variance 1 (σ² = 2/3
        // over 3 points, × 3/2). mean_k = 2·(1 − 0.9^k), var_k = 0.9^k·1 + (1 − 0.9^k)·1 = 1.
        // Row 1: μ = 2, unbiased variance 12: var_k = 0.9^k + 12·(1 − 0.9^k).
        let mut norm = Norm::new(NormKind::Batch, 2).expect("batch");
        let mut pass = NormPass::default();
        for _ in 0..3 {
            norm.forward_t(&z(), (4, 3), &mut pass, Mode::Train);
            norm.update_running_statistics(&pass);
        }
        let decay = 0.9f64.powi(3);
        assert!((f64::from(norm.running_mean[(0, 0)]) - 2.0 * (1.0 - decay)).abs() < 1e-5);
        assert!((f64::from(norm.running_var[(0, 0)]) - 1.0).abs() < 1e-5);
        assert!((f64::from(norm.running_var[(1, 0)]) - (decay + 12.0 * (1.0 - decay))).abs() < 1e-4);
        // Evaluation passes and layer norm leave them alone.
        let before = norm.clone();
        norm.forward_t(&z(), (4, 3), &mut pass, Mode::Eval);
        norm.update_running_statistics(&pass);
        assert_eq!(norm, before);
    }

    #[test]
    fn remap_keeps_rows_and_starts_new_ones_neutral() {
        let mut norm = Norm::new(NormKind::Batch, 2).expect("batch");
        norm.gamma.value[(1, 0)] = 3.0;
        norm.running_var[(1, 0)] = 5.0;
        norm.remap(3, |i| (i >= 1).then(|| i - 1));
        assert_eq!(norm.gamma.value.as_slice(), &[1.0, 1.0, 3.0]);
        assert_eq!(norm.running_var.as_slice(), &[1.0, 1.0, 5.0]);
        assert_eq!(norm.beta.value.as_slice(), &[0.0, 0.0, 0.0]);
    }
}
