//! The last run in the browser's storage (`localStorage`, key
//! [`crate::core::saved_run::STORAGE_KEY`]), so a reload or a reopened tab goes on where it
//! was. It is saved when the tab is hidden or closed, on pause and reset, and every few
//! seconds while training; it comes back only when the page opens with the same link, with a
//! notice that says so and a button to start fresh from the link. The text is the core's
//! (`SavedRun`); storage that is full or turned off is said once, and the page runs on.

use web_sys::{Element, Storage};

use super::app::App;
use super::dom::{by_id, document, window, WebResult};
use super::text::text;
use crate::core::saved_run::{SavedRun, STORAGE_KEY};
use crate::core::text::message;

/// How often a playing run is saved, in ms (a reload loses at most this much training).
pub const SAVE_EVERY_MS: f64 = 5000.0;

/// The page's storage; None where the browser refuses it (private modes, settings).
fn storage() -> Option<Storage> {
    window().ok()?.local_storage().ok()?
}

impl App {
    /// Keeps the run in storage now (nothing for a benchmark). The first refusal is said in
    /// `#notice`; later ones stay quiet.
    pub(super) fn save_run(&mut self) {
        if self.storage.off {
            return;
        }
        self.storage.saved_at = super::bench::now_ms();
        let saved = SavedRun::of(&self.trainer, &self.query(None)).to_text();
        if storage().is_some_and(|s| s.set_item(STORAGE_KEY, &saved).is_ok()) {
            return;
        }
        if !self.storage.refused {
            self.storage.refused = true;
            self.show_notice(text(self.lang, "storage-refused"));
        }
    }

    /// While playing: saves when the last save is [`SAVE_EVERY_MS`] old.
    pub(super) fn save_run_now_and_then(&mut self) {
        if super::bench::now_ms() - self.storage.saved_at >= SAVE_EVERY_MS {
            self.save_run();
        }
    }

    /// At start: the run saved under this same link, if any and past epoch 0 and not in
    /// compare mode, goes on; a notice says so, with `button[data-action="start-fresh"]`.
    pub(super) fn restore_saved_run(&mut self) {
        let Some(saved) = storage()
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
            .and_then(|t| SavedRun::from_text(&t))
        else {
            return;
        };
        // In compare mode only A's run is kept: restoring it alone would break the lock step
        // with B, so both start from the link.
        let comparing = self.compare.trainer().is_some();
        if comparing || saved.epoch == 0 || saved.link != self.query(None) || !saved.restore(&mut self.trainer) {
            return;
        }
        let says = message(self.lang, "restored-run", &[("epoch", &saved.epoch)]);
        if let Err(e) = self.notice_with_fresh_button(&says) {
            self.show_notice(&e.to_string());
        }
    }

    /// Adds `says` and the start-fresh button to `#notice` (after what it already says).
    fn notice_with_fresh_button(&self, says: &str) -> WebResult<()> {
        let doc = document()?;
        let notice: Element = by_id("notice")?;
        let Some(body) = notice.query_selector(".notice-text")? else {
            return Ok(());
        };
        if notice.has_attribute("hidden") {
            body.set_text_content(None);
        }
        let line = doc.create_element("p")?;
        line.set_attribute("class", "notice-restored")?;
        line.set_text_content(Some(says));
        let button = doc.create_element("button")?;
        button.set_attribute("type", "button")?;
        button.set_attribute("data-action", "start-fresh")?;
        button.set_text_content(Some(text(self.lang, "start-fresh")));
        line.append_child(&button)?;
        body.append_child(&line)?;
        notice.remove_attribute("hidden")?;
        Ok(())
    }

    /// The notice's start-fresh button: forgets the saved run and starts the link's run anew.
    pub(super) fn start_fresh(&mut self) {
        if let Some(s) = storage() {
            let _ = s.remove_item(STORAGE_KEY);
        }
        self.reset();
        self.dismiss_notice();
    }
}

/// What the app keeps about saving.
#[derive(Default)]
pub struct StorageState {
    /// No saving (the benchmark).
    pub off: bool,
    /// A save was refused (said once).
    refused: bool,
    /// When the run was last saved (ms, `performance.now()`).
    saved_at: f64,
}
