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
    /// The defining formula in plain text (the same in both languages).
    pub formula: &'static str,
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
