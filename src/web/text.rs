//! Puts the page's text in place: static labels are found by the `data-text` (text),
//! `data-text-label` (aria-label and title) and `data-text-placeholder` attributes of the
//! HTML and filled from the one text table, `crate::core::text`; labels of engine choices
//! come from the choices themselves.

pub use crate::core::text::text;
use crate::core::Lang;

/// Writes every static text of the page in `lang`: `[data-text]` elements get their text,
/// `[data-text-label]` elements their aria-label and title, `[data-text-placeholder]` their placeholder.
pub fn apply(lang: Lang) -> super::dom::WebResult<()> {
    use wasm_bindgen::JsCast;
    let doc = super::dom::document()?;
    if let Some(root) = doc.document_element() {
        root.set_attribute("lang", lang.pick("en", "zh-CN"))?;
    }
    doc.set_title(text(lang, "page-title"));
    for (selector, attribute) in [
        ("[data-text]", "data-text"),
        ("[data-text-label]", "data-text-label"),
        ("[data-text-placeholder]", "data-text-placeholder"),
    ] {
        let nodes = doc.query_selector_all(selector)?;
        for i in 0..nodes.length() {
            let Some(element) = nodes.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) else {
                continue;
            };
            let Some(key) = element.get_attribute(attribute) else {
                continue;
            };
            let value = text(lang, &key);
            if attribute == "data-text" {
                element.set_text_content(Some(value));
            } else if attribute == "data-text-placeholder" {
                element.set_attribute("placeholder", value)?;
            } else {
                element.set_attribute("aria-label", value)?;
                element.set_attribute("title", value)?;
            }
        }
    }
    Ok(())
}
