//! The loss chart and the quality panel (confusion matrix, or regression metrics).

use web_sys::{Element, HtmlCanvasElement};

use super::{Frame, Panel};
use crate::core::loss::Metrics;
use crate::core::ticks::{linear_ticks, log_ticks};
use crate::core::trainer::{HistoryPoint, Trainer};
use crate::core::{Float, Lang, Problem};
use crate::web::chart::{labelled, Chart, LegendMark, LegendRow};
use crate::web::dom::{by_id, document, format_number, WebResult};
use crate::web::draw::BLUE;
use crate::web::text::text;

/// What the loss chart shows: A's curve length and last epoch, log scale, language, width,
/// and B's curve length and last epoch in compare mode.
type ChartKey = (usize, u64, bool, Lang, u32, Option<(usize, u64)>);

/// While playing, the loss chart redraws at most once per this many ms: at speed 1 it then
/// grows by two epochs every other frame instead of one every frame, which reads the same,
/// and the browser repaints one region fewer in half the frames (every region that changes
/// costs Firefox and WebKit without a GPU their frame rate). 25 ms lets it redraw every
/// other frame at 60 fps and every frame at 30 fps or less.
const PLAYING_REDRAW_MS: f64 = 25.0;

pub struct Charts {
    loss_chart: HtmlCanvasElement,
    quality: Element,
    chart_key: Option<ChartKey>,
    /// When the loss chart was last drawn (performance.now, ms).
    chart_drawn_at: f64,
    /// The snapshot (serial) the quality table was last checked against.
    quality_for: Option<u64>,
    quality_key: String,
    shown_matrix: Option<(Lang, Vec<Vec<u32>>)>,
    /// The shown table's count cells, row by row (updated in place while its size and
    /// language stay: rebuilding the table every frame cost a layout of the panel).
    cells: Vec<Element>,
}

impl Charts {
    pub fn new() -> WebResult<Charts> {
        Ok(Charts {
            loss_chart: by_id("loss-chart")?,
            quality: by_id("quality")?,
            chart_key: None,
            chart_drawn_at: f64::NEG_INFINITY,
            quality_for: None,
            quality_key: String::new(),
            shown_matrix: None,
            cells: Vec::new(),
        })
    }

    /// Redraws the loss chart when a history changed (while `playing`, at most once per
    /// [`PLAYING_REDRAW_MS`]); `compare` is network B's run in compare mode, overlaid.
    fn draw_loss(
        &mut self,
        trainer: &Trainer,
        compare: Option<&Trainer>,
        log_scale: bool,
        lang: Lang,
        ratio: f64,
        playing: bool,
    ) -> WebResult<()> {
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
        let now = crate::web::bench::now_ms();
        // Only new points wait; a resize, the scale or the language redraws at once.
        let grown = self
            .chart_key
            .is_some_and(|k| (k.2, k.3, k.4) == (key.2, key.3, key.4) && k.0 <= key.0);
        if playing && grown && now - self.chart_drawn_at < PLAYING_REDRAW_MS {
            return Ok(());
        }
        self.chart_key = Some(key);
        self.chart_drawn_at = now;
        // Compare mode's legend heads its columns "A" and "B": the rows take short names.
        let [train, test, val] = if other.is_some() {
            ["train-curve-short", "test-curve-short", "val-curve-short"]
        } else {
            ["train-curve", "test-curve", "val-curve"]
        };
        let labels = (
            text(lang, "epoch-axis"),
            text(lang, train),
            text(lang, test),
            text(lang, val),
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
        let total: u32 = matrix.iter().flatten().sum::<u32>().max(1);
        let share = |count: u32| format!("{:.3}", (f64::from(count) / f64::from(total)).min(1.0));
        if let Some((shown_lang, shown)) = &self.shown_matrix {
            let same_size = shown.len() == matrix.len()
                && shown.iter().zip(matrix).all(|(a, b)| a.len() == b.len())
                && self.cells.len() == matrix.iter().map(Vec::len).sum::<usize>();
            if *shown_lang == lang && same_size {
                let same_total = shown.iter().flatten().sum::<u32>().max(1) == total;
                let counts = matrix.iter().flatten().zip(shown.iter().flatten());
                for (cell, (&count, &was)) in self.cells.iter().zip(counts) {
                    if count != was {
                        cell.set_text_content(Some(&count.to_string()));
                        cell.set_attribute("data-value", &count.to_string())?;
                    }
                    if count != was || !same_total {
                        crate::web::dom::set_style(cell, &[("--share", &share(count))]);
                    }
                }
                self.shown_matrix = Some((lang, matrix.to_vec()));
                return Ok(());
            }
        }
        self.shown_matrix = Some((lang, matrix.to_vec()));
        self.quality_key.clear();
        self.cells.clear();
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
        for (truth, row) in matrix.iter().enumerate() {
            let tr = doc.create_element("tr")?;
            let th = doc.create_element("th")?;
            th.set_attribute("scope", "row")?;
            th.set_text_content(Some(&truth.to_string()));
            tr.append_child(&th)?;
            for (predicted, count) in row.iter().enumerate() {
                let td = doc.create_element("td")?;
                td.set_text_content(Some(&count.to_string()));
                let class = if truth == predicted { "hit" } else { "miss" };
                td.set_attribute("class", class)?;
                td.set_attribute("data-value", &count.to_string())?;
                crate::web::dom::set_style(&td, &[("--share", &share(*count))]);
                tr.append_child(&td)?;
                self.cells.push(td);
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
        self.cells.clear();
    }

    fn restart(&mut self) {
        self.invalidate();
    }

    /// The loss chart when a history changed; the test split's confusion matrix (classes)
    /// or regression metrics when the snapshot is new.
    fn update(&mut self, trainer: &Trainer, frame: &Frame<'_>) -> WebResult<()> {
        let lang = frame.lang;
        let loss = self.draw_loss(
            trainer,
            frame.compare,
            frame.view.log_scale,
            lang,
            frame.scale,
            frame.playing,
        );
        let snapshot = frame.snapshot;
        if self.quality_for != Some(snapshot.serial) {
            self.quality_for = Some(snapshot.serial);
            // Errors here were never shown (a table that cannot be built is left as it was).
            let _ = match trainer.problem() {
                Problem::Regression => self.regression_table(&snapshot.train, &snapshot.test, lang),
                _ => self.confusion_table(&snapshot.confusion, lang),
            };
        }
        loss
    }

    fn canvases(&self) -> Vec<&HtmlCanvasElement> {
        vec![&self.loss_chart]
    }

    fn recorded(&self) -> Option<&HtmlCanvasElement> {
        Some(&self.loss_chart)
    }
}

/// Draws the train and test loss over epochs; in compare mode also network B's curves
/// (`compare`), dashed in other colours, with the legend naming A and B. `scale` is the
/// device pixel ratio, so text and lines keep their size on high-density screens.
fn draw_loss_chart(
    canvas: &HtmlCanvasElement,
    history: &[HistoryPoint],
    compare: Option<&[HistoryPoint]>,
    log_scale: bool,
    scale: f64,
    labels: (&str, &str, &str, &str),
) -> WebResult<()> {
    let both = || history.iter().chain(compare.unwrap_or_default());
    let last_epoch = both().map(|p| p.epoch).max().unwrap_or(1).max(1) as f64;
    let values = both()
        .flat_map(|p| [p.train, p.test, p.val.unwrap_or(Float::NAN)])
        .filter(|v| v.is_finite())
        .map(f64::from);
    let (min, max) = values.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let y = if log_scale {
        let lo = if min.is_finite() && min > 0.0 { min } else { 1e-4 };
        let hi = if max > lo { max } else { lo * 10.0 };
        (lo * 0.8, hi * 1.25)
    } else {
        (0.0, if max > 0.0 { max * 1.05 } else { 1.0 })
    };
    let y_ticks = if log_scale {
        log_ticks(y.0, y.1, 5)
    } else {
        linear_ticks(y.0, y.1, 5, false)
    };
    // Epochs are whole numbers: never a tick between two (at epoch 1, a second "0").
    let x_ticks = linear_ticks(0.0, last_epoch, 5, true);
    let chart = Chart::new(canvas, scale, (44.0, 36.0), (0.0, last_epoch), y, log_scale)?;
    let (x_label, train_label, test_label, val_label) = labels;
    chart.axes(&labelled(&x_ticks), &labelled(&y_ticks), x_label, [215, 215, 215]);
    // Which curves there are: A's training and test, then validation and B's where the
    // run has them. In compare mode B's are dashed, in colours of their own.
    let mut curves: Vec<Curve> = Vec::with_capacity(6);
    curves.push((history, |p| p.train, [40, 40, 40], Side::A, 0));
    curves.push((history, |p| p.test, BLUE, Side::A, 1));
    if history.iter().any(|p| p.val.is_some()) {
        curves.push((history, |p| p.val.unwrap_or(Float::NAN), VAL, Side::A, 2));
    }
    if let Some(b) = compare {
        curves.push((b, |p| p.train, B_TRAIN, Side::B, 0));
        curves.push((b, |p| p.test, B_TEST, Side::B, 1));
        // B holds out the same points (the two runs share their data): its validation
        // curve shows whether B overfits later or less than A.
        if b.iter().any(|p| p.val.is_some()) {
            curves.push((b, |p| p.val.unwrap_or(Float::NAN), B_VAL, Side::B, 2));
        }
    }
    // A log axis shows a loss of 0 (or below its range) at its bottom edge.
    let floor = if log_scale { y.0 } else { f64::NEG_INFINITY };
    let mut line = Vec::new();
    for (points, pick, colour, side, _) in &curves {
        line.clear();
        line.extend(points.iter().map(|p| (p.epoch as f64, f64::from(pick(p)).max(floor))));
        chart.line(&line, *colour, if *side == Side::B { [5.0; 2] } else { [0.0; 2] });
    }
    // One legend row per kind of curve. In compare mode A's and B's marks sit side by side
    // under "A" and "B", so six curves take three rows of the small chart, not six.
    let (sides, headers): (&[Side], &[&str]) = if compare.is_some() {
        (&[Side::A, Side::B], &["A", "B"])
    } else {
        (&[Side::A], &[])
    };
    let rows: Vec<LegendRow> = [train_label, test_label, val_label]
        .into_iter()
        .enumerate()
        .filter(|&(kind, _)| curves.iter().any(|c| c.4 == kind))
        .map(|(kind, label)| {
            let marks = sides
                .iter()
                .map(|&side| {
                    let curve = curves.iter().find(|c| c.3 == side && c.4 == kind)?;
                    let mark = if side == Side::B {
                        LegendMark::Dashed
                    } else {
                        LegendMark::Line
                    };
                    Some((curve.2, mark))
                })
                .collect();
            (label, marks)
        })
        .collect();
    chart.legend_table(headers, &rows, true);
    Ok(())
}

/// One curve of the loss chart: its history, which loss it shows, its colour, whose it is,
/// and its kind (0 training, 1 test, 2 validation: its legend row).
type Curve<'a> = (&'a [HistoryPoint], fn(&HistoryPoint) -> Float, [u8; 3], Side, usize);

/// Whose curve: network A's (solid) or, in compare mode, B's (dashed).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    A,
    B,
}

/// The validation curve: Okabe–Ito's reddish purple, apart from every other curve.
const VAL: [u8; 3] = [204, 121, 167];

/// Compare mode's network B in the loss chart: vermillion training, green test and sky-blue
/// validation curves (Okabe–Ito), all dashed.
const B_TRAIN: [u8; 3] = [213, 94, 0];
const B_TEST: [u8; 3] = [0, 158, 115];
const B_VAL: [u8; 3] = [86, 180, 233];
