//! The backprop inspector (`#inspector`, opened by `#inspect`): one picked training point
//! walked through the network step by step — the forward pass layer by layer, the loss,
//! the backward pass from the output down, then the optimizer's update. It shows the
//! numbers of [`crate::core::introspect::trace`] and does no math of its own: a table in
//! the panel, and on the network diagram the current layer highlighted with each node's
//! value (a forward, δ backward) written under it.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

use super::boundary::BoundaryView;
use super::dom::{by_id, document, WebResult};
use super::network_view::ParamRef;
use super::text::text;
use crate::core::activation::Activation;
use crate::core::choice::Choice;
use crate::core::introspect::{trace, Trace};
use crate::core::layer::norm::NormKind;
use crate::core::regularization::Regularization;
use crate::core::trainer::Trainer;
use crate::core::{Float, Lang, Problem, Sample};

/// One step of the walk through a network of `layers` layers (hidden layers, then the output).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Forward(usize),
    Loss,
    Backward(usize),
    Update,
}

impl Step {
    fn count(layers: usize) -> usize {
        2 * layers + 2
    }

    fn of(index: usize, layers: usize) -> Step {
        match index {
            i if i < layers => Step::Forward(i),
            i if i == layers => Step::Loss,
            i if i <= 2 * layers => Step::Backward(2 * layers - i),
            _ => Step::Update,
        }
    }

    fn phase(self) -> &'static str {
        match self {
            Step::Forward(_) => "forward",
            Step::Loss => "loss",
            Step::Backward(_) => "backward",
            Step::Update => "update",
        }
    }
}

pub struct Inspector {
    button: Element,
    panel: Element,
    indicator: Element,
    hint: Element,
    body: Element,
    open: bool,
    picked: Option<Sample>,
    step: usize,
    trace: Option<Trace>,
    /// Whether the diagram carries marks now, so clearing them while closed costs nothing
    /// per frame (no selector queries).
    marked: std::cell::Cell<bool>,
}

/// A number as the inspector writes it: four significant digits (an exponent when tiny
/// or huge), a real minus sign; the same in every language.
fn show(value: Float) -> String {
    if !value.is_finite() {
        return format!("{value}");
    }
    let v = f64::from(value);
    let magnitude = v.abs();
    let text = if magnitude == 0.0 {
        "0".to_string()
    } else if !(1e-3..1e4).contains(&magnitude) {
        super::dom::scientific(v, 2)
    } else {
        let digits = (3 - magnitude.log10().floor() as i32).clamp(0, 6) as usize;
        format!("{v:.digits$}")
    };
    text.replace('-', "−")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A table cell holding one number, with the attributes tests read it by.
fn cell(quantity: &str, layer: Option<usize>, neuron: Option<usize>, input: Option<usize>, value: Float) -> String {
    let mut attributes = format!(" data-quantity=\"{quantity}\" data-value=\"{value}\"");
    for (name, v) in [("data-layer", layer), ("data-neuron", neuron), ("data-input", input)] {
        if let Some(v) = v {
            attributes.push_str(&format!(" {name}=\"{v}\""));
        }
    }
    let class = if value < 0.0 { " class=\"neg\"" } else { "" };
    format!("<td{class}{attributes}>{}</td>", show(value))
}

fn header(columns: &[String]) -> String {
    let cells: String = columns.iter().map(|c| format!("<th scope=\"col\">{c}</th>")).collect();
    format!("<thead><tr>{cells}</tr></thead>")
}

impl Inspector {
    pub fn new() -> WebResult<Inspector> {
        let panel: Element = by_id("inspector")?;
        let part = |selector: &str| -> WebResult<Element> {
            panel
                .query_selector(selector)?
                .ok_or_else(|| super::dom::WebError(format!("#inspector has no {selector}")))
        };
        Ok(Inspector {
            button: by_id("inspect")?,
            indicator: part(".inspector-step")?,
            hint: part(".inspector-hint")?,
            body: part(".inspector-body")?,
            panel,
            open: false,
            picked: None,
            step: 0,
            trace: None,
            marked: std::cell::Cell::new(false),
        })
    }

    pub fn is_open(&self) -> bool {
        self.open
    }

    /// Opens or closes the panel; closing forgets the point and clears the diagram's marks.
    pub fn set_open(&mut self, open: bool) {
        self.open = open;
        let _ = self
            .button
            .set_attribute("aria-pressed", if open { "true" } else { "false" });
        if open {
            let _ = self.panel.remove_attribute("hidden");
        } else {
            let _ = self.panel.set_attribute("hidden", "");
            self.picked = None;
            self.trace = None;
            self.step = 0;
            // Now, not at the next frame: the marks go with the panel (a busy machine can
            // delay the frame, and the page must never show marks of a closed inspector).
            self.clear_diagram();
        }
        if let Ok(canvas) = by_id::<Element>("boundary") {
            let _ = if open {
                canvas.set_attribute("data-inspecting", "")
            } else {
                canvas.remove_attribute("data-inspecting")
            };
        }
    }

    /// Picks the training point nearest to plane point (x, y); false when there is none.
    pub fn pick_nearest(&mut self, trainer: &Trainer, x: Float, y: Float) -> bool {
        let nearest = trainer.data().train.iter().copied().min_by(|a, b| {
            let d = |s: &Sample| (s.x - x).powi(2) + (s.y - y).powi(2);
            d(a).total_cmp(&d(b))
        });
        if nearest.is_some() {
            self.picked = nearest;
            self.step = 0;
        }
        nearest.is_some()
    }

    /// Moves `delta` steps (clamped to the walk); redraws the panel and the diagram's marks.
    pub fn step_by(&mut self, delta: i32, trainer: &Trainer, lang: Lang) {
        if self.trace.is_none() {
            return;
        }
        let last = Step::count(trainer.network().layers.len()) - 1;
        self.step = (self.step as i64 + i64::from(delta)).clamp(0, last as i64) as usize;
        self.show(trainer, lang);
    }

    /// After the run, the language or the pick changed (and the boundary was just redrawn):
    /// traces the point anew, rings it on the boundary and redraws everything.
    pub fn refresh(&mut self, trainer: &Trainer, lang: Lang, boundary: &BoundaryView) {
        if !self.open {
            self.clear_diagram();
            return;
        }
        // A point that left the training split (new data) is no longer traced.
        if let Some(p) = self.picked {
            if !trainer.data().train.contains(&p) {
                self.picked = None;
            }
        }
        self.trace = self.picked.map(|p| trace(trainer, p));
        if let Some(p) = self.picked {
            boundary.mark_point(p.x, p.y);
            let (px, py) = boundary.css_point(p.x, p.y);
            for (name, value) in [
                ("data-x", p.x),
                ("data-y", p.y),
                ("data-label", p.label),
                ("data-px", px as Float),
                ("data-py", py as Float),
            ] {
                let _ = self.panel.set_attribute(name, &value.to_string());
            }
        } else {
            for name in ["data-x", "data-y", "data-label", "data-px", "data-py"] {
                let _ = self.panel.remove_attribute(name);
            }
        }
        let last = Step::count(trainer.network().layers.len()) - 1;
        self.step = self.step.min(last);
        self.show(trainer, lang);
    }

    /// Writes the step indicator, the hint, the table and the diagram's marks.
    fn show(&self, trainer: &Trainer, lang: Lang) {
        let Some(tr) = self.trace.as_ref() else {
            self.indicator.set_text_content(None);
            let _ = self.indicator.remove_attribute("data-phase");
            self.hint.set_text_content(Some(text(lang, "inspect-hint")));
            let _ = self.hint.remove_attribute("hidden");
            self.body.set_inner_html("");
            let _ = self.panel.remove_attribute("data-picked");
            self.clear_diagram();
            return;
        };
        let _ = self.panel.set_attribute("data-picked", "");
        let _ = self.hint.set_attribute("hidden", "");
        let layers = tr.layers.len();
        let step = Step::of(self.step, layers);
        let of = |l: usize| crate::core::text::message(lang, "layer-of", &[("layer", &(l + 1)), ("layers", &layers)]);
        let label = match step {
            Step::Forward(l) => format!("{} · {}", text(lang, "forward"), of(l)),
            Step::Loss => text(lang, "loss-step").to_string(),
            Step::Backward(l) => format!("{} · {}", text(lang, "backward"), of(l)),
            Step::Update => text(lang, "update-step").to_string(),
        };
        let counter = format!("{}/{}", self.step + 1, Step::count(layers));
        self.indicator.set_inner_html(&format!(
            "<span class=\"step-name\">{}</span> <span class=\"step-count\">{counter}</span>",
            escape(&label)
        ));
        let _ = self.indicator.set_attribute("data-phase", step.phase());
        let _ = self.indicator.set_attribute("data-step", &self.step.to_string());
        let _ = self
            .indicator
            .set_attribute("data-steps", &Step::count(layers).to_string());
        let layer_attr = match step {
            Step::Forward(l) | Step::Backward(l) => l.to_string(),
            _ => String::new(),
        };
        let _ = self.indicator.set_attribute("data-layer", &layer_attr);
        for (selector, disabled) in [
            ("[data-inspect=\"prev\"]", self.step == 0),
            ("[data-inspect=\"next\"]", self.step + 1 >= Step::count(layers)),
        ] {
            if let Ok(Some(b)) = self.panel.query_selector(selector) {
                let _ = if disabled {
                    b.set_attribute("disabled", "")
                } else {
                    b.remove_attribute("disabled")
                };
            }
        }
        // innerHTML is safe here: the table holds numbers and program text (the page's own
        // sentences and the engine's formulas, escaped), never a user's string; CSV labels
        // are parsed numbers, model names are parsed into the engine's choices.
        self.body.set_inner_html(&self.body_html(trainer, tr, step, lang));
        self.mark_diagram(tr, step);
    }

    /// The name of input `c` of layer `l`: a feature, or a neuron of the layer below.
    fn input_name(trainer: &Trainer, l: usize, c: usize) -> String {
        if l == 0 {
            trainer
                .features()
                .get(c)
                .map_or_else(|| format!("x{}", c + 1), |f| f.info().formula.to_string())
        } else {
            format!("{}.{}", l, c + 1)
        }
    }

    /// The name of row `r` (a pre-activation) of layer `l`: "2.3" (layer 2, neuron 3),
    /// "out", "out 2", or "2.3/1" for a maxout piece.
    fn row_name(tr: &Trainer, l: usize, r: usize) -> String {
        let layers = &tr.network().layers;
        let pieces = layers.get(l).map_or(1, |x| x.activation.pieces().max(1));
        let (j, p) = (r / pieces, r % pieces);
        let base = if l + 1 == layers.len() {
            if layers[l].neurons() > 1 {
                format!("out {}", j + 1)
            } else {
                "out".to_string()
            }
        } else {
            format!("{}.{}", l + 1, j + 1)
        };
        if pieces > 1 {
            format!("{base}/{}", p + 1)
        } else {
            base
        }
    }

    fn body_html(&self, trainer: &Trainer, tr: &Trace, step: Step, lang: Lang) -> String {
        let config = trainer.config();
        let t = |key: &str| escape(text(lang, key));
        let layers = tr.layers.len();
        let mut html = String::new();
        let sample = tr.sample;
        html.push_str(&format!(
            "<p class=\"inspector-point\">{} ({}, {}) · {} {}</p>",
            t("point"),
            show(sample.x),
            show(sample.y),
            t("target"),
            show(sample.label)
        ));
        let activation_of = |l: usize| {
            if l + 1 == layers {
                Activation::Linear
            } else {
                trainer.network().layers[l].activation
            }
        };
        let penalty = config.reg != Regularization::None && config.reg_rate > 0.0;
        let formula = |title: &str, lines: &[String]| {
            let inner: String = lines.iter().map(|l| format!("<div>{}</div>", escape(l))).collect();
            format!(
                "<div class=\"inspector-formula\"><span class=\"formula-title\">{}</span>{inner}</div>",
                t(title)
            )
        };
        match step {
            Step::Forward(l) => {
                let act = activation_of(l);
                let mut lines = vec!["z = Σ w·a_in + b".to_string()];
                let normalised = tr.layers[l].norm.is_some();
                if l + 1 == layers {
                    lines.push(format!("s = z ({})", text(lang, "raw-score")));
                } else if normalised {
                    lines.push("ẑ = (z − μ)/√(σ² + ε),  u = γ·ẑ + β".to_string());
                    lines.push(format!("a = f(u),  {}", act.info().formula));
                } else {
                    lines.push(format!("a = f(z),  {}", act.info().formula));
                }
                html.push_str(&formula("forward", &lines));
                html.push_str(&format!("<p class=\"inspector-note\">{}</p>", t("nodes-show-a")));
                let network = trainer.network();
                let dropout = network.layers.iter().any(|layer| layer.dropout.is_some());
                let batch_norm = network.layers.iter().any(|layer| layer.norm_kind() == NormKind::Batch);
                if dropout || batch_norm {
                    // The trace runs in evaluation mode: say what that changes here.
                    let notes: Vec<String> = [
                        (dropout, "inspector-eval-mode"),
                        (batch_norm, "inspector-eval-mode-norm"),
                    ]
                    .into_iter()
                    .filter(|(on, _)| *on)
                    .map(|(_, key)| t(key))
                    .collect();
                    html.push_str(&format!(
                        "<p class=\"inspector-note\" id=\"inspector-eval-mode\">{}</p>",
                        notes.join(" ")
                    ));
                }
                html.push_str(&self.neuron_table(trainer, tr, l, false, lang));
                html.push_str(&self.link_table(trainer, tr, l, false, lang));
            }
            Step::Loss => {
                let lines = [
                    config.loss.info().formula.to_string(),
                    format!("∂L/∂s: {}", text(lang, "starts-backward")),
                ];
                html.push_str(&formula("loss-step", &lines));
                html.push_str(&self.loss_table(trainer, tr, lang));
            }
            Step::Backward(l) => {
                let mut lines = Vec::new();
                if l + 1 == layers {
                    lines.push("δ = ∂L/∂s  (f(z) = z, f′(z) = 1)".to_string());
                } else {
                    lines.push("∂L/∂a = Σ w_next · δ_next".to_string());
                    lines.push("δ = ∂L/∂a · f′(z)".to_string());
                }
                lines.push(if penalty {
                    "∂L/∂w = δ · a_in + ∂penalty/∂w,   ∂L/∂b = δ".to_string()
                } else {
                    "∂L/∂w = δ · a_in,   ∂L/∂b = δ".to_string()
                });
                html.push_str(&formula("chain-rule", &lines));
                html.push_str(&format!("<p class=\"inspector-note\">{}</p>", t("nodes-show-delta")));
                html.push_str(&self.neuron_table(trainer, tr, l, true, lang));
                html.push_str(&self.link_table(trainer, tr, l, true, lang));
            }
            Step::Update => {
                let rule = config.optimizer.info().formula;
                let clipped = tr.clip_scale < 1.0;
                let gradient = if clipped {
                    format!("g = ∂L/∂w × {}", show(tr.clip_scale))
                } else {
                    "g = ∂L/∂w".to_string()
                };
                let lines = [
                    format!("{rule}   (η = {})", show(config.lr)),
                    format!("{gradient},  {}", config.optimizer.label(lang)),
                ];
                html.push_str(&formula("update-step", &lines));
                if config.clip > 0.0 {
                    let note = text(lang, if clipped { "clip-scaled" } else { "clip-kept" })
                        .replace("{norm}", &show(tr.gradient_norm))
                        .replace("{clip}", &show(config.clip))
                        .replace("{scale}", &show(tr.clip_scale));
                    html.push_str(&format!(
                        "<p class=\"inspector-note\" id=\"inspector-clip\" data-clip-scale=\"{}\">{}</p>",
                        tr.clip_scale,
                        escape(&note)
                    ));
                }
                html.push_str(&format!("<p class=\"inspector-note\">{}</p>", t("update-note")));
                html.push_str(&self.update_table(trainer, tr, lang));
            }
        }
        html
    }

    /// Per neuron (pre-activation row) of layer `l`: z and a; backward also f′(z), ∂L/∂a and δ.
    fn neuron_table(&self, trainer: &Trainer, tr: &Trace, l: usize, backward: bool, lang: Lang) -> String {
        let t = |key: &str| escape(text(lang, key));
        let layer = &tr.layers[l];
        let pieces = trainer.network().layers[l].activation.pieces().max(1);
        // A normalised layer's forward table shows the way from z to u: μ, σ², ẑ, γ, β.
        let norm = layer.norm.as_ref().filter(|_| !backward);
        let f_in = if layer.norm.is_some() { "u" } else { "z" };
        let mut columns = vec![t("neuron-col"), "z".to_string()];
        if norm.is_some() {
            columns.extend(["μ", "σ²", "ẑ", "γ", "β", "u = γ·ẑ + β"].map(str::to_string));
        }
        columns.push(if backward {
            "a".to_string()
        } else {
            format!("a = f({f_in})")
        });
        if backward {
            columns.push(format!("f′({f_in})<small>{}</small>", t("local-grad")));
            columns.push(format!("∂L/∂a<small>{}</small>", t("upstream-grad")));
            columns.push("δ = ∂L/∂z".to_string());
        }
        let mut rows = String::new();
        for r in 0..layer.pre_activation.len() {
            let j = r / pieces;
            let mut row = format!("<tr><th scope=\"row\">{}</th>", Self::row_name(trainer, l, r));
            row.push_str(&cell("z", Some(l), Some(r), None, layer.pre_activation[r]));
            if let Some(n) = norm {
                let values = [
                    ("mean", &n.mean),
                    ("variance", &n.variance),
                    ("normalized", &n.normalized),
                    ("gamma", &n.gamma),
                    ("beta", &n.beta),
                    ("u", &n.output),
                ];
                for (quantity, values) in values {
                    let value = values.get(r).copied().unwrap_or(0.0);
                    row.push_str(&cell(quantity, Some(l), Some(r), None, value));
                }
            }
            row.push_str(&cell(
                "a",
                Some(l),
                Some(r),
                None,
                layer.activation.get(j).copied().unwrap_or(0.0),
            ));
            if backward {
                row.push_str(&cell("local", Some(l), Some(r), None, layer.local_grad[r]));
                row.push_str(&cell(
                    "upstream",
                    Some(l),
                    Some(r),
                    None,
                    layer.upstream_grad.get(j).copied().unwrap_or(0.0),
                ));
                row.push_str(&cell("delta", Some(l), Some(r), None, layer.delta[r]));
            }
            row.push_str("</tr>");
            rows.push_str(&row);
        }
        format!(
            "<div class=\"inspector-scroll\"><table class=\"inspector-table neurons\">{}<tbody>{rows}</tbody></table></div>",
            header(&columns)
        )
    }

    /// Per link of layer `l` (and per bias): a_in and w; backward also ∂L/∂w and Δw.
    fn link_table(&self, trainer: &Trainer, tr: &Trace, l: usize, backward: bool, lang: Lang) -> String {
        let t = |key: &str| escape(text(lang, key));
        let layer = &tr.layers[l];
        let weights = &trainer.network().layers[l].weights.value;
        let biases = &trainer.network().layers[l].biases.value;
        let mut columns = vec![t("link-col"), "a_in".to_string(), "w".to_string()];
        if backward {
            columns.push("∂L/∂w".to_string());
            columns.push(format!("Δw<small>{}</small>", t("update-step")));
        } else {
            columns.push("w·a_in".to_string());
        }
        let mut rows = String::new();
        for r in 0..layer.pre_activation.len() {
            let to = Self::row_name(trainer, l, r);
            for (c, &a_in) in layer.input.iter().enumerate() {
                let w = weights[(r, c)];
                rows.push_str(&format!(
                    "<tr><th scope=\"row\">{} → {}</th>",
                    escape(&Self::input_name(trainer, l, c)),
                    to
                ));
                rows.push_str(&cell("input", Some(l), Some(r), Some(c), a_in));
                rows.push_str(&cell("w", Some(l), Some(r), Some(c), w));
                if backward {
                    rows.push_str(&cell("grad-w", Some(l), Some(r), Some(c), layer.weight_grad[(r, c)]));
                    rows.push_str(&cell(
                        "update-w",
                        Some(l),
                        Some(r),
                        Some(c),
                        layer.weight_update[(r, c)],
                    ));
                } else {
                    rows.push_str(&cell("product", Some(l), Some(r), Some(c), w * a_in));
                }
                rows.push_str("</tr>");
            }
            rows.push_str(&format!(
                "<tr class=\"bias-row\"><th scope=\"row\">b → {to}</th><td></td>"
            ));
            rows.push_str(&cell("b", Some(l), Some(r), None, biases[(r, 0)]));
            if backward {
                rows.push_str(&cell("grad-b", Some(l), Some(r), None, layer.bias_grad[r]));
                rows.push_str(&cell("update-b", Some(l), Some(r), None, layer.bias_update[r]));
            } else {
                rows.push_str("<td></td>");
            }
            rows.push_str("</tr>");
        }
        format!(
            "<div class=\"inspector-scroll\"><table class=\"inspector-table links\">{}<tbody>{rows}</tbody></table></div>",
            header(&columns)
        )
    }

    fn loss_table(&self, trainer: &Trainer, tr: &Trace, lang: Lang) -> String {
        let t = |key: &str| escape(text(lang, key));
        let l = tr.layers.len() - 1;
        let scores = &tr.layers[l].activation;
        let problem = trainer.problem();
        let columns = [t("output"), "s".to_string(), t("prediction"), "∂L/∂s".to_string()];
        let mut rows = String::new();
        for (k, &s) in scores.iter().enumerate() {
            rows.push_str(&format!("<tr><th scope=\"row\">{}</th>", Self::row_name(trainer, l, k)));
            rows.push_str(&cell("score", Some(l), Some(k), None, s));
            let p = tr.prediction.get(k).copied().unwrap_or(0.0);
            rows.push_str(&cell("prediction", Some(l), Some(k), None, p));
            rows.push_str(&cell("output-grad", Some(l), Some(k), None, tr.output_grad[k]));
            rows.push_str("</tr>");
        }
        let prediction_note = match problem {
            Problem::Binary => "p = σ(s)",
            Problem::MultiClass(_) => "p = softmax(s)",
            Problem::Regression => "ŷ = s",
        };
        format!(
            "<div class=\"inspector-scroll\"><table class=\"inspector-table loss\">{}<tbody>{rows}</tbody></table></div>\
             <p class=\"inspector-loss\">{prediction_note} · y = <span data-quantity=\"label\" data-value=\"{}\">{}</span> · \
             L = <strong data-quantity=\"loss\" data-value=\"{}\">{}</strong></p>",
            header(&columns),
            tr.sample.label,
            show(tr.sample.label),
            tr.loss,
            show(tr.loss)
        )
    }

    /// Every weight and bias with its gradient and the update the optimizer would make.
    fn update_table(&self, trainer: &Trainer, tr: &Trace, lang: Lang) -> String {
        let t = |key: &str| escape(text(lang, key));
        // With clipping at work, the gradient the optimizer was given gets its own column.
        let clipped = tr.clip_scale < 1.0;
        let mut columns = vec![t("link-col"), "w".to_string(), "∂L/∂w".to_string()];
        if clipped {
            columns.push(format!("g<small>{}</small>", t("clipped-grad")));
        }
        columns.extend(["Δw".to_string(), "w + Δw".to_string()]);
        let mut rows = String::new();
        for (l, layer) in tr.layers.iter().enumerate() {
            let net = &trainer.network().layers[l];
            for r in 0..layer.pre_activation.len() {
                let to = Self::row_name(trainer, l, r);
                for c in 0..layer.input.len() {
                    let w = net.weights.value[(r, c)];
                    let d = layer.weight_update[(r, c)];
                    rows.push_str(&format!(
                        "<tr><th scope=\"row\">{} → {to}</th>",
                        escape(&Self::input_name(trainer, l, c))
                    ));
                    rows.push_str(&cell("w", Some(l), Some(r), Some(c), w));
                    rows.push_str(&cell("grad-w", Some(l), Some(r), Some(c), layer.weight_grad[(r, c)]));
                    if clipped {
                        let g = layer.applied_weight_grad[(r, c)];
                        rows.push_str(&cell("clipped-grad-w", Some(l), Some(r), Some(c), g));
                    }
                    rows.push_str(&cell("update-w", Some(l), Some(r), Some(c), d));
                    rows.push_str(&cell("new-w", Some(l), Some(r), Some(c), w + d));
                    rows.push_str("</tr>");
                }
                let b = net.biases.value[(r, 0)];
                let d = layer.bias_update[r];
                rows.push_str(&format!("<tr class=\"bias-row\"><th scope=\"row\">b → {to}</th>"));
                rows.push_str(&cell("b", Some(l), Some(r), None, b));
                rows.push_str(&cell("grad-b", Some(l), Some(r), None, layer.bias_grad[r]));
                if clipped {
                    let g = layer.applied_bias_grad[r];
                    rows.push_str(&cell("clipped-grad-b", Some(l), Some(r), None, g));
                }
                rows.push_str(&cell("update-b", Some(l), Some(r), None, d));
                rows.push_str(&cell("new-b", Some(l), Some(r), None, b + d));
                rows.push_str("</tr>");
            }
        }
        format!(
            "<div class=\"inspector-scroll tall\"><table class=\"inspector-table update\">{}<tbody>{rows}</tbody></table></div>",
            header(&columns)
        )
    }

    /// The tooltip's extra lines for a link while a point is traced: its input, weight,
    /// upstream and local gradient, δ, ∂L/∂w and Δw.
    pub fn link_tooltip(&self, param: ParamRef, lang: Lang) -> Option<String> {
        let tr = self.trace.as_ref()?;
        let ParamRef::Weight { layer, row, column } = param else {
            let ParamRef::Bias { layer, row } = param else {
                return None;
            };
            let lt = tr.layers.get(layer)?;
            return Some(format!(
                "∂L/∂b = δ = {}\nΔb = {}",
                show(*lt.bias_grad.get(row)?),
                show(*lt.bias_update.get(row)?)
            ));
        };
        let lt = tr.layers.get(layer)?;
        let pieces = (lt.pre_activation.len() / lt.activation.len().max(1)).max(1);
        let upstream = *lt.upstream_grad.get(row / pieces)?;
        let local = *lt.local_grad.get(row)?;
        Some(format!(
            "a_in = {}\n{} ∂L/∂a = {} × {} f′(z) = {} → δ = {}\n∂L/∂w = {}\nΔw = {}",
            show(*lt.input.get(column)?),
            text(lang, "upstream-grad"),
            show(upstream),
            text(lang, "local-grad"),
            show(local),
            show(*lt.delta.get(row)?),
            show(*lt.weight_grad.get((row, column))?),
            show(*lt.weight_update.get((row, column))?),
        ))
    }

    // ----- The network diagram's marks ---------------------------------------------------

    fn stage() -> Option<Element> {
        document().ok()?.query_selector("#network .network-stage").ok()?
    }

    fn clear_diagram(&self) {
        if !self.marked.replace(false) {
            return;
        }
        let Some(stage) = Self::stage() else { return };
        let _ = stage.class_list().remove_1("inspecting");
        if let Ok(nodes) = stage.query_selector_all(".inspect-value") {
            for i in 0..nodes.length() {
                if let Some(e) = nodes.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                    e.remove();
                }
            }
        }
        if let Ok(nodes) = stage.query_selector_all(".inspect-current, .inspect-source") {
            for i in 0..nodes.length() {
                if let Some(e) = nodes.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                    let _ = e.class_list().remove_2("inspect-current", "inspect-source");
                }
            }
        }
    }

    fn add_class(stage: &Element, selector: &str, class: &str) {
        if let Ok(nodes) = stage.query_selector_all(selector) {
            for i in 0..nodes.length() {
                if let Some(e) = nodes.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                    let _ = e.class_list().add_1(class);
                }
            }
        }
    }

    /// Node `index` of diagram column `column` (0: the features; c: network layer c − 1).
    fn node(stage: &Element, column: usize, index: usize) -> Option<HtmlElement> {
        let node = if column == 0 {
            let nodes = stage.query_selector_all("canvas.feature-node").ok()?;
            nodes.item(index as u32)?.dyn_into::<Element>().ok()?
        } else {
            let selector = format!("canvas.neuron[data-layer=\"{}\"][data-index=\"{index}\"]", column - 1);
            stage.query_selector(&selector).ok()??
        };
        node.dyn_into().ok()
    }

    /// Highlights the step's layer and writes each node's value under it.
    fn mark_diagram(&self, tr: &Trace, step: Step) {
        self.clear_diagram();
        let Some(stage) = Self::stage() else { return };
        self.marked.set(true);
        let _ = stage.class_list().add_1("inspecting");
        let layers = tr.layers.len();
        let current = |l: usize| {
            Self::add_class(&stage, &format!("path.link[data-layer=\"{l}\"]"), "inspect-current");
            Self::add_class(&stage, &format!("canvas.neuron[data-layer=\"{l}\"]"), "inspect-current");
            let source = if l == 0 {
                "canvas.feature-node".to_string()
            } else {
                format!("canvas.neuron[data-layer=\"{}\"]", l - 1)
            };
            Self::add_class(&stage, &source, "inspect-source");
        };
        // (column, value per node, class) of every labelled column.
        let mut labelled: Vec<(usize, Vec<Float>, &str)> = Vec::new();
        let forward_columns = |upto: usize, out: &mut Vec<(usize, Vec<Float>, &str)>| {
            out.push((0, tr.layers[0].input.clone(), "forward"));
            for c in 1..=upto {
                out.push((c, tr.layers[c - 1].activation.clone(), "forward"));
            }
        };
        match step {
            Step::Forward(l) => {
                current(l);
                forward_columns(l + 1, &mut labelled);
            }
            Step::Loss => {
                Self::add_class(
                    &stage,
                    &format!("canvas.neuron[data-layer=\"{}\"]", layers - 1),
                    "inspect-current",
                );
                forward_columns(layers, &mut labelled);
            }
            Step::Backward(l) => {
                current(l);
                for c in l + 1..=layers {
                    let lt = &tr.layers[c - 1];
                    let neurons = lt.activation.len().max(1);
                    let pieces = (lt.delta.len() / neurons).max(1);
                    // A maxout neuron's δ: the sum over its pieces (only the winner's is non-zero).
                    let deltas = lt.delta.chunks(pieces).map(|p| p.iter().sum()).collect();
                    labelled.push((c, deltas, "backward"));
                }
            }
            Step::Update => {
                Self::add_class(&stage, "path.link", "inspect-current");
            }
        }
        let Ok(doc) = document() else { return };
        for (column, values, class) in labelled {
            for (index, &value) in values.iter().enumerate() {
                let Some(node) = Self::node(&stage, column, index) else {
                    continue;
                };
                let Ok(span) = doc.create_element("span") else { continue };
                span.set_class_name(&format!("inspect-value {class}"));
                let _ = span.set_attribute("data-column", &column.to_string());
                let _ = span.set_attribute("data-index", &index.to_string());
                let _ = span.set_attribute("data-value", &value.to_string());
                span.set_text_content(Some(&show(value)));
                let x = f64::from(node.offset_left()) + f64::from(node.offset_width()) / 2.0;
                let y = f64::from(node.offset_top()) + f64::from(node.offset_height());
                super::dom::set_style(&span, &[("left", &format!("{x:.1}px")), ("top", &format!("{y:.1}px"))]);
                let _ = stage.append_child(&span);
            }
        }
    }
}
