//! Optimizers as torch.optim defines them, with its default hyper-parameters. Each rule
//! reads the gradient g (mean over the batch plus the penalty's gradient) and the state
//! stored beside the parameter in its [`Param`], and changes the parameter in place.

use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

use super::choice::{Choice, ChoiceInfo};
use super::math;
use super::Float;

/// The update rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Optimizer {
    /// w ← w − η·g
    Sgd,
    /// v ← μ·v + g; w ← w − η·v
    Momentum,
    /// v ← μ·v + g; w ← w − η·(g + μ·v)
    Nesterov,
    /// G ← G + g²; w ← w − η·g / (√G + ε)
    Adagrad,
    /// s ← α·s + (1 − α)·g²; w ← w − η·g / (√s + ε)
    Rmsprop,
    /// m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; w ← w − η·m̂ / (√v̂ + ε)
    Adam,
}

crate::choice_serde!(Optimizer);

impl Choice for Optimizer {
    const ALL: &'static [Self] = &[
        Optimizer::Sgd,
        Optimizer::Momentum,
        Optimizer::Nesterov,
        Optimizer::Adagrad,
        Optimizer::Rmsprop,
        Optimizer::Adam,
    ];
    const KEY: &'static str = "optimizer";

    fn info(self) -> ChoiceInfo {
        let (name, en, zh, (tex, mathml, formula)) = match self {
            Optimizer::Sgd => (
                "sgd",
                "SGD",
                "随机梯度下降（SGD）",
                crate::tex!(r"w \leftarrow w - \eta g"),
            ),
            Optimizer::Momentum => (
                "momentum",
                "Momentum",
                "动量法（Momentum）",
                crate::tex!(r"\begin{gathered} v \leftarrow \mu v + g \\ w \leftarrow w - \eta v \end{gathered}"),
            ),
            Optimizer::Nesterov => (
                "nesterov",
                "Nesterov momentum",
                "Nesterov 动量",
                crate::tex!(
                    r"\begin{gathered} v \leftarrow \mu v + g \\ w \leftarrow w - \eta (g + \mu v) \end{gathered}"
                ),
            ),
            Optimizer::Adagrad => (
                "adagrad",
                "AdaGrad",
                "AdaGrad",
                crate::tex!(
                    r"\begin{gathered}
                    G \leftarrow G + g^2 \\
                    w \leftarrow w - \eta \frac{g}{\sqrt{G} + \varepsilon}
                    \end{gathered}"
                ),
            ),
            Optimizer::Rmsprop => (
                "rmsprop",
                "RMSProp",
                "RMSProp",
                crate::tex!(
                    r"\begin{gathered}
                    s \leftarrow \alpha s + (1 - \alpha) g^2 \\
                    w \leftarrow w - \eta \frac{g}{\sqrt{s} + \varepsilon}
                    \end{gathered}"
                ),
            ),
            Optimizer::Adam => (
                "adam",
                "Adam",
                "Adam",
                crate::tex!(
                    r"\begin{gathered}
                    m \leftarrow \beta_1 m + (1 - \beta_1) g \\
                    v \leftarrow \beta_2 v + (1 - \beta_2) g^2 \\
                    \hat{m} = \frac{m}{1 - \beta_1^t}, \enspace \hat{v} = \frac{v}{1 - \beta_2^t} \\
                    w \leftarrow w - \eta \frac{\hat{m}}{\sqrt{\hat{v}} + \varepsilon}
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

/// Hyper-parameters besides the learning rate, with torch.optim's defaults.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct OptimizerParams {
    /// μ of momentum and Nesterov.
    pub momentum: Float,
    /// α, RMSProp's decay of the squared-gradient average.
    pub alpha: Float,
    /// β₁, Adam's decay of the first moment.
    pub beta1: Float,
    /// β₂, Adam's decay of the second moment.
    pub beta2: Float,
    /// ε of RMSProp and Adam.
    pub eps: Float,
    /// ε of AdaGrad (torch uses a smaller one there).
    pub adagrad_eps: Float,
}

impl Default for OptimizerParams {
    fn default() -> Self {
        OptimizerParams {
            momentum: 0.9,
            alpha: 0.99,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            adagrad_eps: 1e-10,
        }
    }
}

/// One trainable tensor with its gradient and the optimizer's memory of it, all the same
/// shape so that adding or removing a neuron edits them together.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub value: DMatrix<Float>,
    /// dL/dvalue from the last backward pass (plus the penalty's gradient).
    pub grad: DMatrix<Float>,
    /// Momentum's and Nesterov's v, Adam's m.
    pub first: DMatrix<Float>,
    /// AdaGrad's G, RMSProp's s, Adam's v.
    pub second: DMatrix<Float>,
}

impl Param {
    /// A parameter with these values and zero gradient and state.
    pub fn new(value: DMatrix<Float>) -> Param {
        let (r, c) = value.shape();
        Param {
            value,
            grad: DMatrix::zeros(r, c),
            first: DMatrix::zeros(r, c),
            second: DMatrix::zeros(r, c),
        }
    }

    /// Forgets the optimizer's memory (used when the rule changes, since the slots mean
    /// different things to different rules).
    pub fn clear_state(&mut self) {
        self.first.fill(0.0);
        self.second.fill(0.0);
    }

    /// Rebuilds the tensor with `rows` × `cols` entries: entry (i, j) is copied, with its
    /// optimizer state, from (row_source(i), col_source(j)) when both exist, and is
    /// otherwise a fresh value from `fresh` with zero state.
    pub fn remap(
        &mut self,
        rows: usize,
        cols: usize,
        row_source: impl Fn(usize) -> Option<usize>,
        col_source: impl Fn(usize) -> Option<usize>,
        mut fresh: impl FnMut(usize, usize) -> Float,
    ) {
        // One body behind `dyn` for every caller: live edits are rare, and each generic copy
        // cost the page about 2 KB of code.
        self.remap_dyn(rows, cols, &row_source, &col_source, &mut fresh);
    }

    fn remap_dyn(
        &mut self,
        rows: usize,
        cols: usize,
        row_source: &dyn Fn(usize) -> Option<usize>,
        col_source: &dyn Fn(usize) -> Option<usize>,
        fresh: &mut dyn FnMut(usize, usize) -> Float,
    ) {
        let mut value = DMatrix::zeros(rows, cols);
        let mut first = DMatrix::zeros(rows, cols);
        let mut second = DMatrix::zeros(rows, cols);
        // Column-major order, so fresh values are drawn in a fixed, documented order.
        for j in 0..cols {
            for i in 0..rows {
                match (row_source(i), col_source(j)) {
                    (Some(si), Some(sj)) if si < self.value.nrows() && sj < self.value.ncols() => {
                        value[(i, j)] = self.value[(si, sj)];
                        first[(i, j)] = self.first[(si, sj)];
                        second[(i, j)] = self.second[(si, sj)];
                    }
                    _ => value[(i, j)] = fresh(i, j),
                }
            }
        }
        self.value = value;
        self.first = first;
        self.second = second;
        self.grad = DMatrix::zeros(rows, cols);
    }
}

impl Optimizer {
    /// The update of one parameter w (in place) from its gradient g as NumPy statements, for
    /// the exported script ([`crate::core::export_python`]): m and v are the state beside w
    /// (first and second moments), t the step count, with the defaults above.
    pub fn numpy(self) -> &'static str {
        match self {
            Optimizer::Sgd => "w -= lr * g",
            Optimizer::Momentum => "m[:] = 0.9 * m + g\n    w -= lr * m",
            Optimizer::Nesterov => "m[:] = 0.9 * m + g\n    w -= lr * (g + 0.9 * m)",
            Optimizer::Adagrad => "v += g ** 2\n    w -= lr * g / (np.sqrt(v) + 1e-10)",
            Optimizer::Rmsprop => "v[:] = 0.99 * v + 0.01 * g ** 2\n    w -= lr * g / (np.sqrt(v) + 1e-8)",
            Optimizer::Adam => {
                "m[:] = 0.9 * m + 0.1 * g\n    v[:] = 0.999 * v + 0.001 * g ** 2\n    \
                 m_hat, v_hat = m / (1 - 0.9 ** t), v / (1 - 0.999 ** t)\n    \
                 w -= lr * m_hat / (np.sqrt(v_hat) + 1e-8)"
            }
        }
    }

    /// One update of `param` from `param.grad`: changes `param.value` and the optimizer
    /// state beside it. `step` is the 1-based count of updates so far (Adam's t).
    pub fn update(self, hp: &OptimizerParams, lr: Float, param: &mut Param, step: u64) {
        let w = param.value.as_mut_slice();
        let g = param.grad.as_slice();
        let first = param.first.as_mut_slice();
        let second = param.second.as_mut_slice();
        match self {
            // w ← w − η·g
            Optimizer::Sgd => nnlab_kernels::axpy(-lr, g, w),
            Optimizer::Momentum => {
                for ((w, &g), v) in w.iter_mut().zip(g).zip(first.iter_mut()) {
                    *v = hp.momentum * *v + g;
                    *w -= lr * *v;
                }
            }
            Optimizer::Nesterov => {
                for ((w, &g), v) in w.iter_mut().zip(g).zip(first.iter_mut()) {
                    *v = hp.momentum * *v + g;
                    *w -= lr * (g + hp.momentum * *v);
                }
            }
            Optimizer::Adagrad => {
                for ((w, &g), sum) in w.iter_mut().zip(g).zip(second.iter_mut()) {
                    *sum += g * g;
                    *w -= lr * g / (sum.sqrt() + hp.adagrad_eps);
                }
            }
            Optimizer::Rmsprop => {
                for ((w, &g), s) in w.iter_mut().zip(g).zip(second.iter_mut()) {
                    *s = hp.alpha * *s + (1.0 - hp.alpha) * g * g;
                    *w -= lr * g / (s.sqrt() + hp.eps);
                }
            }
            Optimizer::Adam => {
                let t = step.clamp(1, u64::from(u32::MAX)) as u32;
                let correction1 = 1.0 - math::powi(hp.beta1, t);
                let correction2 = 1.0 - math::powi(hp.beta2, t);
                for (((w, &g), m), v) in w.iter_mut().zip(g).zip(first.iter_mut()).zip(second.iter_mut()) {
                    *m = hp.beta1 * *m + (1.0 - hp.beta1) * g;
                    *v = hp.beta2 * *v + (1.0 - hp.beta2) * g * g;
                    let m_hat = *m / correction1;
                    let v_hat = *v / correction2;
                    *w -= lr * m_hat / (v_hat.sqrt() + hp.eps);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs three steps on a single weight w₀ = 1 with the gradients 0.5, −0.25, 1.0 and
    /// lr 0.1, returning w after each step.
    fn three_steps(opt: Optimizer) -> [Float; 3] {
        let hp = OptimizerParams::default();
        let mut p = Param::new(DMatrix::from_element(1, 1, 1.0));
        let mut out = [0.0; 3];
        for (i, g) in [0.5, -0.25, 1.0].into_iter().enumerate() {
            p.grad[(0, 0)] = g;
            opt.update(&hp, 0.1, &mut p, i as u64 + 1);
            out[i] = p.value[(0, 0)];
        }
        out
    }

    fn assert_close(got: [Float; 3], want: [f64; 3], name: &str) {
        for i in 0..3 {
            assert!(
                (f64::from(got[i]) - want[i]).abs() < 2e-6,
                "{name} step {}: got {}, want {}",
                i + 1,
                got[i],
                want[i]
            );
        }
    }

    #[test]
    fn sgd_matches_hand_computation() {
        // w = 1 − 0.1·0.5 = 0.95; 0.95 + 0.025 = 0.975; 0.975 − 0.1 = 0.875.
        assert_close(three_steps(Optimizer::Sgd), [0.95, 0.975, 0.875], "sgd");
    }

    #[test]
    fn momentum_matches_hand_computation() {
        // v = 0.5 → w = 0.95; v = 0.45 − 0.25 = 0.2 → w = 0.93; v = 0.18 + 1 = 1.18 → w = 0.812.
        assert_close(three_steps(Optimizer::Momentum), [0.95, 0.93, 0.812], "momentum");
    }

    #[test]
    fn nesterov_matches_hand_computation() {
        // v = 0.5, step g + μv = 0.95 → w = 0.905;
        // v = 0.2, step −0.25 + 0.18 = −0.07 → w = 0.912;
        // v = 1.18, step 1 + 1.062 = 2.062 → w = 0.7058.
        assert_close(three_steps(Optimizer::Nesterov), [0.905, 0.912, 0.7058], "nesterov");
    }

    #[test]
    fn adagrad_matches_hand_computation() {
        // G = 0.25 → w = 1 − 0.1·0.5/0.5 = 0.9;
        // G = 0.3125 → w = 0.9 + 0.1·0.25/0.5590170 = 0.9447214;
        // G = 1.3125 → w = 0.9447214 − 0.1·1/1.1456439 = 0.8574342.
        assert_close(
            three_steps(Optimizer::Adagrad),
            [0.9, 0.944_721_4, 0.857_434_2],
            "adagrad",
        );
    }

    #[test]
    fn rmsprop_matches_hand_computation() {
        // s = 0.01·0.25 = 0.0025 → w = 1 − 0.1·0.5/(0.05 + 1e-8) = 2e-7;
        // s = 0.002475 + 0.000625 = 0.0031 → w = 2e-7 + 0.1·0.25/0.0556776 = 0.4490134;
        // s = 0.003069 + 0.01 = 0.013069 → w = 0.4490134 − 0.1/0.1143197 = −0.4257262.
        assert_close(
            three_steps(Optimizer::Rmsprop),
            [2e-7, 0.449_013_4, -0.425_726_2],
            "rmsprop",
        );
    }

    #[test]
    fn adam_matches_hand_computation() {
        // t=1: m = 0.05, v = 0.00025, m̂ = 0.5, v̂ = 0.25 → w = 1 − 0.1·0.5/0.5 = 0.9.
        // t=2: m = 0.045 − 0.025 = 0.02, v = 0.00024975 + 0.0000625 = 0.00031225,
        //      m̂ = 0.02/0.19 = 0.1052632, v̂ = 0.00031225/0.001999 = 0.1562031,
        //      w = 0.9 − 0.1·0.1052632/0.3952254 = 0.8733663.
        // t=3: m = 0.018 + 0.1 = 0.118, v = 0.00031193775 + 0.001 = 0.00131193775,
        //      m̂ = 0.118/0.271 = 0.4354244, v̂ = 0.00131193775/0.002997001 = 0.4377502,
        //      w = 0.8733663 − 0.1·0.4354244/0.6616269 = 0.8075551.
        assert_close(three_steps(Optimizer::Adam), [0.9, 0.873_366_3, 0.807_555_1], "adam");
    }

    #[test]
    fn remap_keeps_values_and_state() {
        let mut p = Param::new(DMatrix::from_row_slice(2, 2, &[1.0, 2.0, 3.0, 4.0]));
        p.first[(1, 0)] = 9.0;
        // Add a row at the end and drop column 0.
        p.remap(3, 1, |i| (i < 2).then_some(i), |j| Some(j + 1), |_, _| 7.0);
        assert_eq!(p.value.as_slice(), &[2.0, 4.0, 7.0]);
        assert_eq!(p.first.as_slice(), &[0.0, 0.0, 0.0]);
        p.first[(1, 0)] = 5.0;
        p.remap(3, 2, Some, |j| (j == 0).then_some(0), |_, _| 0.5);
        assert_eq!(p.value.as_slice(), &[2.0, 4.0, 7.0, 0.5, 0.5, 0.5]);
        assert_eq!(p.first[(1, 0)], 5.0);
    }
}
