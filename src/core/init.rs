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

impl Choice for Init {
    const ALL: &'static [Self] = &[Init::Zeros, Init::Small, Init::Xavier, Init::He];
    const KEY: &'static str = "init";

    fn info(self) -> ChoiceInfo {
        let (name, en, zh, (tex, mathml, formula)) = match self {
            Init::Zeros => ("zeros", "Zeros", "全零初始化", crate::tex!(r"w = 0")),
            Init::Small => ("small", "Small random", "小随机数", crate::tex!(r"w \sim N(0, 0.01^2)")),
            Init::Xavier => (
                "xavier",
                "Xavier / Glorot",
                "Xavier（Glorot）初始化",
                crate::tex!(r"w \sim N(0, \frac{2}{n_\text{in} + n_\text{out}})"),
            ),
            Init::He => (
                "he",
                "He (Kaiming)",
                "He（Kaiming）初始化",
                crate::tex!(r"w \sim N(0, \frac{2}{n_\text{in}})"),
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
