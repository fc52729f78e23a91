//! Compare mode's lessons in a table: preset pairs of networks that differ in one idea
//! (activation, optimizer, initialisation, regularization, input normalization), and the
//! one-line description of what differs. The URL side lives in [`super::config::CompareKeys`].

use super::choice::Choice;
use super::config::{query_pairs, CompareKeys, Config, ConfigError};
use super::Lang;

/// A preset pair: A's settings and B's differing keys, both as config queries.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Preset {
    /// Stable name, used as the `<option value>`.
    pub name: &'static str,
    pub en: &'static str,
    pub zh: &'static str,
    /// Keys set on network A (and so on B, unless B sets them too).
    pub a: &'static str,
    /// B's differing keys.
    pub b: &'static str,
}

/// Every preset, in the order the page lists them.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "sigmoid-vs-relu",
        en: "Sigmoid vs ReLU",
        zh: "Sigmoid 对比 ReLU",
        a: "activation=sigmoid&init=xavier",
        b: "activation=relu&init=he",
    },
    Preset {
        name: "sgd-vs-momentum",
        en: "SGD vs momentum",
        zh: "SGD 对比动量法",
        a: "optimizer=sgd",
        b: "optimizer=momentum",
    },
    Preset {
        name: "sgd-vs-adam",
        en: "SGD vs Adam",
        zh: "SGD 对比 Adam",
        a: "optimizer=sgd",
        b: "optimizer=adam",
    },
    Preset {
        name: "momentum-vs-adam",
        en: "Momentum vs Adam",
        zh: "动量法对比 Adam",
        a: "optimizer=momentum",
        b: "optimizer=adam",
    },
    Preset {
        name: "zeros-vs-he",
        en: "Zero vs He initialisation",
        zh: "全零初始化对比 He 初始化",
        a: "init=zeros",
        b: "init=he",
    },
    Preset {
        name: "none-vs-l2",
        en: "No regularization vs L2",
        zh: "无正则化对比 L2 正则化",
        a: "reg=none",
        b: "reg=l2&reg-rate=0.01",
    },
    Preset {
        name: "none-vs-dropout",
        en: "No dropout vs dropout 0.3",
        zh: "无 Dropout 对比 Dropout 0.3",
        a: "dropout=0",
        b: "dropout=0.3",
    },
    Preset {
        name: "none-vs-batch-norm",
        en: "No norm vs batch norm",
        zh: "无归一化对比批量归一化",
        a: "norm=none",
        b: "norm=batch",
    },
    Preset {
        name: "raw-vs-normalized",
        en: "Raw vs normalised inputs",
        zh: "原始输入对比归一化输入",
        a: "normalize=none",
        b: "normalize=standard",
    },
];

impl Preset {
    pub fn find(name: &str) -> Option<&'static Preset> {
        PRESETS.iter().find(|p| p.name == name)
    }

    pub fn label(&self, lang: Lang) -> &'static str {
        lang.pick(self.en, self.zh)
    }

    /// A with the preset's A keys set, and B's differing keys.
    pub fn apply(&self, a: &Config) -> Result<(Config, CompareKeys), ConfigError> {
        let mut config = a.clone();
        for (key, value) in query_pairs(self.a) {
            config.set(&key, &value)?;
            // A's top-bar value applies to every layer, as the page's control does.
            match key.as_str() {
                "activation" => config.activations.clear(),
                "dropout" => config.dropouts.clear(),
                "norm" => config.norms.clear(),
                _ => {}
            }
        }
        let keys = CompareKeys::parse(self.b)?;
        keys.apply(&config)?;
        Ok((config, keys))
    }

    /// Whether A and B's keys are what this preset sets (so the page can show it chosen).
    pub fn matches(&self, a: &Config, keys: &CompareKeys) -> bool {
        self.apply(a)
            .is_ok_and(|(want, want_keys)| want == *a && want_keys == *keys)
    }
}

/// The preset that A and B's keys are, if any.
pub fn matching_preset(a: &Config, keys: &CompareKeys) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.matches(a, keys))
}

/// The value of `key` in `config` as a reader sees it: a choice's label, else `key value`.
pub fn value_label(config: &Config, key: &str, lang: Lang) -> String {
    match key {
        "activation" => config.activation.label(lang).to_string(),
        "loss" => config.loss.label(lang).to_string(),
        "optimizer" => config.optimizer.label(lang).to_string(),
        "reg" => config.reg.label(lang).to_string(),
        "init" => config.init.label(lang).to_string(),
        "normalize" => config.normalize.label(lang).to_string(),
        "norm" => config.norm.label(lang).to_string(),
        _ => format!("{key} {}", config.get(key).unwrap_or_default()),
    }
}

/// What differs, e.g. `A: Sigmoid + Xavier · B: ReLU + He`, over B's keys; a key whose
/// value is the same on both sides is left out.
pub fn describe(a: &Config, b: &Config, keys: &CompareKeys, lang: Lang) -> String {
    let differing: Vec<&str> = keys.keys().filter(|k| a.get(k) != b.get(k)).collect();
    if differing.is_empty() {
        return super::text::text(lang, "compare-same").to_string();
    }
    let side = |c: &Config| {
        differing
            .iter()
            .map(|k| value_label(c, k, lang))
            .collect::<Vec<_>>()
            .join(" + ")
    };
    format!("A: {} · B: {}", side(a), side(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::activation::Activation;

    #[test]
    fn every_preset_applies_to_every_data_set_default() {
        for preset in PRESETS {
            let (a, keys) = preset.apply(&Config::default()).unwrap();
            let b = keys.apply(&a).unwrap();
            assert_ne!(a, b, "{}", preset.name);
            assert!(matching_preset(&a, &keys).is_some_and(|p| p.name == preset.name));
            assert!(!preset.en.is_empty() && !preset.zh.is_empty());
        }
        assert_eq!(Preset::find("nope"), None);
    }

    #[test]
    fn describe_names_both_sides() {
        let (a, keys) = Preset::find("sigmoid-vs-relu")
            .unwrap()
            .apply(&Config::default())
            .unwrap();
        assert_eq!(a.activation, Activation::Sigmoid);
        let b = keys.apply(&a).unwrap();
        let en = describe(&a, &b, &keys, Lang::En);
        assert!(
            en.starts_with("A: Sigmoid + Xavier") && en.contains("B: ReLU + He"),
            "{en}"
        );
        assert!(describe(&a, &b, &keys, Lang::Zh).contains("ReLU"));
        let same = CompareKeys::parse("activation=sigmoid").unwrap();
        assert!(describe(&a, &a, &same, Lang::En).contains("same"));
        let lr = CompareKeys::parse("lr=0.1").unwrap();
        assert_eq!(
            describe(&a, &lr.apply(&a).unwrap(), &lr, Lang::En),
            "A: lr 0.03 · B: lr 0.1"
        );
    }

    #[test]
    fn bs_path_lies_on_as_landscape_plane_unless_b_has_other_parameters() {
        use crate::core::landscape::{loss_map, Directions};
        use crate::core::trainer::Trainer;
        for preset in PRESETS {
            let (a, keys) = preset.apply(&Config::default()).unwrap();
            let b = keys.apply(&a).unwrap();
            let (mut ta, mut tb) = (Trainer::new(a).unwrap(), Trainer::new(b).unwrap());
            ta.train_epochs(5);
            tb.train_epochs(5);
            let map = loss_map(&ta, Directions::Path, 5, Some(&tb));
            // Batch normalisation gives B its γ and β: weights of another space.
            let comparable = preset.name != "none-vs-batch-norm";
            assert_eq!(map.other.is_some(), comparable, "{}", preset.name);
            if let Some(other) = map.other {
                assert_eq!(other.len(), 6, "{}", preset.name);
                let same_start = ta.trajectory().snapshots()[0] == tb.trajectory().snapshots()[0];
                assert_eq!(other[0] == map.path[0], same_start, "{}", preset.name);
            }
        }
    }
}
