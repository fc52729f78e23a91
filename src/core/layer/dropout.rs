//! Inverted dropout on a hidden layer's outputs: in training, each output of each point is
//! zeroed with probability p and the kept ones are scaled by 1/(1 − p), so that a layer's
//! expected output is the same as without dropout; in evaluation it is the identity. The
//! masks come from the seeded stream the trainer passes in, neuron by neuron and point by
//! point, so a run is the same natively and in the page.

use rand::Rng;

use super::Mode;
use crate::core::Float;

/// The formula card's math, written once in TeX: in training each output is kept with
/// probability 1 − p and scaled by 1/(1 − p) (build.rs makes the MathML and plain text).
pub const FORMULA: (&str, &str, &str) = crate::tex!(
    r"\begin{gathered} m \sim \operatorname{Bernoulli}(1 - p) \\ a_{\text{out}} = \frac{m \cdot a}{1 - p} \end{gathered}"
);

/// The largest rate a layer takes: at 0.9 a layer keeps one output in ten on average.
pub const MAX_RATE: Float = 0.9;

/// Dropout with rate `rate` (0 < rate ≤ [`MAX_RATE`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dropout {
    pub rate: Float,
}

impl Dropout {
    /// Dropout at `rate`, or None for a rate of 0 (no dropout: the layer's plain path, bit
    /// for bit).
    pub fn new(rate: Float) -> Option<Dropout> {
        (rate > 0.0).then_some(Dropout {
            rate: rate.min(MAX_RATE),
        })
    }

    /// Applies dropout to `activation` (neurons × `stride`, the first `points` of each row
    /// real) into `output`, and the mask into `mask` (0 for a dropped output, 1/(1 − p) for
    /// a kept one). In evaluation, `output` is `activation` and the mask all ones, and
    /// nothing is drawn. Changes only `output` and `mask`, and draws one number from `rng`
    /// per neuron and real point in training.
    pub fn forward_t<R: Rng + ?Sized>(
        &self,
        activation: &[Float],
        (stride, points): (usize, usize),
        output: &mut Vec<Float>,
        mask: &mut Vec<Float>,
        mode: Mode,
        rng: &mut R,
    ) {
        super::ensure_len(output, activation.len());
        super::ensure_len(mask, activation.len());
        match mode {
            Mode::Eval => {
                output.copy_from_slice(activation);
                mask.fill(1.0);
            }
            Mode::Train => {
                let keep_scale = 1.0 / (1.0 - self.rate);
                for (row, mask_row) in mask.chunks_exact_mut(stride.max(1)).enumerate() {
                    for (i, m) in mask_row.iter_mut().enumerate() {
                        // The padding is never drawn: the number of draws is the batch's.
                        *m = if i < points && rng.random::<Float>() >= self.rate {
                            keep_scale
                        } else {
                            0.0
                        };
                    }
                    let at = row * stride;
                    for ((o, &a), &m) in output[at..at + stride]
                        .iter_mut()
                        .zip(&activation[at..at + stride])
                        .zip(mask_row.iter())
                    {
                        *o = a * m;
                    }
                }
            }
        }
    }

    /// Backward through the mask: dL/da = dL/d(output) ⊙ mask, in place in `upstream`.
    pub fn backward(upstream: &mut [Float], mask: &[Float]) {
        for (u, &m) in upstream.iter_mut().zip(mask) {
            *u *= m;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::SeededRng;
    use rand::SeedableRng;

    #[test]
    fn a_rate_of_zero_is_no_dropout_and_evaluation_is_the_identity() {
        assert_eq!(Dropout::new(0.0), None);
        assert_eq!(Dropout::new(0.95).map(|d| d.rate), Some(MAX_RATE));
        let d = Dropout { rate: 0.5 };
        let activation: Vec<Float> = (0..8).map(|i| i as Float - 3.0).collect();
        let (mut out, mut mask) = (Vec::new(), Vec::new());
        let mut rng = SeededRng::seed_from_u64(1);
        d.forward_t(&activation, (4, 4), &mut out, &mut mask, Mode::Eval, &mut rng);
        assert_eq!(out, activation);
        assert!(mask.iter().all(|&m| m == 1.0));
        // Evaluation draws nothing: the stream is where it was.
        assert_eq!(rng, SeededRng::seed_from_u64(1));
    }

    #[test]
    fn kept_outputs_are_scaled_so_the_mean_output_stays() {
        // 1000 points of one neuron whose output is 2: with p = 0.3 about 30 % are zeroed and
        // the rest read 2/0.7, so the mean stays near 2 (the standard error of the mean is
        // 2·√(p/(1−p))/√1000 ≈ 0.041; 0.15 is over 3.5 of it).
        let d = Dropout { rate: 0.3 };
        let activation = vec![2.0; 1000];
        let (mut out, mut mask) = (Vec::new(), Vec::new());
        let mut rng = SeededRng::seed_from_u64(7);
        d.forward_t(&activation, (1000, 1000), &mut out, &mut mask, Mode::Train, &mut rng);
        let dropped = out.iter().filter(|&&o| o == 0.0).count();
        assert!((250..=350).contains(&dropped), "{dropped} dropped");
        assert!(out.iter().all(|&o| o == 0.0 || (o - 2.0 / 0.7).abs() < 1e-6));
        let mean = out.iter().sum::<Float>() / 1000.0;
        assert!((mean - 2.0).abs() < 0.15, "mean {mean}");
        // The gradient flows through the kept outputs only, with the same scale.
        let mut upstream = vec![1.0; 1000];
        Dropout::backward(&mut upstream, &mask);
        assert_eq!(upstream, mask);
    }

    #[test]
    fn padding_is_never_kept_and_draws_follow_the_points() {
        let d = Dropout { rate: 0.5 };
        let activation = vec![1.0; 8];
        let (mut out, mut mask) = (Vec::new(), Vec::new());
        let mut rng = SeededRng::seed_from_u64(3);
        // Two neurons, 3 real points padded to 4.
        d.forward_t(&activation, (4, 3), &mut out, &mut mask, Mode::Train, &mut rng);
        assert_eq!((mask[3], mask[7]), (0.0, 0.0));
        let mut again = SeededRng::seed_from_u64(3);
        for _ in 0..6 {
            let _: Float = again.random();
        }
        assert_eq!(rng, again, "one draw per real point and neuron");
    }
}
