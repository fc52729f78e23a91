//! A training run: the config, the data, the network and everything that changes as it
//! trains (epoch, loss history, health). The page, the CLI and the tests all drive a run
//! through this one type, so they train identically.

use nalgebra::DMatrix;
use rand::SeedableRng;

use super::config::{Config, ConfigError};
use super::data_csv::{CsvData, Split};
use super::dataset;
use super::feature::{fill_inputs_from_samples, Feature, Normalizer};
use super::landscape::Trajectory;
use super::layer::dropout::Dropout;
use super::layer::norm::NormKind;
use super::layer::{Layer, Snapshot};
use super::loss::{Loss, Metrics, MetricsAccumulator, MAX_CLASSES};
use super::model::{Model, ModelError};
use super::network::{Network, Pass};
use super::optimizer::{Optimizer, OptimizerParams};
use super::regularization::Regularization;
use super::share::{PointsProblem, SharedPoints};
use super::step::{non_finite_place, train_step, LossValue, StepRule};
use super::{Float, Problem, Sample, SeededRng};
use nnlab_kernels::mlp::{EpochBuffers, Stop};

/// How many points the loss history keeps at most; older stretches are thinned out.
pub const HISTORY_CAPACITY: usize = 512;

/// The points of a run, split into disjoint training, validation and test sets.
#[derive(Clone, Debug, PartialEq)]
pub struct Data {
    pub problem: Problem,
    pub train: Vec<Sample>,
    /// Held out for validation (`val-ratio`); empty when there is no validation split.
    pub val: Vec<Sample>,
    pub test: Vec<Sample>,
    /// True once points were added, removed or imported by hand: the config's data
    /// settings no longer describe them.
    pub custom: bool,
}

/// Which split the patience stop watches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Watched {
    /// The validation split, when the run has one.
    Validation,
    /// The test split otherwise (which lets the test set steer training).
    Test,
}

/// What went non-finite when training diverged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantity {
    Loss,
    Gradient,
    Weights,
}

/// Whether training can go on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Health {
    Ok,
    /// A NaN or infinity appeared in `quantity` of `layer` (0-based, the output layer last)
    /// during `epoch`; the weights were rolled back to the last finite ones.
    Diverged {
        layer: usize,
        quantity: Quantity,
        epoch: u64,
    },
}

/// One recorded point of the loss curves.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HistoryPoint {
    pub epoch: u64,
    pub train: Float,
    pub test: Float,
    /// The validation loss, when the run has a validation split.
    pub val: Option<Float>,
}

/// Train and test loss over epochs, bounded: when full, every other point is dropped and
/// the recording stride doubles, so memory stays flat however long a run lasts.
#[derive(Clone, Debug, PartialEq)]
pub struct LossHistory {
    points: Vec<HistoryPoint>,
    stride: u64,
}

impl Default for LossHistory {
    fn default() -> Self {
        LossHistory {
            points: Vec::with_capacity(HISTORY_CAPACITY + 1),
            stride: 1,
        }
    }
}

impl LossHistory {
    /// The recorded points, oldest first.
    pub fn points(&self) -> &[HistoryPoint] {
        &self.points
    }

    /// Record every this many epochs.
    pub fn stride(&self) -> u64 {
        self.stride
    }

    /// Whether `epoch` is one the history records.
    pub fn wants(&self, epoch: u64) -> bool {
        epoch.is_multiple_of(self.stride)
    }

    /// Adds a point, thinning the history when it is full.
    pub fn record(&mut self, point: HistoryPoint) {
        self.points.push(point);
        if self.points.len() > HISTORY_CAPACITY {
            self.stride *= 2;
            let stride = self.stride;
            self.points.retain(|p| p.epoch.is_multiple_of(stride));
        }
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.points.clear();
        self.stride = 1;
    }

    /// The history as CSV: `epoch,train_loss,test_loss`, and `val_loss` after them when
    /// the run has a validation split.
    pub fn to_csv(&self) -> String {
        let with_val = self.points.iter().any(|p| p.val.is_some());
        let mut out = String::from("epoch,train_loss,test_loss");
        out.push_str(if with_val { ",val_loss\n" } else { "\n" });
        for p in &self.points {
            out.push_str(&format!("{},{},{}", p.epoch, p.train, p.test));
            match (with_val, p.val) {
                (false, _) => out.push('\n'),
                (true, Some(val)) => out.push_str(&format!(",{val}\n")),
                (true, None) => out.push_str(",\n"),
            }
        }
        out
    }
}

/// What a config change did, so the page can say so.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Changes {
    /// The points were generated anew.
    pub data_regenerated: bool,
    /// The network gained or lost neurons, layers or inputs.
    pub network_resized: bool,
    /// The optimizer's memory (momentum, moments, step count) was cleared.
    pub optimizer_state_cleared: bool,
    /// The loss did not suit the new problem and was replaced by this one.
    pub loss_replaced: Option<Loss>,
}

/// Derives an independent seed for one stream (data, init, shuffling) from the run's seed.
fn stream_seed(seed: u64, stream: u64) -> u64 {
    // SplitMix64's finaliser: nearby seeds give unrelated streams.
    let mut z = seed.wrapping_add(stream.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

const DATA_STREAM: u64 = 1;
const INIT_STREAM: u64 = 2;
const SHUFFLE_STREAM: u64 = 3;
const DROPOUT_STREAM: u64 = 4;
const LANDSCAPE_STREAM: u64 = 5;

/// A training run.
#[derive(Clone, Debug)]
pub struct Trainer {
    config: Config,
    data: Data,
    normalizer: Normalizer,
    network: Network,
    /// The weights the loss curve started from, at epoch `start_epoch` (a new run, a reset,
    /// a loaded model or imported points), for the NumPy export.
    start: Network,
    start_epoch: u64,
    /// Hyper-parameters of the optimizers besides the learning rate (torch's defaults).
    pub optimizer_params: OptimizerParams,
    epoch: u64,
    history: LossHistory,
    /// The weights once per epoch, for the loss landscape's path.
    trajectory: Trajectory,
    health: Health,
    init_rng: SeededRng,
    shuffle_rng: nnlab_kernels::ShuffleRng,
    /// Draws the dropout masks, point by point and neuron by neuron.
    dropout_rng: SeededRng,
    train_inputs: DMatrix<Float>,
    test_inputs: DMatrix<Float>,
    train_labels: Vec<Float>,
    test_labels: Vec<Float>,
    val_inputs: DMatrix<Float>,
    val_labels: Vec<Float>,
    order: Vec<usize>,
    batch_labels: Vec<Float>,
    pass: Pass,
    /// The fused SGD epoch's batch buffers (see [`Network::sgd_epoch`]).
    fused: EpochBuffers,
    eval_pass: Pass,
    snapshot: Snapshot,
    metrics: Option<(Metrics, Metrics)>,
    /// The validation split's metrics, computed with `metrics` (None without validation).
    val_metrics: Option<Metrics>,
    /// The test split's confusion matrix, computed with `metrics` in the same pass.
    test_confusion: Vec<Vec<u32>>,
    /// Counts every change of weights, data or shape, so views redraw only when it moved.
    version: u64,
}

impl Trainer {
    /// A fresh run of `config`: data generated from the seed, weights drawn by the init scheme.
    pub fn new(config: Config) -> Result<Trainer, ConfigError> {
        config.check_loss()?;
        let data = generate_data(&config);
        let normalizer = Normalizer::fit(config.normalize, &config.features, &data.train);
        let mut init_rng = SeededRng::seed_from_u64(stream_seed(config.seed, INIT_STREAM));
        let network = Network::with_activations(
            config.features.len(),
            &config.hidden,
            &config.hidden_activations(),
            data.problem,
            config.init,
            &mut init_rng,
        );
        let mut trainer = Trainer {
            shuffle_rng: nnlab_kernels::ShuffleRng::seed_from_u64(stream_seed(config.seed, SHUFFLE_STREAM)),
            dropout_rng: SeededRng::seed_from_u64(stream_seed(config.seed, DROPOUT_STREAM)),
            init_rng,
            config,
            data,
            normalizer,
            start: network.clone(),
            start_epoch: 0,
            network,
            optimizer_params: OptimizerParams::default(),
            epoch: 0,
            history: LossHistory::default(),
            trajectory: Trajectory::default(),
            health: Health::Ok,
            train_inputs: DMatrix::zeros(0, 0),
            test_inputs: DMatrix::zeros(0, 0),
            train_labels: Vec::new(),
            test_labels: Vec::new(),
            val_inputs: DMatrix::zeros(0, 0),
            val_labels: Vec::new(),
            order: Vec::new(),
            batch_labels: Vec::new(),
            pass: Pass::default(),
            fused: EpochBuffers::default(),
            eval_pass: Pass::default(),
            snapshot: Snapshot::default(),
            metrics: None,
            val_metrics: None,
            test_confusion: Vec::new(),
            version: 0,
        };
        trainer.sync_layers();
        trainer.prepare_inputs();
        trainer.record_history();
        trainer.trajectory.restart(&trainer.network, 0);
        Ok(trainer)
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn data(&self) -> &Data {
        &self.data
    }

    pub fn network(&self) -> &Network {
        &self.network
    }

    pub fn normalizer(&self) -> &Normalizer {
        &self.normalizer
    }

    pub fn features(&self) -> &[Feature] {
        &self.config.features
    }

    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    pub fn history(&self) -> &LossHistory {
        &self.history
    }

    pub fn health(&self) -> Health {
        self.health
    }

    /// The weights' trajectory since the last reset or change of the parameters' layout.
    pub fn trajectory(&self) -> &Trajectory {
        &self.trajectory
    }

    /// The seed of the loss landscape's random directions, derived from the run's seed.
    pub fn landscape_seed(&self) -> u64 {
        stream_seed(self.config.seed, LANDSCAPE_STREAM)
    }

    pub fn problem(&self) -> Problem {
        self.data.problem
    }

    /// Changes whenever weights, data or shape change (for redrawing only what moved).
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The training split's normalized inputs (features × points) and labels.
    pub fn train_set(&self) -> (&DMatrix<Float>, &[Float]) {
        (&self.train_inputs, &self.train_labels)
    }

    /// The test split's normalized inputs and labels.
    pub fn test_set(&self) -> (&DMatrix<Float>, &[Float]) {
        (&self.test_inputs, &self.test_labels)
    }

    /// The validation split's normalized inputs and labels (empty without validation).
    pub fn val_set(&self) -> (&DMatrix<Float>, &[Float]) {
        (&self.val_inputs, &self.val_labels)
    }

    /// Whether the run holds points out for validation.
    pub fn has_validation(&self) -> bool {
        !self.data.val.is_empty()
    }

    /// Rebuilds the cached input matrices and labels after data, features or normalization changed.
    fn prepare_inputs(&mut self) {
        let features = &self.config.features;
        fill_inputs_from_samples(features, &self.normalizer, &self.data.train, &mut self.train_inputs);
        fill_inputs_from_samples(features, &self.normalizer, &self.data.test, &mut self.test_inputs);
        fill_inputs_from_samples(features, &self.normalizer, &self.data.val, &mut self.val_inputs);
        self.train_labels = self.data.train.iter().map(|s| s.label).collect();
        self.test_labels = self.data.test.iter().map(|s| s.label).collect();
        self.val_labels = self.data.val.iter().map(|s| s.label).collect();
        self.order = (0..self.data.train.len()).collect();
        self.changed();
    }

    fn changed(&mut self) {
        self.metrics = None;
        self.version = self.version.wrapping_add(1);
    }

    /// Trains one epoch: one pass over the training split in shuffled batches of
    /// `batch` points, each batch a forward pass, a backward pass and an optimizer update.
    /// Returns false, changing nothing, when training cannot go on (diverged or no data).
    /// If a NaN or infinity appears, the weights go back to where the epoch started and
    /// the run is marked diverged.
    pub fn train_epoch(&mut self) -> bool {
        if !self.train_epoch_without_history() {
            return false;
        }
        if self.history.wants(self.epoch) {
            self.record_history();
        }
        self.trajectory.record(&self.network, self.epoch);
        true
    }

    /// [`Trainer::train_epoch`] without recording the loss history (no evaluation pass):
    /// what the benchmarks time. The history misses this epoch.
    pub fn train_epoch_without_history(&mut self) -> bool {
        if self.health != Health::Ok || self.order.is_empty() {
            return false;
        }
        self.take_snapshot();
        nnlab_kernels::shuffle(&mut self.order, &mut self.shuffle_rng);
        let failure = match self.fused_epoch() {
            Some(failure) => failure,
            None => self.layered_epoch(),
        };
        if let Some((layer, quantity)) = failure {
            self.restore_snapshot();
            self.health = Health::Diverged {
                layer,
                quantity,
                epoch: self.epoch + 1,
            };
            self.changed();
            return false;
        }
        self.epoch += 1;
        self.changed();
        true
    }

    /// The epoch in one call of the fused SGD kernel, when the run is plain SGD (no penalty,
    /// no clipping) through activations it knows; `None` when it is not. Same numbers as
    /// [`Trainer::layered_epoch`], without its per-layer calls from the size-optimised core
    /// (which cost more than a small network's arithmetic).
    fn fused_epoch(&mut self) -> Option<Option<(usize, Quantity)>> {
        if !self.is_plain_sgd() {
            return None;
        }
        let config = &self.config;
        let batch = config.batch.clamp(1, self.order.len());
        let epoch = self.network.sgd_epoch(
            config.loss,
            &self.train_inputs,
            &self.train_labels,
            &self.order,
            batch,
            config.lr,
            &mut self.fused,
        )?;
        let output_layer = self.network.layers.len().saturating_sub(1);
        Some(match epoch.stop {
            None => None,
            Some(Stop::Scores) => Some((output_layer, Quantity::Loss)),
            Some(Stop::Weights) => Some(non_finite_place(&self.network)),
        })
    }

    /// Plain SGD: no momentum or adaptive rates, no penalty, no clipping.
    fn is_plain_sgd(&self) -> bool {
        let config = &self.config;
        config.optimizer == Optimizer::Sgd
            && (config.reg == Regularization::None || config.reg_rate == 0.0)
            && config.clip <= 0.0
    }

    /// Whether [`Trainer::fused_epoch`] runs this run's epochs.
    #[cfg(test)]
    fn fused_epoch_applies(&self) -> bool {
        self.is_plain_sgd()
            && self
                .network
                .layers
                .iter()
                .all(|l| l.activation.elementwise().is_some() && l.dropout.is_none() && l.norm.is_none())
    }

    /// The epoch batch by batch, layer by layer (every optimizer, penalty and activation).
    fn layered_epoch(&mut self) -> Option<(usize, Quantity)> {
        let batch = self.config.batch.clamp(1, self.order.len());
        // Batch normalisation cannot normalise a batch of one point: a last batch of one
        // joins the batch before it.
        let merge_single = self.network.layers.iter().any(|l| l.norm_kind() == NormKind::Batch);
        let mut start = 0;
        while start < self.order.len() {
            let mut end = (start + batch).min(self.order.len());
            if merge_single && self.order.len() - end == 1 {
                end = self.order.len();
            }
            let order = &self.order[start..end];
            self.pass.gather(&self.train_inputs, order);
            self.batch_labels.clear();
            self.batch_labels.extend(order.iter().map(|&i| self.train_labels[i]));
            if let Some(failure) = self.train_batch() {
                return Some(failure);
            }
            start = end;
        }
        None
    }

    /// [`train_step`] on the gathered batch; returns where a non-finite value appeared, if
    /// one did.
    fn train_batch(&mut self) -> Option<(usize, Quantity)> {
        let rule = StepRule::of(&self.config, &self.optimizer_params);
        let report = train_step(
            &mut self.network,
            &mut self.pass,
            &self.batch_labels,
            &rule,
            LossValue::Skip,
            &mut self.dropout_rng,
            |_| {},
        );
        report.failure
    }

    fn take_snapshot(&mut self) {
        self.snapshot.take(&self.network.layers);
    }

    fn restore_snapshot(&mut self) {
        self.snapshot.restore(&mut self.network.layers);
    }

    /// Trains up to `epochs` epochs, stopping early if training cannot go on; returns how
    /// many were trained.
    pub fn train_epochs(&mut self, epochs: u64) -> u64 {
        let mut done = 0;
        while done < epochs && self.train_epoch() {
            done += 1;
        }
        done
    }

    fn record_history(&mut self) {
        let (train, test) = self.evaluate();
        let val = self.val_metrics.map(|m| m.loss);
        self.history.record(HistoryPoint {
            epoch: self.epoch,
            train: train.loss,
            test: test.loss,
            val,
        });
    }

    /// Loss and metrics of the training and test splits with the current weights (cached
    /// until something changes). The loss is the mean data loss; see [`Trainer::penalty`].
    pub fn evaluate(&mut self) -> (Metrics, Metrics) {
        if let Some(m) = self.metrics {
            return m;
        }
        let problem = self.network.problem;
        let train = evaluate_split(
            &self.network,
            self.config.loss,
            &self.train_inputs,
            &self.train_labels,
            &mut self.eval_pass,
        );
        let test = evaluate_split(
            &self.network,
            self.config.loss,
            &self.test_inputs,
            &self.test_labels,
            &mut self.eval_pass,
        );
        let metrics = (train.finish(problem), test.finish(problem));
        self.test_confusion = test.confusion(problem);
        self.val_metrics = self.has_validation().then(|| {
            evaluate_split(
                &self.network,
                self.config.loss,
                &self.val_inputs,
                &self.val_labels,
                &mut self.eval_pass,
            )
            .finish(problem)
        });
        // The last update of an epoch can leave finite weights whose outputs overflow (every
        // batch's loss was finite when it was computed): that run has diverged too.
        let overflowed = [Some(&metrics.0), Some(&metrics.1), self.val_metrics.as_ref()]
            .into_iter()
            .flatten()
            .any(|m| m.count > 0 && !m.loss.is_finite());
        if overflowed && self.health == Health::Ok {
            self.health = Health::Diverged {
                layer: self.network.layers.len().saturating_sub(1),
                quantity: Quantity::Loss,
                epoch: self.epoch,
            };
        }
        self.metrics = Some(metrics);
        metrics
    }

    /// Loss and metrics of the validation split (None without one), from the same
    /// evaluation as [`Trainer::evaluate`] and cached with it.
    pub fn validation(&mut self) -> Option<Metrics> {
        self.evaluate();
        self.val_metrics
    }

    /// The loss the patience stop watches: the validation loss when the run has a
    /// validation split, else the test loss. Taken from the cached evaluation when there
    /// is one; otherwise only that split is run through the network.
    pub fn watched_loss(&mut self) -> (Float, Watched) {
        let watched = if self.has_validation() {
            Watched::Validation
        } else {
            Watched::Test
        };
        if let Some((_, test)) = self.metrics {
            let loss = match watched {
                Watched::Validation => self.val_metrics.map_or(Float::NAN, |m| m.loss),
                Watched::Test => test.loss,
            };
            return (loss, watched);
        }
        let (inputs, labels) = match watched {
            Watched::Validation => (&self.val_inputs, &self.val_labels),
            Watched::Test => (&self.test_inputs, &self.test_labels),
        };
        let acc = evaluate_split(&self.network, self.config.loss, inputs, labels, &mut self.eval_pass);
        (acc.finish(self.network.problem).loss, watched)
    }

    /// Copies the weights (and every value a rollback restores) into `snapshot`.
    pub fn save_weights(&self, snapshot: &mut Snapshot) {
        snapshot.take(&self.network.layers);
    }

    /// Puts back weights saved by [`Trainer::save_weights`] from this network's shape; the
    /// optimizer's memory is cleared (it was built on the steps being undone). The epoch
    /// and the loss history stay.
    pub fn restore_weights(&mut self, snapshot: &Snapshot) {
        snapshot.restore(&mut self.network.layers);
        self.changed();
    }

    /// The test split's confusion matrix, `matrix[true][predicted]` (empty for regression),
    /// from the same pass as [`Trainer::evaluate`].
    pub fn test_confusion(&mut self) -> &[Vec<u32>] {
        self.evaluate();
        &self.test_confusion
    }

    /// The regularization penalty of the current weights, reported apart from the data loss.
    pub fn penalty(&self) -> Float {
        self.network.penalty(self.config.reg, self.config.reg_rate)
    }

    /// Re-initialises the weights as a fresh run of the same config would (same seed, same
    /// weights), and clears epoch, history and health. Data, including hand-made points, stays.
    pub fn reset(&mut self) {
        self.init_rng = SeededRng::seed_from_u64(stream_seed(self.config.seed, INIT_STREAM));
        self.shuffle_rng = nnlab_kernels::ShuffleRng::seed_from_u64(stream_seed(self.config.seed, SHUFFLE_STREAM));
        self.dropout_rng = SeededRng::seed_from_u64(stream_seed(self.config.seed, DROPOUT_STREAM));
        self.network = Network::with_activations(
            self.config.features.len(),
            &self.config.hidden,
            &self.config.hidden_activations(),
            self.data.problem,
            self.config.init,
            &mut self.init_rng,
        );
        self.sync_layers();
        self.epoch = 0;
        self.health = Health::Ok;
        self.order = (0..self.data.train.len()).collect();
        self.changed();
        self.restart_history();
    }

    /// Applies a new config while keeping everything it does not force to change: the
    /// weights survive changes of learning rate, loss, optimizer, regularization, init,
    /// batch size and activation; neurons, layers and inputs are added or removed one by
    /// one around the existing weights; data is regenerated only when a data setting
    /// changed. A new optimizer starts with empty state. A diverged run is cleared to go on
    /// from its last finite weights.
    pub fn apply_config(&mut self, mut new: Config) -> Result<Changes, ConfigError> {
        new.check_batch_norm("batch")?;
        let mut changes = Changes::default();
        let old = self.config.clone();
        // The data keys are the key table's (`Scope::Data`).
        let data_changed = super::keys::TABLE
            .iter()
            .filter(|k| k.scope == super::keys::Scope::Data)
            .any(|k| k.get(&new) != k.get(&old));
        let new_problem = if data_changed { new.problem() } else { self.data.problem };
        if !new.loss.supports(new_problem) {
            if new.loss != old.loss {
                return Err(ConfigError::loss_not_for(new.loss, new_problem));
            }
            new.loss = Loss::default_for(new_problem);
            changes.loss_replaced = Some(new.loss);
        }
        if data_changed {
            self.data = generate_data(&new);
            changes.data_regenerated = true;
            if self.network.problem != self.data.problem {
                self.network
                    .set_problem(self.data.problem, new.init, &mut self.init_rng);
                changes.network_resized = true;
            }
        }
        if new.features != old.features {
            let old_features = old.features.clone();
            let new_features = new.features.clone();
            self.network.remap_inputs(
                new_features.len(),
                |j| old_features.iter().position(|f| Some(f) == new_features.get(j)),
                new.init,
                &mut self.init_rng,
            );
            changes.network_resized = true;
        }
        for layer in 0..self.network.hidden_count().min(new.hidden.len()) {
            let wanted = new.layer_activation(layer);
            if self.network.layers[layer].activation != wanted {
                self.network.set_activation(layer, wanted, new.init, &mut self.init_rng);
            }
        }
        if new.hidden != self.network.hidden_widths() {
            self.resize_hidden(&new);
            changes.network_resized = true;
        }
        if new.optimizer != old.optimizer {
            self.network.clear_optimizer_state();
            changes.optimizer_state_cleared = true;
        }
        let refit = data_changed || new.features != old.features || new.normalize != old.normalize;
        self.config = new;
        self.sync_layers();
        if refit {
            self.normalizer = Normalizer::fit(self.config.normalize, &self.config.features, &self.data.train);
            self.prepare_inputs();
        }
        self.health = Health::Ok;
        // A new layout of the parameters starts the trajectory afresh.
        self.trajectory.follow(&self.network, self.epoch);
        self.changed();
        Ok(changes)
    }

    /// Gives every hidden layer the dropout rate and normalisation the config asks for.
    /// Dropout has no weights, so switching it keeps everything else; switching the
    /// normalisation keeps W and b (see [`Layer::set_norm`](super::layer::Layer::set_norm)).
    fn sync_layers(&mut self) {
        let hidden = self.network.hidden_count();
        for (l, layer) in self.network.layers.iter_mut().enumerate() {
            let (dropout, norm) = if l < hidden {
                (Dropout::new(self.config.layer_dropout(l)), self.config.layer_norm(l))
            } else {
                (None, NormKind::None)
            };
            layer.dropout = dropout;
            layer.set_norm(norm);
        }
    }

    /// Brings the hidden layers to `widths`: surplus layers go from the top, missing ones are
    /// added at the top, then each layer gains or loses neurons at its end.
    fn resize_hidden(&mut self, config: &Config) {
        let (widths, init) = (&config.hidden, config.init);
        let net = &mut self.network;
        let rng = &mut self.init_rng;
        while net.hidden_count() > widths.len() {
            net.remove_layer(net.hidden_count() - 1, init, rng);
        }
        while net.hidden_count() < widths.len() {
            let position = net.hidden_count();
            net.insert_layer(
                position,
                widths[position].max(1),
                config.layer_activation(position),
                init,
                rng,
            );
        }
        for (layer, &width) in widths.iter().enumerate() {
            while net.layers[layer].neurons() < width {
                net.add_neuron(layer, init, rng);
            }
            while net.layers[layer].neurons() > width.max(1) {
                let last = net.layers[layer].neurons() - 1;
                net.remove_neuron(layer, last, init, rng);
            }
        }
    }

    /// Sets one key of the config, as the page's controls do. The top bar's `dropout` sets
    /// every hidden layer, so it clears the per-layer rates (as the activation select does
    /// with the per-layer activations); a link may still carry both.
    pub fn set(&mut self, key: &str, value: &str) -> Result<Changes, ConfigError> {
        let mut config = self.config.clone();
        config.set(key, value)?;
        match key {
            "dropout" => config.dropouts.clear(),
            "norm" => config.norms.clear(),
            _ => {}
        }
        config.check_batch_norm(key)?;
        self.apply_config(config)
    }

    /// Adds a neuron to hidden layer `layer`, keeping every other weight.
    pub fn add_neuron(&mut self, layer: usize) -> bool {
        let mut hidden = self.config.hidden.clone();
        match hidden.get_mut(layer) {
            Some(n) if *n < super::config::limits::MAX_NEURONS => *n += 1,
            _ => return false,
        }
        self.set_hidden(hidden)
    }

    /// Removes the last neuron of hidden layer `layer` (a layer keeps at least one).
    pub fn remove_neuron(&mut self, layer: usize) -> bool {
        let mut hidden = self.config.hidden.clone();
        match hidden.get_mut(layer) {
            Some(n) if *n > 1 => *n -= 1,
            _ => return false,
        }
        self.set_hidden(hidden)
    }

    /// Adds a hidden layer on top, as wide as the one below it (2 if it is the first).
    pub fn add_layer(&mut self) -> bool {
        let mut hidden = self.config.hidden.clone();
        if hidden.len() >= super::config::limits::MAX_LAYERS {
            return false;
        }
        hidden.push(hidden.last().copied().unwrap_or(2));
        self.set_hidden(hidden)
    }

    /// Removes the top hidden layer.
    pub fn remove_layer(&mut self) -> bool {
        let mut hidden = self.config.hidden.clone();
        if hidden.pop().is_none() {
            return false;
        }
        self.set_hidden(hidden)
    }

    fn set_hidden(&mut self, hidden: Vec<usize>) -> bool {
        let mut config = self.config.clone();
        // Overrides follow their layers; a new layer takes the global activation.
        if !config.activations.is_empty() {
            let acts: Vec<_> = (0..hidden.len()).map(|l| config.layer_activation(l)).collect();
            config.activations = acts;
        }
        if !config.dropouts.is_empty() {
            let rates: Vec<_> = (0..hidden.len()).map(|l| config.layer_dropout(l)).collect();
            config.dropouts = rates;
        }
        if !config.norms.is_empty() {
            let norms: Vec<_> = (0..hidden.len()).map(|l| config.layer_norm(l)).collect();
            config.norms = norms;
        }
        config.hidden = hidden;
        self.apply_config(config).is_ok()
    }

    /// Sets the activation of every hidden layer, dropping per-layer overrides.
    pub fn set_activation_everywhere(&mut self, activation: super::activation::Activation) -> Changes {
        let mut config = self.config.clone();
        config.activation = activation;
        config.activations.clear();
        self.apply_config(config).unwrap_or_default()
    }

    /// Overrides the activation of hidden layer `layer` only.
    pub fn set_layer_activation(&mut self, layer: usize, activation: super::activation::Activation) -> bool {
        if layer >= self.config.hidden.len() {
            return false;
        }
        let mut config = self.config.clone();
        let mut acts = config.hidden_activations();
        acts[layer] = activation;
        config.activations = if acts.iter().all(|&a| a == config.activation) {
            Vec::new()
        } else {
            acts
        };
        self.apply_config(config).is_ok()
    }

    /// Sets the dropout rate of hidden layer `layer` only, from a typed `value` read by the
    /// `dropout` key's rules (0–0.9; empty or `off` is 0). Returns whether the layer exists;
    /// a refused value changes nothing and says why.
    pub fn set_layer_dropout(&mut self, layer: usize, value: &str) -> Result<bool, ConfigError> {
        if layer >= self.config.hidden.len() {
            return Ok(false);
        }
        let mut probe = self.config.clone();
        probe.set("dropout", value)?;
        let mut config = self.config.clone();
        let mut rates: Vec<Float> = (0..config.hidden.len()).map(|l| config.layer_dropout(l)).collect();
        rates[layer] = probe.dropout;
        config.dropouts = if rates.iter().all(|&r| r == config.dropout) {
            Vec::new()
        } else {
            rates
        };
        self.apply_config(config).map(|_| true)
    }

    /// Whether the last training step's dropout zeroed neuron `neuron` of hidden layer
    /// `layer` for the first point of its batch (false before any step, and where the layer
    /// has no dropout now or another width than then).
    pub fn last_step_dropped(&self, layer: usize, neuron: usize) -> bool {
        let Some(now) = self.network.layers.get(layer) else {
            return false;
        };
        self.epoch > 0
            && now.dropout.is_some()
            && self.pass.neurons(layer) == now.neurons()
            && self.pass.dropped(layer, neuron, 0)
    }

    /// Sets the normalisation of hidden layer `layer` only. Returns whether the layer
    /// exists; batch normalisation with a batch of 1 is refused and changes nothing.
    pub fn set_layer_norm(&mut self, layer: usize, norm: NormKind) -> Result<bool, ConfigError> {
        if layer >= self.config.hidden.len() {
            return Ok(false);
        }
        let mut config = self.config.clone();
        let mut norms: Vec<NormKind> = (0..config.hidden.len()).map(|l| config.layer_norm(l)).collect();
        norms[layer] = norm;
        config.norms = if norms.iter().all(|&n| n == config.norm) {
            Vec::new()
        } else {
            norms
        };
        config.check_batch_norm("norms")?;
        self.apply_config(config).map(|_| true)
    }

    /// Sets one weight (`row` = neuron·pieces + piece, `column` = input) or, with
    /// `column == None`, one bias, as typed by a user. Returns false for an index or value
    /// that does not fit.
    pub fn set_parameter(&mut self, layer: usize, row: usize, column: Option<usize>, value: Float) -> bool {
        if !value.is_finite() {
            return false;
        }
        let Some(l) = self.network.layers.get_mut(layer) else {
            return false;
        };
        let slot = match column {
            Some(c) => l.weights.value.get_mut((row, c)),
            None => l.biases.value.get_mut((row, 0)),
        };
        match slot {
            Some(v) => {
                *v = value;
                self.changed();
                true
            }
            None => false,
        }
    }

    /// Adds a point to the training (or test) split; the data becomes custom.
    pub fn add_point(&mut self, sample: Sample, split: Split) -> bool {
        let ok = sample.x.is_finite() && sample.y.is_finite() && sample.label.is_finite();
        if !ok {
            return false;
        }
        match split {
            Split::Train => self.data.train.push(sample),
            Split::Val => self.data.val.push(sample),
            Split::Test => self.data.test.push(sample),
        }
        self.data.custom = true;
        self.prepare_inputs();
        true
    }

    /// Removes the point nearest to (x, y) within `radius`, from any split (the first
    /// split's point, training before validation before test, when two are as near).
    pub fn remove_point_near(&mut self, x: Float, y: Float, radius: Float) -> Option<Sample> {
        let distance = |s: &Sample| super::math::hypot(s.x - x, s.y - y);
        let nearest = |points: &[Sample]| {
            points
                .iter()
                .enumerate()
                .map(|(i, s)| (i, distance(s)))
                .filter(|&(_, d)| d <= radius)
                .min_by(|a, b| a.1.total_cmp(&b.1))
        };
        let data = &mut self.data;
        let candidates = [
            nearest(&data.train).map(|(i, d)| (i, d, 0)),
            nearest(&data.val).map(|(i, d)| (i, d, 1)),
            nearest(&data.test).map(|(i, d)| (i, d, 2)),
        ];
        let (i, _, split) = candidates
            .into_iter()
            .flatten()
            .min_by(|a, b| a.1.total_cmp(&b.1).then(a.2.cmp(&b.2)))?;
        let removed = match split {
            0 => data.train.remove(i),
            1 => data.val.remove(i),
            _ => data.test.remove(i),
        };
        self.data.custom = true;
        self.prepare_inputs();
        Some(removed)
    }

    /// Replaces the points by imported ones. The file's split column decides the split if
    /// present, else the config's train and validation ratios. The network's output follows
    /// the problem.
    pub fn import_points(&mut self, csv: CsvData) {
        let (train, val, test) = match &csv.splits {
            Some(splits) => {
                let (mut train, mut val, mut test) = (Vec::new(), Vec::new(), Vec::new());
                for (sample, split) in csv.samples.iter().zip(splits) {
                    match split {
                        Split::Train => train.push(*sample),
                        Split::Val => val.push(*sample),
                        Split::Test => test.push(*sample),
                    }
                }
                (train, val, test)
            }
            None => {
                let mut rng = SeededRng::seed_from_u64(stream_seed(self.config.seed, DATA_STREAM));
                let (mut train, mut test) = dataset::split(csv.samples, self.config.train_ratio, &mut rng);
                let val = dataset::hold_out_validation(&mut train, &mut test, self.config.val_ratio);
                (train, val, test)
            }
        };
        self.data = Data {
            problem: csv.problem,
            train,
            val,
            test,
            custom: true,
        };
        if self.network.problem != csv.problem {
            self.network
                .set_problem(csv.problem, self.config.init, &mut self.init_rng);
        }
        if !self.config.loss.supports(csv.problem) {
            self.config.loss = Loss::default_for(csv.problem);
        }
        self.normalizer = Normalizer::fit(self.config.normalize, &self.config.features, &self.data.train);
        self.prepare_inputs();
        self.restart_history();
    }

    /// The points a link must carry (`points-data=`): None while the data is the seed's
    /// own; the points added on top of it when it still starts with the seed's points in
    /// every split; all the points otherwise (imported, or generated ones removed).
    pub fn shared_points(&self) -> Option<SharedPoints> {
        if !self.data.custom {
            return None;
        }
        let seed = generate_data(&self.config);
        let data = &self.data;
        let splits = [
            (&data.train, &seed.train, Split::Train),
            (&data.val, &seed.val, Split::Val),
            (&data.test, &seed.test, Split::Test),
        ];
        let on_top = seed.problem == data.problem && splits.iter().all(|(now, was, _)| now.starts_with(was));
        let points: Vec<(Sample, Split)> = splits
            .iter()
            .flat_map(|(now, was, split)| now[if on_top { was.len() } else { 0 }..].iter().map(|s| (*s, *split)))
            .collect();
        (!on_top || !points.is_empty()).then_some(SharedPoints {
            replace: !on_top,
            problem: data.problem,
            points,
        })
    }

    /// Puts a link's points in place (see [`Trainer::shared_points`]); points on top of the
    /// seed's must be for the same kind of data set.
    pub fn restore_points(&mut self, shared: SharedPoints) -> Result<(), PointsProblem> {
        if shared.replace {
            let (samples, splits) = shared.points.into_iter().unzip();
            self.import_points(CsvData {
                samples,
                splits: Some(splits),
                problem: shared.problem,
            });
            return Ok(());
        }
        if shared.problem != self.data.problem {
            return Err(PointsProblem::OtherProblem);
        }
        for (sample, split) in shared.points {
            match split {
                Split::Train => self.data.train.push(sample),
                Split::Val => self.data.val.push(sample),
                Split::Test => self.data.test.push(sample),
            }
        }
        self.data.custom = true;
        self.prepare_inputs();
        Ok(())
    }

    /// Starts the loss curves afresh from the current epoch (after the data or the network
    /// were replaced, the old curve describes another run).
    fn restart_history(&mut self) {
        self.start = self.network.clone();
        self.start_epoch = self.epoch;
        self.history.clear();
        self.record_history();
        self.trajectory.restart(&self.network, self.epoch);
    }

    /// Puts back what a saved run had trained after its model was loaded: the optimizer's
    /// state of every parameter (in [`Layer::params`] order, first and second moments; a
    /// shape that does not match is left at zero), the update count, the epoch and the loss
    /// history (recorded at `stride`).
    pub fn restore_progress(
        &mut self,
        optimizer: &[(Vec<Float>, Vec<Float>)],
        step: u64,
        epoch: u64,
        history: &[HistoryPoint],
        stride: u64,
    ) {
        let mut saved = optimizer.iter();
        for param in super::layer::params_mut(&mut self.network.layers) {
            let Some((first, second)) = saved.next() else { break };
            if first.len() == param.first.len() && second.len() == param.second.len() {
                param.first.as_mut_slice().copy_from_slice(first);
                param.second.as_mut_slice().copy_from_slice(second);
            }
        }
        self.network.step = step;
        self.epoch = epoch;
        self.start_epoch = epoch;
        self.history.clear();
        self.history.stride = stride.max(1);
        self.history.points.extend_from_slice(history);
        // The weights' path was not saved: it starts again here.
        self.trajectory.restart(&self.network, epoch);
        self.changed();
    }

    /// The weights the current loss curve started from and the epochs trained since (see
    /// [`crate::core::export_python`]), with the current dropout and normalisation. When the
    /// network's shape or activations changed since, the weights a reset would draw.
    pub fn initial_network(&self) -> (Network, u64) {
        let same =
            |a: &Layer, b: &Layer| a.activation == b.activation && a.weights.value.shape() == b.weights.value.shape();
        let fits = self.start.layers.len() == self.network.layers.len()
            && self
                .start
                .layers
                .iter()
                .zip(&self.network.layers)
                .all(|(a, b)| same(a, b));
        let mut start = if fits {
            self.start.clone()
        } else {
            Network::with_activations(
                self.config.features.len(),
                &self.config.hidden,
                &self.config.hidden_activations(),
                self.data.problem,
                self.config.init,
                &mut SeededRng::seed_from_u64(stream_seed(self.config.seed, INIT_STREAM)),
            )
        };
        for (layer, now) in start.layers.iter_mut().zip(&self.network.layers) {
            layer.dropout = now.dropout;
            layer.set_norm(now.norm_kind());
        }
        (start, self.epoch.saturating_sub(self.start_epoch))
    }

    /// The network with its features and normalization, for saving.
    pub fn model(&self) -> Model {
        Model {
            features: self.config.features.clone(),
            normalizer: self.normalizer.clone(),
            network: self.network.clone(),
        }
    }

    /// Replaces the network by a loaded model: its features, normalization, shape and
    /// activations win over the config's, and the run starts again at epoch 0 from it.
    /// Refused when the model answers a different kind of problem than the data poses.
    pub fn load_model(&mut self, model: Model) -> Result<(), ModelError> {
        if model.network.problem != self.data.problem {
            return Err(ModelError::wrong_problem(model.network.problem, self.data.problem));
        }
        self.config.features = model.features;
        self.config.normalize = model.normalizer.method;
        self.config.hidden = model.network.hidden_widths();
        if let Some(first) = model
            .network
            .layers
            .first()
            .filter(|_| model.network.hidden_count() > 0)
        {
            self.config.activation = first.activation;
        }
        // Per-layer activations come from the model too: overrides left from the old
        // network would describe layers the model does not have.
        let hidden = &model.network.layers[..model.network.hidden_count()];
        self.config.activations = if hidden.iter().all(|l| l.activation == self.config.activation) {
            Vec::new()
        } else {
            hidden.iter().map(|l| l.activation).collect()
        };
        // Dropout rates too, the same way (a layer without dropout reads 0).
        let rates: Vec<Float> = hidden.iter().map(|l| l.dropout.map_or(0.0, |d| d.rate)).collect();
        self.config.dropout = rates.first().copied().unwrap_or(self.config.dropout);
        self.config.dropouts = if rates.iter().all(|&r| r == self.config.dropout) {
            Vec::new()
        } else {
            rates
        };
        // And normalisations.
        let norms: Vec<NormKind> = hidden.iter().map(Layer::norm_kind).collect();
        self.config.norm = norms.first().copied().unwrap_or(self.config.norm);
        self.config.norms = if norms.iter().all(|&n| n == self.config.norm) {
            Vec::new()
        } else {
            norms
        };
        if self.config.check_batch_norm("batch").is_err() {
            // A model with batch normalisation needs batches of two points at least.
            self.config.batch = 2;
        }
        self.normalizer = model.normalizer;
        self.network = model.network;
        self.network.clear_optimizer_state();
        self.health = Health::Ok;
        self.epoch = 0;
        self.prepare_inputs();
        self.restart_history();
        Ok(())
    }
}

/// Generates and splits the config's data set from its seed.
pub fn generate_data(config: &Config) -> Data {
    let mut rng = SeededRng::seed_from_u64(stream_seed(config.seed, DATA_STREAM));
    let samples = config.dataset.generate(config.points, config.noise, &mut rng);
    let (mut train, mut test) = dataset::split(samples, config.train_ratio, &mut rng);
    // Taken after the split, with no draw of its own: at val-ratio 0 the points are exactly
    // those of a run without the key.
    let val = dataset::hold_out_validation(&mut train, &mut test, config.val_ratio);
    Data {
        problem: config.dataset.problem(),
        train,
        val,
        test,
        custom: false,
    }
}

/// Loss, metrics and confusion counts of one split from a single batched forward pass.
pub fn evaluate_split(
    network: &Network,
    loss: Loss,
    inputs: &DMatrix<Float>,
    labels: &[Float],
    pass: &mut Pass,
) -> MetricsAccumulator {
    let problem = network.problem;
    let mut acc = MetricsAccumulator::default();
    if labels.is_empty() {
        return acc;
    }
    network.forward(inputs, pass);
    let outputs = pass.outputs().clamp(1, MAX_CLASSES);
    let mut scores = [0.0; MAX_CLASSES];
    let mut grad = [0.0; MAX_CLASSES];
    for (point, &label) in labels.iter().enumerate().take(pass.points()) {
        pass.scores_of(point, &mut scores[..outputs]);
        let s = &scores[..outputs];
        let value = loss.sample(problem, s, label, &mut grad[..outputs]);
        acc.add(problem, s, label, value);
    }
    acc
}

/// For tests: the run of `query`, every key of which must be accepted.
#[cfg(test)]
pub(crate) fn test_run(query: &str) -> Trainer {
    let (config, errors) = Config::from_query(query);
    assert!(errors.is_empty(), "{query}: {errors:?}");
    Trainer::new(config).expect("a valid config")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::activation::Activation;
    use crate::core::dataset::Dataset;
    use crate::core::optimizer::Optimizer;

    fn run(query: &str, epochs: u64) -> Trainer {
        let (config, errors) = Config::from_query(query);
        assert!(errors.is_empty(), "{query}: {errors:?}");
        let mut trainer = Trainer::new(config).expect("valid config");
        trainer.train_epochs(epochs);
        trainer
    }

    fn test_accuracy(trainer: &mut Trainer) -> Float {
        trainer.evaluate().1.accuracy.unwrap_or(0.0)
    }

    #[test]
    fn xor_needs_a_hidden_layer() {
        let mut linear = run("dataset=xor&hidden=&seed=1", 300);
        assert!(test_accuracy(&mut linear) < 0.8, "{}", test_accuracy(&mut linear));
        let mut hidden = run("dataset=xor&hidden=4&activation=tanh&seed=1", 300);
        assert!(test_accuracy(&mut hidden) >= 0.98, "{}", test_accuracy(&mut hidden));
    }

    #[test]
    fn circle_with_three_relu_neurons() {
        let mut t = run("dataset=circle&hidden=3&activation=relu&init=he&seed=1", 300);
        assert!(test_accuracy(&mut t) >= 0.95, "{}", test_accuracy(&mut t));
    }

    #[test]
    fn spiral_with_features_and_six_layers() {
        let mut t = run(
            "dataset=spiral&features=x,y,x2,y2,xy,sinx,siny&hidden=8,8,8,8,8,8&activation=tanh\
             &optimizer=adam&lr=0.01&batch=10&seed=1",
            400,
        );
        assert!(test_accuracy(&mut t) >= 0.9, "{}", test_accuracy(&mut t));
    }

    #[test]
    fn every_optimizer_learns_the_circle() {
        for (optimizer, lr) in [
            (Optimizer::Sgd, 0.1),
            (Optimizer::Momentum, 0.01),
            (Optimizer::Nesterov, 0.01),
            (Optimizer::Adagrad, 0.1),
            (Optimizer::Rmsprop, 0.01),
            (Optimizer::Adam, 0.01),
        ] {
            let mut config = Config::from_query("dataset=circle&hidden=6&activation=tanh&seed=2").0;
            config.optimizer = optimizer;
            config.lr = lr;
            let mut t = Trainer::new(config).expect("valid");
            t.train_epochs(300);
            let acc = test_accuracy(&mut t);
            assert!(acc >= 0.95, "{optimizer:?} at lr {lr}: {acc}");
        }
    }

    #[test]
    fn same_seed_same_run() {
        let a = run("dataset=moons&hidden=5,3&optimizer=adam&lr=0.01&seed=7", 20);
        let b = run("dataset=moons&hidden=5,3&optimizer=adam&lr=0.01&seed=7", 20);
        assert_eq!(a.network(), b.network());
        assert_eq!(a.history(), b.history());
        let c = run("dataset=moons&hidden=5,3&optimizer=adam&lr=0.01&seed=8", 20);
        assert_ne!(a.network(), c.network());
    }

    #[test]
    fn reset_reproduces_a_fresh_run() {
        let mut a = run("dataset=circle&hidden=4&seed=3", 5);
        a.reset();
        a.train_epochs(5);
        let b = run("dataset=circle&hidden=4&seed=3", 5);
        assert_eq!(a.network(), b.network());
        assert_eq!(a.epoch(), 5);
    }

    #[test]
    fn batch_norm_needs_batches_of_two_and_a_last_batch_of_one_joins_the_one_before() {
        // Refused everywhere a batch of 1 meets batch normalisation, with the reason.
        let (config, errors) = Config::from_query("norm=batch&batch=1");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].key, "batch");
        assert!(errors[0].message(crate::core::Lang::En).contains("at least 2 points"));
        assert_eq!((config.norm, config.batch), (NormKind::Batch, Config::default().batch));
        assert!(Config::from_pairs([("norm", "batch".to_string()), ("batch", "1".to_string())]).is_err());
        let mut t = run("dataset=xor&hidden=4&seed=1&batch=1", 0);
        let refused = t.set("norm", "batch").expect_err("batch of one");
        assert_eq!(refused.key, "norm");
        assert_eq!(t.config().norm, NormKind::None);
        assert!(t.set_layer_norm(0, NormKind::Batch).is_err());
        assert!(t
            .set_layer_norm(0, NormKind::Layer)
            .expect("layer norm takes any batch"));
        // 201 training points (250 · 0.8 rounded, +1 hand-made) in batches of 10: the last
        // batch would hold one point; it joins the one before, so an epoch makes 20 steps.
        let mut t = run("dataset=circle&hidden=4&seed=1&batch=10&norm=batch", 0);
        t.add_point(
            Sample {
                x: 0.5,
                y: 0.5,
                label: 1.0,
            },
            Split::Train,
        );
        let points = t.data().train.len();
        assert_eq!(points % 10, 1, "{points} points");
        let steps = t.network().step;
        assert!(t.train_epoch());
        assert_eq!(t.network().step - steps, (points / 10) as u64);
        // Without batch normalisation the last point is its own step, as always.
        let mut plain = run("dataset=circle&hidden=4&seed=1&batch=10&optimizer=adam", 0);
        plain.add_point(
            Sample {
                x: 0.5,
                y: 0.5,
                label: 1.0,
            },
            Split::Train,
        );
        assert!(plain.train_epoch());
        assert_eq!(plain.network().step, (points / 10 + 1) as u64);
    }

    #[test]
    fn normalisation_switches_live_and_rolls_back_with_the_weights() {
        let mut t = run("dataset=circle&hidden=6,4&seed=2&optimizer=adam&lr=0.03", 5);
        let before = t.network().clone();
        // On: the weights stay, γ = 1, β = 0, running mean 0 and variance 1.
        t.set("norm", "batch").expect("valid");
        assert!(!t.fused_epoch_applies());
        for (l, layer) in t.network().layers.iter().enumerate() {
            assert_eq!(layer.weights.value, before.layers[l].weights.value);
            assert_eq!(
                layer.weights.first, before.layers[l].weights.first,
                "Adam's state stays"
            );
        }
        let norm = t.network().layers[0].norm.clone().expect("batch norm");
        assert!(norm.gamma.value.iter().all(|&g| g == 1.0) && norm.beta.value.iter().all(|&b| b == 0.0));
        assert!(t.network().layers[2].norm.is_none(), "never on the output layer");
        assert!(t.train_epochs(3) == 3);
        // Training moved γ, β and the running estimates.
        let trained = t.network().layers[0].norm.clone().expect("batch norm");
        assert_ne!(trained.gamma.value, norm.gamma.value);
        assert_ne!(trained.running_mean, norm.running_mean);
        // A new neuron starts neutral; the others keep theirs.
        assert!(t.add_neuron(0));
        let grown = t.network().layers[0].norm.clone().expect("batch norm");
        assert_eq!(grown.gamma.value.rows(0, 6), trained.gamma.value.rows(0, 6));
        assert_eq!((grown.gamma.value[(6, 0)], grown.beta.value[(6, 0)]), (1.0, 0.0));
        assert_eq!((grown.running_mean[(6, 0)], grown.running_var[(6, 0)]), (0.0, 1.0));
        // Per layer: layer norm on the second layer only.
        assert!(t.set_layer_norm(1, NormKind::Layer).expect("exists"));
        assert_eq!(t.config().norms, [NormKind::Batch, NormKind::Layer]);
        assert_eq!(t.network().layers[1].norm_kind(), NormKind::Layer);
        assert!(t.config().to_query().contains("norms=batch,layer"));
        // Off: the weights stay.
        let weights = t.network().layers[0].weights.value.clone();
        t.set("norm", "none").expect("valid");
        assert!(t.config().norms.is_empty());
        assert!(t.network().layers.iter().all(|l| l.norm.is_none()));
        assert_eq!(t.network().layers[0].weights.value, weights);
        // A divergence rollback restores γ, β and the running estimates with the weights.
        let mut t = run("dataset=circle&hidden=4&seed=2&norm=batch", 3);
        t.take_snapshot();
        let kept = t.network().clone();
        if let Some(norm) = &mut t.network.layers[0].norm {
            norm.gamma.value.fill(Float::NAN);
            norm.beta.value.fill(2.0);
            norm.running_mean.fill(Float::INFINITY);
            norm.running_var.fill(-1.0);
        }
        assert!(!t.network().layers[0].is_finite());
        t.restore_snapshot();
        let (now, then) = (&t.network().layers[0], &kept.layers[0]);
        let (now, then) = (now.norm.as_ref().expect("norm"), then.norm.as_ref().expect("norm"));
        assert_eq!(now.gamma.value, then.gamma.value);
        assert_eq!(now.beta.value, then.beta.value);
        assert_eq!(
            (&now.running_mean, &now.running_var),
            (&then.running_mean, &then.running_var)
        );
    }

    #[test]
    fn norm_none_is_the_plain_run_and_batch_norm_learns_the_spiral() {
        // norm=none takes the plain path, bit for bit (the fused epoch too).
        let plain = run("dataset=xor&hidden=6&seed=3", 20);
        let none = run("dataset=xor&hidden=6&seed=3&norm=none", 20);
        assert_eq!(plain.network(), none.network());
        let mut spiral = run(
            "dataset=spiral&features=x,y,x2,y2,xy,sinx,siny&hidden=8,8,8,8,8,8&activation=tanh\
             &optimizer=adam&lr=0.01&batch=10&norm=batch&seed=1",
            400,
        );
        let accuracy = test_accuracy(&mut spiral);
        assert!(accuracy >= 0.9, "spiral with batch norm: {accuracy}");
        let mut circle = run("dataset=circle&hidden=6&optimizer=adam&lr=0.03&norm=layer&seed=1", 150);
        let accuracy = test_accuracy(&mut circle);
        assert!(accuracy >= 0.95, "circle with layer norm: {accuracy}");
    }

    #[test]
    fn live_changes_keep_the_weights() {
        let mut t = run("dataset=xor&hidden=4&seed=1", 10);
        let before = t.network().clone();
        let changes = t.set("lr", "0.1").expect("valid");
        assert_eq!(changes, Changes::default());
        t.set("loss", "hinge").expect("valid");
        t.set("reg", "l2").expect("valid");
        assert_eq!(t.network(), &before);
        assert_eq!(t.epoch(), 10);
        let changes = t.set("optimizer", "adam").expect("valid");
        assert!(changes.optimizer_state_cleared);
        assert_eq!(t.network().layers[0].weights.value, before.layers[0].weights.value);
        t.set("activation", "relu").expect("valid");
        assert_eq!(t.network().layers[0].activation, Activation::Relu);
        assert_eq!(t.network().layers[0].weights.value, before.layers[0].weights.value);
        // Adding a layer and a neuron keeps the first layer's weights.
        assert!(t.add_layer());
        assert!(t.add_neuron(0));
        assert_eq!(t.config().hidden, vec![5, 4]);
        assert_eq!(
            t.network().layers[0].weights.value.rows(0, 4),
            before.layers[0].weights.value.rows(0, 4)
        );
        assert!(t.train_epoch());
        // Down to no hidden layer still trains.
        while t.remove_layer() {}
        assert_eq!(t.network().hidden_count(), 0);
        assert!(t.train_epoch());
        // A loss that does not suit the data is refused and nothing changes.
        assert!(t.set("loss", "ce").is_ok(), "ce on two classes is BCE");
        t.set("dataset", "plane").expect("valid");
        assert_eq!(t.config().loss, Loss::Mse, "the loss follows the new problem");
        assert!(t.set("loss", "hinge").is_err());
    }

    #[test]
    fn dropout_zero_is_the_plain_run_and_dropout_is_seeded() {
        // dropout=0 takes the same path as no dropout, bit for bit (the fused epoch too).
        let plain = run("dataset=xor&hidden=6&seed=3", 20);
        let zero = run("dataset=xor&hidden=6&seed=3&dropout=0", 20);
        assert_eq!(plain.network(), zero.network());
        assert!(zero.fused_epoch_applies());
        // With dropout the fused path declines, the masks come from the seed (two runs agree,
        // another seed differs), and the link carries the rate.
        let a = run("dataset=xor&hidden=6&seed=3&dropout=0.3", 20);
        let b = run("dataset=xor&hidden=6&seed=3&dropout=0.3", 20);
        assert!(!a.fused_epoch_applies());
        assert_eq!(a.network(), b.network());
        assert_ne!(
            a.network().layers[0].weights.value,
            plain.network().layers[0].weights.value
        );
        assert!(a.config().to_query().contains("dropout=0.3"));
        assert!(!plain.config().to_query().contains("dropout"));
        // Evaluation does not drop: the same weights give the same losses every time.
        let mut a = a;
        let first = a.evaluate();
        assert_eq!(first, a.evaluate());
    }

    #[test]
    fn dropout_switches_live_per_layer_and_keeps_the_weights() {
        let mut t = run("dataset=circle&hidden=4,4&seed=2", 5);
        let before = t.network().clone();
        let mut config = t.config().clone();
        config.dropout = 0.2;
        config.dropouts = vec![0.5, 0.0];
        t.apply_config(config).expect("accepted");
        let rates: Vec<_> = t.network().layers.iter().map(|l| l.dropout.map(|d| d.rate)).collect();
        assert_eq!(
            rates,
            [Some(0.5), None, None],
            "layer 2 overridden to 0, the output never"
        );
        for (now, was) in t.network().layers.iter().zip(&before.layers) {
            assert_eq!(now.weights, was.weights);
        }
        // A new layer follows the overrides' list, a removed one leaves it.
        assert!(t.remove_layer());
        assert_eq!(t.config().dropouts, [0.5]);
        // One layer's field: a good value overrides that layer, a bad one changes nothing.
        assert_eq!(t.set_layer_dropout(0, "0.2"), Ok(true));
        assert!(t.config().dropouts.is_empty(), "0.2 everywhere is no override");
        assert_eq!(t.network().layers[0].dropout.map(|d| d.rate), Some(0.2));
        let refused = t.set_layer_dropout(0, "2").expect_err("out of range");
        assert!(refused.message(crate::core::Lang::En).starts_with("dropout: `2`"));
        assert_eq!(t.network().layers[0].dropout.map(|d| d.rate), Some(0.2));
        assert_eq!(t.set_layer_dropout(5, "0.1"), Ok(false));
        // The top bar's rate sets every layer.
        assert_eq!(t.set_layer_dropout(0, "0.4"), Ok(true));
        assert_eq!(t.config().dropouts, [0.4]);
        t.set("dropout", "0.1").expect("accepted");
        assert!(t.config().dropouts.is_empty());
        assert_eq!(t.network().layers[0].dropout.map(|d| d.rate), Some(0.1));
        // A dropout run still learns the circle (dropout 0.1 on 8 neurons, Adam).
        let mut learner = run("dataset=circle&hidden=8&optimizer=adam&lr=0.03&dropout=0.1&seed=1", 150);
        let accuracy = test_accuracy(&mut learner);
        assert!(accuracy >= 0.95, "circle with dropout: {accuracy}");
    }

    #[test]
    fn per_layer_activations_override_the_global_one() {
        let mut t = run("dataset=circle&hidden=3,3&activations=relu,tanh&seed=1", 2);
        assert_eq!(t.network().layers[0].activation, Activation::Relu);
        assert_eq!(t.network().layers[1].activation, Activation::Tanh);
        assert!(t.set_layer_activation(1, Activation::Maxout));
        assert!(
            t.config().to_query().contains("activations=relu,maxout"),
            "{}",
            t.config().to_query()
        );
        assert!(t.add_layer());
        assert_eq!(
            t.network().layers[2].activation,
            Activation::Tanh,
            "a new layer takes the global activation"
        );
        t.set_activation_everywhere(Activation::Sigmoid);
        assert!(t.config().activations.is_empty());
        assert!(t.network().layers[..3]
            .iter()
            .all(|l| l.activation == Activation::Sigmoid));
        assert!(t.train_epoch());
    }

    #[test]
    fn features_change_keeps_matching_columns() {
        let mut t = run("dataset=circle&hidden=3&features=x,y&seed=4", 3);
        let before = t.network().layers[0].weights.value.clone();
        t.set("features", "y,x2,x").expect("valid");
        let after = &t.network().layers[0].weights.value;
        assert_eq!(after.column(0), before.column(1));
        assert_eq!(after.column(2), before.column(0));
        assert!(t.train_epoch());
    }

    /// One epoch the way `train_epoch_without_history` runs it, but always layer by layer.
    fn layered_epoch(t: &mut Trainer) -> Option<(usize, Quantity)> {
        t.take_snapshot();
        nnlab_kernels::shuffle(&mut t.order, &mut t.shuffle_rng);
        let failure = t.layered_epoch();
        t.epoch += 1;
        failure
    }

    /// Every weight's and bias's bits, layer by layer (with `gradients`, those of their
    /// gradients of the last batch).
    fn parameter_bits(t: &Trainer, gradients: bool) -> Vec<u32> {
        t.network()
            .layers
            .iter()
            .flat_map(|l| {
                let (w, b) = if gradients {
                    (&l.weights.grad, &l.biases.grad)
                } else {
                    (&l.weights.value, &l.biases.value)
                };
                w.iter().chain(b.iter())
            })
            .map(|v| v.to_bits())
            .collect()
    }

    #[test]
    fn the_fused_sgd_epoch_equals_the_layered_one_bit_for_bit() {
        for query in [
            "dataset=circle&hidden=4,2&activation=tanh&lr=0.03&batch=10",
            "dataset=xor&hidden=3&activation=sigmoid&lr=0.3&batch=1",
            "dataset=spiral&hidden=8,8,8&activation=relu&init=he&lr=0.01&batch=7&features=x,y,x2,y2,xy",
            "dataset=gaussian&hidden=6&activation=tanh&batch=32&points=203&loss=hinge",
            "dataset=blobs3&hidden=5,4&activation=tanh&batch=16",
            "dataset=bumps&hidden=6&activation=relu&batch=5",
            "dataset=circle&hidden=&batch=10",
            // One tile per batch at every width (4, 8, 12, 16 points) and every rule.
            "dataset=xor&hidden=8,8,8,8,8,8&activation=tanh&lr=0.03&batch=10",
            "dataset=circle&hidden=3,2&activation=linear&batch=12&points=211",
            "dataset=gaussian&hidden=5&activation=sigmoid&batch=4&points=90&loss=ce",
            "dataset=spiral&hidden=32,7&activation=relu&init=he&lr=0.01&batch=13&features=x,y,sinx,siny",
            "dataset=blobs3&hidden=2&activation=tanh&batch=3&loss=mse",
        ] {
            let query = format!("{query}&optimizer=sgd&reg=none&seed=3");
            let mut fused = run(&query, 0);
            let mut layered = fused.clone();
            for epoch in 0..15 {
                assert!(fused.fused_epoch_applies(), "{query}: the fused epoch runs this config");
                assert!(fused.train_epoch_without_history(), "{query}");
                assert_eq!(layered_epoch(&mut layered), None, "{query}");
                assert_eq!(
                    parameter_bits(&fused, false),
                    parameter_bits(&layered, false),
                    "{query}, epoch {epoch}"
                );
                assert_eq!(
                    parameter_bits(&fused, true),
                    parameter_bits(&layered, true),
                    "{query}, epoch {epoch}"
                );
            }
            assert_eq!(fused.network().step, layered.network().step, "{query}: steps counted");
        }
        // What the fused epoch leaves to the layered one.
        for query in [
            "hidden=4&activation=softplus&optimizer=sgd",
            "hidden=4&activation=maxout&optimizer=sgd",
            "hidden=4&optimizer=adam",
            "hidden=4&optimizer=sgd&reg=l2&reg-rate=0.001",
            "hidden=4&optimizer=sgd&clip=1",
        ] {
            let mut t = run(query, 0);
            assert!(!t.fused_epoch_applies(), "{query}");
            assert!(t.train_epoch(), "{query}");
        }
    }

    #[test]
    fn divergence_stops_with_finite_weights_and_recovers() {
        let mut t = run(
            "dataset=plane&hidden=8,8&activation=relu&optimizer=sgd&lr=10&init=he&seed=1",
            50,
        );
        let Health::Diverged { layer, .. } = t.health() else {
            panic!("lr 10 should diverge, health {:?}", t.health());
        };
        assert!(layer < t.network().layers.len());
        assert!(
            t.network().first_non_finite_layer().is_none(),
            "weights rolled back to finite ones"
        );
        assert!(!t.train_epoch(), "a diverged run does not train");
        t.set("lr", "0.001").expect("valid");
        assert!(t.train_epoch(), "a lower learning rate goes on");
        t.reset();
        assert_eq!(t.health(), Health::Ok);
    }

    #[test]
    fn clipping_keeps_a_huge_learning_rate_finite() {
        // Each step moves the parameters by at most lr · clip = 10, so nothing can overflow.
        let query = "dataset=circle&hidden=8,8,8,8,8,8&activation=sigmoid&init=zeros&lr=10&clip=1&seed=1";
        let t = run(query, 200);
        assert_eq!(t.health(), Health::Ok, "{query}");
        assert_eq!(t.config().clip, 1.0);
        assert!(t.network().first_non_finite_layer().is_none());
        // The run that diverges without clipping (see above) stays finite with it.
        let t = run(
            "dataset=plane&hidden=8,8&activation=relu&optimizer=sgd&lr=10&init=he&seed=1&clip=1",
            50,
        );
        assert_eq!(t.health(), Health::Ok);
    }

    #[test]
    fn history_stays_bounded() {
        let mut history = LossHistory::default();
        for epoch in 0..100_000u64 {
            if history.wants(epoch) {
                history.record(HistoryPoint {
                    epoch,
                    train: 1.0,
                    test: 1.0,
                    val: None,
                });
            }
        }
        assert!(history.points().len() <= HISTORY_CAPACITY);
        assert!(history.points().len() > HISTORY_CAPACITY / 2);
        assert_eq!(history.points()[0].epoch, 0);
    }

    #[test]
    fn multi_class_and_regression_train() {
        let mut t = run(
            "dataset=blobs3&hidden=4&activation=tanh&optimizer=adam&lr=0.02&seed=1",
            100,
        );
        assert!(test_accuracy(&mut t) > 0.9, "{}", test_accuracy(&mut t));
        let mut r = run("dataset=plane&hidden=&optimizer=adam&lr=0.02&seed=1", 200);
        let (_, test) = r.evaluate();
        assert!(test.rmse.unwrap_or(1.0) < 0.1, "{test:?}");
        assert_eq!(r.config().dataset, Dataset::Plane);
    }

    #[test]
    fn points_can_be_added_and_removed() {
        let mut t = run("dataset=xor&seed=1", 0);
        let n = t.data().train.len();
        assert!(t.add_point(
            Sample {
                x: 1.0,
                y: 1.0,
                label: 1.0
            },
            Split::Train
        ));
        assert_eq!(t.data().train.len(), n + 1);
        assert_eq!(t.train_set().0.ncols(), n + 1);
        assert_eq!(t.remove_point_near(1.0, 1.0, 0.01).map(|s| s.label), Some(1.0));
        assert!(t.data().custom);
    }

    #[test]
    fn a_links_points_reproduce_the_data_on_top_of_the_seed_or_in_full() {
        use crate::core::share::{decode_points, encode_points};
        let query = "dataset=circle&seed=3&val-ratio=10";
        let mut t = run(query, 0);
        assert_eq!(t.shared_points(), None, "the seed's own data needs no points");
        let dot = |x, y, label| Sample { x, y, label };
        t.add_point(dot(1.25, -2.5, 1.0), Split::Train);
        t.add_point(dot(-0.5, 0.75, 0.0), Split::Test);
        t.add_point(dot(3.0, 3.0, 1.0), Split::Val);
        let shared = t.shared_points().expect("points added");
        assert!(!shared.replace && shared.points.len() == 3);
        let restore = |shared: &SharedPoints| {
            let mut fresh = run(query, 0);
            let (back, refused) = decode_points(&encode_points(shared)).expect("decodes");
            assert!(refused.is_empty());
            fresh.restore_points(back).expect("same problem");
            fresh
        };
        assert_eq!(restore(&shared).data(), t.data());
        // A generated point removed: the link carries every point.
        let first = t.data().train[0];
        t.remove_point_near(first.x, first.y, 1e-6).expect("there");
        let all = t.shared_points().expect("custom");
        assert!(all.replace);
        let back = restore(&all);
        let grid = |d: &Data| {
            let q = |v: &Vec<Sample>| {
                v.iter()
                    .map(|s| {
                        (
                            crate::core::share::quantise(s.x),
                            crate::core::share::quantise(s.y),
                            s.label,
                        )
                    })
                    .collect::<Vec<_>>()
            };
            (q(&d.train), q(&d.val), q(&d.test))
        };
        assert_eq!(grid(back.data()), grid(t.data()));
        // Points on top of another kind of data set are refused.
        let mut regression = run("dataset=plane&seed=3", 0);
        assert_eq!(regression.restore_points(shared), Err(PointsProblem::OtherProblem));
    }

    #[test]
    fn val_ratio_zero_is_the_data_of_old_and_validation_is_disjoint() {
        let base = "dataset=spiral&points=300&noise=20&train-ratio=60&seed=7";
        let plain = run(base, 0);
        let zero = run(&format!("{base}&val-ratio=0"), 0);
        assert_eq!(plain.data(), zero.data());
        assert!(plain.data().val.is_empty() && !plain.has_validation());
        // Bit for bit the points the split alone gives (the code before the key existed).
        let config = plain.config();
        let mut rng = SeededRng::seed_from_u64(stream_seed(config.seed, DATA_STREAM));
        let samples = config.dataset.generate(config.points, config.noise, &mut rng);
        let (train, test) = dataset::split(samples, config.train_ratio, &mut rng);
        assert_eq!((&plain.data().train, &plain.data().test), (&train, &test));
        assert!(!config.to_query().contains("val-ratio"), "omitted at 0");

        let mut held = run(&format!("{base}&val-ratio=20"), 0);
        let data = held.data();
        // 60 of 300: 36 from training, 24 from test, so 144 / 60 / 96 keep the 60:40 ratio.
        assert_eq!((data.train.len(), data.val.len(), data.test.len()), (144, 60, 96));
        let bits = |s: &Sample| (s.x.to_bits(), s.y.to_bits(), s.label.to_bits());
        let mut seen: Vec<_> = data.train.iter().chain(&data.val).chain(&data.test).map(bits).collect();
        seen.sort_unstable();
        let mut every: Vec<_> = train.iter().chain(&test).map(bits).collect();
        every.sort_unstable();
        assert_eq!(seen, every, "every point in exactly one split");
        assert!(held.has_validation() && held.val_set().1.len() == 60);
        // The validation split is evaluated like the others, cached with them, and its loss
        // is in the history and its CSV.
        held.train_epochs(5);
        let val = held.validation().expect("validation metrics");
        assert_eq!(val.count, 60);
        assert!(val.loss.is_finite() && val.accuracy.is_some());
        let acc = evaluate_split(
            held.network(),
            held.config().loss,
            held.val_set().0,
            held.val_set().1,
            &mut Pass::default(),
        );
        assert_eq!(acc.finish(held.problem()), val);
        assert_eq!(held.watched_loss(), (val.loss, Watched::Validation));
        let last = *held.history().points().last().expect("history");
        assert_eq!((last.epoch, last.val), (5, Some(val.loss)));
        let csv = held.history().to_csv();
        assert!(csv.starts_with("epoch,train_loss,test_loss,val_loss\n0,"), "{csv}");
        assert!(csv.ends_with(&format!(",{}\n", val.loss)), "{csv}");
        let mut plain = plain;
        plain.train_epochs(2);
        assert!(plain.validation().is_none());
        assert_eq!(plain.watched_loss(), (plain.evaluate().1.loss, Watched::Test));
        assert!(plain.history().points().iter().all(|p| p.val.is_none()));
        assert!(plain.history().to_csv().starts_with("epoch,train_loss,test_loss\n"));
        // Changing val-ratio is a data change: the points are drawn again from the seed.
        let changes = held.set("val-ratio", "0").expect("val-ratio");
        assert!(changes.data_regenerated);
        assert_eq!(held.data(), plain.data());
    }

    #[test]
    fn validation_points_can_be_added_imported_and_removed() {
        let mut t = run("dataset=xor&seed=1&val-ratio=10", 0);
        let n = t.data().val.len();
        let point = Sample {
            x: 5.9,
            y: 5.9,
            label: 1.0,
        };
        assert!(t.add_point(point, Split::Val));
        assert_eq!(t.data().val.len(), n + 1);
        assert_eq!(t.val_set().0.ncols(), n + 1);
        assert_eq!(t.remove_point_near(5.9, 5.9, 0.01), Some(point));
        assert_eq!(t.data().val.len(), n);
        let csv = crate::core::data_csv::parse_csv("x,y,label,split\n0,0,0,train\n1,1,1,val\n2,2,0,test\n", None)
            .expect("csv");
        t.import_points(csv);
        let d = t.data();
        assert_eq!((d.train.len(), d.val.len(), d.test.len()), (1, 1, 1));
        assert_eq!(d.val[0].x, 1.0);
    }

    #[test]
    fn loading_a_model_restarts_the_curves_from_its_loss() {
        let trained = run("dataset=xor&hidden=4&seed=1", 100);
        let mut fresh = run("dataset=xor&hidden=4&seed=1", 0);
        fresh.load_model(trained.model()).expect("same problem");
        let first = fresh.history().points()[0];
        assert_eq!(fresh.history().points().len(), 1);
        let mut trained = trained;
        assert_eq!((first.epoch, first.train), (0, trained.evaluate().0.loss));
        assert!(fresh.load_model(run("dataset=plane&seed=1", 0).model()).is_err());
    }
}
