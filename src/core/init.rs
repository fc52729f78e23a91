//! Weight initialisation schemes.

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

use super::choice::{Choice, ChoiceInfo};
use super::Float;

/// How new weights are drawn. Biases always start at 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Init {
    /// w = 0: every neuron of a layer computes the same thing and stays that way (symmetry).
    Zeros,
    /// w ~ N(0, 0.01²): small random numbers, which shrink the signal in deep nets.
    Small,
    /// Xavier/Glorot normal: w ~ N(0, 2 / (fan_in + fan_out)), for tanh and sigmoid.
    Xavier,
    /// He (Kaiming) normal: w ~ N(0, 2 / fan_in), for ReLU-like activations.
    He,
}

crate::choice_serde!(Init);

/// MathML of "w ∼ N(0," (normal with mean 0; the variance follows, then the closing bracket).
macro_rules! normal {
    () => {
        "<mi>w</mi><mo>∼</mo><mi>N</mi><mrow><mo stretchy=\"false\">(</mo><mn>0</mn><mo>,</mo>"
    };
}

impl Choice for Init {
    const ALL: &'static [Self] = &[Init::Zeros, Init::Small, Init::Xavier, Init::He];
    const KEY: &'static str = "init";

    fn info(self) -> ChoiceInfo {
        let (name, en, zh, formula, mathml) = match self {
            Init::Zeros => (
                "zeros",
                "Zeros",
                "全零初始化",
                "w = 0",
                "<mi>w</mi><mo>=</mo><mn>0</mn>",
            ),
            Init::Small => (
                "small",
                "Small random",
                "小随机数",
                "w ~ N(0, 0.01²)",
                concat!(
                    normal!(),
                    "<msup><mn>0.01</mn><mn>2</mn></msup><mo stretchy=\"false\">)</mo></mrow>"
                ),
            ),
            Init::Xavier => (
                "xavier",
                "Xavier / Glorot",
                "Xavier（Glorot）初始化",
                "w ~ N(0, 2 / (n_in + n_out))",
                concat!(
                    normal!(),
                    "<mfrac><mn>2</mn><mrow><msub><mi>n</mi><mi>in</mi></msub><mo>+</mo><msub><mi>n</mi>\
                     <mi>out</mi></msub></mrow></mfrac><mo stretchy=\"false\">)</mo></mrow>"
                ),
            ),
            Init::He => (
                "he",
                "He (Kaiming)",
                "He（Kaiming）初始化",
                "w ~ N(0, 2 / n_in)",
                concat!(
                    normal!(),
                    "<mfrac><mn>2</mn><msub><mi>n</mi><mi>in</mi></msub></mfrac><mo stretchy=\"false\">)</mo></mrow>"
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

impl Init {
    /// Standard deviation of the weights of a layer with these fan-in and fan-out.
    pub fn std_dev(self, fan_in: usize, fan_out: usize) -> Float {
        match self {
            Init::Zeros => 0.0,
            Init::Small => 0.01,
            Init::Xavier => (2.0 / (fan_in + fan_out).max(1) as Float).sqrt(),
            Init::He => (2.0 / fan_in.max(1) as Float).sqrt(),
        }
    }

    /// Draws one weight. Zeros consumes no randomness, so switching schemes changes nothing else.
    pub fn sample<R: Rng + ?Sized>(self, fan_in: usize, fan_out: usize, rng: &mut R) -> Float {
        match self {
            Init::Zeros => 0.0,
            _ => {
                let z: Float = StandardNormal.sample(rng);
                z * self.std_dev(fan_in, fan_out)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::SeededRng;
    use rand::SeedableRng;

    #[test]
    fn spread_matches_the_scheme() {
        let mut rng = SeededRng::seed_from_u64(7);
        for (init, fan_in, fan_out) in [(Init::Xavier, 8, 8), (Init::He, 8, 4), (Init::Small, 3, 3)] {
            let n = 20_000;
            let draws: Vec<Float> = (0..n).map(|_| init.sample(fan_in, fan_out, &mut rng)).collect();
            let mean = draws.iter().sum::<Float>() / n as Float;
            let var = draws.iter().map(|w| (w - mean) * (w - mean)).sum::<Float>() / n as Float;
            let expected = init.std_dev(fan_in, fan_out);
            assert!(
                (var.sqrt() / expected - 1.0).abs() < 0.03,
                "{}: {}",
                init.name(),
                var.sqrt()
            );
        }
        assert_eq!(Init::Zeros.sample(4, 4, &mut rng), 0.0);
    }
}
