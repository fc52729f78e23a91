//! The loss chart and the quality panel (confusion matrix, or regression metrics).

use web_sys::{Element, HtmlCanvasElement};

use super::{Frame, Panel};
use crate::core::loss::Metrics;
use crate::core::trainer::Trainer;
use crate::core::{Lang, Problem};
use crate::web::dom::{by_id, document, format_number, WebError, WebResult};
use crate::web::draw::draw_loss_chart;
use crate::web::text::text;

/// What the loss chart shows: A's curve length and last epoch, log scale, language, width,
/// and B's curve length and last epoch in compare mode.
type ChartKey = (usize, u64, bool, Lang, u32, Option<(usize, u64)>);

pub struct Charts {
    loss_chart: HtmlCanvasElement,
    quality: Element,
    chart_key: Option<ChartKey>,
    /// The snapshot (serial) the quality table was last checked against.
    quality_for: Option<u64>,
    quality_key: String,
    shown_matrix: Option<(Lang, Vec<Vec<u32>>)>,
}

impl Charts {
    pub fn new() -> WebResult<Charts> {
        Ok(Charts {
            loss_chart: by_id("loss-chart")?,
            quality: by_id("quality")?,
            chart_key: None,
            quality_for: None,
            quality_key: String::new(),
            shown_matrix: None,
        })
    }

    /// Redraws the loss chart when a history changed; `compare` is network B's run in
    /// compare mode, overlaid. Returns a drawing error, if any.
    fn draw_loss(
        &mut self,
        trainer: &Trainer,
        compare: Option<&Trainer>,
        log_scale: bool,
        lang: Lang,
        ratio: f64,
    ) -> Result<(), String> {
        let history = trainer.history().points();
        let other = compare.map(|b| b.history().points());
        let key = (
            history.len(),
            history.last().map_or(0, |p| p.epoch),
            log_scale,
            lang,
            self.loss_chart.width(),
            other.map(|o| (o.len(), o.last().map_or(0, |p| p.epoch))),
        );
        if self.chart_key == Some(key) {
            return Ok(());
        }
        self.chart_key = Some(key);
        let labels = (
            text(lang, "epoch-axis"),
            text(lang, "train-curve"),
            text(lang, "test-curve"),
            text(lang, "val-curve"),
        );
        draw_loss_chart(&self.loss_chart, history, other, log_scale, ratio, labels)
    }

    /// Rebuilds the table only when a count or the language changed.
    fn confusion_table(&mut self, matrix: &[Vec<u32>], lang: Lang) -> WebResult<()> {
        if self
            .shown_matrix
            .as_ref()
            .is_some_and(|(l, shown)| *l == lang && shown.as_slice() == matrix)
        {
            return Ok(());
        }
        self.shown_matrix = Some((lang, matrix.to_vec()));
        self.quality_key.clear();
        let doc = document()?;
        let table = doc.create_element("table")?;
        table.set_attribute("class", "confusion")?;
        let caption = doc.create_element("caption")?;
        caption.set_text_content(Some(text(lang, "confusion")));
        table.append_child(&caption)?;
        let head = doc.create_element("tr")?;
        // The corner header names both axes (an empty header cell says nothing to a reader).
        let corner = doc.create_element("th")?;
        corner.set_attribute("class", "corner")?;
        corner.set_text_content(Some(text(lang, "confusion-corner")));
        head.append_child(&corner)?;
        for k in 0..matrix.len() {
            let th = doc.create_element("th")?;
            th.set_attribute("scope", "col")?;
            th.set_text_content(Some(&k.to_string()));
            head.append_child(&th)?;
        }
        table.append_child(&head)?;
        let total: u32 = matrix.iter().flatten().sum::<u32>().max(1);
        for (truth, row) in matrix.iter().enumerate() {
            let tr = doc.create_element("tr")?;
            let th = doc.create_element("th")?;
            th.set_attribute("scope", "row")?;
            th.set_text_content(Some(&truth.to_string()));
            tr.append_child(&th)?;
            for (predicted, count) in row.iter().enumerate() {
                let td = doc.create_element("td")?;
                td.set_text_content(Some(&count.to_string()));
                let share = f64::from(*count) / f64::from(total);
                let class = if truth == predicted { "hit" } else { "miss" };
                td.set_attribute("class", class)?;
                td.set_attribute("data-value", &count.to_string())?;
                crate::web::dom::set_style(&td, &[("--share", &format!("{:.3}", share.min(1.0)))]);
                tr.append_child(&td)?;
            }
            table.append_child(&tr)?;
        }
        self.quality.set_inner_html("");
        self.quality.append_child(&table)?;
        Ok(())
    }

    fn regression_table(&mut self, train: &Metrics, test: &Metrics, lang: Lang) -> WebResult<()> {
        let rows: [(&str, Option<f32>, Option<f32>); 5] = [
            ("MAE", train.mae, test.mae),
            ("MSE", train.mse, test.mse),
            ("RMSE", train.rmse, test.rmse),
            ("MAPE %", train.mape, test.mape),
            ("R²", train.r2, test.r2),
        ];
        let show = |v: Option<f32>| v.map_or("–".to_string(), |v| format_number(f64::from(v)));
        let key = format!(
            "{lang:?}{}",
            rows.iter()
                .map(|r| format!("{}{}", show(r.1), show(r.2)))
                .collect::<String>()
        );
        if key == self.quality_key {
            return Ok(());
        }
        self.quality_key = key;
        let doc = document()?;
        let table = doc.create_element("table")?;
        table.set_attribute("class", "regression-metrics")?;
        let caption = doc.create_element("caption")?;
        caption.set_text_content(Some(text(lang, "regression-metrics")));
        table.append_child(&caption)?;
        let head = doc.create_element("tr")?;
        for label in [text(lang, "metric"), text(lang, "train"), text(lang, "test")] {
            let th = doc.create_element("th")?;
            th.set_attribute("scope", "col")?;
            th.set_text_content(Some(label));
            head.append_child(&th)?;
        }
        table.append_child(&head)?;
        for (name, a, b) in rows {
            let tr = doc.create_element("tr")?;
            let th = doc.create_element("th")?;
            th.set_attribute("scope", "row")?;
            th.set_text_content(Some(name));
            tr.append_child(&th)?;
            for (split, v) in [("train", a), ("test", b)] {
                let td = doc.create_element("td")?;
                td.set_text_content(Some(&show(v)));
                td.set_attribute(
                    "data-metric",
                    &format!(
                        "{split}-{}",
                        name.split(' ').next().unwrap_or(name).to_ascii_lowercase()
                    ),
                )?;
                if let Some(v) = v {
                    td.set_attribute("data-value", &v.to_string())?;
                }
                tr.append_child(&td)?;
            }
            table.append_child(&tr)?;
        }
        self.quality.set_inner_html("");
        self.quality.append_child(&table)?;
        Ok(())
    }
}

impl Panel for Charts {
    /// Forces the next draw (after a resize or language switch).
    fn invalidate(&mut self) {
        self.chart_key = None;
        self.quality_for = None;
        self.quality_key.clear();
        self.shown_matrix = None;
    }

    fn restart(&mut self) {
        self.invalidate();
    }

    /// The loss chart when a history changed; the test split's confusion matrix (classes)
    /// or regression metrics when the snapshot is new.
    fn update(&mut self, trainer: &Trainer, frame: &Frame<'_>) -> WebResult<()> {
        let lang = frame.lang;
        let loss = self.draw_loss(trainer, frame.compare, frame.view.log_scale, lang, frame.scale);
        let snapshot = frame.snapshot;
        if self.quality_for != Some(snapshot.serial) {
            self.quality_for = Some(snapshot.serial);
            // Errors here were never shown (a table that cannot be built is left as it was).
            let _ = match trainer.problem() {
                Problem::Regression => self.regression_table(&snapshot.train, &snapshot.test, lang),
                _ => self.confusion_table(&snapshot.confusion, lang),
            };
        }
        loss.map_err(WebError)
    }

    fn canvases(&self) -> Vec<&HtmlCanvasElement> {
        vec![&self.loss_chart]
    }

    fn recorded(&self) -> Option<&HtmlCanvasElement> {
        Some(&self.loss_chart)
    }
}
