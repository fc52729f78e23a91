//! The share dialog (`#share-dialog`): what students see (`hide=`, the core's table in
//! `crate::core::share`), the link with a copy button and its QR code, and `#share-preview`,
//! the page as students get it. The QR code is drawn as SVG by `www/boot.js` with npm's
//! qrcode-generator, loaded when the dialog first opens.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CssStyleSheet, Element, Event, HtmlDialogElement, HtmlInputElement, HtmlSelectElement, KeyboardEvent};

use super::app::App;
use super::controls::option;
use super::dom::{by_id, document, window, WebError, WebResult};
use super::{element, event_element, files, on, with, Shared};
use crate::core::challenge::{Challenge, Metric, Op};
use crate::core::share::{hide_rule, HIDEABLE, HIDE_GROUPS};
use crate::core::text::{message, text};

#[wasm_bindgen]
extern "C" {
    /// `www/boot.js`: draws `link` as a QR code into the `<svg>` `target`.
    #[wasm_bindgen(catch, js_name = nnlabQr)]
    fn draw_qr(link: &str, target: &Element) -> Result<(), JsValue>;
}

/// Bytes a QR code holds (version 40, level M, byte mode).
const QR_MAX: usize = 2331;

pub struct ShareView {
    dialog: HtmlDialogElement,
    /// The controls hidden now: the link's `hide=`, or the checklist while previewing.
    pub hidden: Vec<&'static str>,
    /// The link's own `hide=`.
    linked: Vec<&'static str>,
    previewing: bool,
    /// Whether the hiding rule is in the stylesheet (as its first rule).
    rule: bool,
}

impl ShareView {
    /// Builds the checklist (one fieldset per group; the texts come with the page's).
    pub fn new(linked: Vec<&'static str>) -> WebResult<ShareView> {
        // Only the table's own names and text keys go in, so the markup needs no escaping.
        let mut html = String::new();
        for (g, group) in HIDE_GROUPS.iter().enumerate() {
            html += &format!("<fieldset><legend data-text=\"{group}\"></legend>");
            for h in HIDEABLE.iter().filter(|h| h.group == g) {
                let checked = if linked.contains(&h.name) { " checked" } else { "" };
                html += &format!(
                    "<label class=\"check\"><input type=\"checkbox\" data-hide=\"{}\"{checked}> <span data-text=\"{}\"></span></label>",
                    h.name, h.label
                );
            }
            html += "</fieldset>";
        }
        by_id::<Element>("share-hide-list")?.insert_adjacent_html("beforeend", &html)?;
        let mut view = ShareView {
            dialog: by_id("share-dialog")?,
            hidden: Vec::new(),
            linked: linked.clone(),
            previewing: false,
            rule: false,
        };
        view.apply(linked)?;
        Ok(view)
    }

    /// Takes `names` out of the page, through one rule at the top of the page's stylesheet.
    fn apply(&mut self, names: Vec<&'static str>) -> WebResult<()> {
        let sheet: CssStyleSheet = document()?
            .style_sheets()
            .get(0)
            .ok_or_else(|| WebError("no stylesheet".into()))?
            .dyn_into()
            .map_err(|_| WebError("no stylesheet".into()))?;
        if self.rule {
            sheet.delete_rule(0)?;
            self.rule = false;
        }
        if let Some(rule) = hide_rule(&names) {
            sheet.insert_rule_with_index(&rule, 0)?;
            self.rule = true;
        }
        self.hidden = names;
        Ok(())
    }

    /// The names ticked in the checklist.
    fn checked() -> Vec<&'static str> {
        let list = by_id::<Element>("share-hide-list").ok();
        HIDEABLE
            .iter()
            .map(|h| h.name)
            .filter(|name| {
                let selector = format!("input[data-hide=\"{name}\"]:checked");
                list.as_ref()
                    .is_some_and(|l| l.query_selector(&selector).ok().flatten().is_some())
            })
            .collect()
    }

    pub fn hides(&self, name: &str) -> bool {
        self.hidden.contains(&name)
    }
}

impl App {
    /// The link students get: this run with the checklist's `hide=`.
    fn share_link(&self) -> String {
        let href = window()
            .and_then(|w| w.location().href().map_err(Into::into))
            .unwrap_or_default();
        let base = href.split(['?', '#']).next().unwrap_or_default();
        format!("{base}?{}", self.query(Some(&ShareView::checked().join(","))))
    }

    /// Writes the link, its QR code or why there is none.
    pub(super) fn refresh_share(&self) {
        if !self.share.dialog.open() {
            return;
        }
        let link = self.share_link();
        if let Ok(input) = by_id::<HtmlInputElement>("share-link") {
            input.set_value(&link);
        }
        if let Ok(status) = by_id::<Element>("share-copied") {
            status.set_text_content(None);
        }
        let too_long = link.len() > QR_MAX;
        let (Ok(qr), Ok(note), Ok(csv)) = (
            by_id::<Element>("share-qr"),
            by_id::<Element>("share-qr-message"),
            by_id::<Element>("share-csv"),
        ) else {
            return;
        };
        let points = too_long && link.contains("&points-data=");
        let _ = qr.toggle_attribute_with_force("hidden", too_long);
        let _ = note.toggle_attribute_with_force("hidden", !too_long);
        let _ = csv.toggle_attribute_with_force("hidden", !points);
        if too_long {
            let mut says = message(self.lang, "share-too-long", &[("len", &link.len()), ("max", &QR_MAX)]);
            if points {
                says = format!("{says} {}", text(self.lang, "share-points-too-long"));
            }
            note.set_text_content(Some(&says));
        } else if draw_qr(&link, &qr).is_err() {
            let _ = qr.set_attribute("data-state", "failed");
        }
    }

    pub fn open_share(&mut self) {
        if !self.share.dialog.open() && self.share.dialog.show_modal().is_ok() {
            if let Err(e) = self.refresh_goal() {
                self.show_notice(&e.to_string());
            }
            self.refresh_share();
        }
    }

    /// The goal form: the challenge followed now as a list with a remove button per
    /// condition, and the new condition's metric and comparison in the page's language.
    fn refresh_goal(&self) -> WebResult<()> {
        let doc = document()?;
        let lang = self.lang;
        let list: Element = by_id("share-goal-list")?;
        list.set_inner_html("");
        let conditions = self.challenge_conditions();
        for (i, condition) in conditions.iter().enumerate() {
            let item = doc.create_element("li")?;
            item.set_attribute("data-condition", &condition.text())?;
            let words = condition.describe(lang);
            let said = doc.create_element("span")?;
            said.set_text_content(Some(&words));
            let remove = doc.create_element("button")?;
            remove.set_attribute("type", "button")?;
            remove.set_attribute("class", "goal-remove")?;
            remove.set_attribute("data-index", &i.to_string())?;
            let label = format!("{}: {words}", text(lang, "share-goal-remove"));
            remove.set_attribute("aria-label", &label)?;
            remove.set_text_content(Some("×"));
            item.append_child(&said)?;
            item.append_child(&remove)?;
            list.append_child(&item)?;
        }
        by_id::<Element>("share-goal-none")?.toggle_attribute_with_force("hidden", !conditions.is_empty())?;
        let full = conditions.len() >= Challenge::MAX_CONDITIONS;
        by_id::<Element>("share-goal-add")?.toggle_attribute_with_force("disabled", full)?;
        // Rebuilt each time (the language may have changed), keeping the choice.
        let metric: HtmlSelectElement = by_id("share-goal-metric")?;
        let op: HtmlSelectElement = by_id("share-goal-op")?;
        let (kept_metric, kept_op) = (metric.value(), op.value());
        metric.set_inner_html("");
        for m in Metric::ALL {
            let choice = option(m.name(), m.label(lang))?;
            metric.append_child(&choice)?;
        }
        op.set_inner_html("");
        for o in Op::ALL {
            let choice = option(o.symbol(), &format!("{} ({})", o.words(lang), o.symbol()))?;
            op.append_child(&choice)?;
        }
        if !kept_metric.is_empty() {
            metric.set_value(&kept_metric);
            op.set_value(&kept_op);
        }
        Ok(())
    }

    /// Adds the form's condition to the challenge, or says why it cannot be one.
    fn add_goal(&mut self) -> WebResult<()> {
        let metric: HtmlSelectElement = by_id("share-goal-metric")?;
        let op: HtmlSelectElement = by_id("share-goal-op")?;
        let value: HtmlInputElement = by_id("share-goal-value")?;
        let part = format!("{}{}{}", metric.value(), op.value(), value.value().trim());
        let (_, refused) = Challenge::parse(&part);
        let field = Some("share-goal-value");
        if let Some(why) = refused.first() {
            self.show_field_error(
                field,
                Some([why.message(crate::core::Lang::En), why.message(crate::core::Lang::Zh)]),
            );
            return Ok(());
        }
        self.show_field_error(field, None);
        let mut parts: Vec<String> = self.challenge_conditions().iter().map(|c| c.text()).collect();
        parts.push(part);
        self.set_challenge(Some(&parts.join(";")));
        value.set_value("");
        self.goal_changed()
    }

    /// Drops the challenge's condition `index`.
    fn remove_goal(&mut self, index: usize) -> WebResult<()> {
        let parts: Vec<String> = self
            .challenge_conditions()
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != index)
            .map(|(_, c)| c.text())
            .collect();
        self.set_challenge((!parts.is_empty()).then(|| parts.join(";")).as_deref());
        self.goal_changed()
    }

    /// After the form changed the goal: the list, the link, the page's URL and banner.
    fn goal_changed(&mut self) -> WebResult<()> {
        self.refresh_goal()?;
        self.refresh_share();
        self.write_url();
        Ok(())
    }

    /// `#share-preview`: the page as students get it, or back to the dialog.
    pub fn toggle_preview(&mut self) {
        let on = !self.share.previewing;
        self.share.previewing = on;
        let names = if on {
            ShareView::checked()
        } else {
            self.share.linked.clone()
        };
        if let Err(e) = self.share.apply(names) {
            self.show_notice(&e.to_string());
        }
        let dialog = &self.share.dialog;
        dialog.close();
        let _ = dialog.class_list().toggle_with_force("previewing", on);
        if on {
            dialog.show();
        } else {
            let _ = dialog.show_modal();
        }
        if let Ok(button) = by_id::<Element>("share-preview") {
            let key = if on { "share-preview-end" } else { "share-preview" };
            let _ = button.set_attribute("aria-pressed", if on { "true" } else { "false" });
            let _ = button.set_attribute("data-text", key);
            button.set_text_content(Some(text(self.lang, key)));
            if let Some(b) = button.dyn_ref::<web_sys::HtmlElement>() {
                let _ = b.focus();
            }
        }
        self.fit_canvases();
        self.refresh_share();
    }

    /// Keys while sharing: Escape ends a preview; the page's shortcuts wait while the
    /// dialog is open. True when the key was the dialog's.
    pub(super) fn share_key(&mut self, e: &KeyboardEvent) -> bool {
        if self.share.previewing && e.key() == "Escape" {
            e.prevent_default();
            self.toggle_preview();
            return true;
        }
        self.share.dialog.open() && !self.share.previewing
    }

    pub fn export_points(&self) {
        let data = self.trainer.data();
        let csv = crate::core::data_csv::write_csv(&data.train, &data.val, &data.test);
        if let Err(e) = files::download_text("nnlab-points.csv", "text/csv", &csv) {
            self.show_notice(&e.to_string());
        }
    }
}

/// Connects the share button and the dialog's controls.
pub fn wire(app: &Shared) -> WebResult<()> {
    on::<Event>(app, &element("share")?, "click", |a, _| a.open_share());
    on::<Event>(app, &element("share-hide-list")?, "change", |a, _| a.refresh_share());
    // Closed (Escape, ×): back to the page as the link shows it, focus on #share.
    on::<Event>(app, &element("share-dialog")?, "close", |a, _| {
        let dialog = &a.share.dialog;
        if a.share.previewing || dialog.open() {
            return;
        }
        let _ = dialog.class_list().remove_1("large");
        let _ = by_id::<Element>("share-large").and_then(|b| Ok(b.set_attribute("aria-pressed", "false")?));
        if let Ok(button) = by_id::<web_sys::HtmlElement>("share") {
            let _ = button.focus();
        }
    });
    // The dialog's buttons, through one listener.
    let shared = app.clone();
    on::<Event>(app, &element("share-dialog")?, "click", move |a, e| {
        let Some(button) = event_element(&e).and_then(|t| t.closest("button").ok().flatten()) else {
            return;
        };
        match button.id().as_str() {
            "share-close" => a.share.dialog.close(),
            "share-preview" => a.toggle_preview(),
            "share-csv" => a.export_points(),
            "share-large" => {
                let large = a.share.dialog.class_list().toggle("large").unwrap_or(false);
                let _ = button.set_attribute("aria-pressed", if large { "true" } else { "false" });
            }
            "share-copy" => copy(&shared, &a.share_link()),
            "share-goal-add" => {
                if let Err(e) = a.add_goal() {
                    a.show_notice(&e.to_string());
                }
            }
            _ => {
                let index = button.get_attribute("data-index").and_then(|i| i.parse().ok());
                if let Some(index) = index.filter(|_| button.class_list().contains("goal-remove")) {
                    if let Err(e) = a.remove_goal(index) {
                        a.show_notice(&e.to_string());
                    }
                }
            }
        }
    });
    Ok(())
}

/// Copies the link, or selects it for copying by hand; says which in `#share-copied`.
fn copy(app: &Shared, link: &str) {
    let app = app.clone();
    files::copy_text(link, move |copied| {
        with(&app, |a| {
            if !copied {
                if let Ok(input) = by_id::<HtmlInputElement>("share-link") {
                    input.select();
                }
            }
            if let Ok(status) = by_id::<Element>("share-copied") {
                let key = if copied { "share-copied" } else { "share-copy-by-hand" };
                status.set_text_content(Some(text(a.lang, key)));
            }
        });
    });
}
