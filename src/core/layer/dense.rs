//! The fully connected layer: z = W·a_prev + b, then a = f(z) row by row, over a whole
//! batch at once. A maxout layer is a dense layer with `pieces` rows per neuron, ordered
//! neuron-major (neuron j, piece p at row j·k + p), whose output is the largest piece.

use nalgebra::DMatrix;
use rand::Rng;
use serde::Serialize;
use serde_json::Value;

use super::dropout::Dropout;
use super::norm::{Norm, NormFile, NormKind};
use super::{ensure_len, LayerPass, Mode};
use crate::core::activation::Activation;
use crate::core::choice::Choice;
use crate::core::config::limits;
use crate::core::init::Init;
use crate::core::json_read::{Object, ReadJson};
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
    /// Normalisation of the pre-activations before f (hidden layers only).
    pub norm: Option<Norm>,
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
            norm: None,
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

    /// The trained parameters, each with its optimizer state beside it: W, b, then the
    /// normalisation's γ and β when the layer normalises.
    pub fn params(&self) -> impl Iterator<Item = &Param> {
        let norm = self.norm.iter().flat_map(|n| [&n.gamma, &n.beta]);
        [&self.weights, &self.biases].into_iter().chain(norm)
    }

    /// The same, to update.
    pub fn params_mut(&mut self) -> impl Iterator<Item = &mut Param> {
        let norm = self.norm.iter_mut().flat_map(|n| [&mut n.gamma, &mut n.beta]);
        [&mut self.weights, &mut self.biases].into_iter().chain(norm)
    }

    /// Every value a divergence rollback restores: the trained parameters and the batch
    /// normalisation's running estimates.
    pub fn kept_values(&self) -> impl Iterator<Item = &DMatrix<Float>> {
        let running = self.norm.iter().flat_map(|n| [&n.running_mean, &n.running_var]);
        self.params().map(|p| &p.value).chain(running)
    }

    /// The same, to restore.
    pub fn kept_values_mut(&mut self) -> impl Iterator<Item = &mut DMatrix<Float>> {
        let Layer {
            weights, biases, norm, ..
        } = self;
        let (norm_params, running) = match norm {
            Some(n) => (
                Some([&mut n.gamma.value, &mut n.beta.value]),
                Some([&mut n.running_mean, &mut n.running_var]),
            ),
            None => (None, None),
        };
        [&mut weights.value, &mut biases.value]
            .into_iter()
            .chain(norm_params.into_iter().flatten())
            .chain(running.into_iter().flatten())
    }

    /// Whether every trained value (and running estimate) is a finite number.
    pub fn is_finite(&self) -> bool {
        self.kept_values().all(|v| nnlab_kernels::all_finite(v.as_slice()))
    }

    /// Whether every gradient entry is a finite number.
    pub fn gradient_is_finite(&self) -> bool {
        self.params().all(|p| nnlab_kernels::all_finite(p.grad.as_slice()))
    }

    /// The normalisation this layer applies (`None` without one).
    pub fn norm_kind(&self) -> NormKind {
        self.norm.as_ref().map_or(NormKind::None, |n| n.kind)
    }

    /// Switches the normalisation. Switching it on starts γ = 1, β = 0, running mean 0 and
    /// variance 1; switching between batch and layer normalisation keeps γ and β with their
    /// optimizer state (the running estimates start afresh); switching it off drops them.
    /// The weights stay either way.
    pub fn set_norm(&mut self, kind: NormKind) {
        if self.norm_kind() == kind {
            return;
        }
        let rows = self.weights.value.nrows();
        self.norm = match (self.norm.take(), Norm::new(kind, rows)) {
            (Some(old), Some(mut new)) => {
                new.gamma = old.gamma;
                new.beta = old.beta;
                Some(new)
            }
            (_, new) => new,
        };
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
        match &self.norm {
            None => {
                out.norm.active = false;
                self.dense_forward(input, stride, out);
            }
            Some(norm) => {
                // z = W·a + b, then u = γ·ẑ + β, then a = f(u).
                let z = &mut out.pre_activation;
                ensure_len(z, self.weights.value.nrows() * stride);
                let (w, b) = (self.weights.value.as_slice(), self.biases.value.as_slice());
                affine_rows(w, b, input, stride, z);
                out.linear = false;
                norm.forward_t(z, (stride, points), &mut out.norm, mode);
                ensure_len(&mut out.activation, self.neurons() * stride);
                let (u, a, winner) = (&out.norm.output, &mut out.activation, &mut out.winner);
                activate_rows(self.activation, u, stride, a, winner);
            }
        }
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
            if out.outputs_only {
                // Only a is wanted: z is not stored (an empty z says so to the kernel).
                z.clear();
            } else if !out.linear {
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
            act => activate_rows(act, z, stride, a, &mut out.winner),
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
        // δ = dL/da ⊙ f′(z); maxout routes it to the winning piece only. With normalisation
        // f read u, so this is dL/du, which the normalisation's backward turns into dL/dz.
        let normalised = slot.norm.active && self.norm.is_some();
        ensure_len(&mut slot.delta, rows * stride);
        if normalised {
            ensure_len(&mut slot.norm.grad, rows * stride);
        }
        let delta = if normalised {
            &mut slot.norm.grad
        } else {
            &mut slot.delta
        };
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
                let z = if normalised {
                    &slot.norm.output
                } else if slot.linear {
                    &slot.activation
                } else {
                    &slot.pre_activation
                };
                act.delta_slice(up, z, &slot.activation, delta)
            }
        }
        if let (true, Some(norm)) = (normalised, self.norm.as_mut()) {
            norm.backward(&slot.norm, stride, &mut slot.delta);
        }
        let delta = &slot.delta;
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

    /// Moves batch normalisation's running estimates towards the statistics of the training
    /// pass `slot` (see [`Norm::update_running_statistics`]); nothing otherwise.
    pub fn update_running_statistics(&mut self, slot: &LayerPass) {
        if let Some(norm) = &mut self.norm {
            norm.update_running_statistics(&slot.norm);
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
        if let Some(norm) = &mut self.norm {
            norm.remap(neurons * k, row_source);
        }
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
            if let Some(norm) = &mut self.norm {
                norm.remap(neurons * new_k, row_source);
            }
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
            norm: self.norm.as_ref().map(Norm::to_file),
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
        let norm = match &file.norm {
            None => None,
            Some(_) if last => return Err(error(at("norm"), ModelProblem::OutputNorm)),
            Some(section) => norm_from_file(section, index, rows, pieces)?,
        };
        let layer = Layer {
            activation,
            weights: Param::new(weights),
            biases: Param::new(DMatrix::from_column_slice(rows, 1, &file.biases)),
            dropout,
            norm,
        };
        Ok((layer, problem))
    }
}

/// Reads hidden layer `index`'s `"norm"` section for a layer of `rows` pre-activations
/// (`pieces` per neuron). Errors name the JSON path.
fn norm_from_file(file: &NormFile, index: usize, rows: usize, pieces: usize) -> Result<Option<Norm>, ModelError> {
    let at = |field: &str| format!("layers[{index}].norm.{field}");
    let kind = choice::<NormKind>(at("kind"), &file.kind)?;
    let Some(mut norm) = Norm::new(kind, rows) else {
        return Ok(None);
    };
    let column = |field: &str, values: &[Float], positive: bool| -> Result<DMatrix<Float>, ModelError> {
        if values.len() != rows {
            let found = values.len();
            return Err(error(at(field), ModelProblem::NormLength { found, rows, pieces }));
        }
        if let Some(i) = values.iter().position(|v| !v.is_finite()) {
            return Err(error(format!("{}[{i}]", at(field)), ModelProblem::NotFinite));
        }
        if let Some(i) = values.iter().position(|&v| positive && v < 0.0) {
            return Err(error(format!("{}[{i}]", at(field)), ModelProblem::NegativeVariance));
        }
        Ok(DMatrix::from_column_slice(rows, 1, values))
    };
    norm.gamma = Param::new(column("gamma", &file.gamma, false)?);
    norm.beta = Param::new(column("beta", &file.beta, false)?);
    if kind == NormKind::Batch {
        let missing = |field: &str| error(at(field), ModelProblem::Missing);
        let mean = file.running_mean.as_deref().ok_or_else(|| missing("running_mean"))?;
        let var = file.running_var.as_deref().ok_or_else(|| missing("running_var"))?;
        norm.running_mean = column("running_mean", mean, false)?;
        norm.running_var = column("running_var", var, true)?;
    }
    Ok(Some(norm))
}

/// a = f(`source`) row by row into `a` (neurons × `stride`): an element-wise activation
/// over the whole buffer (a linear one copies), or maxout's largest piece, with the winning
/// piece of each neuron and point in `winner`.
fn activate_rows(activation: Activation, source: &[Float], stride: usize, a: &mut [Float], winner: &mut Vec<u8>) {
    match activation {
        Activation::Linear => a.copy_from_slice(&source[..a.len()]),
        Activation::Maxout => {
            // Row j·k + p is piece p of neuron j: a = the largest of the k rows.
            let k = activation.pieces();
            winner.clear();
            winner.resize(a.len(), 0);
            for ((out, won), pieces) in a
                .chunks_exact_mut(stride.max(1))
                .zip(winner.chunks_exact_mut(stride.max(1)))
                .zip(source.chunks_exact(k * stride.max(1)))
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
        act => act.apply_slice(source, a),
    }
}

/// A dense layer in the model file: `weights` has one row per pre-activation and one
/// column per input; a maxout layer adds `"pieces"`, a hidden layer with dropout
/// `"dropout": p` and one with normalisation its `"norm"` section (version 2).
#[derive(Serialize)]
pub struct LayerFile {
    activation: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pieces: Option<usize>,
    weights: Vec<Vec<Float>>,
    biases: Vec<Float>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dropout: Option<Float>,
    #[serde(skip_serializing_if = "Option::is_none")]
    norm: Option<NormFile>,
}

impl ReadJson for LayerFile {
    fn read(value: &Value, path: &str) -> Result<Self, ModelError> {
        let layer = Object::new(value, path)?;
        Ok(LayerFile {
            activation: layer.field("activation")?,
            pieces: layer.optional("pieces")?,
            weights: layer.field("weights")?,
            biases: layer.field("biases")?,
            dropout: layer.optional("dropout")?,
            norm: layer.optional("norm")?,
        })
    }
}
