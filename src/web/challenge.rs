//! The challenge banner (`#challenge`, in the output panel above the readouts): one
//! `li[data-condition]` per condition, in words, with `data-state="met|unmet"` (and the
//! state as hidden text for screen readers), and "met at epoch N" once all held at once,
//! with `data-state="met"` on the banner. The rules are the core's (`core::challenge`).

use web_sys::Element;

use super::dom::{by_id, document, WebError, WebResult};
use super::text::text;
use crate::core::challenge::Tracker;
use crate::core::text::message;
use crate::core::Lang;

pub struct ChallengeView {
    banner: Element,
    list: Element,
    result: Element,
    /// The challenge's text and the language the list was built for.
    built: Option<(String, Lang)>,
    /// Each item's hidden state text, and the states and met epoch shown.
    marks: Vec<Element>,
    shown: Option<(Vec<bool>, Option<u64>)>,
}

impl ChallengeView {
    pub fn new() -> WebResult<ChallengeView> {
        let banner: Element = by_id("challenge")?;
        let part = |selector: &str| {
            banner
                .query_selector(selector)?
                .ok_or_else(|| WebError(format!("#challenge has no {selector}")))
        };
        Ok(ChallengeView {
            list: part("ul")?,
            result: part("p")?,
            banner,
            built: None,
            marks: Vec::new(),
            shown: None,
        })
    }

    /// Shows `tracker`'s challenge and states in `lang` (hides the banner for None);
    /// rewrites only what changed.
    pub fn update(&mut self, tracker: Option<&Tracker>, lang: Lang) -> WebResult<()> {
        let Some(tracker) = tracker else {
            if self.built.take().is_some() {
                self.banner.set_attribute("hidden", "")?;
            }
            return Ok(());
        };
        let challenge = tracker.challenge();
        let key = (challenge.text(), lang);
        if self.built.as_ref() != Some(&key) {
            let doc = document()?;
            self.list.set_inner_html("");
            self.marks.clear();
            for condition in &challenge.conditions {
                let item = doc.create_element("li")?;
                item.set_attribute("data-condition", &condition.text())?;
                item.set_text_content(Some(&condition.describe(lang)));
                let mark = doc.create_element("span")?;
                mark.set_attribute("class", "visually-hidden")?;
                item.append_child(&mark)?;
                self.list.append_child(&item)?;
                self.marks.push(mark);
            }
            self.banner.remove_attribute("hidden")?;
            self.built = Some(key);
            self.shown = None;
        }
        let states = tracker.states();
        let met_at = tracker.met_at();
        if self.shown.as_ref().is_some_and(|(s, m)| s == states && *m == met_at) {
            return Ok(());
        }
        for (i, (mark, &met)) in self.marks.iter().zip(states).enumerate() {
            if self.shown.as_ref().is_some_and(|(s, _)| s.get(i) == Some(&met)) {
                continue;
            }
            if let Some(item) = mark.parent_element() {
                item.set_attribute("data-state", if met { "met" } else { "unmet" })?;
            }
            let words = text(lang, if met { "challenge-holds" } else { "challenge-unmet" });
            mark.set_text_content(Some(&format!(" ({words})")));
        }
        let state = if met_at.is_some() { "met" } else { "unmet" };
        self.banner.set_attribute("data-state", state)?;
        let result = met_at.map(|epoch| message(lang, "challenge-met", &[("epoch", &epoch)]));
        self.result.set_text_content(result.as_deref());
        self.shown = Some((states.to_vec(), met_at));
        Ok(())
    }
}
