//! The share dialog (`#share-dialog`): what students see (`hide=`, the core's table in
//! `crate::core::share`), the link with a copy button and its QR code, and `#share-preview`,
//! the page as students get it. The QR code is drawn as SVG by `www/boot.js` with npm's
//! qrcode-generator, loaded when the dialog first opens.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CssStyleSheet, Element, Event, HtmlDialogElement, HtmlInputElement, KeyboardEvent};

use super::app::App;
use super::dom::{by_id, document, window, WebError, WebResult};
use super::{element, event_element, files, on, with, Shared};
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
            self.refresh_share();
        }
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
            _ => {}
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
