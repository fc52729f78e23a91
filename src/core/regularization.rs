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

/// MathML of ∂R/∂wᵢ =, the penalty's gradient (added to the data gradient of each weight).
macro_rules! slope_i {
    () => {
        "<mfrac><mrow><mi>∂</mi><mi>R</mi></mrow><mrow><mi>∂</mi><msub><mi>w</mi><mi>i</mi></msub></mrow></mfrac>\
         <mo>=</mo>"
    };
}

impl Choice for Regularization {
    const ALL: &'static [Self] = &[Regularization::None, Regularization::L1, Regularization::L2];
    const KEY: &'static str = "reg";

    fn info(self) -> ChoiceInfo {
        let (name, en, zh, formula, mathml) = match self {
            Regularization::None => (
                "none",
                "None",
                "无",
                "R(w) = 0",
                crate::mathml_lines!("<mi>R</mi><mrow><mo stretchy=\"false\">(</mo><mi>w</mi><mo stretchy=\"false\">)</mo></mrow><mo>=</mo><mn>0</mn>"),
            ),
            Regularization::L1 => (
                "l1",
                "L1",
                "L1 正则化",
                "R(w) = λ·Σ|w|",
                crate::mathml_lines!(
                    "<mi>R</mi><mrow><mo stretchy=\"false\">(</mo><mi>w</mi><mo stretchy=\"false\">)</mo></mrow><mo>=</mo><mi>λ</mi><munder><mo>∑</mo><mi>i</mi></munder>\
                     <mrow><mo stretchy=\"false\">|</mo><msub><mi>w</mi><mi>i</mi></msub><mo stretchy=\"false\">|</mo></mrow>",
                    concat!(
                        slope_i!(),
                        "<mi>λ</mi><mspace width=\"0.17em\"/><mi>sign</mi><mrow><mo stretchy=\"false\">(</mo><msub><mi>w</mi><mi>i</mi></msub><mo stretchy=\"false\">)</mo></mrow>"
                    )
                ),
            ),
            Regularization::L2 => (
                "l2",
                "L2",
                "L2 正则化",
                "R(w) = (λ/2)·Σw²",
                crate::mathml_lines!(
                    "<mi>R</mi><mrow><mo stretchy=\"false\">(</mo><mi>w</mi><mo stretchy=\"false\">)</mo></mrow><mo>=</mo><mfrac><mi>λ</mi><mn>2</mn></mfrac>\
                     <munder><mo>∑</mo><mi>i</mi></munder><msubsup><mi>w</mi><mi>i</mi><mn>2</mn></msubsup>",
                    concat!(slope_i!(), "<mi>λ</mi><msub><mi>w</mi><mi>i</mi></msub>")
                ),
            ),
        };
        ChoiceInfo {
            name,
            en,
            zh,
            formula,
            mathml,
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
