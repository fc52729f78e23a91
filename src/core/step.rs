//! One training step, written once: forward → loss gradient → backward → penalty →
//! clipping → update. The trainer runs it for every batch (except when the fused SGD epoch,
//! which gives the same numbers bit for bit, applies); the backprop inspector runs it on a
//! copy of the network for one point, so what it shows is what training does.

use super::config::Config;
use super::layer::Mode;
use super::loss::Loss;
use super::network::{Network, Pass};
use super::optimizer::{Optimizer, OptimizerParams};
use super::regularization::Regularization;
use super::trainer::Quantity;
use super::{Float, SeededRng};

/// The settings one step follows, taken from a run's config.
#[derive(Clone, Copy, Debug)]
pub struct StepRule<'a> {
    pub loss: Loss,
    pub reg: Regularization,
    pub reg_rate: Float,
    /// The largest gradient norm kept (0: no clipping).
    pub clip: Float,
    pub optimizer: Optimizer,
    pub params: &'a OptimizerParams,
    pub lr: Float,
    /// The forward pass's mode: training for the trainer; evaluation for the inspector,
    /// which shows one point's step the way the page evaluates it (a layer that acts
    /// differently in training, such as batch normalisation over one point, would
    /// otherwise show numbers no prediction uses).
    pub mode: Mode,
}

impl<'a> StepRule<'a> {
    /// The training step `config` asks for, with the optimizers' other hyper-parameters `params`.
    pub fn of(config: &Config, params: &'a OptimizerParams) -> StepRule<'a> {
        StepRule {
            loss: config.loss,
            reg: config.reg,
            reg_rate: config.reg_rate,
            clip: config.clip,
            optimizer: config.optimizer,
            params,
            lr: config.lr,
            mode: Mode::Train,
        }
    }
}

/// Whether the step also computes the loss's value (training needs only its gradient; the
/// value's logarithms cost a quarter of a small network's step).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LossValue {
    Skip,
    Measure,
}

/// What one step did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepReport {
    /// The batch's mean data loss, when measured.
    pub loss: Option<Float>,
    /// The norm of every gradient together (penalty included) before clipping; 0 when
    /// clipping is off (the norm is computed only to clip).
    pub gradient_norm: Float,
    /// The factor clipping scaled every gradient by: 1 when the norm was within the limit.
    pub clip_scale: Float,
    /// Where a NaN or infinity appeared, if one did: the layer (the output layer last) and
    /// what went non-finite. The step stops there; a non-finite loss leaves the weights,
    /// gradients and optimizer state untouched.
    pub failure: Option<(usize, Quantity)>,
}

/// One step on the batch loaded in `pass` (see [`Pass::gather`] and [`Pass::load`]) with
/// labels `labels`.
///
/// Changes: every value of `pass` (the forward pass, then the gradients flowing back);
/// `dropout_rng`, which draws the dropout masks in training mode; every
/// layer's gradients (data term, then the penalty's, then clipped); then every weight, bias
/// and optimizer state, batch normalisation's running estimates (in training mode), and the
/// network's step count. `before_clipping` sees the network
/// after the penalty and before clipping (the inspector keeps those gradients); the trainer
/// passes a closure that does nothing.
pub fn train_step(
    network: &mut Network,
    pass: &mut Pass,
    labels: &[Float],
    rule: &StepRule,
    loss_value: LossValue,
    dropout_rng: &mut SeededRng,
    mut before_clipping: impl FnMut(&Network),
) -> StepReport {
    let output_layer = network.layers.len().saturating_sub(1);
    network.propagate_t(pass, rule.mode, dropout_rng);
    let (loss, finite) = match loss_value {
        LossValue::Skip => (None, network.batch_gradient(rule.loss, pass, labels)),
        LossValue::Measure => {
            let loss = network.batch_loss(rule.loss, pass, labels);
            (Some(loss), loss.is_finite() && pass.scores_are_finite())
        }
    };
    let mut report = StepReport {
        loss,
        gradient_norm: 0.0,
        clip_scale: 1.0,
        failure: None,
    };
    if !finite {
        report.failure = Some((output_layer, Quantity::Loss));
        return report;
    }
    network.backward(pass);
    network.add_penalty_gradient(rule.reg, rule.reg_rate);
    before_clipping(network);
    if rule.clip > 0.0 {
        let norm = network.clip_gradients(rule.clip);
        report.gradient_norm = norm;
        if norm.is_finite() && norm > rule.clip {
            report.clip_scale = rule.clip / norm;
        }
    }
    network.update(rule.optimizer, rule.params, rule.lr);
    network.update_running_statistics(pass);
    if network.first_non_finite_layer().is_some() {
        report.failure = Some(non_finite_place(network));
    }
    report
}

/// Where a non-finite weight is after an update: the first such layer, and whether its
/// gradient was already non-finite (every update rule carries a NaN or infinity of a
/// gradient into its weight, so the weights are checked and the gradients searched only to
/// say which).
pub fn non_finite_place(network: &Network) -> (usize, Quantity) {
    let layer = network.first_non_finite_layer().unwrap_or(0);
    match network.first_non_finite_gradient() {
        Some(layer) => (layer, Quantity::Gradient),
        None => (layer, Quantity::Weights),
    }
}
