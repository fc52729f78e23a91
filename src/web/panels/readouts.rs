//! The run's numbers at the top of the output panel: epoch, training and test loss and
//! accuracy; and `main.board[data-problem]`, which shows or hides the accuracy rows.

use web_sys::{Element, HtmlCanvasElement};

use super::{Frame, Panel};
use crate::core::trainer::Trainer;
use crate::web::dom::{document, show_metrics, Readout, WebError, WebResult};

pub struct Readouts {
    epoch: Readout,
    train_loss: Readout,
    test_loss: Readout,
    train_accuracy: Readout,
    test_accuracy: Readout,
    board: Element,
    /// The snapshot (serial) shown.
    shown: Option<u64>,
}

impl Readouts {
    pub fn new() -> WebResult<Readouts> {
        Ok(Readouts {
            epoch: Readout::new("epoch")?,
            train_loss: Readout::new("train-loss")?,
            test_loss: Readout::new("test-loss")?,
            train_accuracy: Readout::new("train-accuracy")?,
            test_accuracy: Readout::new("test-accuracy")?,
            board: document()?
                .query_selector("main.board")?
                .ok_or_else(|| WebError("the page has no main.board".into()))?,
            shown: None,
        })
    }
}

impl Panel for Readouts {
    fn invalidate(&mut self) {
        self.shown = None;
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
        let _ = self.board.set_attribute("data-problem", problem);
        show_metrics(&mut self.train_loss, &mut self.train_accuracy, &snapshot.train);
        show_metrics(&mut self.test_loss, &mut self.test_accuracy, &snapshot.test);
        Ok(())
    }

    fn canvases(&self) -> Vec<&HtmlCanvasElement> {
        Vec::new()
    }
}
