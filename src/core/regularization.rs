//! Weight penalties. They apply to weights only, never to biases.

use super::choice::{Choice, ChoiceInfo};
use super::Float;

/// The penalty added to the data loss, λ being the regularization rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Regularization {
    /// No penalty.
    None,
    /// L1: λ·Σ|w|, gradient λ·sign(w); drives weights to exactly zero.
    L1,
    /// L2: (λ/2)·Σw², gradient λ·w; shrinks every weight in proportion (weight decay).
    L2,
}

crate::choice_serde!(Regularization);

impl Choice for Regularization {
    const ALL: &'static [Self] = &[Regularization::None, Regularization::L1, Regularization::L2];
    const KEY: &'static str = "reg";

    fn info(self) -> ChoiceInfo {
        // Each card shows the penalty and its gradient, which is added to each weight's.
        let (name, en, zh, (tex, mathml, formula)) = match self {
            Regularization::None => ("none", "None", "无", crate::tex!(r"R(w) = 0")),
            Regularization::L1 => (
                "l1",
                "L1",
                "L1 正则化",
                crate::tex!(
                    r"\begin{gathered}
                    R(w) = \lambda \sum_i \lvert w_i \rvert \\
                    \frac{\partial R}{\partial w_i} = \lambda \operatorname{sign}(w_i)
                    \end{gathered}"
                ),
            ),
            Regularization::L2 => (
                "l2",
                "L2",
                "L2 正则化",
                crate::tex!(
                    r"\begin{gathered}
                    R(w) = \frac{\lambda}{2} \sum_i w_i^2 \\
                    \frac{\partial R}{\partial w_i} = \lambda w_i
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

impl Regularization {
    /// The penalty of these weights at rate λ.
    pub fn penalty(self, rate: Float, weights: &[Float]) -> Float {
        match self {
            Regularization::None => 0.0,
            Regularization::L1 => rate * weights.iter().map(|w| w.abs()).sum::<Float>(),
            Regularization::L2 => 0.5 * rate * weights.iter().map(|w| w * w).sum::<Float>(),
        }
    }

    /// The penalty's gradient per unit rate as a NumPy expression of the weights W, for the
    /// exported script ([`crate::core::export_python`]).
    pub fn numpy(self) -> &'static str {
        match self {
            Regularization::None => "0",
            Regularization::L1 => "np.sign(W)",
            Regularization::L2 => "W",
        }
    }

    /// Adds the penalty's gradient to `grad` (same length as `weights`).
    pub fn add_gradient(self, rate: Float, weights: &[Float], grad: &mut [Float]) {
        match self {
            Regularization::None => {}
            Regularization::L1 => {
                for (g, &w) in grad.iter_mut().zip(weights) {
                    // sign(0) = 0: a weight sitting at zero feels no push.
                    if w != 0.0 {
                        *g += rate * w.signum();
                    }
                }
            }
            Regularization::L2 => {
                for (g, &w) in grad.iter_mut().zip(weights) {
                    *g += rate * w;
                }
            }
        }
    }
}
