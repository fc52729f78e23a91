//! Importing and exporting data sets as CSV: a header naming `x`, `y` and `label` (any
//! order, any case), an optional `split` column of `train`/`val`/`test`, other columns
//! ignored.
//! Import is all or nothing: the first problem found is reported with its line and column.

use std::fmt::{self, Display};

use super::config::shorten;
use super::text::message;
use super::{Float, Lang, Problem, Sample, PLANE};

/// Most data rows a file may hold; more would make training and drawing sluggish.
pub const MAX_ROWS: usize = 10_000;

/// Most classes a label column is read as when the problem is inferred.
const MAX_INFERRED_CLASSES: usize = 8;

/// Which split a row of the `split` column puts its point in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    /// Used for training.
    Train,
    /// Held out for validation (the patience stop watches it).
    Val,
    /// Held out for testing.
    Test,
}

impl Split {
    /// The CSV spelling: `train`, `val` or `test`.
    pub fn name(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Val => "val",
            Split::Test => "test",
        }
    }
}

/// A successfully read CSV file.
#[derive(Clone, Debug, PartialEq)]
pub struct CsvData {
    /// The points in file order.
    pub samples: Vec<Sample>,
    /// The split of each point, in file order, when the file has a `split` column.
    pub splits: Option<Vec<Split>>,
    /// The problem the labels were checked against (given or inferred).
    pub problem: Problem,
}

/// Largest CSV file read: [`MAX_ROWS`] rows of full-precision numbers take well under this.
pub const MAX_CSV_BYTES: usize = 2_000_000;

/// Why a CSV file was refused, and where.
#[derive(Clone, Debug, PartialEq)]
pub struct CsvError {
    /// 1-based line of the file.
    pub line: usize,
    /// The column, by its header name, when the problem is in one cell or column.
    pub column: Option<String>,
    /// What is wrong.
    pub problem: CsvProblem,
}

/// What is wrong with a CSV file at a line (and column).
#[derive(Clone, Debug, PartialEq)]
pub enum CsvProblem {
    /// The file is `bytes` long, over [`MAX_CSV_BYTES`].
    TooLarge { bytes: usize },
    /// The CSV reader failed, in its (English) words.
    Unreadable(String),
    /// More than [`MAX_ROWS`] data rows.
    TooManyRows,
    /// Nothing in the file.
    Empty,
    /// A header but no data row.
    NoRows,
    /// A `split` column without a `train` row.
    NoTrainRow,
    /// A column named twice in the header.
    ColumnTwice,
    /// The first line is data, not a header.
    NoHeader,
    /// The header lacks this required column.
    MissingColumn(String),
    /// A row with `found` fields where the header has `expected`.
    Width { expected: usize, found: usize },
    /// x or y outside the plane.
    OutsidePlane { value: Float },
    /// An empty cell where a number is needed.
    EmptyCell,
    /// A cell that is not a number (shortened).
    NotANumber(String),
    /// NaN or infinity (shortened).
    NotFinite(String),
    /// A `split` cell that is not train, val or test (shortened).
    BadSplit(String),
    /// A class label that is not a class of the data set's `classes`.
    BadLabel { label: Float, classes: usize },
}

impl CsvProblem {
    /// What is wrong, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        use CsvProblem as P;
        let max_mb = MAX_CSV_BYTES / 1_000_000;
        let m = |key: &str, args: &[(&str, &dyn Display)]| message(lang, key, args);
        match self {
            P::TooLarge { bytes } => {
                let size = format!("{:.1}", *bytes as f64 / 1e6);
                m("csv-too-large", &[("size", &size), ("max", &max_mb)])
            }
            P::Unreadable(why) => m("csv-unreadable", &[("why", why)]),
            P::TooManyRows => m("csv-too-many-rows", &[("max", &MAX_ROWS)]),
            P::Empty => m("csv-empty", &[]),
            P::NoRows => m("csv-no-rows", &[]),
            P::NoTrainRow => m("csv-no-train-row", &[]),
            P::ColumnTwice => m("csv-column-twice", &[]),
            P::NoHeader => m("csv-no-header", &[]),
            P::MissingColumn(name) => m("csv-missing-column", &[("name", name)]),
            P::Width { expected, found } => m("csv-width", &[("expected", expected), ("found", found)]),
            P::OutsidePlane { value } => m("csv-outside-plane", &[("value", value), ("plane", &PLANE)]),
            P::EmptyCell => m("csv-empty-cell", &[]),
            P::NotANumber(cell) => m("csv-not-a-number", &[("cell", cell)]),
            P::NotFinite(cell) => m("csv-not-finite", &[("cell", cell)]),
            P::BadSplit(cell) => m("csv-bad-split", &[("cell", cell)]),
            P::BadLabel { label, classes } => m(
                "csv-bad-label",
                &[
                    ("label", label),
                    ("max", &classes.saturating_sub(1)),
                    ("classes", classes),
                ],
            ),
        }
    }
}

impl CsvError {
    fn new(line: usize, column: Option<&str>, problem: CsvProblem) -> Self {
        CsvError {
            line,
            column: column.map(str::to_owned),
            problem,
        }
    }

    /// The file is too large to read.
    pub fn too_large(bytes: usize) -> CsvError {
        CsvError::new(1, None, CsvProblem::TooLarge { bytes })
    }

    /// Where and what, in `lang`: `line 3, column label: …` / `第 3 行 label 列：…`; a
    /// file too large to read without a line.
    pub fn message(&self, lang: Lang) -> String {
        let reason = self.problem.message(lang);
        if let CsvProblem::TooLarge { .. } = self.problem {
            return reason;
        }
        match &self.column {
            Some(column) => message(
                lang,
                "csv-at-line-column",
                &[("line", &self.line), ("column", column), ("reason", &reason)],
            ),
            None => message(lang, "csv-at-line", &[("line", &self.line), ("reason", &reason)]),
        }
    }
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for CsvError {}

/// Turns byte offsets, met in increasing order, into 1-based line numbers.
struct LineCounter<'a> {
    text: &'a [u8],
    byte: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            byte: 0,
            line: 1,
        }
    }

    /// The line of the record the reader reports at `byte`. The reader reports the end of
    /// the previous record, so the blank lines after it are skipped first. Counts only
    /// the bytes since the previous call.
    fn line_at(&mut self, byte: u64) -> usize {
        let mut target = usize::try_from(byte).unwrap_or(usize::MAX);
        while matches!(self.text.get(target), Some(b'\r' | b'\n')) {
            target += 1;
        }
        let target = target.min(self.text.len());
        if target > self.byte {
            let skipped = self.text.get(self.byte..target).unwrap_or_default();
            // A CR counts only when no LF follows, so CRLF and lone CR both end one line.
            let breaks = skipped
                .iter()
                .enumerate()
                .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && self.text.get(self.byte + i + 1) != Some(&b'\n')))
                .count();
            self.line += breaks;
            self.byte = target;
        }
        self.line
    }
}

/// Where the known columns sit in each record.
struct Columns {
    x: usize,
    y: usize,
    label: usize,
    split: Option<usize>,
    width: usize,
}

/// One data row before its labels are checked.
struct Row {
    line: usize,
    sample: Sample,
    split: Option<Split>,
}

/// Reads a CSV file. `expected` is the problem of the current data set and labels are
/// checked against it; with `None` the problem is inferred: all labels 0 or 1 → Binary,
/// all integers 0..K−1 with 3 ≤ K ≤ 8 → MultiClass(K), anything else → Regression.
pub fn parse_csv(text: &str, expected: Option<Problem>) -> Result<CsvData, CsvError> {
    if text.len() > MAX_CSV_BYTES {
        return Err(CsvError::too_large(text.len()));
    }
    // Spreadsheet programs often start UTF-8 files with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        // Rows of the wrong width are reported here, with their line, not by the reader.
        .flexible(true)
        .from_reader(text.as_bytes());

    let mut columns: Option<Columns> = None;
    let mut rows: Vec<Row> = Vec::new();
    // The reader's own line count skips blank lines, so lines are counted from byte offsets.
    let mut lines = LineCounter::new(text);
    let mut last_line = 1;
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(last_line, |p| lines.line_at(p.byte()));
            CsvError::new(line, None, CsvProblem::Unreadable(e.to_string()))
        })?;
        let line = record.position().map_or(last_line, |p| lines.line_at(p.byte()));
        last_line = line;
        // Whitespace-only or empty-cell lines are blank lines for a person reading the file.
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        match &columns {
            None => columns = Some(read_header(&record, line)?),
            Some(columns) => {
                if rows.len() == MAX_ROWS {
                    return Err(CsvError::new(line, None, CsvProblem::TooManyRows));
                }
                rows.push(read_row(&record, columns, line)?);
            }
        }
    }

    let Some(columns) = columns else {
        return Err(CsvError::new(1, None, CsvProblem::Empty));
    };
    if rows.is_empty() {
        return Err(CsvError::new(last_line, None, CsvProblem::NoRows));
    }
    let problem = match expected {
        Some(problem) => problem,
        None => infer_problem(&rows),
    };
    for row in &rows {
        check_label(row.sample.label, problem, row.line)?;
    }
    let splits = match columns.split {
        None => None,
        Some(_) => {
            let splits: Vec<Split> = rows.iter().filter_map(|row| row.split).collect();
            if !splits.contains(&Split::Train) {
                return Err(CsvError::new(last_line, Some("split"), CsvProblem::NoTrainRow));
            }
            Some(splits)
        }
    };
    Ok(CsvData {
        samples: rows.iter().map(|row| row.sample).collect(),
        splits,
        problem,
    })
}

fn read_header(record: &csv::StringRecord, line: usize) -> Result<Columns, CsvError> {
    let mut x = None;
    let mut y = None;
    let mut label = None;
    let mut split = None;
    for (index, cell) in record.iter().enumerate() {
        let name = cell.trim().to_ascii_lowercase();
        let slot = match name.as_str() {
            "x" => &mut x,
            "y" => &mut y,
            "label" => &mut label,
            "split" => &mut split,
            _ => continue,
        };
        if slot.is_some() {
            return Err(CsvError::new(line, Some(&name), CsvProblem::ColumnTwice));
        }
        *slot = Some(index);
    }
    let looks_like_data = record
        .iter()
        .any(|cell| crate::core::math::parse_decimal(cell.trim()).is_some());
    let missing = |name: &str| {
        let problem = if looks_like_data {
            CsvProblem::NoHeader
        } else {
            CsvProblem::MissingColumn(name.to_string())
        };
        CsvError::new(line, Some(name), problem)
    };
    Ok(Columns {
        x: x.ok_or_else(|| missing("x"))?,
        y: y.ok_or_else(|| missing("y"))?,
        label: label.ok_or_else(|| missing("label"))?,
        split,
        width: record.len(),
    })
}

fn read_row(record: &csv::StringRecord, columns: &Columns, line: usize) -> Result<Row, CsvError> {
    if record.len() != columns.width {
        return Err(CsvError::new(
            line,
            None,
            CsvProblem::Width {
                expected: columns.width,
                found: record.len(),
            },
        ));
    }
    let x = read_number(record, columns.x, "x", line)?;
    let y = read_number(record, columns.y, "y", line)?;
    for (value, name) in [(x, "x"), (y, "y")] {
        if !(-PLANE..=PLANE).contains(&value) {
            return Err(CsvError::new(line, Some(name), CsvProblem::OutsidePlane { value }));
        }
    }
    let label = read_number(record, columns.label, "label", line)?;
    let split = match columns.split {
        None => None,
        Some(index) => {
            let cell = record.get(index).unwrap_or("").trim();
            match cell.to_ascii_lowercase().as_str() {
                "train" => Some(Split::Train),
                "val" | "validation" => Some(Split::Val),
                "test" => Some(Split::Test),
                _ => return Err(CsvError::new(line, Some("split"), CsvProblem::BadSplit(shorten(cell)))),
            }
        }
    };
    Ok(Row {
        line,
        sample: Sample { x, y, label },
        split,
    })
}

fn read_number(record: &csv::StringRecord, index: usize, name: &str, line: usize) -> Result<Float, CsvError> {
    let cell = record.get(index).unwrap_or("").trim();
    if cell.is_empty() {
        return Err(CsvError::new(line, Some(name), CsvProblem::EmptyCell));
    }
    let value = crate::core::math::parse_decimal(cell)
        .map(|v| v as Float)
        .ok_or_else(|| CsvError::new(line, Some(name), CsvProblem::NotANumber(shorten(cell))))?;
    if !value.is_finite() {
        return Err(CsvError::new(line, Some(name), CsvProblem::NotFinite(shorten(cell))));
    }
    Ok(value)
}

/// The class index a label stands for, when it is a whole number ≥ 0.
fn class_index(label: Float) -> Option<usize> {
    (label >= 0.0 && label.fract() == 0.0).then_some(label as usize)
}

fn infer_problem(rows: &[Row]) -> Problem {
    let classes: Option<Vec<usize>> = rows.iter().map(|row| class_index(row.sample.label)).collect();
    let highest = classes.and_then(|classes| classes.into_iter().max());
    match highest {
        Some(0 | 1) => Problem::Binary,
        Some(h) if h < MAX_INFERRED_CLASSES => Problem::MultiClass(h + 1),
        _ => Problem::Regression,
    }
}

fn check_label(label: Float, problem: Problem, line: usize) -> Result<(), CsvError> {
    let classes = problem.classes();
    if !problem.is_classification() {
        return Ok(());
    }
    let fits = class_index(label).is_some_and(|class| class < classes);
    if fits {
        Ok(())
    } else {
        Err(CsvError::new(
            line,
            Some("label"),
            CsvProblem::BadLabel { label, classes },
        ))
    }
}

/// Writes the training, validation and test points with a `split` column, in the format
/// [`parse_csv`] reads back exactly (floats are printed in their shortest exact form).
pub fn write_csv(train: &[Sample], val: &[Sample], test: &[Sample]) -> String {
    let mut out = String::from("x,y,label,split\n");
    let rows = train
        .iter()
        .map(|s| (s, Split::Train))
        .chain(val.iter().map(|s| (s, Split::Val)))
        .chain(test.iter().map(|s| (s, Split::Test)));
    for (s, split) in rows {
        out.push_str(&format!("{},{},{},{}\n", s.x, s.y, s.label, split.name()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(x: Float, y: Float, label: Float) -> Sample {
        Sample { x, y, label }
    }

    /// The error's line and column, and that its text says both.
    fn error_at(text: &str, expected: Option<Problem>) -> (usize, Option<String>, String) {
        match parse_csv(text, expected) {
            Ok(data) => panic!("accepted {text:?}: {data:?}"),
            Err(e) => {
                let shown = e.to_string();
                assert!(shown.starts_with(&format!("line {}", e.line)), "{shown}");
                if let Some(column) = &e.column {
                    assert!(shown.contains(&format!("column {column}:")), "{shown}");
                }
                (e.line, e.column, e.problem.message(Lang::En))
            }
        }
    }

    fn parsed(text: &str, expected: Option<Problem>) -> CsvData {
        match parse_csv(text, expected) {
            Ok(data) => data,
            Err(e) => panic!("refused {text:?}: {e}"),
        }
    }

    #[test]
    fn round_trip() {
        let train = vec![sample(0.1, -2.5, 1.0), sample(5.999, 6.0, 0.0)];
        let val = vec![sample(2.0, 2.0, 0.0)];
        let test = vec![sample(-6.0, 1.0 / 3.0, 1.0)];
        let data = parsed(&write_csv(&train, &val, &test), None);
        assert_eq!(data.problem, Problem::Binary);
        assert_eq!(data.samples, vec![train[0], train[1], val[0], test[0]]);
        assert_eq!(
            data.splits,
            Some(vec![Split::Train, Split::Train, Split::Val, Split::Test])
        );
        let regression = vec![sample(1.0, 2.0, -0.123_456_79), sample(0.0, 0.0, 0.7)];
        let data = parsed(&write_csv(&regression, &[], &[]), Some(Problem::Regression));
        assert_eq!(data.samples, regression);
    }

    #[test]
    fn bom_crlf_blank_lines_extra_and_reordered_columns() {
        let text = "\u{feff}Label , note, Y,X\r\n1,a,2,3\r\n\r\n   \r\n0,b,-1,-2\r\n";
        let data = parsed(text, None);
        assert_eq!(data.samples, vec![sample(3.0, 2.0, 1.0), sample(-2.0, -1.0, 0.0)]);
        assert_eq!(data.splits, None);
        let data = parsed("\n\nx,y,label\n\n1,1,0\n,,\n2,2,1\n\n", Some(Problem::Binary));
        assert_eq!(data.samples.len(), 2);
    }

    #[test]
    fn inference() {
        assert_eq!(parsed("x,y,label\n0,0,0\n1,1,1\n", None).problem, Problem::Binary);
        assert_eq!(parsed("x,y,label\n0,0,0\n1,1,0\n", None).problem, Problem::Binary);
        assert_eq!(
            parsed("x,y,label\n0,0,0\n1,1,2\n", None).problem,
            Problem::MultiClass(3)
        );
        assert_eq!(
            parsed("x,y,label\n0,0,7\n1,1,1\n", None).problem,
            Problem::MultiClass(8)
        );
        assert_eq!(parsed("x,y,label\n0,0,8\n1,1,1\n", None).problem, Problem::Regression);
        assert_eq!(parsed("x,y,label\n0,0,0.5\n1,1,1\n", None).problem, Problem::Regression);
        assert_eq!(parsed("x,y,label\n0,0,-1\n1,1,1\n", None).problem, Problem::Regression);
    }

    #[test]
    fn expected_problem_checks_labels() {
        let (line, column, message) = error_at("x,y,label\n0,0,1\n1,1,2\n", Some(Problem::Binary));
        assert_eq!((line, column.as_deref()), (3, Some("label")));
        assert!(message.contains("2 classes"), "{message}");
        let (line, column, _) = error_at("x,y,label\n0,0,0.5\n", Some(Problem::MultiClass(3)));
        assert_eq!((line, column.as_deref()), (2, Some("label")));
        let data = parsed("x,y,label\n0,0,2\n", Some(Problem::MultiClass(3)));
        assert_eq!(data.problem, Problem::MultiClass(3));
        assert_eq!(
            parsed("x,y,label\n0,0,12.5\n", Some(Problem::Regression)).samples.len(),
            1
        );
    }

    #[test]
    fn split_column() {
        let data = parsed(
            "x,y,label,split\n0,0,0, Train \n1,1,1,TEST\n0,1,1,val\n1,0,0,Validation\n",
            None,
        );
        assert_eq!(
            data.splits,
            Some(vec![Split::Train, Split::Test, Split::Val, Split::Val])
        );
        let (line, column, message) = error_at("x,y,label,split\n0,0,0,train\n1,1,1,valid\n", None);
        assert_eq!((line, column.as_deref()), (3, Some("split")));
        assert_eq!(message, "`valid` is not a split; expected train, val or test");
        let zh = parse_csv("x,y,label,split\n0,0,0,dev\n", None)
            .expect_err("dev")
            .problem;
        assert_eq!(zh.message(Lang::Zh), "`dev` 不是有效的划分，应为 train、val 或 test");
        let (_, column, message) = error_at("x,y,label,split\n0,0,0,test\n", None);
        assert_eq!(column.as_deref(), Some("split"));
        assert!(message.contains("train"));
    }

    #[test]
    fn header_errors() {
        let (line, column, message) = error_at("1,2,0\n3,4,1\n", None);
        assert_eq!((line, column.as_deref()), (1, Some("x")));
        assert!(message.contains("missing header"));
        let (line, column, message) = error_at("\n\nx,y,class\n1,2,0\n", None);
        assert_eq!((line, column.as_deref()), (3, Some("label")));
        assert!(message.contains("`label`"));
        let (line, column, _) = error_at("x,y,X,label\n", None);
        assert_eq!((line, column.as_deref()), (1, Some("x")));
        let (line, _, message) = error_at("", None);
        assert_eq!(line, 1);
        assert!(message.contains("missing header"));
        let (line, _, message) = error_at("x,y,label\n\n", None);
        assert_eq!(line, 1);
        assert!(message.contains("no data rows"));
    }

    #[test]
    fn cell_errors() {
        let cases: [(&str, usize, Option<&str>, &str); 8] = [
            ("x,y,label\n1,2,0\n1,abc,1\n", 3, Some("y"), "not a number"),
            ("x,y,label\n1,2,0\n,2,1\n", 3, Some("x"), "empty"),
            ("x,y,label\nNaN,2,0\n", 2, Some("x"), "finite"),
            ("x,y,label\n1,2,inf\n", 2, Some("label"), "finite"),
            ("x,y,label\n1,6.5,0\n", 2, Some("y"), "outside the plane"),
            ("x,y,label\n-7,0,0\n", 2, Some("x"), "outside the plane"),
            ("x,y,label\n1,2,0\n1,2\n", 3, None, "expected 3 fields"),
            ("x,y,label\n1,2,0,9\n", 2, None, "found 4"),
        ];
        for (text, line, column, words) in cases {
            let (got_line, got_column, message) = error_at(text, None);
            assert_eq!((got_line, got_column.as_deref()), (line, column), "{text:?}");
            assert!(message.contains(words), "{text:?}: {message}");
        }
        let shown = parse_csv("x,y,label\n1,abc,0\n", None).err().map(|e| e.to_string());
        assert_eq!(shown.as_deref(), Some("line 2, column y: `abc` is not a number"));
        let shown = parse_csv("x,y,label\n1,2\n", None).err().map(|e| e.to_string());
        assert_eq!(
            shown.as_deref(),
            Some("line 2: expected 3 fields as in the header, found 2")
        );
    }

    #[test]
    fn lines_count_blank_lines_and_line_endings() {
        let text = "\r\nx,y,label\r\n\r\n1,2,0\r\n  \r\n\r\n1,abc,0\r\n";
        assert_eq!(error_at(text, None).0, 7);
        assert_eq!(error_at("x,y,label\r1,2,0\r\r1,2,5\r", Some(Problem::Binary)).0, 4);
        assert_eq!(error_at("x,y,label\n\"1\n\",2,0\n1,2,x\n", None).0, 4);
    }

    #[test]
    fn row_limit() {
        let mut text = String::from("x,y,label\n");
        for _ in 0..MAX_ROWS {
            text.push_str("1,1,0\n");
        }
        assert_eq!(parsed(&text, None).samples.len(), MAX_ROWS);
        text.push_str("1,1,1\n");
        let (line, _, message) = error_at(&text, None);
        assert_eq!(line, MAX_ROWS + 2);
        assert!(message.contains("10000"));
    }

    #[test]
    fn messages_in_both_languages_and_a_size_limit() {
        let e = parse_csv("x,y,label\n1,1,1\n2,2,7\n", Some(Problem::Binary)).expect_err("label 7");
        assert_eq!(
            e.message(Lang::En),
            "line 3, column label: class label 7 is not a whole number from 0 to 1; this data set has 2 classes"
        );
        assert_eq!(
            e.message(Lang::Zh),
            "第 3 行 label 列：类别标签 7 不是 0 到 1 之间的整数；此数据集有 2 个类别"
        );
        let e = parse_csv("x,y,label\n1,2\n", None).expect_err("width");
        assert_eq!(e.message(Lang::Zh), "第 2 行：应有 3 个字段（与表头一致），实际有 2 个");
        // A cell quoted back is cut after 40 characters.
        let e = parse_csv(&format!("x,y,label\n1,{},0\n", "9a".repeat(100)), None).expect_err("long cell");
        assert_eq!(e.problem, CsvProblem::NotANumber(format!("{}…", "9a".repeat(20))));
        let e = parse_csv(&" ".repeat(MAX_CSV_BYTES + 1), None).expect_err("too large");
        assert_eq!(e.message(Lang::En), "the file is 2.0 MB; a CSV file is at most 2 MB");
        assert_eq!(e.message(Lang::Zh), "文件大小为 2.0 MB，CSV 文件最大 2 MB");
        // The largest file of MAX_ROWS rows the page writes fits well within the limit.
        let sample = Sample {
            x: -5.123_456_7,
            y: 4.987_654,
            label: 1.0,
        };
        assert!(write_csv(&vec![sample; MAX_ROWS], &[], &[]).len() < MAX_CSV_BYTES / 4);
    }
}
