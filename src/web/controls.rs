//! The settings controls: filling the selects from the engine's choices and showing the
//! current config in every control. Reading them is done by the event wiring in `mod.rs`.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, HtmlOptionElement, HtmlSelectElement};

use super::dom::{by_id, document, WebResult};
use super::text::text;
use crate::core::activation::Activation;
use crate::core::choice::Choice;
use crate::core::config::Config;
use crate::core::dataset::Dataset;
use crate::core::feature::Normalize;
use crate::core::init::Init;
use crate::core::keys::{self, Control};
use crate::core::layer::norm::NormKind;
use crate::core::loss::Loss;
use crate::core::optimizer::Optimizer;
use crate::core::regularization::Regularization;
use crate::core::{Lang, Problem};

/// Epochs per animation frame offered by `#speed`; its last option is `max`.
pub const SPEEDS: &[u64] = &[1, 2, 5, 10, 20, 50, 100];

/// How many epochs an animation frame trains (`#speed`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Speed {
    /// This many, every frame.
    Epochs(u64),
    /// As many as fit the frame's budget, measured as it plays (`core::budget`).
    Max,
}

impl Speed {
    /// The `#speed` option's value: the number, or `max`.
    pub fn value(self) -> String {
        match self {
            Speed::Epochs(n) => n.to_string(),
            Speed::Max => "max".to_string(),
        }
    }

    pub fn parse(text: &str) -> Option<Speed> {
        match text {
            "max" => Some(Speed::Max),
            _ => text.parse::<u64>().ok().map(|n| Speed::Epochs(n.clamp(1, 1000))),
        }
    }
}
/// Learning rates suggested in the field's list (any value in (0, 10] may be typed).
pub const LEARNING_RATES: &[&str] = &[
    "0.00001", "0.0001", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3", "10",
];

/// The config keys shown by a `<select>`: (element id, key), from the key table.
pub fn selects() -> impl Iterator<Item = (&'static str, &'static str)> {
    keys::config_keys().filter_map(|k| match k.control {
        Control::Select(id) => Some((id, k.name)),
        _ => None,
    })
}

/// The config keys typed into a field: (element id, key), from the key table.
pub fn number_fields() -> impl Iterator<Item = (&'static str, &'static str)> {
    keys::config_keys().filter_map(|k| match k.control {
        Control::Field(id) => Some((id, k.name)),
        _ => None,
    })
}

/// The config keys shown by a slider: (element id, key, step), from the key table.
pub fn sliders() -> impl Iterator<Item = (&'static str, &'static str, f64)> {
    keys::config_keys().filter_map(|k| match k.control {
        Control::Slider { id, step } => Some((id, k.name, step)),
        _ => None,
    })
}

pub struct Controls {
    selects: Vec<(HtmlSelectElement, &'static str)>,
    numbers: Vec<(HtmlInputElement, &'static str)>,
    sliders: Vec<(HtmlInputElement, &'static str, Option<Element>)>,
    speed: HtmlSelectElement,
    lang: HtmlSelectElement,
    show_test: HtmlInputElement,
    discretize: HtmlInputElement,
    log_scale: HtmlInputElement,
    stop_restore: HtmlInputElement,
    point_class: Element,
    layer_count: Element,
    remove_layer: web_sys::HtmlButtonElement,
    add_layer: web_sys::HtmlButtonElement,
    shown_problem: Option<Problem>,
}

pub fn option(value: &str, label: &str) -> WebResult<HtmlOptionElement> {
    let option: HtmlOptionElement = document()?
        .create_element("option")?
        .dyn_into()
        .map_err(|_| super::dom::WebError("cannot create an option".into()))?;
    option.set_value(value);
    option.set_text(label);
    Ok(option)
}

pub fn fill<T: Choice>(select: &HtmlSelectElement, lang: Lang) -> WebResult<()> {
    select.set_inner_html("");
    for &choice in T::ALL {
        let opt = option(choice.name(), choice.label(lang))?;
        select.append_child(&opt)?;
    }
    Ok(())
}

/// Fills the select of config key `key` with its choices in `lang` (nothing for a key that
/// is not a choice).
pub fn fill_key(select: &HtmlSelectElement, key: &str, lang: Lang) -> WebResult<()> {
    match key {
        "dataset" => fill::<Dataset>(select, lang),
        "activation" => fill::<Activation>(select, lang),
        "loss" => fill::<Loss>(select, lang),
        "optimizer" => fill::<Optimizer>(select, lang),
        "reg" => fill::<Regularization>(select, lang),
        "init" => fill::<Init>(select, lang),
        "normalize" => fill::<Normalize>(select, lang),
        "norm" => fill::<NormKind>(select, lang),
        _ => Ok(()),
    }
}

impl Controls {
    pub fn new() -> WebResult<Controls> {
        let selects = selects()
            .map(|(id, key)| Ok((by_id::<HtmlSelectElement>(id)?, key)))
            .collect::<WebResult<Vec<_>>>()?;
        let numbers = number_fields()
            .map(|(id, key)| Ok((by_id::<HtmlInputElement>(id)?, key)))
            .collect::<WebResult<Vec<_>>>()?;
        let sliders = sliders()
            .map(|(id, key, step)| {
                let shown = document()?.query_selector(&format!("output[data-show=\"{id}\"]"))?;
                let slider = by_id::<HtmlInputElement>(id)?;
                // The range is the key table's, so the slider cannot offer a refused value.
                let (min, max) = keys::range(key);
                slider.set_min(&min.to_string());
                slider.set_max(&max.to_string());
                slider.set_step(&step.to_string());
                Ok((slider, key, shown))
            })
            .collect::<WebResult<Vec<_>>>()?;
        let controls = Controls {
            selects,
            numbers,
            sliders,
            speed: by_id("speed")?,
            lang: by_id("lang")?,
            show_test: by_id("show-test")?,
            discretize: by_id("discretize")?,
            log_scale: by_id("log-scale")?,
            stop_restore: by_id("stop-restore")?,
            point_class: by_id("point-class")?,
            layer_count: by_id("layer-count")?,
            remove_layer: by_id("remove-layer")?,
            add_layer: by_id("add-layer")?,
            shown_problem: None,
        };
        let list = by_id::<Element>("lr-values")?;
        for lr in LEARNING_RATES {
            let opt = option(lr, lr)?;
            list.append_child(&opt)?;
        }
        Ok(controls)
    }

    /// Fills every select with its options in `lang` (again after a language switch).
    pub fn populate(&mut self, lang: Lang) -> WebResult<()> {
        for (select, key) in &self.selects {
            fill_key(select, key, lang)?;
        }
        self.speed.set_inner_html("");
        for &speed in SPEEDS {
            let key = if speed == 1 { "speed-one" } else { "speed-n" };
            let label = crate::core::text::message(lang, key, &[("speed", &speed)]);
            let opt = option(&speed.to_string(), &label)?;
            self.speed.append_child(&opt)?;
        }
        let max = text(lang, "speed-max");
        let opt = option("max", max)?;
        self.speed.append_child(&opt)?;
        self.shown_problem = None;
        Ok(())
    }

    /// Shows `config` (and the view settings) in every control. Fields with focus are left
    /// alone so typing is never overwritten.
    pub fn sync(&mut self, config: &Config, problem: Problem, view: &ViewSettings, lang: Lang) {
        let focused = document().ok().and_then(|d| d.active_element());
        let is_focused = |e: &Element| focused.as_ref() == Some(e);
        for (select, key) in &self.selects {
            if let Some(value) = config.get(key) {
                if select.value() != value {
                    select.set_value(&value);
                }
            }
            if *key == "loss" {
                let options = select.options();
                for i in 0..options.length() {
                    if let Some(opt) = options.item(i).and_then(|o| o.dyn_into::<HtmlOptionElement>().ok()) {
                        let supported = Loss::parse(&opt.value()).is_ok_and(|l| l.supports(problem));
                        opt.set_disabled(!supported);
                    }
                }
            }
        }
        for (input, key) in &self.numbers {
            let Some(value) = number_text(key, config) else {
                continue;
            };
            if !is_focused(input) && input.value() != value {
                input.set_value(&value);
            }
        }
        for (input, key, shown) in &self.sliders {
            if let Some(value) = config.get(key) {
                if input.value() != value {
                    input.set_value(&value);
                }
                if let Some(shown) = shown {
                    let suffix = if *key == "points" { "" } else { "%" };
                    shown.set_text_content(Some(&format!("{value}{suffix}")));
                }
            }
        }
        self.speed.set_value(&view.speed.value());
        self.lang.set_value(lang.code());
        self.show_test.set_checked(view.show_test);
        self.discretize.set_checked(view.discretize);
        self.log_scale.set_checked(view.log_scale);
        self.stop_restore.set_checked(view.stop_restore);
        let layers = config.hidden.len();
        let plural = if layers == 1 { "" } else { "s" };
        let count = crate::core::text::message(lang, "layers", &[("n", &layers), ("s", &plural)]);
        self.layer_count.set_text_content(Some(&count));
        self.remove_layer.set_disabled(layers == 0);
        self.add_layer
            .set_disabled(layers >= crate::core::config::limits::MAX_LAYERS);
        if self.shown_problem != Some(problem) {
            let _ = self.build_point_classes(problem, lang);
            self.shown_problem = Some(problem);
        }
        self.mark_point_class(view.point_class);
    }

    /// Shows the config's value in the number field `id` even while it has focus (after a
    /// refused value), selected so typing replaces it.
    pub fn restore_number(&self, id: &str, config: &Config) {
        for (input, key) in &self.numbers {
            if input.id() == id {
                if let Some(value) = number_text(key, config) {
                    input.set_value(&value);
                    input.select();
                }
            }
        }
    }

    /// The buttons choosing what a click on the boundary adds: each class (or, for
    /// regression, a few target values), and "remove".
    fn build_point_classes(&self, problem: Problem, lang: Lang) -> WebResult<()> {
        self.point_class.set_inner_html("");
        let choices: Vec<(String, String)> = match problem {
            Problem::Regression => ["-1", "-0.5", "0", "0.5", "1"]
                .iter()
                .map(|v| (v.to_string(), format!("{} {v}", text(lang, "value"))))
                .collect(),
            _ => (0..problem.classes())
                .map(|k| (k.to_string(), format!("{} {k}", text(lang, "class"))))
                .collect(),
        };
        let doc = document()?;
        for (value, label) in choices
            .iter()
            .map(|(v, l)| (v.as_str(), l.as_str()))
            .chain([("remove", text(lang, "remove"))])
        {
            let button = doc.create_element("button")?;
            button.set_attribute("type", "button")?;
            button.set_attribute("role", "radio")?;
            button.set_attribute("data-class", value)?;
            button.set_attribute("class", "segment")?;
            button.set_text_content(Some(label));
            self.point_class.append_child(&button)?;
        }
        Ok(())
    }

    fn mark_point_class(&self, selected: PointClass) {
        let Ok(buttons) = self.point_class.query_selector_all("button[data-class]") else {
            return;
        };
        let wanted = selected.attribute();
        for i in 0..buttons.length() {
            if let Some(button) = buttons.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                let on = button.get_attribute("data-class").as_deref() == Some(wanted.as_str());
                let _ = button.set_attribute("aria-checked", if on { "true" } else { "false" });
            }
        }
    }
}

/// The text a number field shows for `key`: the config's spelling; a key that is off at 0
/// (no clipping, no dropout) is the empty field, which shows its placeholder, "off".
fn number_text(key: &str, config: &Config) -> Option<String> {
    let value = config.get(key)?;
    let off_at_zero = keys::find(key).is_some_and(|k| k.omitted_at == Some("0"));
    Some(if off_at_zero && value == "0" {
        String::new()
    } else {
        value
    })
}

/// What a click on the boundary does.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PointClass {
    /// Adds a point with this label (class index or regression target).
    Label(f32),
    Remove,
}

impl PointClass {
    pub fn attribute(self) -> String {
        match self {
            PointClass::Label(v) => format!("{v}"),
            PointClass::Remove => "remove".to_string(),
        }
    }

    pub fn from_attribute(text: &str) -> Option<PointClass> {
        if text == "remove" {
            return Some(PointClass::Remove);
        }
        crate::core::math::parse_decimal(text)
            .map(|v| v as f32)
            .filter(|v| v.is_finite())
            .map(PointClass::Label)
    }
}

/// Page settings that are not part of the run's config.
#[derive(Clone, Debug, PartialEq)]
pub struct ViewSettings {
    pub speed: Speed,
    pub show_test: bool,
    pub discretize: bool,
    pub log_scale: bool,
    pub point_class: PointClass,
    /// Pause when the epoch reaches this.
    pub stop_epoch: Option<u64>,
    /// Pause when the watched loss (validation, else test) has not improved for this many
    /// epochs.
    pub stop_patience: Option<u64>,
    /// When the patience stop fires, go back to the best epoch's weights.
    pub stop_restore: bool,
    /// Projector mode: large type, thick lines, fewer panels.
    pub projector: bool,
}

impl Default for ViewSettings {
    fn default() -> Self {
        ViewSettings {
            speed: Speed::Epochs(1),
            show_test: false,
            discretize: false,
            log_scale: false,
            point_class: PointClass::Label(1.0),
            stop_epoch: None,
            stop_patience: None,
            stop_restore: false,
            projector: false,
        }
    }
}
