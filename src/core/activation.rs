//! Hidden-layer activation functions, each with its derivative in the neighbouring arm.

use super::choice::{Choice, ChoiceInfo};
use super::math;
use super::Float;
pub use nnlab_kernels::{sigmoid_rational, tanh_rational};

/// Slope of leaky ReLU for negative inputs.
pub const LEAKY_SLOPE: Float = 0.01;
/// ELU's α: the value it approaches for very negative inputs is −α.
pub const ELU_ALPHA: Float = 1.0;
/// Number of linear pieces a maxout neuron takes the maximum of.
pub const MAXOUT_PIECES: usize = 2;
/// A neuron counts as saturated where |f′(z)| is below this share of f′'s maximum.
pub const SATURATION_SHARE: Float = 0.1;

/// The non-linearity f applied to each hidden neuron's pre-activation z = w·a + b.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Activation {
    /// σ(z) = 1 / (1 + e^(−z)); σ′ = σ(1 − σ)
    Sigmoid,
    /// tanh(z); tanh′ = 1 − tanh²
    Tanh,
    /// max(0, z); derivative 1 for z > 0, else 0
    Relu,
    /// z for z > 0, else 0.01·z
    LeakyRelu,
    /// z for z > 0, else α(e^z − 1) with α = 1
    Elu,
    /// z (no non-linearity: every layer stays a linear map)
    Linear,
    /// ln(1 + e^z); its derivative is σ(z)
    Softplus,
    /// z·σ(z) (SiLU); derivative σ(z)(1 + z(1 − σ(z)))
    Swish,
    /// max over k = 2 linear pieces z₁, z₂ (each neuron owns two weight vectors)
    Maxout,
}

crate::choice_serde!(Activation);

impl Choice for Activation {
    const ALL: &'static [Self] = &[
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Relu,
        Activation::LeakyRelu,
        Activation::Elu,
        Activation::Linear,
        Activation::Softplus,
        Activation::Swish,
        Activation::Maxout,
    ];
    const KEY: &'static str = "activation";

    fn info(self) -> ChoiceInfo {
        let (name, en, zh, (tex, mathml, formula)) = match self {
            Activation::Sigmoid => (
                "sigmoid",
                "Sigmoid",
                "Sigmoid",
                crate::tex!(
                    r"\begin{gathered}
                    f(z) = \sigma(z) = \frac{1}{1 + e^{-z}} \\
                    f'(z) = \sigma(z)(1 - \sigma(z))
                    \end{gathered}"
                ),
            ),
            Activation::Tanh => (
                "tanh",
                "Tanh",
                "Tanh（双曲正切）",
                crate::tex!(
                    r"\begin{gathered}
                    f(z) = \tanh(z) = \frac{e^z - e^{-z}}{e^z + e^{-z}} \\
                    f'(z) = 1 - \tanh^2(z)
                    \end{gathered}"
                ),
            ),
            Activation::Relu => (
                "relu",
                "ReLU",
                "ReLU（线性整流）",
                crate::tex!(
                    r"\begin{gathered}
                    f(z) = \max(0, z) \\
                    f'(z) = \begin{cases} 1 & z > 0 \\ 0 & z \le 0 \end{cases}
                    \end{gathered}"
                ),
            ),
            Activation::LeakyRelu => (
                "leaky-relu",
                "Leaky ReLU",
                "Leaky ReLU（带泄露整流）",
                crate::tex!(
                    r"\begin{gathered}
                    f(z) = \begin{cases} z & z > 0 \\ 0.01 z & z \le 0 \end{cases} \\
                    f'(z) = \begin{cases} 1 & z > 0 \\ 0.01 & z \le 0 \end{cases}
                    \end{gathered}"
                ),
            ),
            Activation::Elu => (
                "elu",
                "ELU",
                "ELU（指数线性单元）",
                crate::tex!(
                    r"\begin{gathered}
                    f(z) = \begin{cases} z & z > 0 \\ e^z - 1 & z \le 0 \end{cases} \\
                    f'(z) = \begin{cases} 1 & z > 0 \\ e^z & z \le 0 \end{cases}
                    \end{gathered}"
                ),
            ),
            Activation::Linear => (
                "linear",
                "Linear",
                "线性（恒等）",
                crate::tex!(r"\begin{gathered} f(z) = z \\ f'(z) = 1 \end{gathered}"),
            ),
            Activation::Softplus => (
                "softplus",
                "Softplus",
                "Softplus",
                crate::tex!(
                    r"\begin{gathered}
                    f(z) = \ln(1 + e^z) \\
                    f'(z) = \sigma(z) = \frac{1}{1 + e^{-z}}
                    \end{gathered}"
                ),
            ),
            Activation::Swish => (
                "swish",
                "Swish (SiLU)",
                "Swish（SiLU）",
                crate::tex!(
                    r"\begin{gathered}
                    f(z) = z \sigma(z) \\
                    f'(z) = \sigma(z)(1 + z(1 - \sigma(z))) \\
                    \sigma(z) = \frac{1}{1 + e^{-z}}
                    \end{gathered}"
                ),
            ),
            Activation::Maxout => (
                "maxout",
                "Maxout (k=2)",
                "Maxout（k=2）",
                crate::tex!(
                    r"\begin{gathered}
                    f(z_1, z_2) = \max(z_1, z_2) \\
                    z_k = w_k \cdot a + b_k \\
                    \frac{\partial f}{\partial z_k} = \begin{cases}
                        1 & k = \underset{j}{\operatorname{argmax}} z_j \\
                        0 & k \ne \underset{j}{\operatorname{argmax}} z_j
                    \end{cases}
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

/// Logistic sigmoid, written so neither branch overflows.
#[inline]
pub fn sigmoid(z: Float) -> Float {
    if z >= 0.0 {
        1.0 / (1.0 + math::exp(-z))
    } else {
        let e = math::exp(z);
        e / (1.0 + e)
    }
}

/// ln(1 + e^z) without overflow for large z or loss of precision for very negative z.
#[inline]
pub fn softplus(z: Float) -> Float {
    z.max(0.0) + math::ln_1p(math::exp(-z.abs()))
}

impl Activation {
    /// f(z). Maxout's pieces are linear, so per piece it is the identity; the layer takes the max.
    #[inline]
    pub fn apply(self, z: Float) -> Float {
        match self {
            Activation::Sigmoid => sigmoid_rational(z),
            Activation::Tanh => tanh_rational(z),
            Activation::Relu => z.max(0.0),
            Activation::LeakyRelu => {
                if z > 0.0 {
                    z
                } else {
                    LEAKY_SLOPE * z
                }
            }
            Activation::Elu => {
                if z > 0.0 {
                    z
                } else {
                    ELU_ALPHA * math::exp_m1(z)
                }
            }
            Activation::Linear | Activation::Maxout => z,
            Activation::Softplus => softplus(z),
            Activation::Swish => z * sigmoid(z),
        }
    }

    /// f′(z), the local gradient of the neuron. `a` is f(z), passed in because several
    /// derivatives are cheapest from the output.
    #[inline]
    pub fn derivative(self, z: Float, a: Float) -> Float {
        match self {
            Activation::Sigmoid => a * (1.0 - a),
            Activation::Tanh => 1.0 - a * a,
            Activation::Relu => {
                if z > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::LeakyRelu => {
                if z > 0.0 {
                    1.0
                } else {
                    LEAKY_SLOPE
                }
            }
            Activation::Elu => {
                if z > 0.0 {
                    1.0
                } else {
                    a + ELU_ALPHA
                }
            }
            Activation::Linear | Activation::Maxout => 1.0,
            Activation::Softplus => sigmoid(z),
            Activation::Swish => {
                let s = sigmoid(z);
                s * (1.0 + z * (1.0 - s))
            }
        }
    }

    /// a = f(z) over a whole layer. The match is outside the loops, so each loop is one
    /// branch-free expression the compiler vectorises. Maxout is handled by the layer.
    pub fn apply_slice(self, z: &[Float], a: &mut [Float]) {
        match self {
            Activation::Tanh => nnlab_kernels::tanh_slice(z, a),
            Activation::Sigmoid => nnlab_kernels::sigmoid_slice(z, a),
            Activation::Relu => nnlab_kernels::relu_slice(z, a),
            Activation::Linear | Activation::Maxout => a.copy_from_slice(z),
            act => a.iter_mut().zip(z).for_each(|(a, &z)| *a = act.apply(z)),
        }
    }

    /// δ = upstream ⊙ f′(z) over a whole layer, from z and a = f(z); vectorised like
    /// [`Activation::apply_slice`]. Maxout is handled by the layer.
    pub fn delta_slice(self, upstream: &[Float], z: &[Float], a: &[Float], delta: &mut [Float]) {
        match self {
            Activation::Tanh => nnlab_kernels::tanh_delta(upstream, a, delta),
            Activation::Sigmoid => nnlab_kernels::sigmoid_delta(upstream, a, delta),
            Activation::Relu => nnlab_kernels::relu_delta(upstream, z, delta),
            act => {
                for (((d, &u), &z), &a) in delta.iter_mut().zip(upstream).zip(z).zip(a) {
                    *d = u * act.derivative(z, a);
                }
            }
        }
    }

    /// This activation as the fused SGD epoch ([`nnlab_kernels::mlp::sgd_epoch`]) runs it, if
    /// it is one of the element-wise rules the fused epoch knows; the others train layer by
    /// layer. Both give the same numbers.
    pub fn elementwise(self) -> Option<nnlab_kernels::mlp::Elementwise> {
        use nnlab_kernels::mlp::Elementwise;
        match self {
            Activation::Tanh => Some(Elementwise::Tanh),
            Activation::Sigmoid => Some(Elementwise::Sigmoid),
            Activation::Relu => Some(Elementwise::Relu),
            Activation::Linear => Some(Elementwise::Linear),
            _ => None,
        }
    }

    /// The largest value |f′| takes, the yardstick of saturation.
    pub fn max_derivative(self) -> Float {
        match self {
            Activation::Sigmoid => 0.25,
            // Swish′ peaks at z ≈ 2.3994 with value ≈ 1.0998.
            Activation::Swish => 1.099_839,
            _ => 1.0,
        }
    }

    /// Whether a neuron at pre-activation z is saturated: |f′(z)| below 10 % of its maximum.
    /// For ReLU this is exactly the dead zone z ≤ 0.
    #[inline]
    pub fn is_saturated(self, z: Float) -> bool {
        let a = self.apply(z);
        self.derivative(z, a).abs() < SATURATION_SHARE * self.max_derivative()
    }

    /// f(z) and f′(z) from z and a = f(z) as NumPy expressions, for the exported script
    /// ([`crate::core::export_python`]; `logistic` is its σ). Maxout's pieces are linear; the
    /// script's layer takes their max.
    pub fn numpy(self) -> (&'static str, &'static str) {
        match self {
            Activation::Sigmoid => ("logistic(z)", "a * (1 - a)"),
            Activation::Tanh => ("np.tanh(z)", "1 - a ** 2"),
            Activation::Relu => ("np.maximum(z, 0)", "(z > 0) * 1.0"),
            Activation::LeakyRelu => ("np.where(z > 0, z, 0.01 * z)", "np.where(z > 0, 1, 0.01)"),
            Activation::Elu => (
                "np.where(z > 0, z, np.expm1(np.minimum(z, 0)))",
                "np.where(z > 0, 1, a + 1)",
            ),
            Activation::Linear | Activation::Maxout => ("z", "np.ones_like(z)"),
            Activation::Softplus => ("np.logaddexp(0, z)", "logistic(z)"),
            Activation::Swish => ("z * logistic(z)", "logistic(z) * (1 + z * (1 - logistic(z)))"),
        }
    }

    /// Weight rows per neuron: maxout owns one per piece.
    pub fn pieces(self) -> usize {
        match self {
            Activation::Maxout => MAXOUT_PIECES,
            _ => 1,
        }
    }

    /// Activations with a flat zero region, where "dead" neurons can get stuck.
    pub fn is_relu_like(self) -> bool {
        matches!(self, Activation::Relu | Activation::LeakyRelu | Activation::Elu)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Central difference of f, in f64 through f32 evaluation at a wide step.
    fn numeric_derivative(act: Activation, z: Float) -> Float {
        let h = 1e-2;
        (act.apply(z + h) - act.apply(z - h)) / (2.0 * h)
    }

    #[test]
    fn derivatives_match_finite_differences_away_from_kinks() {
        for &act in Activation::ALL {
            for &z in &[-3.1, -1.2, -0.4, 0.3, 0.9, 2.2, 4.05] {
                let a = act.apply(z);
                let analytic = act.derivative(z, a);
                let numeric = numeric_derivative(act, z);
                assert!(
                    (analytic - numeric).abs() < 2e-3 * (1.0 + numeric.abs()),
                    "{} at {z}: analytic {analytic}, numeric {numeric}",
                    act.name()
                );
            }
        }
    }

    #[test]
    fn known_values() {
        // σ(0) = 1/2, tanh(0) = 0, softplus(0) = ln 2, ELU(−∞) → −1.
        assert_eq!(Activation::Sigmoid.apply(0.0), 0.5);
        assert_eq!(Activation::Tanh.apply(0.0), 0.0);
        assert!((Activation::Softplus.apply(0.0) - std::f32::consts::LN_2).abs() < 1e-7);
        assert!((Activation::Elu.apply(-30.0) + 1.0).abs() < 1e-6);
        assert_eq!(Activation::LeakyRelu.apply(-2.0), -0.02);
        // No overflow at the extremes.
        // Hidden sigmoid goes through tanh: its far tail is 1e-7 in absolute terms, not 0.
        assert!(Activation::Sigmoid.apply(-1000.0).abs() < 1.2e-7);
        assert!(Activation::Sigmoid.apply(-1000.0) >= 0.0);
        assert_eq!(Activation::Softplus.apply(1000.0), 1000.0);
    }

    #[test]
    fn max_derivative_is_the_maximum() {
        for &act in Activation::ALL {
            let mut best: Float = 0.0;
            for i in -8000..8000 {
                let z = i as Float / 1000.0;
                best = best.max(act.derivative(z, act.apply(z)).abs());
            }
            assert!((best - act.max_derivative()).abs() < 1e-3, "{}: {best}", act.name());
        }
    }

    #[test]
    fn saturation_zones() {
        assert!(Activation::Relu.is_saturated(-0.5));
        assert!(!Activation::Relu.is_saturated(0.5));
        // σ′(z) < 0.025 once |z| > ~3.64.
        assert!(Activation::Sigmoid.is_saturated(4.0));
        assert!(!Activation::Sigmoid.is_saturated(3.0));
        assert!(!Activation::Linear.is_saturated(-100.0));
    }

    #[test]
    fn names_round_trip() {
        for &act in Activation::ALL {
            assert_eq!(Activation::parse(act.name()), Ok(act));
        }
        assert!(Activation::parse("softmax").is_err());
    }

    #[test]
    fn rational_tanh_and_sigmoid_are_within_f32_rounding_of_the_exact_ones() {
        // Every 1/1000 over [-12, 12] against the f64 library functions.
        let mut worst_tanh: f64 = 0.0;
        let mut worst_sigmoid: f64 = 0.0;
        for i in -12_000..=12_000 {
            let z = i as f64 / 1000.0;
            worst_tanh = worst_tanh.max((f64::from(tanh_rational(z as Float)) - z.tanh()).abs());
            let exact = 1.0 / (1.0 + (-z).exp());
            worst_sigmoid = worst_sigmoid.max((f64::from(sigmoid_rational(z as Float)) - exact).abs());
        }
        // Measured 3.06e-7 at z = −3.741 (Estrin's order, without fused multiply-adds).
        assert!(worst_tanh < 3.5e-7, "tanh error {worst_tanh}");
        assert!(worst_sigmoid < 2.5e-7, "sigmoid error {worst_sigmoid}");
        assert_eq!(tanh_rational(0.0), 0.0);
        assert_eq!(tanh_rational(1e9), tanh_rational(8.0));
        assert!(tanh_rational(Float::NAN).is_nan());
        assert!((tanh_rational(-30.0) + 1.0).abs() < 1e-6);
    }

    #[test]
    fn slice_versions_agree_with_the_scalar_ones() {
        let z: Vec<Float> = (-40..40).map(|i| i as Float * 0.21).collect();
        let upstream: Vec<Float> = (0..80).map(|i| (i as Float * 0.37).sin()).collect();
        for &act in Activation::ALL.iter().filter(|a| **a != Activation::Maxout) {
            let mut a = vec![0.0; z.len()];
            act.apply_slice(&z, &mut a);
            let mut delta = vec![0.0; z.len()];
            act.delta_slice(&upstream, &z, &a, &mut delta);
            for i in 0..z.len() {
                assert_eq!(a[i], act.apply(z[i]), "{act:?} f at {}", z[i]);
                let expected = upstream[i] * act.derivative(z[i], a[i]);
                assert!(
                    (delta[i] - expected).abs() <= 1e-7 * expected.abs().max(1.0),
                    "{act:?} δ at {}",
                    z[i]
                );
            }
        }
    }
}
