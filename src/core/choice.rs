//! What every "one of several" setting shares: a stable config name, and a label in
//! English and Chinese. Each choice enum implements [`Choice`] next to its math.

use super::Lang;

/// The names and labels of one variant, kept together so adding a variant touches one place.
#[derive(Clone, Copy, Debug)]
pub struct ChoiceInfo {
    /// Stable lowercase name used in the URL, JSON files and `<option value>`.
    pub name: &'static str,
    pub en: &'static str,
    pub zh: &'static str,
    /// The defining formula in plain text (the same in both languages), for the CLI and
    /// tooltips.
    pub formula: &'static str,
    /// The same math as MathML Core markup: the inner content of a `<math display="block">`
    /// element, for the page's formula cards. Written with Unicode characters (no `&`
    /// entities) and only the elements [`MATHML_ELEMENTS`] lists; empty where a choice is
    /// described in words rather than a formula (the datasets). Brackets that need not grow
    /// are `stretchy="false"`: Chromium pads stretched fences with wide gaps.
    pub mathml: &'static str,
}

/// The MathML Core elements a [`ChoiceInfo::mathml`] may use.
pub const MATHML_ELEMENTS: &[&str] = &[
    "mrow",
    "mi",
    "mo",
    "mn",
    "mtext",
    "mspace",
    "mfrac",
    "msqrt",
    "mroot",
    "msub",
    "msup",
    "msubsup",
    "munder",
    "mover",
    "munderover",
    "mtable",
    "mtr",
    "mtd",
    "mstyle",
    "mpadded",
    "mphantom",
];

/// A setting that is one of a fixed list of variants.
pub trait Choice: Sized + Copy + PartialEq + 'static {
    /// Every variant, in the order the page lists them.
    const ALL: &'static [Self];
    /// What the setting is called in error messages (`activation`, `loss`, …).
    const KEY: &'static str;

    fn info(self) -> ChoiceInfo;

    fn name(self) -> &'static str {
        self.info().name
    }

    fn label(self, lang: Lang) -> &'static str {
        let info = self.info();
        lang.pick(info.en, info.zh)
    }

    /// Finds the variant with this config name (case-insensitive, surrounding blanks ignored).
    fn parse(text: &str) -> Result<Self, String> {
        let wanted = text.trim().to_ascii_lowercase();
        Self::ALL.iter().copied().find(|v| v.name() == wanted).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|v| v.name()).collect();
            format!(
                "unknown {} `{}`; expected one of {}",
                Self::KEY,
                text.trim(),
                names.join(", ")
            )
        })
    }
}

/// MathML of a two-case definition `{ value  if condition; … }` (a brace and a table), for
/// [`ChoiceInfo::mathml`]: `mathml_cases!(("<mi>z</mi>", "<mi>z</mi><mo>></mo><mn>0</mn>"), …)`.
#[macro_export]
macro_rules! mathml_cases {
    ($(($value:expr, $condition:expr)),+ $(,)?) => {
        concat!(
            "<mrow><mo>{</mo><mtable>",
            $("<mtr><mtd>", $value, "</mtd><mtd>", $condition, "</mtd></mtr>",)+
            "</mtable></mrow>"
        )
    };
}

/// MathML of lines stacked one under the other (one equation each), for
/// [`ChoiceInfo::mathml`].
#[macro_export]
macro_rules! mathml_lines {
    ($($line:expr),+ $(,)?) => {
        concat!("<mtable>", $("<mtr><mtd>", $line, "</mtd></mtr>",)+ "</mtable>")
    };
}

/// Implements serde for a [`Choice`] through its config name, so JSON and URL share one spelling.
#[macro_export]
macro_rules! choice_serde {
    ($ty:ty) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str($crate::core::choice::Choice::name(*self))
            }
        }
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                <$ty as $crate::core::choice::Choice>::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::activation::Activation;
    use crate::core::dataset::Dataset;
    use crate::core::feature::{Feature, Normalize};
    use crate::core::init::Init;
    use crate::core::loss::Loss;
    use crate::core::optimizer::Optimizer;
    use crate::core::regularization::Regularization;

    /// Token elements hold text and no elements; every other element holds elements only.
    const TOKENS: &[&str] = &["mi", "mo", "mn", "mtext"];
    /// Attributes the markup may use, with the element each belongs on.
    const ATTRIBUTES: &[(&str, &str)] = &[("mspace", "width"), ("mover", "accent"), ("mo", "stretchy")];

    /// How many children an element must have, where MathML fixes it.
    fn arity(name: &str) -> Option<usize> {
        match name {
            "mfrac" | "mroot" | "msub" | "msup" | "munder" | "mover" => Some(2),
            "msubsup" | "munderover" => Some(3),
            "mspace" => Some(0),
            _ => None,
        }
    }

    /// Checks that `markup` is well-formed MathML Core content: balanced tags, only
    /// [`MATHML_ELEMENTS`], text only inside token elements, scripts and fractions with the
    /// right number of children, tables made of rows made of cells, no entities.
    fn check_mathml(markup: &str) -> Result<(), String> {
        if markup.trim().is_empty() {
            return Err("empty".into());
        }
        if markup.contains('&') {
            return Err("an entity: write the character itself".into());
        }
        // Open elements, each with the number of child elements seen so far.
        let mut open: Vec<(&str, usize)> = Vec::new();
        let mut rest = markup;
        while !rest.is_empty() {
            let text_end = rest.find('<').unwrap_or(rest.len());
            let text = &rest[..text_end];
            if !text.trim().is_empty() && !open.last().is_some_and(|(name, _)| TOKENS.contains(name)) {
                return Err(format!("text {text:?} outside mi/mo/mn/mtext"));
            }
            rest = &rest[text_end..];
            if rest.is_empty() {
                break;
            }
            let tag_end = rest.find('>').ok_or("a tag is not closed")?;
            let tag = &rest[1..tag_end];
            rest = &rest[tag_end + 1..];
            if tag.contains('<') {
                return Err(format!("`<` inside the tag <{tag}>"));
            }
            if let Some(name) = tag.strip_prefix('/') {
                let (opened, children) = open.pop().ok_or_else(|| format!("</{name}> closes nothing"))?;
                if opened != name {
                    return Err(format!("</{name}> closes <{opened}>"));
                }
                if let Some(n) = arity(name).filter(|&n| n != children) {
                    return Err(format!("<{name}> has {children} children, needs {n}"));
                }
                continue;
            }
            let self_closing = tag.ends_with('/');
            let mut parts = tag.trim_end_matches('/').split_whitespace();
            let name = parts.next().unwrap_or("");
            if !MATHML_ELEMENTS.contains(&name) {
                return Err(format!("<{name}> is not on the MathML Core list"));
            }
            for attribute in parts {
                let (key, value) = attribute
                    .split_once('=')
                    .ok_or_else(|| format!("attribute {attribute:?} of <{name}> has no value"))?;
                let quoted = value.len() >= 3 && value.starts_with('"') && value.ends_with('"');
                if !ATTRIBUTES.contains(&(name, key)) || !quoted || value[1..value.len() - 1].contains('"') {
                    return Err(format!("attribute {attribute:?} not allowed on <{name}>"));
                }
            }
            let parent = open.last().map(|(parent, _)| *parent);
            let fits = match (parent, name) {
                (Some(p), _) if TOKENS.contains(&p) => false,
                (Some("mtable"), child) => child == "mtr",
                (Some("mtr"), child) => child == "mtd",
                (_, "mtr") | (_, "mtd") => false,
                _ => true,
            };
            if !fits {
                return Err(format!("<{name}> inside <{}>", parent.unwrap_or("math")));
            }
            if let Some((_, children)) = open.last_mut() {
                *children += 1;
            }
            match (self_closing, name) {
                (true, "mspace") => {}
                (true, _) => return Err(format!("<{name}/> must not be empty")),
                (false, _) => open.push((name, 0)),
            }
        }
        match open.last() {
            Some((name, _)) => Err(format!("<{name}> is not closed")),
            None => Ok(()),
        }
    }

    fn check_all<C: Choice>(may_be_empty: bool) {
        for &choice in C::ALL {
            let info = choice.info();
            if may_be_empty && info.mathml.is_empty() {
                continue;
            }
            if let Err(e) = check_mathml(info.mathml) {
                panic!("{} `{}`: {e}\n{}", C::KEY, info.name, info.mathml);
            }
        }
    }

    #[test]
    fn every_formula_is_well_formed_mathml() {
        check_all::<Activation>(false);
        check_all::<Loss>(false);
        check_all::<Optimizer>(false);
        check_all::<Regularization>(false);
        check_all::<Init>(false);
        check_all::<Feature>(false);
        check_all::<Normalize>(false);
        check_all::<Dataset>(true);
    }

    #[test]
    fn activation_cards_show_the_function_and_its_derivative() {
        for &act in Activation::ALL {
            let mathml = act.info().mathml;
            assert!(
                mathml.contains("<mo>′</mo>") || mathml.contains("<mi>∂</mi>"),
                "{}",
                act.name()
            );
        }
    }

    #[test]
    fn the_checker_catches_typos() {
        assert!(check_mathml("<mi>x</mi><mo>+</mo><mn>1</mn>").is_ok());
        assert!(check_mathml("<mtable><mtr><mtd><mi>x</mi></mtd></mtr></mtable>").is_ok());
        assert!(
            check_mathml(r#"<mi>a</mi><mspace width="0.2em"/><mover accent="true"><mi>m</mi><mo>^</mo></mover>"#)
                .is_ok()
        );
        for bad in [
            "",
            "<mi>x</mo>",
            "<mi>x</mi></mrow>",
            "<mrow><mi>x</mi>",
            "<mfrac><mi>a</mi></mfrac>",
            "<msup><mi>a</mi><mn>2</mn><mn>3</mn></msup>",
            "<mx>x</mx>",
            "<math><mi>x</mi></math>",
            "<mrow>x</mrow>",
            "<mi><mn>1</mn></mi>",
            "<mi>&lt;</mi>",
            "<mtable><mtd><mi>x</mi></mtd></mtable>",
            "<mtd><mi>x</mi></mtd>",
            r#"<mi onclick="x">x</mi>"#,
            r#"<mspace style="x"/>"#,
            "<mi/>",
            "<mi>x</mi",
        ] {
            assert!(check_mathml(bad).is_err(), "accepted {bad:?}");
        }
    }
}
