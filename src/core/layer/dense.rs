//! The fully connected layer: z = W·a_prev + b, then a = f(z) row by row, over a whole
//! batch at once. A maxout layer is a dense layer with `pieces` rows per neuron, ordered
//! neuron-major (neuron j, piece p at row j·k + p), whose output is the largest piece.

use nalgebra::DMatrix;
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::dropout::Dropout;
use super::{ensure_len, LayerPass, Mode};
use crate::core::activation::Activation;
use crate::core::choice::Choice;
use crate::core::config::limits;
use crate::core::init::Init;
use crate::core::loss::MAX_CLASSES;
use crate::core::model::{choice, error, ModelError, ModelProblem};
use crate::core::optimizer::Param;
use crate::core::{Float, Problem};
use nnlab_kernels::{affine_rows, outer_rows, transposed_rows};

/// One fully connected layer. Row r of `weights` feeds pre-activation r.
#[derive(Clone, Debug, PartialEq)]
pub struct Layer {
    /// f of the hidden neurons; the output layer is `Linear` (its raw scores go to the head).
    pub activation: Activation,
    /// (neurons·pieces) × fan_in.
    pub weights: Param,
    /// (neurons·pieces) × 1.
    pub biases: Param,
    /// Dropout on the layer's outputs in training (hidden layers only).
    pub dropout: Option<Dropout>,
}

impl Layer {
    /// A layer of `neurons` neurons over `fan_in` inputs, weights drawn by `init` (row by
    /// row), biases 0.
    pub fn new<R: Rng + ?Sized>(
        fan_in: usize,
        neurons: usize,
        fan_out: usize,
        activation: Activation,
        init: Init,
        rng: &mut R,
    ) -> Layer {
        let rows = neurons * activation.pieces();
        let mut weights = DMatrix::zeros(rows, fan_in);
        for i in 0..rows {
            for j in 0..fan_in {
                weights[(i, j)] = init.sample(fan_in, fan_out, rng);
            }
        }
        Layer {
            activation,
            weights: Param::new(weights),
            biases: Param::new(DMatrix::zeros(rows, 1)),
            dropout: None,
        }
    }

    /// Number of neurons (outputs) of the layer.
    pub fn neurons(&self) -> usize {
        self.weights.value.nrows() / self.activation.pieces()
    }

    /// Number of inputs each neuron reads.
    pub fn fan_in(&self) -> usize {
        self.weights.value.ncols()
    }

    /// The trained parameters, each with its optimizer state beside it.
    pub fn params(&self) -> [&Param; 2] {
        [&self.weights, &self.biases]
    }

    /// The same, to update.
    pub fn params_mut(&mut self) -> [&mut Param; 2] {
        [&mut self.weights, &mut self.biases]
    }

    /// Every value a divergence rollback restores: the trained parameters (and, for a
    /// layer kind with running statistics, those too).
    pub fn kept_values(&self) -> impl Iterator<Item = &DMatrix<Float>> {
        self.params().into_iter().map(|p| &p.value)
    }

    /// The same, to restore.
    pub fn kept_values_mut(&mut self) -> impl Iterator<Item = &mut DMatrix<Float>> {
        self.params_mut().into_iter().map(|p| &mut p.value)
    }

    /// Whether every weight and bias is a finite number.
    pub fn is_finite(&self) -> bool {
        self.params()
            .iter()
            .all(|p| nnlab_kernels::all_finite(p.value.as_slice()))
    }

    /// Whether every gradient entry is a finite number.
    pub fn gradient_is_finite(&self) -> bool {
        self.params()
            .iter()
            .all(|p| nnlab_kernels::all_finite(p.grad.as_slice()))
    }

    /// Forward pass of a batch of `points` points: `input` holds the layer below's outputs
    /// (or the features), batch-major, `stride` apart. Changes only `out`: afterwards it
    /// holds z, a and, in training with dropout, the dropped output and its mask, drawn
    /// from `rng` (nothing is drawn otherwise). Without dropout a dense layer acts the same
    /// in both modes.
    pub fn forward_t<R: Rng + ?Sized>(
        &self,
        input: &[Float],
        stride: usize,
        points: usize,
        out: &mut LayerPass,
        mode: Mode,
        rng: &mut R,
    ) {
        self.dense_forward(input, stride, out);
        out.dropout = false;
        if let (Some(dropout), Mode::Train) = (self.dropout, mode) {
            let (a, dropped, mask) = (&out.activation, &mut out.dropped, &mut out.mask);
            dropout.forward_t(a, (stride, points), dropped, mask, mode, rng);
            out.dropout = true;
        }
    }

    /// z = W·a_prev + b and a = f(z) into `out`.
    fn dense_forward(&self, input: &[Float], stride: usize, out: &mut LayerPass) {
        let neurons = self.neurons();
        let (z, a) = (&mut out.pre_activation, &mut out.activation);
        out.linear = self.activation == Activation::Linear;
        if let Some(elementwise) = self.activation.elementwise() {
            // The activation inside the product's tile (same numbers as the product
            // followed by the layer-wide rule); a linear layer's z is written to a only,
            // where `LayerPass::z` reads it.
            ensure_len(a, neurons * stride);
            if !out.linear {
                ensure_len(z, neurons * stride);
            }
            let (w, b) = (self.weights.value.as_slice(), self.biases.value.as_slice());
            if nnlab_kernels::dense_rows(elementwise, w, b, input, stride, z, a) {
                return;
            }
        }
        ensure_len(z, self.weights.value.nrows() * stride);
        affine_rows(
            self.weights.value.as_slice(),
            self.biases.value.as_slice(),
            input,
            stride,
            z,
        );
        ensure_len(a, neurons * stride);
        match self.activation {
            // a = z: the buffers trade places instead of copying (the output layer's 10 000
            // grid scores every frame); `LayerPass::z` reads z from a.
            Activation::Linear => std::mem::swap(z, a),
            Activation::Maxout => {
                // Row j·k + p is piece p of neuron j: a = the largest of the k rows.
                let k = self.activation.pieces();
                let winner = &mut out.winner;
                winner.clear();
                winner.resize(neurons * stride, 0);
                for ((out, won), pieces) in a
                    .chunks_exact_mut(stride.max(1))
                    .zip(winner.chunks_exact_mut(stride.max(1)))
                    .zip(z.chunks_exact(k * stride.max(1)))
                {
                    out.copy_from_slice(&pieces[..stride]);
                    for (p, piece) in pieces.chunks_exact(stride).enumerate().skip(1) {
                        for ((o, w), &v) in out.iter_mut().zip(won.iter_mut()).zip(piece) {
                            if v > *o {
                                *o = v;
                                *w = p as u8;
                            }
                        }
                    }
                }
            }
            act => act.apply_slice(z, a),
        }
    }

    /// Backward pass of a batch after [`Layer::forward_t`], from dL/d(output) in
    /// `slot.upstream` (already divided by the batch size, so gradients are batch means).
    /// Changes `slot.upstream` (through dropout's mask, when it acted, to dL/da),
    /// `slot.delta` (δ = dL/dz), the layer's `weights.grad` and `biases.grad`, which it
    /// overwrites, and, when given, `below_upstream`: dL/da of the layer below, Wᵀ·δ.
    pub fn backward(
        &mut self,
        input: &[Float],
        stride: usize,
        slot: &mut LayerPass,
        below_upstream: Option<&mut Vec<Float>>,
    ) {
        let rows = self.weights.value.nrows();
        if slot.dropout {
            // The upstream gradient reached the dropped output: through the mask to a.
            Dropout::backward(&mut slot.upstream, &slot.mask);
        }
        // δ = dL/da ⊙ f′(z); maxout routes it to the winning piece only.
        let delta = &mut slot.delta;
        ensure_len(delta, rows * stride);
        let up = &slot.upstream;
        match self.activation {
            Activation::Maxout => {
                let k = self.activation.pieces();
                delta.fill(0.0);
                for ((d, u), won) in delta
                    .chunks_exact_mut(k * stride.max(1))
                    .zip(up.chunks_exact(stride.max(1)))
                    .zip(slot.winner.chunks_exact(stride.max(1)))
                {
                    for (point, (&u, &w)) in u.iter().zip(won).enumerate() {
                        d[usize::from(w) * stride + point] = u;
                    }
                }
            }
            act => {
                // A linear layer's z lives in a (its own buffer is spare after the swap).
                let z = if slot.linear {
                    &slot.activation
                } else {
                    &slot.pre_activation
                };
                act.delta_slice(up, z, &slot.activation, delta)
            }
        }
        // dL/dW = δ·a_prevᵀ and dL/db = Σ over the batch of δ.
        let fan_in = self.fan_in();
        outer_rows(
            delta,
            input,
            fan_in,
            stride,
            self.weights.grad.as_mut_slice(),
            self.biases.grad.as_mut_slice(),
        );
        if let Some(below) = below_upstream {
            ensure_len(below, fan_in * stride);
            transposed_rows(self.weights.value.as_slice(), rows, delta, stride, below);
        }
    }

    // ----- Live edits: each keeps every value it does not have to change, bit for bit,
    // ----- with its optimizer state; new weights come from `init`.

    /// Gives the layer `neurons` neurons, neuron j coming from `source(j)` (None: new,
    /// weights from `init`, bias 0).
    pub fn remap_neurons<R: Rng + ?Sized>(
        &mut self,
        neurons: usize,
        source: impl Fn(usize) -> Option<usize> + Copy,
        fan_out: usize,
        init: Init,
        rng: &mut R,
    ) {
        let k = self.activation.pieces();
        let fan_in = self.fan_in();
        let row_source = |i: usize| source(i / k).map(|j| j * k + i % k);
        self.weights.remap(neurons * k, fan_in, row_source, Some, |_, _| {
            init.sample(fan_in, fan_out, rng)
        });
        self.biases.remap(neurons * k, 1, row_source, Some, |_, _| 0.0);
    }

    /// Makes the layer read `fan_in` inputs, input j coming from `source(j)` (None: new
    /// weights from `init`).
    pub fn remap_inputs<R: Rng + ?Sized>(
        &mut self,
        fan_in: usize,
        source: impl Fn(usize) -> Option<usize>,
        fan_out: usize,
        init: Init,
        rng: &mut R,
    ) {
        let rows = self.weights.value.nrows();
        self.weights
            .remap(rows, fan_in, Some, source, |_, _| init.sample(fan_in, fan_out, rng));
    }

    /// Switches the activation. Switching to maxout gives each neuron a second, freshly
    /// drawn piece beside its old weights; leaving maxout keeps piece 0.
    pub fn set_activation<R: Rng + ?Sized>(&mut self, activation: Activation, fan_out: usize, init: Init, rng: &mut R) {
        let (old_k, new_k) = (self.activation.pieces(), activation.pieces());
        if old_k != new_k {
            let neurons = self.neurons();
            let fan_in = self.fan_in();
            let row_source = |i: usize| (i % new_k < old_k).then_some((i / new_k) * old_k + i % new_k);
            self.weights.remap(neurons * new_k, fan_in, row_source, Some, |_, _| {
                init.sample(fan_in, fan_out, rng)
            });
            self.biases.remap(neurons * new_k, 1, row_source, Some, |_, _| 0.0);
        }
        self.activation = activation;
    }

    // ----- The layer's section of the model file.

    /// The layer as the model file writes it; `head` names the output layer's head
    /// (sigmoid, softmax or linear), None for a hidden layer.
    pub fn to_file(&self, head: Option<&str>) -> LayerFile {
        let w = &self.weights.value;
        LayerFile {
            activation: head.unwrap_or(self.activation.name()).to_string(),
            pieces: (self.activation.pieces() > 1).then_some(self.activation.pieces()),
            weights: (0..w.nrows()).map(|r| w.row(r).iter().copied().collect()).collect(),
            biases: self.biases.value.iter().copied().collect(),
            dropout: self.dropout.map(|d| d.rate),
        }
    }

    /// Reads layer `index` of a model file over `fan_in` inputs; the output layer (`last`)
    /// also gives the problem its head and rows mean. Errors name the JSON path.
    pub fn from_file(
        file: &LayerFile,
        index: usize,
        fan_in: usize,
        last: bool,
    ) -> Result<(Layer, Problem), ModelError> {
        let at = |field: &str| format!("layers[{index}].{field}");
        let activation = if last {
            Activation::Linear
        } else {
            choice::<Activation>(at("activation"), &file.activation)?
        };
        let rows = file.weights.len();
        let mut problem = Problem::Binary;
        if last {
            problem = match file.activation.as_str() {
                "sigmoid" if rows == 1 => Problem::Binary,
                "linear" if rows == 1 => Problem::Regression,
                "softmax" if (2..=MAX_CLASSES).contains(&rows) => Problem::MultiClass(rows),
                "sigmoid" => return Err(error(at("weights"), ModelProblem::OutputRows { head: "sigmoid", rows })),
                "linear" => return Err(error(at("weights"), ModelProblem::OutputRows { head: "linear", rows })),
                "softmax" => return Err(error(at("weights"), ModelProblem::SoftmaxRows { rows })),
                other => {
                    let found = crate::core::config::shorten(other);
                    return Err(error(at("activation"), ModelProblem::NotAHead(found)));
                }
            };
        }
        let pieces = activation.pieces();
        match file.pieces {
            None | Some(1) if pieces == 1 => {}
            Some(p) if p == pieces => {}
            None if pieces > 1 => return Err(error(at("pieces"), ModelProblem::NeedsPieces)),
            Some(p) => {
                return Err(error(
                    at("pieces"),
                    ModelProblem::WrongPieces {
                        found: p,
                        wanted: pieces,
                    },
                ))
            }
            None => {}
        }
        if rows == 0 || !rows.is_multiple_of(pieces) {
            return Err(error(at("weights"), ModelProblem::RowMultiple { pieces, rows }));
        }
        if rows / pieces > limits::MAX_NEURONS.max(MAX_CLASSES) {
            return Err(error(at("weights"), ModelProblem::TooManyNeurons));
        }
        if file.biases.len() != rows {
            return Err(error(
                at("biases"),
                ModelProblem::BiasCount {
                    found: file.biases.len(),
                    rows,
                },
            ));
        }
        let mut weights = DMatrix::zeros(rows, fan_in);
        for (r, row) in file.weights.iter().enumerate() {
            if row.len() != fan_in {
                return Err(error(
                    format!("layers[{index}].weights[{r}]"),
                    ModelProblem::RowLength {
                        found: row.len(),
                        inputs: fan_in,
                    },
                ));
            }
            for (c, &v) in row.iter().enumerate() {
                if !v.is_finite() {
                    return Err(error(
                        format!("layers[{index}].weights[{r}][{c}]"),
                        ModelProblem::NotFinite,
                    ));
                }
                weights[(r, c)] = v;
            }
        }
        if let Some(b) = file.biases.iter().position(|v| !v.is_finite()) {
            return Err(error(format!("layers[{index}].biases[{b}]"), ModelProblem::NotFinite));
        }
        let dropout = match file.dropout {
            None => None,
            Some(_) if last => return Err(error(at("dropout"), ModelProblem::OutputDropout)),
            Some(p) if (0.0..=super::dropout::MAX_RATE).contains(&p) => Dropout::new(p),
            Some(_) => return Err(error(at("dropout"), ModelProblem::DropoutRate)),
        };
        let layer = Layer {
            activation,
            weights: Param::new(weights),
            biases: Param::new(DMatrix::from_column_slice(rows, 1, &file.biases)),
            dropout,
        };
        Ok((layer, problem))
    }
}

/// A dense layer in the model file: `weights` has one row per pre-activation and one
/// column per input; a maxout layer adds `"pieces"`, a hidden layer with dropout
/// `"dropout": p` (version 2).
#[derive(Serialize, Deserialize)]
pub struct LayerFile {
    activation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pieces: Option<usize>,
    weights: Vec<Vec<Float>>,
    biases: Vec<Float>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dropout: Option<Float>,
}
