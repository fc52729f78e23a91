//! The guided-lessons panel (`#lessons`): which lesson, what to watch, one thing to try and,
//! folded away until the student has tried, what they should have seen. The lessons
//! themselves are data in `core::lesson`.

use web_sys::{Element, HtmlSelectElement};

use super::dom::{by_id, document, WebResult};
use super::text::text;
use crate::core::lesson::{self, Lesson, LESSONS};
use crate::core::Lang;

pub struct LessonsView {
    panel: Element,
    select: HtmlSelectElement,
    title: Element,
    watch: Element,
    try_this: Element,
    expect: Element,
    expect_box: Element,
    position: Element,
    prev: Element,
    next: Element,
    /// The language the lesson list was written in.
    listed: Option<Lang>,
    /// lessons.txt could not be had: the panel says so instead of "loading".
    pub prose_failed: bool,
}

impl LessonsView {
    pub fn new() -> WebResult<LessonsView> {
        let panel: Element = by_id("lessons")?;
        let part = |selector: &str| -> WebResult<Element> {
            panel
                .query_selector(selector)?
                .ok_or_else(|| super::dom::WebError(format!("#lessons has no {selector}")))
        };
        Ok(LessonsView {
            select: by_id("lesson-select")?,
            title: part(".lesson-title")?,
            watch: part(".lesson-watch")?,
            try_this: part(".lesson-try")?,
            expect: part(".lesson-expect")?,
            expect_box: part(".lesson-expect-box")?,
            position: part(".lesson-position")?,
            prev: by_id("lesson-prev")?,
            next: by_id("lesson-next")?,
            panel,
            listed: None,
            prose_failed: false,
        })
    }

    /// Fills the lesson list in `lang` (titles numbered in course order).
    fn list(&mut self, lang: Lang) -> WebResult<()> {
        if self.listed == Some(lang) {
            return Ok(());
        }
        let doc = document()?;
        let chosen = self.select.value();
        self.select.set_inner_html("");
        for (i, lesson) in LESSONS.iter().enumerate() {
            let option = doc.create_element("option")?;
            option.set_attribute("value", lesson.id)?;
            option.set_text_content(Some(&format!("{}. {}", i + 1, lesson.text(lang).title)));
            self.select.append_child(&option)?;
        }
        self.select.set_value(&chosen);
        self.listed = Some(lang);
        Ok(())
    }

    /// Shows `lesson` (or hides the panel for None) in `lang`. `fresh` folds the answer away
    /// again (a newly opened lesson, not a language switch).
    pub fn show(&mut self, lesson: Option<&Lesson>, lang: Lang, fresh: bool) -> WebResult<()> {
        self.list(lang)?;
        let Some(lesson) = lesson else {
            self.panel.set_attribute("hidden", "")?;
            return Ok(());
        };
        let index = LESSONS.iter().position(|l| l.id == lesson.id).unwrap_or(0);
        let mut words = lesson.text(lang);
        // The prose comes from lessons.txt, fetched after the page's first frame.
        let state = if lesson::prose_loaded() {
            "ready"
        } else if self.prose_failed {
            words.watch = text(lang, "lesson-prose-failed");
            "failed"
        } else {
            words.watch = text(lang, "lesson-prose-loading");
            "loading"
        };
        self.panel.set_attribute("data-prose", state)?;
        self.panel.remove_attribute("hidden")?;
        self.panel.set_attribute("data-lesson", lesson.id)?;
        self.select.set_value(lesson.id);
        self.title.set_text_content(Some(words.title));
        self.watch.set_text_content(Some(words.watch));
        self.try_this.set_text_content(Some(words.try_this));
        self.expect.set_text_content(Some(words.expect));
        let position = text(lang, "lesson-of")
            .replace("{i}", &(index + 1).to_string())
            .replace("{n}", &LESSONS.len().to_string());
        self.position.set_text_content(Some(&position));
        if fresh {
            self.expect_box.remove_attribute("open")?;
        }
        for (button, disabled) in [(&self.prev, index == 0), (&self.next, index + 1 == LESSONS.len())] {
            if disabled {
                button.set_attribute("disabled", "")?;
            } else {
                button.remove_attribute("disabled")?;
            }
        }
        Ok(())
    }
}

/// The lesson `delta` places from `id` in course order, if there is one.
pub fn neighbour(id: &str, delta: isize) -> Option<&'static Lesson> {
    let index = LESSONS.iter().position(|l| l.id == id)?;
    LESSONS.get(index.checked_add_signed(delta)?)
}
