//! What every "one of several" setting shares: a stable config name, a label in English and
//! Chinese, and its formula, written once in TeX (build.rs makes the MathML and the plain
//! text). Each choice enum implements [`Choice`] next to its math.

use super::Lang;

/// The names, labels and formula of one variant, kept together so adding a variant touches
/// one place.
#[derive(Clone, Copy, Debug)]
pub struct ChoiceInfo {
    /// Stable lowercase name used in the URL, JSON files and `<option value>`.
    pub name: &'static str,
    pub en: &'static str,
    pub zh: &'static str,
    /// The defining formula in TeX, written once beside the variant's math through [`crate::tex!`];
    /// empty where a choice is described in words rather than a formula (the datasets), and
    /// in the page's build (see [`kept_tex`]).
    pub tex: &'static str,
    /// The same formula as MathML Core markup, made from `tex` by build.rs: the inner content
    /// of a `<math display="block">` element, for the page's formula cards.
    pub mathml: &'static str,
    /// The same formula in plain text (the same in both languages), made from `tex` by
    /// build.rs, for the inspector and the features' labels.
    pub formula: &'static str,
}

// `FORMULAS`: (TeX, MathML, plain text) of every `tex!` formula in src/core.
include!(concat!(env!("OUT_DIR"), "/formulas.rs"));

/// The (TeX, MathML, plain text) of a formula, for [`crate::tex!`]. Evaluated at compile time, so a
/// formula build.rs did not convert stops the build.
#[doc(hidden)]
pub const fn formula(tex: &'static str) -> (&'static str, &'static str, &'static str) {
    let mut i = 0;
    while i < FORMULAS.len() {
        if same(FORMULAS[i].0.as_bytes(), tex.as_bytes()) {
            return FORMULAS[i];
        }
        i += 1;
    }
    panic!("build.rs did not convert this formula: a tex! call in src/core takes a raw string literal");
}

/// A formula's TeX as [`ChoiceInfo::tex`] keeps it: natively (the tests check every
/// conversion against it), but not in the page, which shows the MathML and plain text
/// build.rs made from it and would only carry the TeX as dead bytes.
pub const fn kept_tex(tex: &'static str) -> &'static str {
    if cfg!(target_arch = "wasm32") {
        ""
    } else {
        tex
    }
}

/// Byte-wise equality, which `const fn` can call.
const fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// A choice's formula in TeX, as a raw string literal (build.rs finds it in the source and
/// converts it): gives `(tex, mathml, plain text)` for [`ChoiceInfo`]. The TeX is MathML-minded:
/// brackets that need not grow are plain `(`, `\lvert`, `\{` (`\left`/`\right` stretch them, and
/// Chromium pads stretched fences); lines stack in a `gathered` environment.
#[macro_export]
macro_rules! tex {
    ($tex:literal) => {
        const { $crate::core::choice::formula($tex) }
    };
}

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

    /// The elements of MathML Core (the MathML that Chromium, Firefox and WebKit all render),
    /// less `merror`, which marks a formula the converter could not read.
    const CORE_ELEMENTS: &[&str] = &[
        "annotation",
        "annotation-xml",
        "maction",
        "math",
        "mfrac",
        "mi",
        "mmultiscripts",
        "mn",
        "mo",
        "mover",
        "mpadded",
        "mphantom",
        "mprescripts",
        "mroot",
        "mrow",
        "ms",
        "mspace",
        "msqrt",
        "mstyle",
        "msub",
        "msubsup",
        "msup",
        "mtable",
        "mtd",
        "mtext",
        "mtr",
        "munder",
        "munderover",
        "none",
        "semantics",
    ];
    /// Elements that hold text; the others hold elements only.
    const TOKENS: &[&str] = &["mi", "mn", "mo", "ms", "mtext"];

    /// Checks that `markup` is well-formed MathML Core content: balanced tags, only
    /// [`CORE_ELEMENTS`], attributes written `key="value"`, text only inside token elements,
    /// and no stretched bracket but the brace of a `cases` (Chromium pads stretched fences).
    fn check_core(markup: &str) -> Result<(), String> {
        if markup.trim().is_empty() {
            return Err("empty".into());
        }
        let mut open: Vec<&str> = Vec::new();
        let mut rest = markup;
        while !rest.is_empty() {
            let text_end = rest.find('<').unwrap_or(rest.len());
            let text = &rest[..text_end];
            if !text.trim().is_empty() && !open.last().is_some_and(|name| TOKENS.contains(name)) {
                return Err(format!("text {text:?} outside a token element"));
            }
            rest = &rest[text_end..];
            if rest.is_empty() {
                break;
            }
            let tag_end = rest.find('>').ok_or("a tag is not closed")?;
            let tag = &rest[1..tag_end];
            rest = &rest[tag_end + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                match open.pop() {
                    Some(opened) if opened == name => continue,
                    Some(opened) => return Err(format!("</{name}> closes <{opened}>")),
                    None => return Err(format!("</{name}> closes nothing")),
                }
            }
            let self_closing = tag.ends_with('/');
            let mut parts = tag.trim_end_matches('/').split_whitespace();
            let name = parts.next().unwrap_or("");
            if !CORE_ELEMENTS.contains(&name) {
                return Err(format!("<{name}> is not MathML Core"));
            }
            if open.last().is_some_and(|parent| TOKENS.contains(parent)) {
                return Err(format!("<{name}> inside a token element"));
            }
            for attribute in parts {
                let value = attribute.split_once('=').map(|(_, value)| value);
                if !value.is_some_and(|v| {
                    v.len() >= 2 && v.starts_with('"') && v.ends_with('"') && v.matches('"').count() == 2
                }) {
                    return Err(format!("attribute {attribute:?} of <{name}> is not key=\"value\""));
                }
            }
            if tag.contains("stretchy=\"true\"") && !rest.starts_with("{</mo>") {
                return Err(format!(
                    "a stretched bracket: <{tag}>{}",
                    rest.split('<').next().unwrap_or("")
                ));
            }
            if !self_closing {
                open.push(name);
            }
        }
        match open.last() {
            Some(name) => Err(format!("<{name}> is not closed")),
            None => Ok(()),
        }
    }

    fn check_all<C: Choice>() {
        for &choice in C::ALL {
            let info = choice.info();
            assert!(
                !info.tex.is_empty() && !info.formula.is_empty(),
                "{} `{}`",
                C::KEY,
                info.name
            );
            if let Err(e) = check_core(info.mathml) {
                panic!("{} `{}`: {e}\n{}\n{}", C::KEY, info.name, info.tex, info.mathml);
            }
        }
    }

    #[test]
    fn every_formula_converts_to_mathml_core() {
        check_all::<Activation>();
        check_all::<Loss>();
        check_all::<Optimizer>();
        check_all::<Regularization>();
        check_all::<Init>();
        check_all::<Feature>();
        check_all::<Normalize>();
        for &d in Dataset::ALL {
            assert!(d.info().tex.is_empty() && d.info().mathml.is_empty(), "{}", d.name());
        }
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
    fn hats_are_accents_and_primes_operators() {
        let (_, adam, _) = crate::tex!(r"\hat{m} = \frac{m}{1 - \beta_1^t}");
        assert!(
            adam.starts_with(r#"<mover accent="true"><mrow><mi>m</mi></mrow><mo>^</mo></mover>"#),
            "{adam}"
        );
        assert!(Activation::Relu
            .info()
            .mathml
            .contains("<msup><mi>f</mi><mo>′</mo></msup>"));
    }

    #[test]
    fn the_checker_catches_typos() {
        assert!(check_core("<mi>x</mi><mo>+</mo><mn>1</mn>").is_ok());
        assert!(check_core(
            r#"<mrow><mo stretchy="true">{</mo><mtable><mtr><mtd><mi>x</mi></mtd></mtr></mtable></mrow>"#
        )
        .is_ok());
        assert!(check_core(r#"<mi>a</mi><mspace width="0.17em" /><mi>b</mi>"#).is_ok());
        for bad in [
            "",
            "<mi>x</mo>",
            "<mi>x</mi></mrow>",
            "<mrow><mi>x</mi>",
            "<mx>x</mx>",
            "<merror><mtext>?</mtext></merror>",
            "<mrow>x</mrow>",
            "<mi><mn>1</mn></mi>",
            r#"<mo stretchy="true">(</mo>"#,
            r#"<mo stretchy="true"minsize="1.2em">(</mo>"#,
            "<mi>x</mi",
        ] {
            assert!(check_core(bad).is_err(), "accepted {bad:?}");
        }
    }
}
