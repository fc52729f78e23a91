//! The run's numbers at the top of the output panel: epoch, training, validation and test
//! loss and accuracy; `main.board[data-problem]`, which shows or hides the accuracy rows,
//! and `main.board[data-validation]`, which shows the validation rows when the run has a
//! validation split; and the patience field's hint, which says what the stop watches.

use web_sys::{Element, HtmlCanvasElement};

use super::{Frame, Panel};
use crate::core::trainer::Trainer;
use crate::web::dom::{by_id, document, show_metrics, Readout, WebError, WebResult};
use crate::web::text::text;

pub struct Readouts {
    epoch: Readout,
    train_loss: Readout,
    test_loss: Readout,
    train_accuracy: Readout,
    test_accuracy: Readout,
    val_loss: Readout,
    val_accuracy: Readout,
    board: Element,
    patience: Element,
    patience_hint: Element,
    /// The snapshot (serial) shown.
    shown: Option<u64>,
    /// `data-problem` and `data-validation` as last written: the page's style depends on
    /// them, so writing them again every frame restyled the whole board.
    board_state: Option<(&'static str, bool)>,
}

impl Readouts {
    pub fn new() -> WebResult<Readouts> {
        Ok(Readouts {
            epoch: Readout::new("epoch")?,
            train_loss: Readout::new("train-loss")?,
            test_loss: Readout::new("test-loss")?,
            train_accuracy: Readout::new("train-accuracy")?,
            test_accuracy: Readout::new("test-accuracy")?,
            val_loss: Readout::new("val-loss")?,
            val_accuracy: Readout::new("val-accuracy")?,
            patience: by_id("stop-patience")?,
            patience_hint: by_id("stop-patience-hint")?,
            board: document()?
                .query_selector("main.board")?
                .ok_or_else(|| WebError("the page has no main.board".into()))?,
            shown: None,
            board_state: None,
        })
    }
}

impl Panel for Readouts {
    fn invalidate(&mut self) {
        self.shown = None;
        self.board_state = None;
    }

    fn update(&mut self, trainer: &Trainer, frame: &Frame<'_>) -> WebResult<()> {
        let snapshot = frame.snapshot;
        if self.shown == Some(snapshot.serial) {
            return Ok(());
        }
        self.shown = Some(snapshot.serial);
        let epoch = trainer.epoch();
        self.epoch.set(&epoch.to_string(), epoch as f64);
        let problem = if trainer.problem().is_classification() {
            "classification"
        } else {
            "regression"
        };
        show_metrics(&mut self.train_loss, &mut self.train_accuracy, &snapshot.train);
        show_metrics(&mut self.test_loss, &mut self.test_accuracy, &snapshot.test);
        let validation = snapshot.val.is_some();
        match &snapshot.val {
            Some(val) => show_metrics(&mut self.val_loss, &mut self.val_accuracy, val),
            None => {
                self.val_loss.clear();
                self.val_accuracy.clear();
            }
        }
        if self.board_state != Some((problem, validation)) {
            self.board_state = Some((problem, validation));
            let _ = self.board.set_attribute("data-problem", problem);
            let _ = self
                .board
                .set_attribute("data-validation", if validation { "yes" } else { "no" });
        }
        let hint = text(
            frame.lang,
            if validation {
                "patience-watches-val"
            } else {
                "patience-watches-test"
            },
        );
        if self.patience_hint.text_content().as_deref() != Some(hint) {
            self.patience_hint.set_text_content(Some(hint));
            let _ = self.patience.set_attribute("title", hint);
        }
        Ok(())
    }

    fn canvases(&self) -> Vec<&HtmlCanvasElement> {
        Vec::new()
    }
}
