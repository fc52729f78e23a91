//! Layers: what one column of neurons computes, as a type. A [`Network`](super::network::Network)
//! is a list of layers, the last one the output layer; each layer owns its parameters with
//! their optimizer state (a [`Param`] each), knows how to run forward in a [`Mode`] and
//! backward over a whole batch, which of its values a divergence rollback restores, how a
//! live edit reshapes it, and its section of the model file.
//!
//! One file per layer kind: [`dense`] is the fully connected layer with its activation
//! (maxout is a dense layer with pieces). A layer kind that acts differently in training and
//! in evaluation (dropout, batch normalisation) reads the mode its forward pass is given,
//! like tch-rs's `ModuleT::forward_t`. How to add one: docs/development.md.

pub mod dense;
pub mod dropout;
pub mod norm;

use super::optimizer::Param;
use super::Float;
use nalgebra::DMatrix;

pub use dense::{Layer, LayerFile};

/// Whether a forward pass trains or evaluates. Training is the pass whose gradients update
/// the weights; evaluation is every other one (the losses, the metrics, the boundary grid,
/// the thumbnails and the inspector's predictions).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    Train,
    #[default]
    Eval,
}

/// One layer's values in a forward and backward pass of a batch. Every buffer is
/// batch-major: row r (one neuron, or one maxout piece) holds its value for every point,
/// `stride` entries apart; the entries past the batch's points are padding (zero inputs,
/// zero gradients) so that the loops always run over whole SIMD registers.
#[derive(Clone, Debug, Default)]
pub struct LayerPass {
    /// z = W·a_prev + b, (neurons·pieces) × stride. A linear layer's z is its a: the product
    /// is written to `activation` and this buffer is spare (see `linear`).
    pub(crate) pre_activation: Vec<Float>,
    /// Whether a = z (kept once, in `activation`).
    pub(crate) linear: bool,
    /// Whether z may be left out where the activation is fused into the product (see
    /// [`crate::core::network::Pass::outputs_only`]).
    pub(crate) outputs_only: bool,
    /// a = f(z), neurons × stride; for the output layer the raw scores s.
    pub(crate) activation: Vec<Float>,
    /// Maxout only: which piece won for each neuron and point (neurons × stride).
    pub(crate) winner: Vec<u8>,
    /// Whether dropout acted in this pass (training with a rate above 0): the layer's
    /// output is then `dropped`, not `activation`.
    pub(crate) dropout: bool,
    /// a with dropout's mask applied, neurons × stride (training with dropout only).
    pub(crate) dropped: Vec<Float>,
    /// Dropout's mask: 0 for a dropped output, 1/(1 − p) for a kept one.
    pub(crate) mask: Vec<Float>,
    /// Normalisation's values between z and f, when the layer normalises.
    pub(crate) norm: norm::NormPass,
    /// dL/dz, (neurons·pieces) × stride.
    pub(crate) delta: Vec<Float>,
    /// dL/da arriving from the layer above, neurons × stride (for the output layer, dL/ds,
    /// written by the loss).
    pub(crate) upstream: Vec<Float>,
}

impl LayerPass {
    /// What the layer hands the layer above: a, or a after dropout in training.
    pub(crate) fn output(&self) -> &[Float] {
        if self.dropout {
            &self.dropped
        } else {
            &self.activation
        }
    }

    /// The buffer that holds z (a linear layer keeps it in `activation`).
    pub(crate) fn z(&self) -> &[Float] {
        if self.linear {
            &self.activation
        } else {
            &self.pre_activation
        }
    }

    /// What f reads: u = γ·ẑ + β when the layer normalises, else z.
    pub(crate) fn activation_input(&self) -> &[Float] {
        if self.norm.active {
            &self.norm.output
        } else {
            self.z()
        }
    }
}

/// Resizes `v` to `len` values, reusing its memory in the steady state.
pub(crate) fn ensure_len<T: Copy + Default>(v: &mut Vec<T>, len: usize) {
    if v.len() != len {
        v.clear();
        v.resize(len, T::default());
    }
}

/// What a divergence rollback keeps of a network: every value its layers hold
/// ([`Layer::kept_values`]), copied in place once the shapes are settled, so taking it
/// every epoch allocates nothing.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    values: Vec<DMatrix<Float>>,
}

impl Snapshot {
    /// Copies every kept value of `layers`.
    pub fn take(&mut self, layers: &[Layer]) {
        let count = layers.iter().flat_map(Layer::kept_values).count();
        let same_shape = count == self.values.len()
            && layers
                .iter()
                .flat_map(Layer::kept_values)
                .zip(&self.values)
                .all(|(v, s)| v.shape() == s.shape());
        let kept = layers.iter().flat_map(Layer::kept_values);
        if same_shape {
            for (slot, value) in self.values.iter_mut().zip(kept) {
                slot.copy_from(value);
            }
        } else {
            self.values = kept.cloned().collect();
        }
    }

    /// Puts the kept values back where their shapes still match, and forgets every
    /// optimizer state (it was built on the steps being undone).
    pub fn restore(&self, layers: &mut [Layer]) {
        let mut saved = self.values.iter();
        for layer in layers.iter_mut() {
            for value in layer.kept_values_mut() {
                if let Some(s) = saved.next() {
                    if s.shape() == value.shape() {
                        value.copy_from(s);
                    }
                }
            }
            for param in layer.params_mut() {
                param.clear_state();
            }
        }
    }
}

/// Every trained parameter of `layers`, in order (for the optimizer, the clipping and the
/// finiteness checks).
pub fn params_mut(layers: &mut [Layer]) -> impl Iterator<Item = &mut Param> {
    layers.iter_mut().flat_map(Layer::params_mut)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::activation::Activation;
    use crate::core::init::Init;
    use crate::core::SeededRng;
    use rand::SeedableRng;

    fn layers(widths: &[usize]) -> Vec<Layer> {
        let mut rng = SeededRng::seed_from_u64(3);
        widths
            .windows(2)
            .map(|w| Layer::new(w[0], w[1], 1, Activation::Tanh, Init::Xavier, &mut rng))
            .collect()
    }

    #[test]
    fn a_snapshot_restores_every_kept_value_and_forgets_optimizer_state() {
        let mut net = layers(&[2, 3, 1]);
        let before = net.clone();
        let mut snapshot = Snapshot::default();
        snapshot.take(&net);
        for param in params_mut(&mut net) {
            param.value.fill(Float::NAN);
            param.first.fill(1.0);
        }
        snapshot.restore(&mut net);
        for (after, before) in net.iter().zip(&before) {
            for (a, b) in after.kept_values().zip(before.kept_values()) {
                assert_eq!(a, b);
            }
            assert!(after.params().all(|p| p.first.iter().all(|&m| m == 0.0)));
        }
        // After a change of shape the next snapshot is taken anew, and a stale one restores
        // only what still fits.
        let wider = layers(&[2, 4, 1]);
        snapshot.take(&wider);
        let mut restored = wider.clone();
        restored[0].weights.value.fill(0.0);
        snapshot.restore(&mut restored);
        assert_eq!(restored[0].weights.value, wider[0].weights.value);
    }

    #[test]
    fn a_dense_layer_acts_the_same_in_training_and_evaluation() {
        let net = layers(&[2, 3, 1]);
        let input: Vec<Float> = (0..8).map(|i| i as Float * 0.25 - 1.0).collect();
        let (mut train, mut eval) = (LayerPass::default(), LayerPass::default());
        let mut rng = SeededRng::seed_from_u64(1);
        net[0].forward_t(&input, 4, 4, &mut train, Mode::Train, &mut rng);
        net[0].forward_t(&input, 4, 4, &mut eval, Mode::Eval, &mut rng);
        assert!(!train.dropout && train.output() == &train.activation[..]);
        assert_eq!(train.activation, eval.activation);
        assert_eq!(train.z(), eval.z());
    }
}
