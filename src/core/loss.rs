//! Output heads and loss functions. The network's last layer produces raw scores s; the
//! head turns them into a prediction (sigmoid, softmax or identity) and each loss returns
//! its value together with dL/ds, the gradient that starts backpropagation. Folding the
//! head into the loss keeps cross-entropy numerically stable (it never takes log of 0).

use super::activation::{sigmoid, softplus};
use super::choice::{Choice, ChoiceInfo};
use super::math;
use super::{Float, Problem};

/// Huber's δ: quadratic inside |r| ≤ δ, linear outside (as torch's HuberLoss).
pub const HUBER_DELTA: Float = 1.0;
/// Focal loss's focusing exponent γ.
pub const FOCAL_GAMMA: Float = 2.0;
/// Most classes a multi-class problem may have (a stack buffer holds one sample's softmax).
pub const MAX_CLASSES: usize = 16;

/// The quantity training minimises, averaged over the samples of a batch or split.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Loss {
    /// Mean squared error (ŷ − y)²; on classes ŷ is the predicted probability.
    Mse,
    /// Mean absolute error |ŷ − y|.
    Mae,
    /// Huber (δ = 1): ½r² for |r| ≤ δ, δ(|r| − ½δ) beyond, with r = ŷ − y.
    Huber,
    /// Binary cross-entropy −[y log p + (1 − y) log(1 − p)], from the logit.
    Bce,
    /// Softmax cross-entropy −log softmax(s)_y.
    Ce,
    /// Hinge max(0, 1 − t·s) with t = ±1; for several classes Σ_{j≠y} max(0, 1 + s_j − s_y).
    Hinge,
    /// Focal −(1 − p_t)^γ log p_t with γ = 2: down-weights points already classified well.
    Focal,
}

crate::choice_serde!(Loss);

impl Choice for Loss {
    const ALL: &'static [Self] = &[
        Loss::Mse,
        Loss::Mae,
        Loss::Huber,
        Loss::Bce,
        Loss::Ce,
        Loss::Hinge,
        Loss::Focal,
    ];
    const KEY: &'static str = "loss";

    fn info(self) -> ChoiceInfo {
        // Each card says what the loss compares: ŷ is σ(s) for two classes, softmax(s) against
        // the one-hot target for several, s itself for regression.
        let (name, en, zh, (tex, mathml, formula)) = match self {
            Loss::Mse => (
                "mse",
                "Mean squared error",
                "均方误差（MSE）",
                crate::tex!(
                    r"\begin{gathered}
                    L = \sum_j (\hat{y}_j - y_j)^2 \\
                    \hat{y} = \begin{cases}
                        \sigma(s) & y \in \{0, 1\} \\
                        \operatorname{softmax}(s) & y \in \{0, 1\}^K \\
                        s & y \in \mathbb{R}
                    \end{cases}
                    \end{gathered}"
                ),
            ),
            Loss::Mae => (
                "mae",
                "Mean absolute error",
                "平均绝对误差（MAE）",
                crate::tex!(
                    r"\begin{gathered}
                    L = \sum_j \lvert \hat{y}_j - y_j \rvert \\
                    \hat{y} = \begin{cases}
                        \sigma(s) & y \in \{0, 1\} \\
                        \operatorname{softmax}(s) & y \in \{0, 1\}^K \\
                        s & y \in \mathbb{R}
                    \end{cases}
                    \end{gathered}"
                ),
            ),
            Loss::Huber => (
                "huber",
                "Huber (δ = 1)",
                "Huber 损失（δ = 1）",
                crate::tex!(
                    r"\begin{gathered}
                    L = \sum_j h(\hat{y}_j - y_j) \\
                    h(r) = \begin{cases}
                        \frac{1}{2} r^2 & \lvert r \rvert \le \delta \\
                        \delta(\lvert r \rvert - \frac{1}{2} \delta) & \lvert r \rvert > \delta
                    \end{cases} \\
                    \hat{y} = \begin{cases}
                        \sigma(s) & y \in \{0, 1\} \\
                        \operatorname{softmax}(s) & y \in \{0, 1\}^K \\
                        s & y \in \mathbb{R}
                    \end{cases}
                    \end{gathered}"
                ),
            ),
            Loss::Bce => (
                "bce",
                "Binary cross-entropy",
                "二元交叉熵",
                crate::tex!(
                    r"\begin{gathered}
                    L = -[y \ln(p) + (1 - y) \ln(1 - p)] \\
                    p = \sigma(s) = \frac{1}{1 + e^{-s}}
                    \end{gathered}"
                ),
            ),
            Loss::Ce => (
                "ce",
                "Softmax cross-entropy",
                "Softmax 交叉熵",
                crate::tex!(
                    r"\begin{gathered}
                    L = -\ln(p_y) \\
                    p = \begin{cases}
                        \operatorname{softmax}(s) & y \in \{0, \dots, K - 1\} \\
                        (1 - \sigma(s), \sigma(s)) & y \in \{0, 1\}
                    \end{cases} \\
                    \operatorname{softmax}(s)_j = \frac{e^{s_j}}{\sum_k e^{s_k}}
                    \end{gathered}"
                ),
            ),
            Loss::Hinge => (
                "hinge",
                "Hinge",
                "合页损失（Hinge）",
                crate::tex!(
                    r"\begin{gathered}
                    L = \begin{cases}
                        \max(0, 1 - t s) & y \in \{0, 1\} \\
                        \sum_{j \ne y} \max(0, 1 + s_j - s_y) & y \in \{0, \dots, K - 1\}
                    \end{cases} \\
                    t = 2y - 1
                    \end{gathered}"
                ),
            ),
            Loss::Focal => (
                "focal",
                "Focal (γ = 2)",
                "Focal 损失（γ = 2）",
                crate::tex!(
                    r"\begin{gathered}
                    L = -(1 - p_t)^\gamma \ln(p_t) \\
                    p_t = \begin{cases}
                        \sigma(t s) & y \in \{0, 1\} \\
                        \operatorname{softmax}(s)_y & y \in \{0, \dots, K - 1\}
                    \end{cases} \\
                    t = 2y - 1
                    \end{gathered}"
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

impl Loss {
    /// Whether the loss is defined for this kind of problem.
    pub fn supports(self, problem: Problem) -> bool {
        match problem {
            Problem::Binary => true,
            Problem::MultiClass(_) => self != Loss::Bce,
            Problem::Regression => matches!(self, Loss::Mse | Loss::Mae | Loss::Huber),
        }
    }

    /// The loss L of each point and dL/ds as NumPy statements, for the exported script
    /// ([`crate::core::export_python`]): from the scores s, the head's prediction P and the
    /// target Y (one column, or one-hot rows), with its `log_sum_exp` and `head_backward`.
    pub fn numpy(self, problem: Problem) -> &'static str {
        match self.for_problem(problem) {
            Loss::Mse => "R = P - Y\n    L = (R ** 2).sum(axis=1)\n    G = head_backward(2 * R, P)",
            Loss::Mae => "R = P - Y\n    L = np.abs(R).sum(axis=1)\n    G = head_backward(np.sign(R), P)",
            Loss::Huber => {
                "R = P - Y\n    L = np.where(np.abs(R) <= 1, R ** 2 / 2, np.abs(R) - 0.5).sum(axis=1)\n    \
                 G = head_backward(np.clip(R, -1, 1), P)"
            }
            Loss::Bce | Loss::Ce => "L = log_sum_exp(s) - (Y * s).sum(axis=1)\n    G = P - Y",
            Loss::Hinge if problem == Problem::Binary => {
                "t = 2 * Y - 1\n    L = np.maximum(0, 1 - t * s).sum(axis=1)\n    G = -t * (t * s < 1)"
            }
            Loss::Hinge => {
                "M = np.maximum(0, 1 + s - (Y * s).sum(axis=1, keepdims=True)) * (1 - Y)\n    \
                 L = M.sum(axis=1)\n    G = (M > 0) - Y * (M > 0).sum(axis=1, keepdims=True)"
            }
            Loss::Focal => {
                "log_q = (Y * s).sum(axis=1) - log_sum_exp(s)\n    q = np.exp(log_q)\n    \
                 L = -(1 - q) ** 2 * log_q\n    G = (2 * (1 - q) * q * log_q - (1 - q) ** 2)[:, None] * (Y - P)"
            }
        }
    }

    /// The loss a course would pick for the problem: BCE, softmax CE or MSE.
    pub fn default_for(problem: Problem) -> Loss {
        match problem {
            Problem::Binary => Loss::Bce,
            Problem::MultiClass(_) => Loss::Ce,
            Problem::Regression => Loss::Mse,
        }
    }

    /// The loss of one sample from its output scores `s` (one per output neuron), and
    /// dL/ds written into `grad` (same length). `label` is the class index or the target.
    /// An unsupported pairing (checked by the config) is computed as the problem's default.
    #[inline(always)]
    pub fn sample(self, problem: Problem, s: &[Float], label: Float, grad: &mut [Float]) -> Float {
        self.per_sample::<true>(problem, s, label, grad)
    }

    /// dL/ds of one sample like [`Loss::sample`], without computing the loss's value (what
    /// training needs: the value's logarithms would cost as much as the whole gradient).
    #[inline(always)]
    pub fn gradient(self, problem: Problem, s: &[Float], label: Float, grad: &mut [Float]) {
        self.per_sample::<false>(problem, s, label, grad);
    }

    /// dL/ds of every point of a two-class head at once: `scores` and `grad` are one value per
    /// point and `labels` one per real point (the rest of the row is a batch's padding, there
    /// so the row is whole SIMD registers; its values in `grad` are σ(s) and mean nothing).
    /// The probabilities p = σ(s) of the whole row are computed together (vectorised, to f32
    /// precision), then each labelled point's rule below.
    pub fn binary_gradients(self, scores: &[Float], labels: &[Float], grad: &mut [Float]) {
        let loss = self.for_problem(Problem::Binary);
        nnlab_kernels::logistic_slice(scores, grad);
        for ((g, &s), &y) in grad.iter_mut().zip(scores).zip(labels) {
            let p = *g;
            binary::<false>(loss, s, p, y, g);
        }
    }

    /// Whether dL/ds of this loss is σ(s) − y for the problem: binary cross-entropy, and
    /// softmax cross-entropy over two classes (see [`binary`]). The fused SGD epoch then
    /// computes it in its own kernel ([`nnlab_kernels::mlp::Head::ProbabilityMinusLabel`],
    /// the same operations as [`Loss::binary_gradients`]).
    pub fn gradient_is_probability_minus_label(self, problem: Problem) -> bool {
        problem == Problem::Binary && matches!(self.for_problem(problem), Loss::Bce | Loss::Ce)
    }

    /// This loss, or the problem's default where the pairing is not supported.
    fn for_problem(self, problem: Problem) -> Loss {
        if self.supports(problem) {
            self
        } else {
            Loss::default_for(problem)
        }
    }

    /// The loss (when `VALUE`; else 0, and the value is never computed) and dL/ds of one sample.
    #[inline(always)]
    fn per_sample<const VALUE: bool>(self, problem: Problem, s: &[Float], label: Float, grad: &mut [Float]) -> Float {
        let loss = self.for_problem(problem);
        match problem {
            Problem::Binary => binary::<VALUE>(loss, s[0], sigmoid(s[0]), label, &mut grad[0]),
            Problem::Regression => regression::<VALUE>(loss, s[0], label, &mut grad[0]),
            Problem::MultiClass(k) => multi_class::<VALUE>(loss, &s[..k], class_index(label, k), &mut grad[..k]),
        }
    }
}

/// `value()` when the caller wants the loss's value, else 0 without evaluating it.
#[inline(always)]
fn value<const VALUE: bool>(value: impl FnOnce() -> Float) -> Float {
    if VALUE {
        value()
    } else {
        0.0
    }
}

/// Class index of a label, clamped into range so a bad label can never index out of bounds.
pub fn class_index(label: Float, classes: usize) -> usize {
    if label.is_finite() && label > 0.0 {
        (label.round() as usize).min(classes.saturating_sub(1))
    } else {
        0
    }
}

/// dL/dr of Huber's loss: r clipped to [−δ, δ].
fn huber(r: Float) -> (Float, Float) {
    if r.abs() <= HUBER_DELTA {
        (0.5 * r * r, r)
    } else {
        (HUBER_DELTA * (r.abs() - 0.5 * HUBER_DELTA), HUBER_DELTA * r.signum())
    }
}

/// sign(r) with sign(0) = 0, the subgradient of |r| we use.
fn sign(r: Float) -> Float {
    if r > 0.0 {
        1.0
    } else if r < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// One output score s, p = σ(s) (computed by the caller), label y ∈ {0, 1}, t = 2y − 1.
/// Writes dL/ds into `grad`; returns the loss when `VALUE`.
#[inline(always)]
fn binary<const VALUE: bool>(loss: Loss, s: Float, p: Float, y: Float, grad: &mut Float) -> Float {
    let dp_ds = p * (1.0 - p);
    let t = 2.0 * y - 1.0;
    let r = p - y;
    match loss {
        Loss::Mse => {
            *grad = 2.0 * r * dp_ds;
            value::<VALUE>(|| r * r)
        }
        Loss::Mae => {
            *grad = sign(r) * dp_ds;
            value::<VALUE>(|| r.abs())
        }
        Loss::Huber => {
            let (loss_value, d) = huber(r);
            *grad = d * dp_ds;
            loss_value
        }
        // Softmax over the two scores (0, s) is exactly σ(s), so CE equals BCE here.
        Loss::Bce | Loss::Ce => {
            *grad = p - y;
            value::<VALUE>(|| softplus(s) - y * s)
        }
        Loss::Hinge => {
            let margin = t * s;
            *grad = if margin < 1.0 { -t } else { 0.0 };
            (1.0 - margin).max(0.0)
        }
        Loss::Focal => {
            // q = p_t = σ(t·s), log q = −softplus(−t·s), dq/ds = t·q(1 − q).
            let q = sigmoid(t * s);
            let log_q = -softplus(-t * s);
            let weight = math::powf(1.0 - q, FOCAL_GAMMA);
            *grad = t * weight * (FOCAL_GAMMA * q * log_q - (1.0 - q));
            -weight * log_q
        }
    }
}

/// One linear output ŷ = s and a real target y.
#[inline(always)]
fn regression<const VALUE: bool>(loss: Loss, s: Float, y: Float, grad: &mut Float) -> Float {
    let r = s - y;
    match loss {
        Loss::Mae => {
            *grad = sign(r);
            value::<VALUE>(|| r.abs())
        }
        Loss::Huber => {
            let (loss_value, d) = huber(r);
            *grad = d;
            loss_value
        }
        _ => {
            *grad = 2.0 * r;
            value::<VALUE>(|| r * r)
        }
    }
}

/// Writes softmax(s) into `p` (stably, by subtracting the max) and returns log Σ e^s.
pub fn softmax(s: &[Float], p: &mut [Float]) -> Float {
    let max = s.iter().copied().fold(Float::NEG_INFINITY, Float::max);
    let mut sum = 0.0;
    for (pk, &sk) in p.iter_mut().zip(s) {
        *pk = math::exp(sk - max);
        sum += *pk;
    }
    for pk in p.iter_mut() {
        *pk /= sum;
    }
    max + math::ln(sum)
}

/// K scores, p = softmax(s), true class y. (The value costs nothing extra here: the
/// softmax's log Σ e^s is needed for the gradient of every loss but hinge.)
#[inline(always)]
fn multi_class<const VALUE: bool>(loss: Loss, s: &[Float], y: usize, grad: &mut [Float]) -> Float {
    let k = s.len().min(MAX_CLASSES);
    let mut p = [0.0; MAX_CLASSES];
    let log_sum = softmax(&s[..k], &mut p[..k]);
    let log_p_y = s[y] - log_sum;
    match loss {
        Loss::Ce | Loss::Bce => {
            for j in 0..k {
                grad[j] = p[j] - if j == y { 1.0 } else { 0.0 };
            }
            -log_p_y
        }
        Loss::Mse | Loss::Mae | Loss::Huber => {
            // Loss on the probability vector against the one-hot target, summed over classes;
            // dL/ds_j = p_j (g_j − Σ_k g_k p_k) through the softmax Jacobian, g = dL/dp.
            let mut dl_dp = [0.0; MAX_CLASSES];
            let mut value = 0.0;
            for j in 0..k {
                let r = p[j] - if j == y { 1.0 } else { 0.0 };
                let (l, d) = match loss {
                    Loss::Mse => (r * r, 2.0 * r),
                    Loss::Mae => (r.abs(), sign(r)),
                    _ => huber(r),
                };
                value += l;
                dl_dp[j] = d;
            }
            let weighted: Float = (0..k).map(|j| dl_dp[j] * p[j]).sum();
            for j in 0..k {
                grad[j] = p[j] * (dl_dp[j] - weighted);
            }
            value
        }
        Loss::Hinge => {
            let mut value = 0.0;
            grad[..k].fill(0.0);
            for j in 0..k {
                if j == y {
                    continue;
                }
                let margin = 1.0 + s[j] - s[y];
                if margin > 0.0 {
                    value += margin;
                    grad[j] += 1.0;
                    grad[y] -= 1.0;
                }
            }
            value
        }
        Loss::Focal => {
            // q = p_y; dL/ds_j = [γ(1 − q)^(γ−1) q log q − (1 − q)^γ](δ_jy − p_j).
            let q = p[y];
            let factor =
                FOCAL_GAMMA * math::powf(1.0 - q, FOCAL_GAMMA - 1.0) * q * log_p_y - math::powf(1.0 - q, FOCAL_GAMMA);
            for j in 0..k {
                grad[j] = factor * (if j == y { 1.0 } else { 0.0 } - p[j]);
            }
            -math::powf(1.0 - q, FOCAL_GAMMA) * log_p_y
        }
    }
}

/// The head's prediction for one sample: P(class 1) for binary, the target for regression,
/// and for several classes the probabilities written into `probabilities`.
pub fn predict(problem: Problem, s: &[Float], probabilities: &mut [Float]) -> Float {
    match problem {
        Problem::Binary => {
            let p = sigmoid(s[0]);
            if let Some(slot) = probabilities.first_mut() {
                *slot = p;
            }
            p
        }
        Problem::Regression => s[0],
        Problem::MultiClass(k) => {
            softmax(&s[..k], &mut probabilities[..k]);
            predicted_class(s) as Float
        }
    }
}

/// The class with the highest score (for binary: 1 when s > 0, i.e. p > ½).
pub fn predicted_class(s: &[Float]) -> usize {
    if s.len() == 1 {
        return usize::from(s[0] > 0.0);
    }
    let mut best = 0;
    for (j, &v) in s.iter().enumerate() {
        if v > s[best] {
            best = j;
        }
    }
    best
}

/// Metrics of one split, computed from its output scores.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Metrics {
    /// Mean data loss (no penalty term).
    pub loss: Float,
    /// Share of correctly classified samples, 0–1 (classification only).
    pub accuracy: Option<Float>,
    /// Regression: mean absolute error.
    pub mae: Option<Float>,
    /// Regression: mean squared error.
    pub mse: Option<Float>,
    /// Regression: root mean squared error.
    pub rmse: Option<Float>,
    /// Regression: mean absolute percentage error in percent, over targets with |y| > 1e-3.
    pub mape: Option<Float>,
    /// Regression: coefficient of determination R² = 1 − SS_res / SS_tot.
    pub r2: Option<Float>,
    /// Number of samples the metrics cover.
    pub count: usize,
}

impl Metrics {
    /// The 0-1 loss, 1 − accuracy.
    pub fn zero_one_loss(&self) -> Option<Float> {
        self.accuracy.map(|a| 1.0 - a)
    }
}

/// Accumulates the metrics of a split one sample at a time, in f64 so long sums stay exact.
#[derive(Clone, Debug, Default)]
pub struct MetricsAccumulator {
    loss: f64,
    correct: usize,
    abs_err: f64,
    sq_err: f64,
    pct_err: f64,
    pct_count: usize,
    targets: Vec<f64>,
    count: usize,
    /// Classification: counts of (true class, predicted class), row-major K × K.
    confusion: Vec<u32>,
}

impl MetricsAccumulator {
    /// Adds one sample with its scores `s`, its label, and the loss already computed for it.
    pub fn add(&mut self, problem: Problem, s: &[Float], label: Float, loss: Float) {
        self.count += 1;
        self.loss += f64::from(loss);
        match problem {
            Problem::Regression => {
                let err = f64::from(s[0] - label);
                self.abs_err += err.abs();
                self.sq_err += err * err;
                if label.abs() > 1e-3 {
                    self.pct_err += (err / f64::from(label)).abs();
                    self.pct_count += 1;
                }
                self.targets.push(f64::from(label));
            }
            _ => {
                let classes = problem.classes();
                let truth = class_index(label, classes);
                let predicted = predicted_class(s).min(classes.saturating_sub(1));
                if predicted == truth {
                    self.correct += 1;
                }
                self.confusion.resize(classes * classes, 0);
                self.confusion[truth * classes + predicted] += 1;
            }
        }
    }

    /// Counts of (true class, predicted class), `matrix[true][predicted]`; empty for
    /// regression.
    pub fn confusion(&self, problem: Problem) -> Vec<Vec<u32>> {
        let classes = problem.classes();
        let mut matrix = vec![vec![0u32; classes]; classes];
        for (i, &count) in self.confusion.iter().enumerate().take(classes * classes) {
            matrix[i / classes][i % classes] = count;
        }
        matrix
    }

    /// The metrics of everything added; an empty split has all zeros.
    pub fn finish(&self, problem: Problem) -> Metrics {
        if self.count == 0 {
            return Metrics::default();
        }
        let n = self.count as f64;
        let mut m = Metrics {
            loss: (self.loss / n) as Float,
            count: self.count,
            ..Metrics::default()
        };
        if problem.is_classification() {
            m.accuracy = Some((self.correct as f64 / n) as Float);
        } else {
            let mse = self.sq_err / n;
            m.mae = Some((self.abs_err / n) as Float);
            m.mse = Some(mse as Float);
            m.rmse = Some(mse.sqrt() as Float);
            m.mape = (self.pct_count > 0).then(|| (100.0 * self.pct_err / self.pct_count as f64) as Float);
            let mean = self.targets.iter().sum::<f64>() / n;
            let ss_tot: f64 = self.targets.iter().map(|t| (t - mean) * (t - mean)).sum();
            m.r2 = (ss_tot > 0.0).then(|| (1.0 - self.sq_err / ss_tot) as Float);
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems() -> [Problem; 3] {
        [Problem::Binary, Problem::MultiClass(3), Problem::Regression]
    }

    /// dL/ds against central differences computed in f64 from f32 losses at a wide step.
    #[test]
    fn gradients_match_finite_differences() {
        let scores: [[Float; 3]; 4] = [[0.3, -1.1, 0.7], [2.5, 0.4, -0.9], [-1.7, 1.2, 0.1], [0.05, -0.3, 1.9]];
        for problem in problems() {
            for &loss in Loss::ALL.iter().filter(|l| l.supports(problem)) {
                for (i, s_row) in scores.iter().enumerate() {
                    let k = problem.outputs();
                    let label = match problem {
                        Problem::Regression => [0.4, -0.8, 1.5, -2.2][i],
                        _ => (i % problem.classes()) as Float,
                    };
                    let s = &s_row[..k];
                    let mut grad = [0.0; 3];
                    loss.sample(problem, s, label, &mut grad[..k]);
                    for j in 0..k {
                        let h = 1e-2;
                        let mut plus = s.to_vec();
                        plus[j] += h;
                        let mut minus = s.to_vec();
                        minus[j] -= h;
                        let mut scratch = [0.0; 3];
                        let lp = loss.sample(problem, &plus, label, &mut scratch[..k]);
                        let lm = loss.sample(problem, &minus, label, &mut scratch[..k]);
                        let numeric = (lp - lm) / (2.0 * h);
                        assert!(
                            (numeric - grad[j]).abs() < 2e-3 * (1.0 + numeric.abs()),
                            "{} {:?} s={s:?} y={label}: dL/ds{j} analytic {} numeric {numeric}",
                            loss.name(),
                            problem,
                            grad[j]
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn known_values() {
        let mut g = [0.0];
        // BCE at s = 0 is ln 2 for either label; its gradient is p − y = ±½.
        let l = Loss::Bce.sample(Problem::Binary, &[0.0], 1.0, &mut g);
        assert!((l - std::f32::consts::LN_2).abs() < 1e-6);
        assert_eq!(g[0], -0.5);
        // Hinge: label 1 (t = +1) at s = 0.25 gives 1 − 0.25 = 0.75, gradient −1.
        assert_eq!(Loss::Hinge.sample(Problem::Binary, &[0.25], 1.0, &mut g), 0.75);
        assert_eq!(g[0], -1.0);
        // Regression MSE: (3 − 1)² = 4, gradient 2·2 = 4; Huber beyond δ: 1·(2 − ½) = 1.5.
        assert_eq!(Loss::Mse.sample(Problem::Regression, &[3.0], 1.0, &mut g), 4.0);
        assert_eq!(g[0], 4.0);
        assert_eq!(Loss::Huber.sample(Problem::Regression, &[3.0], 1.0, &mut g), 1.5);
        // Softmax CE with equal scores over 3 classes is ln 3.
        let mut g3 = [0.0; 3];
        let l = Loss::Ce.sample(Problem::MultiClass(3), &[1.0, 1.0, 1.0], 2.0, &mut g3);
        assert!((l - 3.0f32.ln()).abs() < 1e-6);
        // Focal with γ = 2 at p_t = ½: −¼·ln ½.
        let l = Loss::Focal.sample(Problem::Binary, &[0.0], 0.0, &mut g);
        assert!((l - 0.25 * std::f32::consts::LN_2).abs() < 1e-6);
    }

    #[test]
    fn stable_for_extreme_scores() {
        let mut g = [0.0; 3];
        for &loss in Loss::ALL {
            for s in [-1e4, 1e4] {
                let l = loss.sample(Problem::Binary, &[s], 1.0, &mut g[..1]);
                assert!(l.is_finite() && g[0].is_finite(), "{} at {s}", loss.name());
                let l = loss.sample(Problem::MultiClass(3), &[s, -s, 0.0], 1.0, &mut g);
                assert!(
                    l.is_finite() && g.iter().all(|v| v.is_finite()),
                    "{} at {s}",
                    loss.name()
                );
            }
        }
    }

    #[test]
    fn metrics_of_regression() {
        let mut acc = MetricsAccumulator::default();
        // Predictions 1 and 3 for targets 2 and 2... the second target 4: errors −1 and −1.
        acc.add(Problem::Regression, &[1.0], 2.0, 1.0);
        acc.add(Problem::Regression, &[3.0], 4.0, 1.0);
        let m = acc.finish(Problem::Regression);
        assert_eq!(m.mae, Some(1.0));
        assert_eq!(m.rmse, Some(1.0));
        // MAPE = mean(1/2, 1/4) = 37.5 %; R² = 1 − 2 / 2 = 0.
        assert_eq!(m.mape, Some(37.5));
        assert_eq!(m.r2, Some(0.0));
    }
}
