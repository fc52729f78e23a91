//! The key table: every key a link, a JSON config or the CLI knows, declared once. A row
//! gives the key's name, kind (choices, range, list or flag), default, whether it belongs to
//! the data, its help in English and Chinese, the control that shows it on the page, and
//! how it reads and writes the [`Config`]. The URL and JSON parsers and printers, the CLI's
//! help and the page's control ranges all come from here, so a new key is one row.
//!
//! Page-only keys (the language, projector mode, the embed for slides, the lesson, a
//! challenge, compare mode, the benchmark and the panic test hook) sit in the same table with
//! [`Scope::Page`]; they are not part of a run's config. [`PageQuery::parse`] reads a page URL
//! once, at boot.

use super::activation::Activation;
use super::choice::Choice;
use super::config::{
    check_range, choice_value, parse_choice_list, parse_hidden, parse_number, parse_rate_list, Config, ConfigError,
    ErrorKind, ListProblem,
};
use super::dataset::Dataset;
use super::feature::{feature_list_string, parse_feature_list, Normalize};
use super::init::Init;
use super::layer::norm::NormKind;
use super::loss::Loss;
use super::optimizer::Optimizer;
use super::regularization::Regularization;
use super::{Float, Lang};

/// Hidden layers.
pub const MAX_LAYERS: usize = 8;
/// Neurons in one hidden layer.
pub const MAX_NEURONS: usize = 32;
/// Longest value accepted for any key (anything longer is a mistake or an attack).
pub const MAX_VALUE_LEN: usize = 200;

/// What values a key takes.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// One of a choice enum's names.
    Choice(fn() -> Vec<&'static str>),
    /// A whole number in `min..=max`.
    Integer { min: f64, max: f64 },
    /// A number in `min..=max`.
    Number { min: f64, max: f64 },
    /// A comma-separated list.
    List,
    /// Page only: on for `1`, `true`, `on` or `yes`.
    Flag,
    /// Page only: free text (a lesson id, a nested query, a language code).
    Text,
}

impl Kind {
    /// The range of a numeric key.
    pub fn range(self) -> Option<(f64, f64)> {
        match self {
            Kind::Integer { min, max } | Kind::Number { min, max } => Some((min, max)),
            _ => None,
        }
    }
}

/// What a key belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The data and its seed: both networks of compare mode share them, and a change
    /// generates the points anew.
    Data,
    /// The rest of a run's config.
    Run,
    /// The page's view, not part of a run (never in a JSON config).
    Page,
}

/// The control that shows a key on the page (by its element id).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Control {
    /// A `<select>` of the choices.
    Select(&'static str),
    /// An `<input type=range>` whose min and max come from the key's range.
    Slider { id: &'static str, step: f64 },
    /// A typed field, checked on change.
    Field(&'static str),
    /// One toggle per entry (the features).
    Toggles,
    /// The network diagram's buttons and per-layer selects.
    Diagram,
    /// A button (page keys).
    Button(&'static str),
    /// Nothing on the page shows it (the seed: `#regenerate` draws a new one).
    None,
}

/// How a config key reads its text into the config. `Err((error, applied))`: refused, and
/// whether the nearest usable value was applied instead (lenient readers keep it).
type Parse = fn(&mut Config, &str, &str) -> Result<(), (ConfigError, bool)>;
/// How a config key prints its value from the config.
type Print = fn(&Config) -> String;

/// One key of the table.
pub struct Key {
    pub name: &'static str,
    pub kind: Kind,
    pub scope: Scope,
    pub control: Control,
    /// The default, as the URL spells it.
    pub default: &'static str,
    /// Whether an empty value means something (no hidden layer, no clipping, no override).
    pub may_be_empty: bool,
    /// Left out of the URL and JSON at this value (it says nothing there).
    pub omitted_at: Option<&'static str>,
    /// One sentence of help in each language; `{range}` and `{choices}` are filled in.
    pub help_en: &'static str,
    pub help_zh: &'static str,
    /// Config keys: the value as the URL spells it, and how a text sets it.
    access: Option<(Print, Parse)>,
}

impl Key {
    /// Whether the key is part of a run's config (not a page-only key).
    pub fn is_config(&self) -> bool {
        self.scope != Scope::Page
    }

    /// The key's help in `lang`, with its range or choices filled in.
    pub fn help(&self, lang: Lang) -> String {
        let text = lang.pick(self.help_en, self.help_zh);
        let range = self
            .kind
            .range()
            .map_or(String::new(), |(min, max)| format!("{min}–{max}"));
        let choices = match self.kind {
            Kind::Choice(names) => names().join(", "),
            _ => String::new(),
        };
        text.replace("{range}", &range)
            .replace("{choices}", &choices)
            .replace("{max_neurons}", &MAX_NEURONS.to_string())
            .replace("{max_layers}", &MAX_LAYERS.to_string())
    }

    /// The value of this key in `config` (None for page keys).
    pub fn get(&self, config: &Config) -> Option<String> {
        self.access.map(|(get, _)| get(config))
    }

    /// Reads `value` into `config` (config keys only; see [`Config::set`]).
    pub(super) fn parse(&self, config: &mut Config, value: &str) -> Result<(), (ConfigError, bool)> {
        match self.access {
            Some((_, parse)) => parse(config, self.name, value),
            None => Err((ConfigError::new(self.name, value, ErrorKind::UnknownKey), false)),
        }
    }

    /// A JSON value of the URL text `text`: numbers as numbers, the rest as strings.
    pub fn json_value(&self, text: String) -> serde_json::Value {
        use serde_json::Value;
        match self.kind {
            Kind::Integer { .. } => text.parse::<u64>().map(Value::from).unwrap_or(Value::String(text)),
            // The shortest decimal spelling of the f32 value (0.03, not 0.029999…).
            Kind::Number { .. } => super::math::parse_decimal(&text)
                .and_then(serde_json::Number::from_f64)
                .map_or(Value::String(text), Value::Number),
            _ => Value::String(text),
        }
    }
}

fn names<T: Choice>() -> Vec<&'static str> {
    T::ALL.iter().map(|v| v.name()).collect()
}

/// A number key's reader: parse, range-check, store; out of range stores the nearest value.
fn number(
    config: &mut Config,
    key: &str,
    value: &str,
    (min, max): (f64, f64),
    integer: bool,
    store: fn(&mut Config, f64),
) -> Result<(), (ConfigError, bool)> {
    let v = parse_number(key, value).map_err(|e| (e, false))?;
    match check_range(key, value, v, (min, max), integer) {
        Ok(v) => {
            store(config, v);
            Ok(())
        }
        Err((e, nearest)) => {
            if let Some(n) = nearest {
                store(config, n);
            }
            Err((e, nearest.is_some()))
        }
    }
}

/// The range of the numeric key `name` (for the engine's own checks and the page's controls).
pub fn range(name: &str) -> (f64, f64) {
    find(name).and_then(|k| k.kind.range()).unwrap_or((0.0, 0.0))
}

fn format_float(v: Float) -> String {
    format!("{v}")
}

/// A key's help as the table keeps it: natively (the CLI's help and the tests read it),
/// but not in the page, which never shows it and would only carry it as dead bytes.
const fn cli_text(text: &'static str) -> &'static str {
    if cfg!(target_arch = "wasm32") {
        ""
    } else {
        text
    }
}

// The rows. A numeric key's range is written once, in its row; `number` reads it back.
macro_rules! number_key {
    ($field:ident, $ty:ty, $integer:expr, $min:expr, $max:expr) => {
        Some((
            |c: &Config| {
                #[allow(clippy::unnecessary_cast)]
                let text = if $integer {
                    format!("{}", c.$field as u64)
                } else {
                    format_float(c.$field as Float)
                };
                text
            },
            |c: &mut Config, key: &str, value: &str| {
                number(c, key, value, ($min, $max), $integer, |c, v| c.$field = v as $ty)
            },
        ))
    };
}

/// A number key that is off at 0 (clipping, dropout): an empty field or `off` reads as 0.
macro_rules! off_at_zero_key {
    ($field:ident, $min:expr, $max:expr) => {
        Some((
            |c: &Config| format_float(c.$field),
            |c: &mut Config, key: &str, value: &str| {
                if matches!(value.trim(), "" | "off") {
                    c.$field = 0.0;
                    return Ok(());
                }
                number(c, key, value, ($min, $max), false, |c, v| c.$field = v as Float)
            },
        ))
    };
}

macro_rules! choice_key {
    ($field:ident, $ty:ty) => {
        Some((
            |c: &Config| c.$field.name().to_string(),
            |c: &mut Config, key: &str, value: &str| {
                c.$field = choice_value::<$ty>(key, value)?;
                Ok(())
            },
        ))
    };
}

/// Every key, in the order the URL and JSON list them (config keys), then the page's keys.
pub static TABLE: &[Key] = &[
    Key {
        name: "dataset",
        kind: Kind::Choice(names::<Dataset>),
        scope: Scope::Data,
        control: Control::Select("dataset"),
        default: "xor",
        may_be_empty: false,
        omitted_at: None,
        help_en: cli_text("built-in point cloud, also deciding the problem (two classes, 3 classes for blobs3, regression for \
                  plane and bumps): {choices}"),
        help_zh: cli_text("内置数据集，同时决定问题类型（二分类；blobs3 为三分类；plane 与 bumps 为回归）：{choices}"),
        access: choice_key!(dataset, Dataset),
    },
    Key {
        name: "points",
        kind: Kind::Integer { min: 10.0, max: 2000.0 },
        scope: Scope::Data,
        control: Control::Slider {
            id: "points",
            step: 10.0,
        },
        default: "500",
        may_be_empty: false,
        omitted_at: None,
        help_en: cli_text("number of generated points, {range}"),
        help_zh: cli_text("生成的数据点个数，{range}"),
        access: number_key!(points, usize, true, 10.0, 2000.0),
    },
    Key {
        name: "noise",
        kind: Kind::Number { min: 0.0, max: 50.0 },
        scope: Scope::Data,
        control: Control::Slider { id: "noise", step: 1.0 },
        default: "0",
        may_be_empty: false,
        omitted_at: None,
        help_en: cli_text("noise of the generated points in percent, {range}"),
        help_zh: cli_text("数据点的噪声（百分比），{range}"),
        access: number_key!(noise, Float, false, 0.0, 50.0),
    },
    Key {
        name: "train-ratio",
        kind: Kind::Number { min: 10.0, max: 90.0 },
        scope: Scope::Data,
        control: Control::Slider {
            id: "train-ratio",
            step: 5.0,
        },
        default: "50",
        may_be_empty: false,
        omitted_at: None,
        help_en: cli_text("percent of the points used for training, the rest for testing, {range}"),
        help_zh: cli_text("用于训练的数据点百分比，其余用于测试，{range}"),
        access: number_key!(train_ratio, Float, false, 10.0, 90.0),
    },
    Key {
        name: "val-ratio",
        kind: Kind::Number { min: 0.0, max: 40.0 },
        scope: Scope::Data,
        control: Control::Slider { id: "val-ratio", step: 5.0 },
        default: "0",
        may_be_empty: false,
        omitted_at: Some("0"),
        help_en: cli_text("percent of the points held out for validation, {range}, taken from the training and test shares \
                  in proportion (0: no validation split)"),
        help_zh: cli_text("留作验证集的数据点百分比，{range}，按比例从训练集和测试集中划出（0 表示不划分验证集）"),
        access: number_key!(val_ratio, Float, false, 0.0, 40.0),
    },
    Key {
        name: "seed",
        kind: Kind::Integer {
            min: 0.0,
            max: 4_294_967_295.0,
        },
        scope: Scope::Data,
        control: Control::None,
        default: "1",
        may_be_empty: false,
        omitted_at: None,
        help_en: cli_text("seed of the data, the initial weights and the shuffling, {range}"),
        help_zh: cli_text("数据、初始权重与打乱顺序的随机种子，{range}"),
        access: number_key!(seed, u64, true, 0.0, 4_294_967_295.0),
    },
    Key {
        name: "features",
        kind: Kind::List,
        scope: Scope::Run,
        control: Control::Toggles,
        default: "x,y",
        may_be_empty: false,
        omitted_at: None,
        help_en: cli_text("comma-separated network inputs: x, y, x2, y2, xy, sinx, siny, cosx, cosy"),
        help_zh: cli_text("网络的输入特征，用逗号分隔：x, y, x2, y2, xy, sinx, siny, cosx, cosy"),
        access: Some((
            |c: &Config| feature_list_string(&c.features),
            |c: &mut Config, key: &str, value: &str| {
                c.features = parse_feature_list(value).map_err(|why| {
                    let why = ListProblem::Features(why);
                    (ConfigError::new(key, value, ErrorKind::BadList(why)), false)
                })?;
                Ok(())
            },
        )),
    },
    Key {
        name: "normalize",
        kind: Kind::Choice(names::<Normalize>),
        scope: Scope::Run,
        control: Control::Select("normalize"),
        default: "standard",
        may_be_empty: false,
        omitted_at: None,
        help_en: cli_text("rescaling of the inputs: {choices}"),
        help_zh: cli_text("输入的缩放方式：{choices}"),
        access: choice_key!(normalize, Normalize),
    },
    Key {
        name: "hidden",
        kind: Kind::List,
        scope: Scope::Run,
        control: Control::Diagram,
        default: "4",
        may_be_empty: true,
        omitted_at: None,
        help_en:
            "neurons of each hidden layer, comma-separated, 1–{max_neurons} each, at most {max_layers} layers, \"\" \
                  for none",
        help_zh:
            "每个隐藏层的神经元个数，用逗号分隔，每层 1–{max_neurons} 个，最多 {max_layers} 层，留空表示没有隐藏层",
        access: Some((
            |c: &Config| c.hidden.iter().map(usize::to_string).collect::<Vec<_>>().join(","),
            |c: &mut Config, key: &str, value: &str| match parse_hidden(key, value) {
                Ok(layers) => {
                    c.hidden = layers;
                    Ok(())
                }
                Err((e, nearest)) => {
                    c.hidden = nearest;
                    Err((e, true))
                }
            },
        )),
    },
    Key {
        name: "activation",
        kind: Kind::Choice(names::<Activation>),
        scope: Scope::Run,
        control: Control::Select("activation"),
        default: "tanh",
        may_be_empty: false,
        omitted_at: None,
        help_en: cli_text("activation of the hidden layers: {choices}"),
        help_zh: cli_text("隐藏层的激活函数：{choices}"),
        access: choice_key!(activation, Activation),
    },
    Key {
        name: "loss",
        kind: Kind::Choice(names::<Loss>),
        scope: Scope::Run,
        control: Control::Select("loss"),
        default: "bce",
        may_be_empty: false,
        omitted_at: None,
        help_en: cli_text("loss: {choices}; when not given, bce for two classes, ce for several, mse for regression"),
        help_zh: cli_text("损失函数：{choices}；未指定时，二分类用 bce，多分类用 ce，回归用 mse"),
        access: choice_key!(loss, Loss),
    },
    Key {
        name: "optimizer",
        kind: Kind::Choice(names::<Optimizer>),
        scope: Scope::Run,
        control: Control::Select("optimizer"),
        default: "sgd",
        may_be_empty: false,
        omitted_at: None,
        help_en: cli_text("optimizer: {choices}"),
        help_zh: cli_text("优化器：{choices}"),
        access: choice_key!(optimizer, Optimizer),
    },
    Key {
        name: "lr",
        kind: Kind::Number { min: 1e-6, max: 10.0 },
        scope: Scope::Run,
        control: Control::Field("learning-rate"),
        default: "0.03",
        may_be_empty: false,
        omitted_at: None,
        help_en: cli_text("learning rate, {range}"),
        help_zh: cli_text("学习率，{range}"),
        access: number_key!(lr, Float, false, 1e-6, 10.0),
    },
    Key {
        name: "batch",
        kind: Kind::Integer { min: 1.0, max: 2000.0 },
        scope: Scope::Run,
        control: Control::Field("batch-size"),
        default: "10",
        may_be_empty: false,
        omitted_at: None,
        help_en: cli_text("points per batch, {range} (more than the training points: full batch)"),
        help_zh: cli_text("每批的数据点个数，{range}（大于训练点数时为全批量）"),
        access: number_key!(batch, usize, true, 1.0, 2000.0),
    },
    Key {
        name: "reg",
        kind: Kind::Choice(names::<Regularization>),
        scope: Scope::Run,
        control: Control::Select("regularization"),
        default: "none",
        may_be_empty: false,
        omitted_at: None,
        help_en: cli_text("weight penalty: {choices}"),
        help_zh: cli_text("权重正则化：{choices}"),
        access: choice_key!(reg, Regularization),
    },
    Key {
        name: "reg-rate",
        kind: Kind::Number { min: 0.0, max: 1.0 },
        scope: Scope::Run,
        control: Control::Field("reg-rate"),
        default: "0.001",
        may_be_empty: false,
        omitted_at: None,
        help_en: cli_text("penalty rate λ, {range}"),
        help_zh: cli_text("正则化惩罚项的系数 λ，{range}"),
        access: number_key!(reg_rate, Float, false, 0.0, 1.0),
    },
    Key {
        name: "init",
        kind: Kind::Choice(names::<Init>),
        scope: Scope::Run,
        control: Control::Select("init"),
        default: "xavier",
        may_be_empty: false,
        omitted_at: None,
        help_en: cli_text("initialisation of the weights: {choices}"),
        help_zh: cli_text("权重初始化方式：{choices}"),
        access: choice_key!(init, Init),
    },
    Key {
        name: "activations",
        kind: Kind::List,
        scope: Scope::Run,
        control: Control::Diagram,
        default: "",
        may_be_empty: true,
        omitted_at: Some(""),
        help_en: cli_text("optional comma list, one activation per hidden layer, overriding activation (at most {max_layers})"),
        help_zh: cli_text("可选，逐层指定激活函数（用逗号分隔，最多 {max_layers} 项），覆盖 activation"),
        access: Some((
            |c: &Config| c.activations.iter().map(|a| a.name()).collect::<Vec<_>>().join(","),
            |c: &mut Config, key: &str, value: &str| {
                c.activations = parse_choice_list(key, value)?;
                Ok(())
            },
        )),
    },
    Key {
        name: "clip",
        kind: Kind::Number { min: 0.0, max: 1000.0 },
        scope: Scope::Run,
        control: Control::Field("clip"),
        default: "0",
        may_be_empty: true,
        omitted_at: Some("0"),
        help_en: cli_text("largest global gradient norm before each step, {range} (0, empty or off: no clipping)"),
        help_zh: cli_text("每步更新前梯度整体范数的上限，{range}（0、留空或 off 表示不裁剪）"),
        access: off_at_zero_key!(clip, 0.0, 1000.0),
    },
    Key {
        name: "norm",
        kind: Kind::Choice(names::<NormKind>),
        scope: Scope::Run,
        control: Control::Select("norm"),
        default: "none",
        may_be_empty: false,
        omitted_at: Some("none"),
        help_en: cli_text("normalisation of every hidden layer's pre-activations before the activation: {choices} (batch: over \
                  the batch's points, running estimates in evaluation; layer: over each point's neurons)"),
        help_zh: cli_text("每个隐藏层在激活函数之前对加权输入做的归一化：{choices}（batch 为批量归一化，在批次的数据点上统计，\
                  评估时用滑动估计；layer 为层归一化，在每个数据点的神经元上统计）"),
        access: choice_key!(norm, NormKind),
    },
    Key {
        name: "norms",
        kind: Kind::List,
        scope: Scope::Run,
        control: Control::Diagram,
        default: "",
        may_be_empty: true,
        omitted_at: Some(""),
        help_en: cli_text("optional comma list, one normalisation per hidden layer (none, batch or layer), overriding norm (at \
                  most {max_layers})"),
        help_zh: cli_text("可选，逐层指定归一化方式（none、batch 或 layer，用逗号分隔，最多 {max_layers} 项），覆盖 norm"),
        access: Some((
            |c: &Config| c.norms.iter().map(|n| n.name()).collect::<Vec<_>>().join(","),
            |c: &mut Config, key: &str, value: &str| {
                c.norms = parse_choice_list(key, value)?;
                Ok(())
            },
        )),
    },
    Key {
        name: "dropout",
        kind: Kind::Number { min: 0.0, max: 0.9 },
        scope: Scope::Run,
        control: Control::Field("dropout"),
        default: "0",
        may_be_empty: true,
        omitted_at: Some("0"),
        help_en: cli_text("share of each hidden layer's outputs dropped at random in training (inverted dropout: the kept ones \
                  are scaled by 1/(1−p)), {range}; 0, empty or off: no dropout"),
        help_zh: cli_text("训练时每个隐藏层的输出被随机丢弃（Dropout）的比例（反向缩放：保留的输出乘以 1/(1−p)），{range}；0、留空或 off 表示不使用 Dropout"),
        access: off_at_zero_key!(dropout, 0.0, 0.9),
    },
    Key {
        name: "dropouts",
        kind: Kind::List,
        scope: Scope::Run,
        control: Control::Diagram,
        default: "",
        may_be_empty: true,
        omitted_at: Some(""),
        help_en: cli_text("optional comma list, one dropout rate per hidden layer (0–0.9 each), overriding dropout (at most \
                  {max_layers})"),
        help_zh: cli_text("可选，逐层指定丢弃率（用逗号分隔，每项 0–0.9，最多 {max_layers} 项），覆盖 dropout"),
        access: Some((
            |c: &Config| c.dropouts.iter().map(|&d| format_float(d)).collect::<Vec<_>>().join(","),
            |c: &mut Config, key: &str, value: &str| {
                c.dropouts = parse_rate_list(key, value, 0.9)?;
                Ok(())
            },
        )),
    },
    // ----- Page-only keys: the view, not the run.
    Key {
        name: "lang",
        kind: Kind::Text,
        scope: Scope::Page,
        control: Control::Select("lang"),
        default: "",
        may_be_empty: true,
        omitted_at: None,
        help_en: cli_text("the page's language, en or zh; without it the page follows the browser's"),
        help_zh: cli_text("页面语言，en 或 zh；不指定时跟随浏览器的语言"),
        access: None,
    },
    Key {
        name: "projector",
        kind: Kind::Flag,
        scope: Scope::Page,
        control: Control::Button("projector"),
        default: "",
        may_be_empty: true,
        omitted_at: None,
        help_en: cli_text("1 for projector mode: larger type and fewer panels"),
        help_zh: cli_text("为 1 时进入投影模式：更大的文字，更少的面板"),
        access: None,
    },
    Key {
        name: "embed",
        kind: Kind::Flag,
        scope: Scope::Page,
        control: Control::None,
        default: "",
        may_be_empty: true,
        omitted_at: None,
        help_en: cli_text(
            "1 for embedding in slides (an iframe): only the network, the output and the training buttons, at the \
             frame's size",
        ),
        help_zh: cli_text("为 1 时用于嵌入幻灯片（iframe）：只显示网络、输出和训练按钮，大小随框架而定"),
        access: None,
    },
    Key {
        name: "lesson",
        kind: Kind::Text,
        scope: Scope::Page,
        control: Control::Button("open-lessons"),
        default: "",
        may_be_empty: true,
        omitted_at: None,
        help_en: cli_text("a guided lesson's id; alone it sets the lesson up, with config keys it restores that run"),
        help_zh: cli_text("引导式课程的 id；单独使用时设置该课，带配置键时恢复那次训练"),
        access: None,
    },
    Key {
        name: "challenge",
        kind: Kind::Text,
        scope: Scope::Page,
        control: Control::None,
        default: "",
        may_be_empty: true,
        omitted_at: None,
        help_en: "a goal shown above the readouts: conditions joined by ;, each metric op number with op <, <=, > or \
                  >=; metrics train-loss, test-loss, train-accuracy, test-accuracy (percent), neurons, layers, \
                  features, epochs, r2; epochs<=N pauses training at N",
        help_zh: "显示在输出数值上方的目标：用 ; 连接的条件，每个条件写成 指标 比较符 数字，比较符为 <、<=、> 或 >=；\
                  指标有 train-loss、test-loss、train-accuracy、test-accuracy（百分比）、neurons、layers、features、\
                  epochs、r2；epochs<=N 使训练在第 N 轮暂停",
        access: None,
    },
    Key {
        name: "compare",
        kind: Kind::Text,
        scope: Scope::Page,
        control: Control::Button("compare"),
        default: "",
        may_be_empty: true,
        omitted_at: None,
        help_en: cli_text("compare mode: network B's differing keys as a percent-encoded query (no data keys)"),
        help_zh: cli_text("对比模式：网络 B 不同的设置，写成百分号编码的查询串（不能含数据相关的键）"),
        access: None,
    },
    Key {
        name: "hide",
        kind: Kind::List,
        scope: Scope::Page,
        control: Control::Button("share"),
        default: "",
        may_be_empty: true,
        omitted_at: None,
        help_en: "controls students do not see, a comma list of the share dialog's names (docs/guide.md); their settings still apply",
        help_zh: "学生看不到的控件，用逗号分隔的分享对话框名称（见 docs/guide.zh.md）；其设置仍然生效",
        access: None,
    },
    Key {
        name: "points-data",
        kind: Kind::Text,
        scope: Scope::Page,
        control: Control::None,
        default: "",
        may_be_empty: true,
        omitted_at: None,
        help_en: "hand-made and imported points, to 0.01, packed in base64url (docs/engine.md); the page writes it",
        help_zh: "手动添加和导入的点，精确到 0.01，以 base64url 打包（见 docs/engine.md）；由页面写入",
        access: None,
    },
    Key {
        name: "bench",
        kind: Kind::Flag,
        scope: Scope::Page,
        control: Control::None,
        default: "",
        may_be_empty: true,
        omitted_at: None,
        help_en: cli_text("1 runs the page's benchmark and shows its table"),
        help_zh: cli_text("为 1 时运行页面的性能测试并显示结果表"),
        access: None,
    },
    Key {
        name: "panic-test",
        kind: Kind::Flag,
        scope: Scope::Page,
        control: Control::None,
        default: "",
        may_be_empty: true,
        omitted_at: None,
        help_en: cli_text("test hook: 1 panics on the first animation frame, to show the panic overlay"),
        help_zh: cli_text("测试用：为 1 时在第一帧故意触发 panic，以显示出错提示层"),
        access: None,
    },
];

/// The row of `name`.
pub fn find(name: &str) -> Option<&'static Key> {
    TABLE.iter().find(|k| k.name == name)
}

/// The run's config keys, in URL order.
pub fn config_keys() -> impl Iterator<Item = &'static Key> {
    TABLE.iter().filter(|k| k.is_config())
}

/// Whether `name` is a config key (not a page key, not unknown).
pub fn is_config_key(name: &str) -> bool {
    find(name).is_some_and(Key::is_config)
}

/// Whether `name` is one of the data keys (shared by both networks of compare mode).
pub fn is_data_key(name: &str) -> bool {
    find(name).is_some_and(|k| k.scope == Scope::Data)
}

/// Whether a flag's text means on.
pub fn flag_is_on(value: &str) -> bool {
    matches!(value.trim().to_ascii_lowercase().as_str(), "1" | "true" | "on" | "yes")
}

/// A page URL's query read once, at boot: the run's config (leniently, with what was
/// refused), and each page key's last value. Unknown keys are kept, in order, so the page
/// writes them back unchanged.
#[derive(Clone, Debug, Default)]
pub struct PageQuery {
    pub config: Config,
    /// Refused config values (the nearest usable value or the default was used).
    pub rejected: Vec<ConfigError>,
    /// Config keys given more than once (the last value was used).
    pub repeated: Vec<ConfigError>,
    /// Whether the query gave any config key (a full link, not just `?lesson=`).
    pub has_config: bool,
    /// `lang=`, as given.
    pub lang: Option<Lang>,
    /// A `lang=` that names no language of the page (the browser's language is used).
    pub lang_refused: Option<String>,
    pub projector: bool,
    /// `embed=1`: only the board and the training buttons, for an iframe in slides.
    pub embed: bool,
    pub lesson: Option<String>,
    /// `challenge=`, as given (read by `core::challenge::Challenge::parse`).
    pub challenge: Option<String>,
    /// The compare query (`compare=`, decoded), if compare mode is on.
    pub compare: Option<String>,
    pub bench: bool,
    pub panic_test: bool,
    /// `hide=`, as given (the share dialog's names).
    pub hide: Option<String>,
    /// `points-data=`, as given; not kept, the page writes it from its points.
    pub points_data: Option<String>,
    /// Every pair that is neither a config key nor `compare` nor `points-data`, in order (the page keys and
    /// unknown keys): the page writes them back into its URL unchanged.
    pub kept: Vec<(String, String)>,
}

impl PageQuery {
    /// Reads a page URL's query (with or without `?`).
    pub fn parse(query: &str) -> PageQuery {
        let pairs = super::config::query_pairs(query);
        let (config, rejected) = Config::from_pairs_lenient(&pairs);
        let last = |name: &str| pairs.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        PageQuery {
            config,
            rejected,
            repeated: super::config::repeated_config_keys(&pairs),
            has_config: pairs.iter().any(|(k, _)| is_config_key(k)),
            lang: last("lang").and_then(|v| Lang::from_code(&v)),
            lang_refused: last("lang").filter(|v| Lang::from_code(v).is_none()),
            projector: last("projector").is_some_and(|v| flag_is_on(&v)),
            embed: last("embed").is_some_and(|v| flag_is_on(&v)),
            lesson: last("lesson"),
            challenge: last("challenge"),
            compare: last("compare"),
            bench: last("bench").is_some_and(|v| flag_is_on(&v)),
            panic_test: last("panic-test").is_some_and(|v| flag_is_on(&v)),
            hide: last("hide"),
            points_data: last("points-data"),
            kept: pairs
                .iter()
                .filter(|(k, _)| !is_config_key(k) && k != "compare" && k != "points-data")
                .cloned()
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_help_in_both_languages() {
        for key in TABLE {
            for lang in [Lang::En, Lang::Zh] {
                let help = key.help(lang);
                assert!(help.chars().count() > 10, "{}: no {lang:?} help", key.name);
                assert!(!help.contains('{'), "{}: unfilled placeholder in {help}", key.name);
            }
            assert!(
                key.help_zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{}: zh help",
                key.name
            );
            assert!(
                !key.help_en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{}: en help",
                key.name
            );
        }
    }

    #[test]
    fn names_are_unique_and_every_config_key_reads_its_default_strictly() {
        for (i, key) in TABLE.iter().enumerate() {
            assert!(TABLE[..i].iter().all(|k| k.name != key.name), "{} twice", key.name);
            if key.is_config() {
                let mut config = Config::default();
                config
                    .set(key.name, key.default)
                    .unwrap_or_else(|e| panic!("{}: {e}", key.name));
                assert_eq!(key.get(&config).as_deref(), Some(key.default), "{}", key.name);
            } else {
                assert!(key.get(&Config::default()).is_none());
            }
        }
    }

    #[test]
    fn a_page_query_is_read_once_into_config_and_view() {
        let q =
            PageQuery::parse("?lang=zh&hidden=3&projector=1&lesson=xor&foo=bar&points=9999&points=20&bench=0&embed=1");
        assert_eq!(q.config.hidden, vec![3]);
        assert_eq!(q.config.points, 20);
        assert!(q.rejected.is_empty(), "the last points wins: {:?}", q.rejected);
        assert_eq!(q.repeated.len(), 1);
        assert_eq!(q.lang, Some(Lang::Zh));
        assert_eq!(q.lang_refused, None);
        // Any zh-… or en-… code is a language of the page; another is refused, as given.
        assert_eq!(PageQuery::parse("lang=zh-TW").lang, Some(Lang::Zh));
        let french = PageQuery::parse("lang=fr&lang=EN-gb");
        assert_eq!((french.lang, french.lang_refused), (Some(Lang::En), None));
        let french = PageQuery::parse("lang=fr");
        assert_eq!((french.lang, french.lang_refused.as_deref()), (None, Some("fr")));
        assert!(q.projector && q.embed && !q.bench && !q.panic_test && q.has_config);
        assert_eq!(q.lesson.as_deref(), Some("xor"));
        let kept: Vec<&str> = q.kept.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(kept, ["lang", "projector", "lesson", "foo", "bench", "embed"]);
        let alone = PageQuery::parse("lesson=circle");
        assert!(!alone.has_config && alone.compare.is_none());
    }

    #[test]
    fn data_keys_are_the_data_and_its_seed() {
        let data: Vec<_> = TABLE
            .iter()
            .filter(|k| k.scope == Scope::Data)
            .map(|k| k.name)
            .collect();
        assert_eq!(data, ["dataset", "points", "noise", "train-ratio", "val-ratio", "seed"]);
    }
}
