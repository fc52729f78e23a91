//! Where a chart's axis puts its labelled ticks: "nice" numbers, 1, 2 or 5 times a power of
//! ten apart on a linear axis, whole decades (or 1-2-5 within them) on a log axis. Pure math
//! for the page's charts (`src/web/chart.rs`), which only format and draw what this picks.

/// One labelled tick: its value and how many decimals print it exactly (0.25 needs 2).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tick {
    pub value: f64,
    pub decimals: usize,
}

/// n·10^k, exact for the ticks an axis meets: a division by the exact 10^−k for k < 0, so
/// 3·10^−1 is the double nearest 0.3 (3 × 0.1 would be 0.30000000000000004).
fn scaled(n: i64, k: i32) -> f64 {
    if k >= 0 {
        n as f64 * 10f64.powi(k)
    } else {
        n as f64 / 10f64.powi(-k)
    }
}

/// Relative slack at the ends of a range, so a bound that is itself a tick (0, or 10^k
/// computed through a logarithm) counts as inside.
const SLACK: f64 = 1e-9;

/// Ticks on a linear axis over [lo, hi]: every multiple of the smallest step m·10^k (m in
/// 1, 2, 5) that puts at most `max` of them in the range. `whole` keeps the step at 1 or
/// more (epochs are whole numbers). Empty for an empty or non-finite range or `max` 0.
pub fn linear_ticks(lo: f64, hi: f64, max: usize, whole: bool) -> Vec<Tick> {
    let span = hi - lo;
    if !(span > 0.0 && span.is_finite()) || max == 0 {
        return Vec::new();
    }
    // One step below the ideal span/max, so the search below starts under the answer.
    let mut k = (span / max as f64).log10().floor() as i32 - 1;
    if whole {
        k = k.max(0);
    }
    loop {
        for m in [1, 2, 5] {
            let step = scaled(m, k);
            let first = (lo / step - SLACK).ceil() as i64;
            let last = (hi / step + SLACK).floor() as i64;
            if last - first < max as i64 {
                let decimals = (-k).max(0) as usize;
                return (first..=last)
                    .map(|i| Tick {
                        value: scaled(i * m, k),
                        decimals,
                    })
                    .collect();
            }
        }
        k += 1;
    }
}

/// Ticks on a log axis over [lo, hi] (0 < lo < hi): the powers of ten inside, every n-th
/// decade when more than `max` of them (n the smallest that fits, decades whose exponent is
/// a multiple of n, so labels stay put as the range grows); with fewer than two decades, 1,
/// 2 and 5 times them, then every whole multiple 1-9 of them; with still fewer than two,
/// or more than `max` of those, linear ticks over the range. Each tick carries its own
/// decimals (0.01 two, 10 none).
pub fn log_ticks(lo: f64, hi: f64, max: usize) -> Vec<Tick> {
    if !(lo > 0.0 && hi > lo && hi.is_finite()) || max == 0 {
        return Vec::new();
    }
    let (low, high) = (lo.log10().floor() as i32, hi.log10().floor() as i32);
    let inside = |v: f64| v >= lo * (1.0 - SLACK) && v <= hi * (1.0 + SLACK);
    let multiples: [&[i64]; 3] = [&[1], &[1, 2, 5], &[1, 2, 3, 4, 5, 6, 7, 8, 9]];
    for (set, ms) in multiples.into_iter().enumerate() {
        // (tick, its decade's exponent)
        let ticks: Vec<(Tick, i32)> = (low..=high)
            .flat_map(|k| ms.iter().map(move |&m| (scaled(m, k), k)))
            .filter(|&(value, _)| inside(value))
            .map(|(value, k)| {
                let decimals = (-k).max(0) as usize;
                (Tick { value, decimals }, k)
            })
            .collect();
        if ticks.len() < 2 {
            continue;
        }
        if set == 0 {
            let every = ticks.len().div_ceil(max) as i32;
            return ticks
                .into_iter()
                .filter(|(_, k)| k.rem_euclid(every) == 0)
                .map(|(t, _)| t)
                .collect();
        }
        if ticks.len() <= max {
            return ticks.into_iter().map(|(t, _)| t).collect();
        }
        break;
    }
    linear_ticks(lo, hi, max, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(ticks: &[Tick]) -> Vec<f64> {
        ticks.iter().map(|t| t.value).collect()
    }

    fn decimals(ticks: &[Tick]) -> Vec<usize> {
        ticks.iter().map(|t| t.decimals).collect()
    }

    #[test]
    fn linear_steps_are_one_two_five() {
        // A loss chart's 0 to 0.72 with at most 5 ticks: step 0.1 would give 8 (0 … 0.7),
        // step 0.2 gives 0, 0.2, 0.4, 0.6: four, with one decimal.
        let t = linear_ticks(0.0, 0.72, 5, false);
        assert_eq!(values(&t), [0.0, 0.2, 0.4, 0.6]);
        assert_eq!(decimals(&t), [1; 4]);
        // 0 to 1.05: step 0.2 gives six (0 … 1.0), too many; 0.5 gives 0, 0.5, 1.
        assert_eq!(values(&linear_ticks(0.0, 1.05, 5, false)), [0.0, 0.5, 1.0]);
        // The activation chart's z from −6 to 6 with 7: step 1 gives 13, 2 gives exactly 7.
        let t = linear_ticks(-6.0, 6.0, 7, false);
        assert_eq!(values(&t), [-6.0, -4.0, -2.0, 0.0, 2.0, 4.0, 6.0]);
        assert_eq!(decimals(&t), [0; 7]);
        // Its f from −1.12 to 1.12 with 5: 0.2 gives eleven (−1 … 1), 0.5 gives five.
        assert_eq!(
            values(&linear_ticks(-1.12, 1.12, 5, false)),
            [-1.0, -0.5, 0.0, 0.5, 1.0]
        );
        // Small values: 0.0031 to 0.0049 with 5: step 0.0002 gives 0.0032 … 0.0048 (nine),
        // 0.0005 gives 0.0035, 0.004, 0.0045 with four decimals, each the double nearest.
        let t = linear_ticks(0.0031, 0.0049, 5, false);
        assert_eq!(values(&t), [0.0035, 0.004, 0.0045]);
        assert_eq!(decimals(&t), [4; 3]);
        // Large values: 0 to 12 000 with 4: 2000 gives seven, 5000 gives 0, 5000, 10 000.
        assert_eq!(values(&linear_ticks(0.0, 12_000.0, 4, false)), [0.0, 5000.0, 10_000.0]);
    }

    #[test]
    fn whole_ticks_never_fall_between_epochs() {
        // 0 to 66 epochs with 5: step 10 gives seven, 20 gives 0, 20, 40, 60.
        assert_eq!(values(&linear_ticks(0.0, 66.0, 5, true)), [0.0, 20.0, 40.0, 60.0]);
        // Epoch 1: a fractional step would put a tick at 0.5; whole steps give 0 and 1.
        let t = linear_ticks(0.0, 1.0, 5, true);
        assert_eq!(values(&t), [0.0, 1.0]);
        assert_eq!(decimals(&t), [0, 0]);
        // 3 to 7 with 5: step 1 fits exactly.
        assert_eq!(values(&linear_ticks(3.0, 7.0, 5, true)), [3.0, 4.0, 5.0, 6.0, 7.0]);
        // 24 epochs with 5: step 5 gives 0, 5, 10, 15, 20.
        assert_eq!(values(&linear_ticks(0.0, 24.0, 5, true)), [0.0, 5.0, 10.0, 15.0, 20.0]);
    }

    #[test]
    fn degenerate_ranges_give_no_ticks() {
        assert!(linear_ticks(1.0, 1.0, 5, false).is_empty());
        assert!(linear_ticks(2.0, 1.0, 5, false).is_empty());
        assert!(linear_ticks(0.0, f64::INFINITY, 5, false).is_empty());
        assert!(linear_ticks(0.0, 1.0, 0, false).is_empty());
        assert!(log_ticks(0.0, 1.0, 5).is_empty());
        assert!(log_ticks(1.0, 1.0, 5).is_empty());
        assert!(log_ticks(1.0, f64::NAN, 5).is_empty());
    }

    #[test]
    fn log_ticks_are_decades() {
        // A gradient chart's 0.009 to 0.18: decades 0.01 and 0.1, two and one decimals.
        let t = log_ticks(0.009, 0.18, 5);
        assert_eq!(values(&t), [0.01, 0.1]);
        assert_eq!(decimals(&t), [2, 1]);
        // 1e−7 to 1000 holds eleven decades (k = −7 … 3); at most 5 means every
        // ceil(11/5) = 3rd, those with k a multiple of 3: 1e−6, 1e−3, 1, 1000.
        let t = log_ticks(1e-7, 1e3, 5);
        assert_eq!(values(&t), [1e-6, 1e-3, 1.0, 1000.0]);
        assert_eq!(decimals(&t), [6, 3, 0, 0]);
        // Exactly five decades fit 5 (k = −4 … 0).
        assert_eq!(values(&log_ticks(1e-4, 1.0, 5)), [1e-4, 1e-3, 0.01, 0.1, 1.0]);
    }

    #[test]
    fn narrow_log_ranges_use_multiples_then_linear_ticks() {
        // A log loss chart from 0.25 to 1.1: one decade (1), so 1-2-5: 0.5 and 1 (0.2 is
        // below the range, 2 above).
        let t = log_ticks(0.25, 1.1, 5);
        assert_eq!(values(&t), [0.5, 1.0]);
        assert_eq!(decimals(&t), [1, 0]);
        // 0.12 to 0.95 holds no decade; 1-2-5 gives 0.2 and 0.5.
        assert_eq!(values(&log_ticks(0.12, 0.95, 5)), [0.2, 0.5]);
        // 0.35 to 0.45: no 1-2-5 at all; 1-9 gives 0.4 alone; so linear ticks: step 0.02
        // gives 0.36 … 0.44 (five).
        assert_eq!(values(&log_ticks(0.35, 0.45, 5)), [0.36, 0.38, 0.4, 0.42, 0.44]);
        // 0.35 to 0.95 with 5: 1-2-5 gives 0.5 alone, 1-9 gives 0.4 … 0.9 (six, too
        // many), so linear: step 0.1 gives six too, 0.2 gives 0.4, 0.6, 0.8.
        assert_eq!(values(&log_ticks(0.35, 0.95, 5)), [0.4, 0.6, 0.8]);
    }
}
