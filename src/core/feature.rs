//! Input features: the functions of a point (x, y) fed to the network, their
//! normalization fitted on the training split, and the batched input matrix.

use nalgebra::DMatrix;

use super::choice::{Choice, ChoiceInfo};
use super::math;
use super::text::message;
use super::{Float, Lang, Sample};

/// One input of the network, computed from the point's coordinates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Feature {
    /// The x coordinate.
    X,
    /// The y coordinate.
    Y,
    /// x squared.
    X2,
    /// y squared.
    Y2,
    /// The product x·y.
    XY,
    /// sin x.
    SinX,
    /// sin y.
    SinY,
    /// cos x.
    CosX,
    /// cos y.
    CosY,
}

impl Choice for Feature {
    const ALL: &'static [Self] = &[
        Feature::X,
        Feature::Y,
        Feature::X2,
        Feature::Y2,
        Feature::XY,
        Feature::SinX,
        Feature::SinY,
        Feature::CosX,
        Feature::CosY,
    ];
    const KEY: &'static str = "features";

    fn info(self) -> ChoiceInfo {
        // The plain text of these formulas is the features' short label (x², sin x).
        let (name, en, zh, (tex, mathml, formula)) = match self {
            Feature::X => ("x", "x coordinate", "x 坐标", crate::tex!(r"x")),
            Feature::Y => ("y", "y coordinate", "y 坐标", crate::tex!(r"y")),
            Feature::X2 => ("x2", "x squared", "x 的平方", crate::tex!(r"x^2")),
            Feature::Y2 => ("y2", "y squared", "y 的平方", crate::tex!(r"y^2")),
            Feature::XY => ("xy", "Product x·y", "乘积 x·y", crate::tex!(r"x \cdot y")),
            Feature::SinX => ("sinx", "Sine of x", "x 的正弦", crate::tex!(r"\sin x")),
            Feature::SinY => ("siny", "Sine of y", "y 的正弦", crate::tex!(r"\sin y")),
            Feature::CosX => ("cosx", "Cosine of x", "x 的余弦", crate::tex!(r"\cos x")),
            Feature::CosY => ("cosy", "Cosine of y", "y 的余弦", crate::tex!(r"\cos y")),
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

crate::choice_serde!(Feature);

impl Feature {
    /// The feature as a NumPy expression of the coordinate arrays x and y, for the
    /// exported script ([`crate::core::export_python`]).
    pub fn numpy(self) -> &'static str {
        match self {
            Feature::X => "x",
            Feature::Y => "y",
            Feature::X2 => "x ** 2",
            Feature::Y2 => "y ** 2",
            Feature::XY => "x * y",
            Feature::SinX => "np.sin(x)",
            Feature::SinY => "np.sin(y)",
            Feature::CosX => "np.cos(x)",
            Feature::CosY => "np.cos(y)",
        }
    }

    /// The feature's value at the point (x, y), before normalization.
    pub fn value(self, x: Float, y: Float) -> Float {
        match self {
            Feature::X => x,
            Feature::Y => y,
            Feature::X2 => x * x,
            Feature::Y2 => y * y,
            Feature::XY => x * y,
            Feature::SinX => math::sin(x),
            Feature::SinY => math::sin(y),
            Feature::CosX => math::cos(x),
            Feature::CosY => math::cos(y),
        }
    }
}

/// Why a feature list was refused.
#[derive(Clone, Debug, PartialEq)]
pub enum FeatureListError {
    /// A name that is not a feature (shortened for quoting).
    Unknown(String),
    /// A feature listed twice.
    Repeated(Feature),
    /// No feature at all.
    Empty,
}

impl FeatureListError {
    /// The explanation in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let names: Vec<&str> = Feature::ALL.iter().map(|f| f.name()).collect();
        let names = names.join(", ");
        match self {
            FeatureListError::Unknown(name) => message(lang, "features-unknown", &[("name", name), ("names", &names)]),
            FeatureListError::Repeated(f) => message(lang, "features-repeated", &[("name", &f.name())]),
            FeatureListError::Empty => message(lang, "features-empty", &[("names", &names)]),
        }
    }
}

impl std::fmt::Display for FeatureListError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

/// Reads a comma-separated feature list such as `x,y,x2`. Blanks around names and empty
/// entries are ignored; unknown names, repeated names and an empty list are errors, since
/// the network needs at least one input and each input once.
pub fn parse_feature_list(text: &str) -> Result<Vec<Feature>, FeatureListError> {
    let mut features = Vec::new();
    for piece in text.split(',').map(str::trim).filter(|piece| !piece.is_empty()) {
        let feature = Feature::parse(piece).map_err(|_| FeatureListError::Unknown(super::config::shorten(piece)))?;
        if features.contains(&feature) {
            return Err(FeatureListError::Repeated(feature));
        }
        features.push(feature);
    }
    if features.is_empty() {
        return Err(FeatureListError::Empty);
    }
    Ok(features)
}

/// The config spelling of a feature list, e.g. `x,y,x2`; [`parse_feature_list`] reads it back.
pub fn feature_list_string(features: &[Feature]) -> String {
    let names: Vec<&str> = features.iter().map(|f| f.name()).collect();
    names.join(",")
}

/// How each feature is rescaled before it reaches the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Normalize {
    /// Values are used as they are.
    #[default]
    None,
    /// z-score: subtract the training mean, divide by the training standard deviation.
    Standard,
    /// Map the training range [min, max] onto [0, 1].
    MinMax,
}

impl Choice for Normalize {
    const ALL: &'static [Self] = &[Normalize::None, Normalize::Standard, Normalize::MinMax];
    const KEY: &'static str = "normalize";

    fn info(self) -> ChoiceInfo {
        let (name, en, zh, (tex, mathml, formula)) = match self {
            Normalize::None => ("none", "No normalization", "不归一化", crate::tex!(r"v")),
            Normalize::Standard => (
                "standard",
                "Standardization (z-score)",
                "标准化（z 分数）",
                crate::tex!(r"\frac{v - \text{mean}}{\text{std}}"),
            ),
            Normalize::MinMax => (
                "minmax",
                "Min–max scaling",
                "最小-最大归一化",
                crate::tex!(r"\frac{v - \text{min}}{\text{max} - \text{min}}"),
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

crate::choice_serde!(Normalize);

/// Per-feature affine map fitted on the training split:
/// normalized = (value − shift) / scale, one shift and scale per feature.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Normalizer {
    /// The method the map was fitted with.
    pub method: Normalize,
    /// Subtracted from each feature (mean or minimum), one per feature.
    pub shift: Vec<Float>,
    /// Divides each feature after the shift (deviation or range), never zero.
    pub scale: Vec<Float>,
}

impl Normalizer {
    /// The map that leaves `len` features unchanged: method None, shift 0, scale 1.
    pub fn identity(len: usize) -> Self {
        Normalizer {
            method: Normalize::None,
            shift: vec![0.0; len],
            scale: vec![1.0; len],
        }
    }

    /// Fits the map of `method` on the training samples. A constant feature (zero
    /// deviation or range) or an empty training set gets scale 1, so nothing divides by zero.
    pub fn fit(method: Normalize, features: &[Feature], train: &[Sample]) -> Self {
        let mut normalizer = Normalizer::identity(features.len());
        normalizer.method = method;
        if train.is_empty() {
            return normalizer;
        }
        for ((feature, shift), scale) in features.iter().zip(&mut normalizer.shift).zip(&mut normalizer.scale) {
            // f64 sums keep the mean exact enough that a constant feature shows zero spread.
            let values = train.iter().map(|s| f64::from(feature.value(s.x, s.y)));
            let (centre, spread) = match method {
                Normalize::None => continue,
                Normalize::Standard => {
                    let n = train.len() as f64;
                    let mean = values.clone().sum::<f64>() / n;
                    let variance = values.map(|v| (v - mean).powi(2)).sum::<f64>() / n;
                    (mean, variance.sqrt())
                }
                Normalize::MinMax => {
                    let min = values.clone().fold(f64::INFINITY, f64::min);
                    let max = values.fold(f64::NEG_INFINITY, f64::max);
                    (min, max - min)
                }
            };
            *shift = centre as Float;
            // A spread lost in rounding noise means the feature is constant.
            let tiny = 1e-9 * centre.abs().max(1.0);
            *scale = if spread.is_finite() && spread > tiny {
                spread as Float
            } else {
                1.0
            };
        }
        normalizer
    }

    /// Normalizes one value of feature number `index`; an index beyond the fitted
    /// features passes the value through unchanged.
    pub fn apply(&self, index: usize, value: Float) -> Float {
        let shift = self.shift.get(index).copied().unwrap_or(0.0);
        let scale = self.scale.get(index).copied().unwrap_or(1.0);
        (value - shift) / scale
    }
}

/// Fills `out` with the normalized inputs of `points`: row i is feature i, column j is
/// point j. `out` is resized to features.len() × points.len() only when its shape differs,
/// so a reused matrix costs no allocation.
pub fn fill_inputs(features: &[Feature], normalizer: &Normalizer, points: &[(Float, Float)], out: &mut DMatrix<Float>) {
    fill(features, normalizer, points.iter().copied(), points.len(), out);
}

/// Same as [`fill_inputs`], taking the coordinates of `samples`.
pub fn fill_inputs_from_samples(
    features: &[Feature],
    normalizer: &Normalizer,
    samples: &[Sample],
    out: &mut DMatrix<Float>,
) {
    fill(
        features,
        normalizer,
        samples.iter().map(|s| (s.x, s.y)),
        samples.len(),
        out,
    );
}

fn fill(
    features: &[Feature],
    normalizer: &Normalizer,
    points: impl Iterator<Item = (Float, Float)>,
    count: usize,
    out: &mut DMatrix<Float>,
) {
    if out.shape() != (features.len(), count) {
        *out = DMatrix::zeros(features.len(), count);
    }
    for (mut column, (x, y)) in out.column_iter_mut().zip(points) {
        for (cell, (index, feature)) in column.iter_mut().zip(features.iter().enumerate()) {
            *cell = normalizer.apply(index, feature.value(x, y));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(x: Float, y: Float) -> Sample {
        Sample { x, y, label: 0.0 }
    }

    fn train() -> Vec<Sample> {
        vec![sample(-2.0, 1.0), sample(0.5, 3.0), sample(3.0, -4.0), sample(1.0, 0.0)]
    }

    fn column_values(features: &[Feature], n: &Normalizer, train: &[Sample]) -> DMatrix<Float> {
        let mut out = DMatrix::zeros(0, 0);
        fill_inputs_from_samples(features, n, train, &mut out);
        out
    }

    #[test]
    fn values() {
        assert_eq!(Feature::X2.value(3.0, 2.0), 9.0);
        assert_eq!(Feature::XY.value(3.0, -2.0), -6.0);
        assert_eq!(Feature::CosY.value(1.0, 0.0), 1.0);
        assert!((Feature::SinX.value(std::f32::consts::FRAC_PI_2, 0.0) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn standard_gives_zero_mean_unit_deviation() {
        let features = [Feature::X, Feature::Y, Feature::XY];
        let n = Normalizer::fit(Normalize::Standard, &features, &train());
        let m = column_values(&features, &n, &train());
        for row in m.row_iter() {
            let mean = row.mean();
            let std = (row.iter().map(|v| (v - mean).powi(2)).sum::<Float>() / row.len() as Float).sqrt();
            assert!(mean.abs() < 1e-5 && (std - 1.0).abs() < 1e-5, "{mean} {std}");
        }
    }

    #[test]
    fn minmax_maps_the_training_range_to_unit() {
        let features = [Feature::X, Feature::Y2, Feature::SinY];
        let n = Normalizer::fit(Normalize::MinMax, &features, &train());
        let m = column_values(&features, &n, &train());
        for row in m.row_iter() {
            assert!((row.min()).abs() < 1e-6 && (row.max() - 1.0).abs() < 1e-6);
        }
        // Points outside the training range land outside [0, 1], as they should.
        assert!(n.apply(0, 5.0) > 1.0);
    }

    #[test]
    fn none_and_identity_leave_values_alone() {
        let n = Normalizer::fit(Normalize::None, &[Feature::X, Feature::Y], &train());
        assert_eq!(n, Normalizer::identity(2));
        assert_eq!(n.apply(1, 4.5), 4.5);
        assert_eq!(n.apply(9, 4.5), 4.5);
    }

    #[test]
    fn constant_features_and_empty_train_do_not_divide_by_zero() {
        let flat = vec![sample(2.0, 0.1), sample(2.0, 0.1), sample(2.0, 0.1)];
        for method in [Normalize::Standard, Normalize::MinMax] {
            let n = Normalizer::fit(method, &[Feature::X, Feature::SinY], &flat);
            assert_eq!(n.scale, vec![1.0, 1.0]);
            assert!(n.apply(0, 2.0).abs() < 1e-6 && n.apply(0, 3.0).is_finite());
            let empty = Normalizer::fit(method, &[Feature::X], &[]);
            assert_eq!((empty.shift.clone(), empty.scale.clone()), (vec![0.0], vec![1.0]));
        }
    }

    #[test]
    fn fill_inputs_shape_and_values() {
        let features = [Feature::X, Feature::Y2, Feature::XY];
        let n = Normalizer::identity(3);
        let points = [(1.0, 2.0), (-3.0, 0.5)];
        let mut out = DMatrix::zeros(1, 1);
        fill_inputs(&features, &n, &points, &mut out);
        assert_eq!(out.shape(), (3, 2));
        assert_eq!(out[(0, 0)], 1.0);
        assert_eq!(out[(1, 0)], 4.0);
        assert_eq!(out[(2, 1)], -1.5);
        // Reusing a matrix of the right shape keeps its buffer.
        let before = out.as_ptr();
        fill_inputs(&features, &n, &[(0.0, 1.0), (2.0, 2.0)], &mut out);
        assert_eq!(out.as_ptr(), before);
        assert_eq!(out[(2, 1)], 4.0);
        let shifted = Normalizer {
            method: Normalize::Standard,
            shift: vec![1.0; 3],
            scale: vec![2.0; 3],
        };
        fill_inputs(&features, &shifted, &points, &mut out);
        assert_eq!(out[(0, 1)], -2.0);
    }

    #[test]
    fn feature_lists() {
        assert_eq!(
            parse_feature_list(" x, Y ,x2"),
            Ok(vec![Feature::X, Feature::Y, Feature::X2])
        );
        assert_eq!(
            parse_feature_list("sinx,,cosy,"),
            Ok(vec![Feature::SinX, Feature::CosY])
        );
        assert!(parse_feature_list("x,z").is_err_and(|e| e.to_string().contains("`z`")));
        assert!(parse_feature_list("x,y,x").is_err_and(|e| e.to_string().contains("more than once")));
        assert!(parse_feature_list(" , ").is_err_and(|e| e.to_string().contains("at least one")));
        assert!(parse_feature_list("x,z").is_err_and(|e| e.message(Lang::Zh).contains("未知的输入特征 `z`")));
        let all = Feature::ALL.to_vec();
        assert_eq!(parse_feature_list(&feature_list_string(&all)), Ok(all));
        assert_eq!(feature_list_string(&[Feature::XY, Feature::X]), "xy,x");
    }

    #[test]
    fn serde_round_trip() {
        let n = Normalizer::fit(Normalize::MinMax, &[Feature::X], &train());
        let json = serde_json::to_string(&n).unwrap_or_default();
        assert!(json.contains("\"minmax\""));
        assert_eq!(serde_json::from_str::<Normalizer>(&json).ok(), Some(n));
        assert_eq!(Normalize::parse("Standard"), Ok(Normalize::Standard));
    }
}
