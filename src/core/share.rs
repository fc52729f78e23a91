//! Sharing a run with a class: the controls a teacher can hide (`hide=`, one table: name,
//! group, label and the page's elements) and the hand-made or imported points a link
//! carries (`points-data=`, quantised and packed into base64url).

use super::data_csv::Split;
use super::text::{message, text};
use super::{Float, Lang, Problem, Sample, PLANE};

/// The checklist's groups, by their text keys, in the share dialog's order.
pub const HIDE_GROUPS: [&str; 7] = [
    "training",
    "share-settings",
    "data",
    "features",
    "share-editing",
    "share-panels",
    "share-files",
];

/// One thing a teacher can hide.
pub struct Hideable {
    /// Its name in `hide=`.
    pub name: &'static str,
    /// Its group, an index into [`HIDE_GROUPS`].
    pub group: usize,
    /// Its label's text key (`text.rs`).
    pub label: &'static str,
    /// The page's elements it hides (a CSS selector list).
    pub selector: &'static str,
}

const fn h(name: &'static str, group: usize, label: &'static str, selector: &'static str) -> Hideable {
    Hideable {
        name,
        group,
        label,
        selector,
    }
}

/// Every name `hide=` knows, in the checklist's order.
pub static HIDEABLE: &[Hideable] = &[
    h("play", 0, "play", "#play"),
    h("step", 0, "step", "#step"),
    h("reset", 0, "reset", "#reset"),
    h("lang", 1, "language", "label.field:has(#lang)"),
    h("speed", 1, "speed", "label.field:has(#speed)"),
    h("lr", 1, "learning-rate", "label.field:has(#learning-rate)"),
    h("clip", 1, "clip", "label.field:has(#clip)"),
    h("activation", 1, "activation", "label.field:has(#activation)"),
    h("loss", 1, "loss", "label.field:has(#loss)"),
    h("optimizer", 1, "optimizer", "label.field:has(#optimizer)"),
    h("batch", 1, "batch-size", "label.field:has(#batch-size)"),
    h("reg", 1, "regularization", "label.field:has(#regularization)"),
    h("reg-rate", 1, "reg-rate", "label.field:has(#reg-rate)"),
    h("init", 1, "init", "label.field:has(#init)"),
    h("norm", 1, "norm", "label.field:has(#norm)"),
    h("dropout", 1, "dropout", "label.field:has(#dropout)"),
    h("projector", 1, "projector", "#projector"),
    h("record", 1, "record", "#record"),
    h("data", 2, "share-data-panel", ".data-panel"),
    h("dataset", 2, "dataset", "label.field:has(#dataset)"),
    h("noise", 2, "noise", "label.field:has(#noise)"),
    h("points", 2, "points", "label.field:has(#points)"),
    h("train-ratio", 2, "train-ratio", "label.field:has(#train-ratio)"),
    h("val-ratio", 2, "val-ratio", "label.field:has(#val-ratio)"),
    h("regenerate", 2, "regenerate", "#regenerate"),
    h("show-test", 2, "show-test", "label.check:has(#show-test)"),
    h("add-points", 2, "click-adds", ".click-mode"),
    h("csv", 2, "import-csv", ".data-panel .file-row"),
    h("features", 3, "features", ".features-panel"),
    h("layers", 4, "share-layers", ".network-head .layer-buttons"),
    h("neurons", 4, "share-neurons", ".layer-buttons-row"),
    h(
        "layer-selects",
        4,
        "share-layer-selects",
        ".layer-activation,.layer-extras",
    ),
    h("edit-weights", 4, "share-edit-weights", "#editor"),
    h("activation-panel", 5, "activation-panel", "#activation-panel"),
    h("gradient-flow", 5, "gradient-flow", "#gradient-flow"),
    h("landscape", 5, "landscape", "#landscape"),
    h("formulas", 5, "share-formulas", "#formulas"),
    h("inspector", 5, "inspector", "#inspect,#inspector"),
    h("lessons", 5, "lessons", "#open-lessons,#lessons"),
    h("compare", 5, "compare", ".compare-bar,.compare-settings"),
    h("challenge", 5, "share-challenge", "#challenge"),
    h("hidden-space", 5, "hidden-space", "#hidden-space"),
    h("files", 6, "share-files-row", ".more .file-row,button.snapshot"),
    h("share", 6, "share", "#share"),
];

/// The row of `name`.
pub fn hideable(name: &str) -> Option<&'static Hideable> {
    HIDEABLE.iter().find(|h| h.name == name)
}

/// Reads a `hide=` list: the known names (each once, in the table's order) and the
/// unknown ones as given.
pub fn parse_hide(value: &str) -> (Vec<&'static str>, Vec<String>) {
    let given: Vec<&str> = value.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
    let known = HIDEABLE
        .iter()
        .filter(|h| given.contains(&h.name))
        .map(|h| h.name)
        .collect();
    let unknown = given
        .into_iter()
        .filter(|g| hideable(g).is_none())
        .map(super::config::shorten)
        .collect();
    (known, unknown)
}

/// One style rule that takes the named controls out of the page (`display: none`, so
/// neither the tab order nor a screen reader reaches them); None for no name.
pub fn hide_rule(names: &[&str]) -> Option<String> {
    let selectors: Vec<&str> = names.iter().filter_map(|n| hideable(n)).map(|h| h.selector).collect();
    (!selectors.is_empty()).then(|| format!("{}{{display:none!important}}", selectors.join(",")))
}

// ----- points-data ---------------------------------------------------------------------

/// Coordinates and regression labels are kept to this step in a link.
pub const POINTS_STEP: Float = 0.01;
/// Codes of a coordinate: 0 ..= 1200 for −6 ..= 6 in steps of 0.01.
const COORD_MAX: u32 = (2.0 * PLANE / POINTS_STEP) as u32;
const COORD_BITS: u32 = 11;
/// Format version, the first byte.
const VERSION: u8 = 1;
/// Longest `points-data=` value read (about 40 000 two-class points).
pub const MAX_POINTS_TEXT: usize = 200_000;

/// The points a link carries.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedPoints {
    /// True: these are all the points (imported, or generated ones were removed); false:
    /// they come on top of the points the seed generates.
    pub replace: bool,
    pub problem: Problem,
    pub points: Vec<(Sample, Split)>,
}

/// A coordinate as a link keeps it: on the 0.01 grid, inside the plane.
pub fn quantise(v: Float) -> Float {
    coord(coord_code(v))
}

fn coord_code(v: Float) -> u32 {
    ((v.clamp(-PLANE, PLANE) + PLANE) * 100.0).round() as u32
}

fn coord(code: u32) -> Float {
    code as Float / 100.0 - PLANE
}

fn label_bits(problem: Problem) -> u32 {
    match problem {
        Problem::Binary => 1,
        Problem::MultiClass(_) => 3,
        Problem::Regression => 16,
    }
}

fn split_code(split: Split) -> u32 {
    match split {
        Split::Train => 0,
        Split::Val => 1,
        Split::Test => 2,
    }
}

/// Packs `shared` into base64url (no padding): a version byte, a byte with the replace flag
/// (0x80) and the problem (0 two classes, 1 regression, k for k classes), then per point 2
/// bits of split, 11 + 11 bits of coordinates and the label (1 bit, 3 bits of class, or 16
/// bits of a signed label in hundredths).
pub fn encode_points(shared: &SharedPoints) -> String {
    let problem = match shared.problem {
        Problem::Binary => 0,
        Problem::Regression => 1,
        Problem::MultiClass(k) => k.min(8) as u8,
    };
    let mut bytes = vec![VERSION, problem | if shared.replace { 0x80 } else { 0 }];
    let (mut acc, mut filled) = (0u64, 0u32);
    let lbits = label_bits(shared.problem);
    for (s, split) in &shared.points {
        let label = match shared.problem {
            Problem::Regression => ((s.label * 100.0).round().clamp(-32768.0, 32767.0) as i32 as u32) & 0xffff,
            _ => (s.label.max(0.0) as u32) & ((1 << lbits) - 1),
        };
        for (value, bits) in [
            (split_code(*split), 2),
            (coord_code(s.x), COORD_BITS),
            (coord_code(s.y), COORD_BITS),
            (label, lbits),
        ] {
            acc = (acc << bits) | u64::from(value);
            filled += bits;
            while filled >= 8 {
                filled -= 8;
                bytes.push((acc >> filled) as u8);
            }
        }
    }
    if filled > 0 {
        bytes.push((acc << (8 - filled)) as u8);
    }
    base64url(&bytes)
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + 3);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// Why (part of) a `points-data=` value was refused.
#[derive(Clone, Debug, PartialEq)]
pub enum PointsProblem {
    /// Longer than [`MAX_POINTS_TEXT`].
    TooLong(usize),
    /// A character that is not base64url, at this 1-based position.
    NotBase64(usize),
    /// Not this format's version or problem byte.
    Header,
    /// Ends inside a point.
    Truncated,
    /// Points for another kind of data set than the link's.
    OtherProblem,
    /// Point n (1-based): a split code that is no split.
    Split(usize),
    /// Point n: a coordinate past the plane's edge.
    Coordinate(usize),
    /// Point n: a class the data set does not have.
    Label(usize),
}

impl PointsProblem {
    pub fn message(&self, lang: Lang) -> String {
        let (key, n) = match *self {
            PointsProblem::TooLong(n) => {
                return message(lang, "points-data-too-long", &[("len", &n), ("max", &MAX_POINTS_TEXT)])
            }
            PointsProblem::NotBase64(n) => ("points-data-base64", n),
            PointsProblem::Header => return text(lang, "points-data-header").to_string(),
            PointsProblem::Truncated => return text(lang, "points-data-truncated").to_string(),
            PointsProblem::OtherProblem => return text(lang, "points-data-problem").to_string(),
            PointsProblem::Split(n) => ("points-data-split", n),
            PointsProblem::Coordinate(n) => ("points-data-coordinate", n),
            PointsProblem::Label(n) => ("points-data-label", n),
        };
        message(lang, key, &[("n", &n)])
    }
}

/// Reads a `points-data=` value: the points that are sound and each refused point's
/// problem; Err when nothing of it can be read.
pub fn decode_points(text: &str) -> Result<(SharedPoints, Vec<PointsProblem>), PointsProblem> {
    if text.len() > MAX_POINTS_TEXT {
        return Err(PointsProblem::TooLong(text.len()));
    }
    let mut bytes = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut filled) = (0u32, 0u32);
    for (i, c) in text.bytes().enumerate() {
        let v = ALPHABET
            .iter()
            .position(|&a| a == c)
            .ok_or(PointsProblem::NotBase64(i + 1))?;
        acc = (acc << 6) | v as u32;
        filled += 6;
        if filled >= 8 {
            filled -= 8;
            bytes.push((acc >> filled) as u8);
        }
    }
    let [VERSION, head, body @ ..] = bytes.as_slice() else {
        return Err(PointsProblem::Header);
    };
    let problem = match head & 0x7f {
        0 => Problem::Binary,
        1 => Problem::Regression,
        k @ 3..=8 => Problem::MultiClass(usize::from(k)),
        _ => return Err(PointsProblem::Header),
    };
    let lbits = label_bits(problem);
    let per = 2 + 2 * COORD_BITS + lbits;
    let total = body.len() as u64 * 8;
    let count = (total / u64::from(per)) as usize;
    let mut reader = Bits { bytes: body, at: 0 };
    let mut points = Vec::with_capacity(count);
    let mut refused = Vec::new();
    for n in 1..=count {
        let split = reader.take(2);
        let (x, y) = (reader.take(COORD_BITS), reader.take(COORD_BITS));
        let label = reader.take(lbits);
        let split = match split {
            0 => Split::Train,
            1 => Split::Val,
            2 => Split::Test,
            _ => {
                refused.push(PointsProblem::Split(n));
                continue;
            }
        };
        if x > COORD_MAX || y > COORD_MAX {
            refused.push(PointsProblem::Coordinate(n));
            continue;
        }
        let label = match problem {
            Problem::Regression => label as u16 as i16 as Float / 100.0,
            Problem::MultiClass(k) if label as usize >= k => {
                refused.push(PointsProblem::Label(n));
                continue;
            }
            _ => label as Float,
        };
        points.push((
            Sample {
                x: coord(x),
                y: coord(y),
                label,
            },
            split,
        ));
    }
    // What is left is the last byte's padding: fewer than 8 bits, all zero.
    let rest = total - reader.at;
    if rest >= 8 || reader.take(rest as u32) != 0 {
        refused.push(PointsProblem::Truncated);
    }
    Ok((
        SharedPoints {
            replace: head & 0x80 != 0,
            problem,
            points,
        },
        refused,
    ))
}

struct Bits<'a> {
    bytes: &'a [u8],
    at: u64,
}

impl Bits<'_> {
    fn take(&mut self, bits: u32) -> u32 {
        let mut v = 0;
        for _ in 0..bits {
            let byte = self.bytes.get((self.at / 8) as usize).copied().unwrap_or(0);
            v = (v << 1) | u32::from(byte >> (7 - self.at % 8) & 1);
            self.at += 1;
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_hide_name_is_unique_labelled_in_both_languages_and_grouped() {
        for (i, h) in HIDEABLE.iter().enumerate() {
            assert!(HIDEABLE[..i].iter().all(|o| o.name != h.name), "{} twice", h.name);
            assert!(h.group < HIDE_GROUPS.len(), "{}", h.name);
            assert!(!h.selector.is_empty() && !h.selector.contains('{'), "{}", h.name);
            for lang in [Lang::En, Lang::Zh] {
                assert_ne!(text(lang, h.label), "?", "{}: no {lang:?} label", h.name);
            }
        }
        // The top bar's settings go by their keys.
        for h in HIDEABLE
            .iter()
            .filter(|h| h.group == 1 && !matches!(h.name, "speed" | "record"))
        {
            assert!(super::super::keys::find(h.name).is_some(), "{} is no key", h.name);
        }
        for g in HIDE_GROUPS {
            assert_ne!(text(Lang::Zh, g), text(Lang::En, g), "{g}");
        }
    }

    #[test]
    fn the_guides_and_the_key_table_doc_list_every_hide_name() {
        for doc in [
            include_str!("../../docs/guide.md"),
            include_str!("../../docs/guide.zh.md"),
        ] {
            for h in HIDEABLE {
                assert!(
                    doc.contains(&format!("| `{}` | ", h.name)),
                    "{} missing from a guide",
                    h.name
                );
            }
        }
        let engine = include_str!("../../docs/engine.md");
        assert!(engine.contains("| `hide` |") && engine.contains("| `points-data` |"));
    }

    #[test]
    fn a_hide_list_keeps_known_names_once_in_order_and_names_the_unknown() {
        let (known, unknown) = parse_hide(" share,play,,nope,play,lr ");
        assert_eq!(known, ["play", "lr", "share"]);
        assert_eq!(unknown, ["nope"]);
        assert_eq!(hide_rule(&[]), None);
        assert_eq!(
            hide_rule(&["play", "inspector"]).as_deref(),
            Some("#play,#inspect,#inspector{display:none!important}")
        );
    }

    fn p(x: Float, y: Float, label: Float, split: Split) -> (Sample, Split) {
        (Sample { x, y, label }, split)
    }

    #[test]
    fn points_round_trip_exactly_at_the_quantisation() {
        for (problem, labels) in [
            (Problem::Binary, vec![0.0, 1.0]),
            (Problem::MultiClass(3), vec![0.0, 1.0, 2.0]),
            (Problem::MultiClass(8), vec![7.0, 0.0, 5.0]),
            (Problem::Regression, vec![-1.0, 0.37, 327.67, -327.68]),
        ] {
            for replace in [false, true] {
                for count in 0..12 {
                    let points: Vec<_> = (0..count)
                        .map(|i| {
                            let f = i as Float;
                            let split = [Split::Train, Split::Val, Split::Test][i % 3];
                            p(
                                quantise(-6.0 + f * 1.0137),
                                quantise(5.999 - f * 0.77),
                                labels[i % labels.len()],
                                split,
                            )
                        })
                        .collect();
                    let shared = SharedPoints {
                        replace,
                        problem,
                        points,
                    };
                    let text = encode_points(&shared);
                    assert!(text.bytes().all(|b| ALPHABET.contains(&b)), "{text}");
                    assert_eq!(
                        decode_points(&text),
                        Ok((shared.clone(), vec![])),
                        "{problem:?} {count}"
                    );
                    assert_eq!(encode_points(&decode_points(&text).unwrap().0), text);
                }
            }
        }
        // Off the grid, a point comes back on it (and clamped to the plane).
        let shared = SharedPoints {
            replace: false,
            problem: Problem::Binary,
            points: vec![p(1.23456, -9.0, 1.0, Split::Train)],
        };
        let back = decode_points(&encode_points(&shared)).unwrap().0;
        assert_eq!(back.points, [p(quantise(1.23456), -6.0, 1.0, Split::Train)]);
        assert!((quantise(1.23456) - 1.23).abs() < 1e-6);
        // Twenty hand-made points take about a hundred characters.
        let twenty = SharedPoints {
            points: vec![p(0.5, 0.5, 1.0, Split::Train); 20],
            ..shared
        };
        assert!(encode_points(&twenty).len() <= 90);
    }

    #[test]
    fn bad_points_data_is_refused_part_by_part_in_both_languages() {
        let good = SharedPoints {
            replace: true,
            problem: Problem::MultiClass(3),
            points: vec![p(0.0, 0.0, 2.0, Split::Train), p(1.0, 1.0, 1.0, Split::Test)],
        };
        let text = encode_points(&good);
        assert_eq!(decode_points("AB*C"), Err(PointsProblem::NotBase64(3)));
        assert_eq!(decode_points(""), Err(PointsProblem::Header));
        assert_eq!(decode_points("Ag"), Err(PointsProblem::Header));
        assert_eq!(decode_points("AQk"), Err(PointsProblem::Header));
        let long = "A".repeat(MAX_POINTS_TEXT + 1);
        assert_eq!(decode_points(&long), Err(PointsProblem::TooLong(MAX_POINTS_TEXT + 1)));
        // Bits of one point changed: that point is refused, the other loads.
        let mut bytes = vec![VERSION, 0x83];
        // split 3 | x 0 | y 0 | label 0, then split 0 | x 1200 | y 2047 | label 0 ...
        let mut bits = String::new();
        for (v, n) in [(3, 2), (0, 11), (0, 11), (0, 3), (0, 2), (1200, 11), (2047, 11), (0, 3)] {
            bits.push_str(&format!("{v:0n$b}"));
        }
        for (v, n) in [(0, 2), (600, 11), (600, 11), (5, 3), (2, 2), (600, 11), (0, 11), (1, 3)] {
            bits.push_str(&format!("{v:0n$b}"));
        }
        while !bits.len().is_multiple_of(8) {
            bits.push('0');
        }
        for chunk in bits.as_bytes().chunks(8) {
            bytes.push(u8::from_str_radix(std::str::from_utf8(chunk).unwrap(), 2).unwrap());
        }
        let (shared, refused) = decode_points(&base64url(&bytes)).unwrap();
        assert_eq!(
            refused,
            [
                PointsProblem::Split(1),
                PointsProblem::Coordinate(2),
                PointsProblem::Label(3)
            ]
        );
        assert_eq!(shared.points, [p(0.0, -6.0, 1.0, Split::Test)]);
        // Cut short: the whole points load, the cut one is named.
        let (cut, refused) = decode_points(&text[..text.len() - 2]).unwrap();
        assert_eq!(cut.points, good.points[..1]);
        assert_eq!(refused, [PointsProblem::Truncated]);
        for problem in [
            PointsProblem::TooLong(9),
            PointsProblem::NotBase64(3),
            PointsProblem::Header,
            PointsProblem::Truncated,
            PointsProblem::OtherProblem,
            PointsProblem::Split(4),
            PointsProblem::Coordinate(4),
            PointsProblem::Label(4),
        ] {
            let (en, zh) = (problem.message(Lang::En), problem.message(Lang::Zh));
            assert!(
                en.contains("points-data") && zh.contains("points-data") && en != zh,
                "{en} / {zh}"
            );
        }
    }
}
