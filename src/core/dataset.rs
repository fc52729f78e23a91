//! The built-in data sets: point clouds on the plane [-PLANE, PLANE]² with class labels or
//! regression targets, each drawn by a small pure function of the count, the noise level
//! and a seeded generator, plus the shuffled train/test split.

use rand::seq::SliceRandom;
use rand::Rng;
use rand_distr::StandardNormal;

use super::choice::{Choice, ChoiceInfo};
use super::math;
use super::{Float, Problem, Sample, PLANE};

/// Which built-in point cloud to draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dataset {
    /// Two round Gaussian clouds, one per class: class c ~ N(±(2, 2), σ²), σ = 0.5 + 3·noise.
    Gaussian,
    /// Uniform points split into two classes by a straight line, with a margin:
    /// class = [0.6·x + 0.8·y > 0], margin 0.5.
    Linear,
    /// Exclusive or: the class is whether x and y have the same sign, [x·y > 0].
    Xor,
    /// One class in a disc at the centre, the other in a ring around it: class = [√(x² + y²) < 3].
    Circle,
    /// Two interleaved spiral arms: r = 0.4 + 5.1·s, θ = 3.5π·s + π·class, s ∈ [0, 1].
    Spiral,
    /// Two interlocking half circles: class 0 is 3·(cos t − ½, sin t − ¼), t ∈ [0, π]; class 1
    /// the same arc turned half a turn.
    Moons,
    /// Three Gaussian clouds labelled 0, 1 and 2: class k ~ N(3.5·(cos θₖ, sin θₖ), σ²),
    /// θₖ = 90° + 120°·k.
    Blobs3,
    /// Regression on a tilted plane: the target grows linearly with x + y, (x + y) / 12.
    Plane,
    /// Regression on a sum of Gaussian bumps and dips:
    /// target = Σᵢ hᵢ·exp(−|p − cᵢ|² / (2·wᵢ²)), clamped to [−1, 1].
    Bumps,
}

impl Choice for Dataset {
    const ALL: &'static [Self] = &[
        Dataset::Gaussian,
        Dataset::Linear,
        Dataset::Xor,
        Dataset::Circle,
        Dataset::Spiral,
        Dataset::Moons,
        Dataset::Blobs3,
        Dataset::Plane,
        Dataset::Bumps,
    ];
    const KEY: &'static str = "dataset";

    fn info(self) -> ChoiceInfo {
        let (name, en, zh) = match self {
            Dataset::Gaussian => ("gaussian", "Two Gaussian blobs", "两团高斯分布"),
            Dataset::Linear => ("linear", "Linearly separable", "线性可分"),
            Dataset::Xor => ("xor", "Exclusive or (XOR)", "异或（XOR）"),
            Dataset::Circle => ("circle", "Circle inside a ring", "圆与外环"),
            Dataset::Spiral => ("spiral", "Two spirals", "双螺旋"),
            Dataset::Moons => ("moons", "Two moons", "双月牙"),
            Dataset::Blobs3 => ("blobs3", "Three Gaussian blobs", "三团高斯分布"),
            Dataset::Plane => ("plane", "Tilted plane (regression)", "倾斜平面（回归）"),
            Dataset::Bumps => ("bumps", "Gaussian bumps (regression)", "高斯凸起（回归）"),
        };
        // Datasets are described in words (the doc comments above); no card shows a formula.
        ChoiceInfo {
            name,
            en,
            zh,
            tex: "",
            mathml: "",
            formula: "",
        }
    }
}

crate::choice_serde!(Dataset);

impl Dataset {
    /// The kind of answer this data set asks of the network.
    pub fn problem(self) -> Problem {
        match self {
            Dataset::Blobs3 => Problem::MultiClass(3),
            Dataset::Plane | Dataset::Bumps => Problem::Regression,
            Dataset::Gaussian | Dataset::Linear | Dataset::Xor | Dataset::Circle | Dataset::Spiral | Dataset::Moons => {
                Problem::Binary
            }
        }
    }

    /// Draws exactly `count` points. A pure function of `count`, `noise` (percent, 0..=50,
    /// out-of-range values clamped) and the generator passed in. Every point lies in
    /// [-PLANE, PLANE]²; classes are balanced, the remainder going to the first classes.
    pub fn generate<R: Rng + ?Sized>(self, count: usize, noise: Float, rng: &mut R) -> Vec<Sample> {
        let level = noise_level(noise);
        let classes = self.problem().classes();
        (0..count)
            .map(|i| {
                // Cycling through the classes keeps them balanced for any count.
                let class = if classes == 0 { 0 } else { i % classes };
                let sample = match self {
                    Dataset::Gaussian => gaussian(class, level, rng),
                    Dataset::Linear => linear(class, level, rng),
                    Dataset::Xor => xor(class, level, rng),
                    Dataset::Circle => circle(class, level, rng),
                    Dataset::Spiral => spiral(class, level, rng),
                    Dataset::Moons => moons(class, level, rng),
                    Dataset::Blobs3 => blobs3(class, level, rng),
                    Dataset::Plane => plane(level, rng),
                    Dataset::Bumps => bumps(level, rng),
                };
                clamp_to_plane(sample)
            })
            .collect()
    }
}

/// Shuffles deterministically with `rng` and splits into (train, test):
/// round(count · train_percent / 100) training points, at least one in each split when
/// there are two points or more.
pub fn split<R: Rng + ?Sized>(
    mut samples: Vec<Sample>,
    train_percent: Float,
    rng: &mut R,
) -> (Vec<Sample>, Vec<Sample>) {
    samples.shuffle(rng);
    let count = samples.len();
    let percent = if train_percent.is_finite() {
        train_percent.clamp(0.0, 100.0)
    } else {
        50.0
    };
    let wanted = (count as f64 * f64::from(percent) / 100.0).round() as usize;
    let train_len = if count >= 2 {
        wanted.clamp(1, count - 1)
    } else {
        wanted.min(count)
    };
    let test = samples.split_off(train_len);
    (samples, test)
}

/// Holds `val_percent` of all the points out for validation, taken from the ends of the
/// (already shuffled) training and test splits in proportion to their sizes, so the two
/// keep their ratio; each keeps at least one point. Returns the validation points, the
/// training ones first. At 0 % (or nothing to take) it changes nothing, so a run without
/// validation has exactly the points it always had.
pub fn hold_out_validation(train: &mut Vec<Sample>, test: &mut Vec<Sample>, val_percent: Float) -> Vec<Sample> {
    let count = train.len() + test.len();
    let percent = if val_percent.is_finite() {
        val_percent.clamp(0.0, 100.0)
    } else {
        0.0
    };
    let wanted = (count as f64 * f64::from(percent) / 100.0).round() as usize;
    if wanted == 0 || count == 0 {
        return Vec::new();
    }
    let from_train = ((wanted * train.len()) as f64 / count as f64).round() as usize;
    let from_train = from_train.min(train.len().saturating_sub(1));
    let from_test = (wanted - from_train.min(wanted)).min(test.len().saturating_sub(1));
    let mut val = train.split_off(train.len() - from_train);
    val.extend(test.split_off(test.len() - from_test));
    val
}

/// The noise percent as a fraction in [0, 0.5]; anything unreadable counts as no noise.
fn noise_level(noise: Float) -> Float {
    if noise.is_finite() {
        (noise / 100.0).clamp(0.0, 0.5)
    } else {
        0.0
    }
}

fn clamp_to_plane(sample: Sample) -> Sample {
    Sample {
        x: sample.x.clamp(-PLANE, PLANE),
        y: sample.y.clamp(-PLANE, PLANE),
        ..sample
    }
}

fn class_sample(x: Float, y: Float, class: usize) -> Sample {
    Sample {
        x,
        y,
        label: class as Float,
    }
}

/// A uniform offset in the square [-amount, amount]².
fn jitter<R: Rng + ?Sized>(amount: Float, rng: &mut R) -> (Float, Float) {
    if amount <= 0.0 {
        return (0.0, 0.0);
    }
    (rng.random_range(-amount..=amount), rng.random_range(-amount..=amount))
}

/// A Gaussian offset with deviation `sigma`, capped at 5σ from the centre so that at the
/// smallest σ neighbouring clouds never touch (their centres are more than 5.6σ apart from
/// the dividing line).
fn gaussian_offset<R: Rng + ?Sized>(sigma: Float, rng: &mut R) -> (Float, Float) {
    let dx: Float = rng.sample::<Float, _>(StandardNormal) * sigma;
    let dy: Float = rng.sample::<Float, _>(StandardNormal) * sigma;
    let length = (dx * dx + dy * dy).sqrt();
    let cap = 5.0 * sigma;
    if length > cap {
        (dx * cap / length, dy * cap / length)
    } else {
        (dx, dy)
    }
}

/// The spread of the Gaussian clouds: tight at no noise, wide enough to overlap at 50 %.
fn blob_sigma(level: Float) -> Float {
    0.5 + 3.0 * level
}

fn gaussian<R: Rng + ?Sized>(class: usize, level: Float, rng: &mut R) -> Sample {
    let centre = if class == 1 { 2.0 } else { -2.0 };
    let (dx, dy) = gaussian_offset(blob_sigma(level), rng);
    class_sample(centre + dx, centre + dy, class)
}

fn blobs3<R: Rng + ?Sized>(class: usize, level: Float, rng: &mut R) -> Sample {
    let angle = (90.0 + 120.0 * class as Float).to_radians();
    let (dx, dy) = gaussian_offset(blob_sigma(level), rng);
    class_sample(3.5 * math::cos(angle) + dx, 3.5 * math::sin(angle) + dy, class)
}

fn linear<R: Rng + ?Sized>(class: usize, level: Float, rng: &mut R) -> Sample {
    const MARGIN: Float = 0.5;
    let wanted_side: Float = if class == 1 { 1.0 } else { -1.0 };
    // Rejection sampling keeps the points uniform on their side of the line; about half
    // of all draws land on the wanted side, so the loop ends after a few tries.
    let (x, y) = loop {
        let x = rng.random_range(-PLANE..=PLANE);
        let y = rng.random_range(-PLANE..=PLANE);
        if (0.6 * x + 0.8 * y) * wanted_side >= MARGIN {
            break (x, y);
        }
    };
    let (dx, dy) = jitter(4.0 * level, rng);
    class_sample(x + dx, y + dy, class)
}

fn xor<R: Rng + ?Sized>(class: usize, level: Float, rng: &mut R) -> Sample {
    // The margin keeps clean points off the axes, where the class flips.
    let along_x = rng.random_range(0.8..=5.7);
    let along_y = rng.random_range(0.8..=5.7);
    let sign_x: Float = if rng.random::<bool>() { 1.0 } else { -1.0 };
    // Class 1 has x and y of the same sign.
    let sign_y = if class == 1 { sign_x } else { -sign_x };
    let (dx, dy) = jitter(5.0 * level, rng);
    class_sample(sign_x * along_x + dx, sign_y * along_y + dy, class)
}

fn circle<R: Rng + ?Sized>(class: usize, level: Float, rng: &mut R) -> Sample {
    // Class 1 fills the disc of radius 2.5, class 0 the ring 3.5..5.5; the gap is the margin.
    let radius = if class == 1 {
        rng.random_range(0.0..=2.5)
    } else {
        rng.random_range(3.5..=5.5)
    };
    let angle = rng.random_range(0.0..std::f32::consts::TAU);
    let (dx, dy) = jitter(4.0 * level, rng);
    class_sample(radius * math::cos(angle) + dx, radius * math::sin(angle) + dy, class)
}

fn spiral<R: Rng + ?Sized>(class: usize, level: Float, rng: &mut R) -> Sample {
    let s: Float = rng.random();
    let radius = 0.4 + 5.1 * s;
    // The second arm is the first turned half a turn, so the arms stay about 1.4 apart.
    let angle = 3.5 * std::f32::consts::PI * s + std::f32::consts::PI * class as Float;
    let (dx, dy) = jitter(2.0 * level, rng);
    class_sample(radius * math::cos(angle) + dx, radius * math::sin(angle) + dy, class)
}

fn moons<R: Rng + ?Sized>(class: usize, level: Float, rng: &mut R) -> Sample {
    let t = rng.random_range(0.0..=std::f32::consts::PI);
    let x = 3.0 * (math::cos(t) - 0.5);
    let y = 3.0 * (math::sin(t) - 0.25);
    // The lower moon is the upper one turned half a turn about the origin.
    let turn: Float = if class == 1 { -1.0 } else { 1.0 };
    let sigma = 1.8 * level;
    let dx = rng.sample::<Float, _>(StandardNormal) * sigma;
    let dy = rng.sample::<Float, _>(StandardNormal) * sigma;
    class_sample(turn * x + dx, turn * y + dy, class)
}

/// A uniform point; the target is read at a jittered copy of it, so noise blurs the target
/// rather than moving the point.
fn regression_point<R: Rng + ?Sized>(jitter_amount: Float, target: fn(Float, Float) -> Float, rng: &mut R) -> Sample {
    let x = rng.random_range(-PLANE..=PLANE);
    let y = rng.random_range(-PLANE..=PLANE);
    let (dx, dy) = jitter(jitter_amount, rng);
    Sample {
        x,
        y,
        label: target(x + dx, y + dy).clamp(-1.0, 1.0),
    }
}

fn plane<R: Rng + ?Sized>(level: Float, rng: &mut R) -> Sample {
    regression_point(6.0 * level, plane_target, rng)
}

/// (x + y) / (2·PLANE): -1 at one corner of the plane, 1 at the opposite one.
fn plane_target(x: Float, y: Float) -> Float {
    (x + y) / (2.0 * PLANE)
}

fn bumps<R: Rng + ?Sized>(level: Float, rng: &mut R) -> Sample {
    regression_point(4.0 * level, bumps_target, rng)
}

/// (centre x, centre y, height, width) of each bump; far enough apart that the sum stays
/// close to [-1, 1] before clamping.
const BUMPS: [(Float, Float, Float, Float); 5] = [
    (-3.0, 3.0, 1.0, 1.5),
    (3.0, 3.0, -1.0, 1.5),
    (3.0, -3.0, 1.0, 1.5),
    (-3.0, -3.0, -1.0, 1.5),
    (0.0, 0.0, 0.8, 1.2),
];

fn bumps_target(x: Float, y: Float) -> Float {
    BUMPS
        .iter()
        .map(|&(cx, cy, height, width)| {
            let distance2 = (x - cx).powi(2) + (y - cy).powi(2);
            height * math::exp(-distance2 / (2.0 * width * width))
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::SeededRng;
    use rand::SeedableRng;

    fn draw(dataset: Dataset, count: usize, noise: Float, seed: u64) -> Vec<Sample> {
        dataset.generate(count, noise, &mut SeededRng::seed_from_u64(seed))
    }

    fn class_counts(samples: &[Sample], classes: usize) -> Vec<usize> {
        let mut counts = vec![0; classes];
        for s in samples {
            counts[s.label as usize] += 1;
        }
        counts
    }

    #[test]
    fn counts_are_exact() {
        for &d in Dataset::ALL {
            for count in [0, 1, 2, 7, 100, 301] {
                assert_eq!(draw(d, count, 10.0, 1).len(), count, "{d:?} {count}");
            }
        }
    }

    #[test]
    fn same_seed_same_points_and_different_seed_different_points() {
        for &d in Dataset::ALL {
            for noise in [0.0, 25.0] {
                assert_eq!(draw(d, 50, noise, 7), draw(d, 50, noise, 7), "{d:?}");
                assert_ne!(draw(d, 50, noise, 7), draw(d, 50, noise, 8), "{d:?}");
            }
        }
    }

    #[test]
    fn points_stay_on_the_plane() {
        for &d in Dataset::ALL {
            for noise in [0.0, 50.0, 500.0] {
                for s in draw(d, 500, noise, 3) {
                    assert!(s.x.abs() <= PLANE && s.y.abs() <= PLANE, "{d:?} {s:?}");
                    assert!(s.label.is_finite());
                }
            }
        }
    }

    #[test]
    fn classes_are_balanced() {
        for &d in Dataset::ALL {
            let classes = d.problem().classes();
            if classes == 0 {
                continue;
            }
            for count in [9, 100, 101] {
                let counts = class_counts(&draw(d, count, 20.0, 4), classes);
                let low = count / classes;
                assert!(counts.iter().all(|&c| c == low || c == low + 1), "{d:?} {counts:?}");
                assert_eq!(counts.iter().sum::<usize>(), count);
            }
        }
        assert_eq!(class_counts(&draw(Dataset::Xor, 100, 0.0, 1), 2), vec![50, 50]);
        assert_eq!(class_counts(&draw(Dataset::Blobs3, 10, 0.0, 1), 3), vec![4, 3, 3]);
    }

    #[test]
    fn labels_fit_the_problem() {
        assert_eq!(Dataset::Blobs3.problem(), Problem::MultiClass(3));
        assert_eq!(Dataset::Bumps.problem(), Problem::Regression);
        assert_eq!(Dataset::Spiral.problem(), Problem::Binary);
        for &d in Dataset::ALL {
            for s in draw(d, 400, 50.0, 5) {
                match d.problem() {
                    Problem::Regression => assert!((-1.0..=1.0).contains(&s.label), "{d:?}"),
                    p => assert!(s.label.fract() == 0.0 && (s.label as usize) < p.classes()),
                }
            }
        }
    }

    #[test]
    fn regression_targets_use_the_whole_range() {
        for d in [Dataset::Plane, Dataset::Bumps] {
            let samples = draw(d, 2000, 0.0, 6);
            let max = samples.iter().map(|s| s.label).fold(Float::MIN, Float::max);
            let min = samples.iter().map(|s| s.label).fold(Float::MAX, Float::min);
            assert!(max > 0.7 && min < -0.7, "{d:?} {min} {max}");
        }
    }

    #[test]
    fn clean_xor_labels_follow_the_sign_of_xy() {
        for s in draw(Dataset::Xor, 500, 0.0, 9) {
            assert_eq!(s.label, if s.x * s.y > 0.0 { 1.0 } else { 0.0 }, "{s:?}");
            assert!(s.x.abs() >= 0.3 && s.y.abs() >= 0.3);
        }
    }

    #[test]
    fn clean_circle_labels_follow_the_radius() {
        for s in draw(Dataset::Circle, 500, 0.0, 10) {
            let inside = (s.x * s.x + s.y * s.y).sqrt() < 3.0;
            assert_eq!(s.label, if inside { 1.0 } else { 0.0 }, "{s:?}");
        }
    }

    #[test]
    fn clean_two_class_sets_are_separable_by_their_rule() {
        for s in draw(Dataset::Gaussian, 500, 0.0, 11) {
            assert_eq!(s.label, if s.x + s.y > 0.0 { 1.0 } else { 0.0 });
        }
        for s in draw(Dataset::Linear, 500, 0.0, 12) {
            assert_eq!(s.label, if 0.6 * s.x + 0.8 * s.y > 0.0 { 1.0 } else { 0.0 });
        }
    }

    #[test]
    fn noise_makes_classes_overlap() {
        // At 50 % noise some xor points cross into the other class's quadrant.
        let crossed = draw(Dataset::Xor, 500, 50.0, 13)
            .iter()
            .filter(|s| (s.x * s.y > 0.0) != (s.label == 1.0))
            .count();
        assert!(crossed > 25, "{crossed}");
        let crossed = draw(Dataset::Gaussian, 500, 50.0, 13)
            .iter()
            .filter(|s| (s.x + s.y > 0.0) != (s.label == 1.0))
            .count();
        assert!(crossed > 25, "{crossed}");
    }

    #[test]
    fn split_sizes() {
        let samples = draw(Dataset::Gaussian, 100, 0.0, 1);
        let mut rng = SeededRng::seed_from_u64(2);
        let (train, test) = split(samples.clone(), 70.0, &mut rng);
        assert_eq!((train.len(), test.len()), (70, 30));
        let (train, test) = split(samples.clone(), 0.0, &mut rng);
        assert_eq!((train.len(), test.len()), (1, 99));
        let (train, test) = split(samples.clone(), 100.0, &mut rng);
        assert_eq!((train.len(), test.len()), (99, 1));
        let (train, test) = split(draw(Dataset::Gaussian, 3, 0.0, 1), 50.0, &mut rng);
        assert_eq!((train.len(), test.len()), (2, 1));
        let (train, test) = split(Vec::new(), 50.0, &mut rng);
        assert!(train.is_empty() && test.is_empty());
        let (train, test) = split(draw(Dataset::Gaussian, 1, 0.0, 1), 80.0, &mut rng);
        assert_eq!((train.len(), test.len()), (1, 0));
    }

    #[test]
    fn split_is_deterministic_and_keeps_every_point() {
        let samples = draw(Dataset::Spiral, 60, 10.0, 1);
        let a = split(samples.clone(), 50.0, &mut SeededRng::seed_from_u64(3));
        let b = split(samples.clone(), 50.0, &mut SeededRng::seed_from_u64(3));
        assert_eq!(a, b);
        let mut all: Vec<Sample> = a.0.into_iter().chain(a.1).collect();
        let mut original = samples;
        let key = |s: &Sample| (s.x.to_bits(), s.y.to_bits(), s.label.to_bits());
        all.sort_by_key(key);
        original.sort_by_key(key);
        assert_eq!(all, original);
    }

    #[test]
    fn validation_comes_from_both_splits_in_proportion_and_keeps_them_disjoint() {
        let samples = draw(Dataset::Spiral, 500, 10.0, 1);
        let (train0, test0) = split(samples.clone(), 70.0, &mut SeededRng::seed_from_u64(3));
        let (mut train, mut test) = (train0.clone(), test0.clone());
        let val = hold_out_validation(&mut train, &mut test, 20.0);
        // 100 points: 70 from training, 30 from test; the rest keep their 70:30 ratio.
        assert_eq!((train.len(), val.len(), test.len()), (280, 100, 120));
        assert_eq!(&train0[..280], &train[..]);
        assert_eq!(&test0[..120], &test[..]);
        let key = |s: &Sample| (s.x.to_bits(), s.y.to_bits(), s.label.to_bits());
        let mut all: Vec<_> = train.iter().chain(&val).chain(&test).map(key).collect();
        let mut original: Vec<_> = samples.iter().map(key).collect();
        all.sort_unstable();
        original.sort_unstable();
        assert_eq!(all, original, "every point in exactly one split");
        // 0 % changes nothing; tiny sets keep a point in each split.
        let (mut a, mut b) = (train0.clone(), test0.clone());
        assert!(hold_out_validation(&mut a, &mut b, 0.0).is_empty());
        assert_eq!((a, b), (train0, test0));
        let (mut a, mut b) = split(draw(Dataset::Xor, 3, 0.0, 1), 50.0, &mut SeededRng::seed_from_u64(1));
        let val = hold_out_validation(&mut a, &mut b, 40.0);
        assert_eq!((a.len(), val.len(), b.len()), (1, 1, 1));
        let (mut a, mut b) = (vec![samples[0]], Vec::new());
        assert!(hold_out_validation(&mut a, &mut b, 40.0).is_empty());
        assert_eq!(a.len(), 1);
    }

    #[test]
    fn names_parse_back() {
        for &d in Dataset::ALL {
            assert_eq!(Dataset::parse(d.name()), Ok(d));
            assert!(!d.info().zh.is_empty());
        }
        assert!(Dataset::parse("nope").is_err());
        assert_eq!(
            serde_json::to_string(&Dataset::Blobs3).ok().as_deref(),
            Some("\"blobs3\"")
        );
    }
}
