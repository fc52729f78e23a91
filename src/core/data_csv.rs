//! Importing and exporting data sets as CSV: a header naming `x`, `y` and `label` (any
//! order, any case), an optional `split` column of `train`/`test`, other columns ignored.
//! Import is all or nothing: the first problem found is reported with its line and column.

use std::fmt;

use super::{Float, Problem, Sample, PLANE};

/// Most data rows a file may hold; more would make training and drawing sluggish.
pub const MAX_ROWS: usize = 10_000;

/// Most classes a label column is read as when the problem is inferred.
const MAX_INFERRED_CLASSES: usize = 8;

/// Which split a row of the `split` column puts its point in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    /// Used for training.
    Train,
    /// Held out for testing.
    Test,
}

impl Split {
    /// The CSV spelling: `train` or `test`.
    pub fn name(self) -> &'static str {
        match self {
            Split::Train => "train",
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

/// Why a CSV file was refused, and where.
#[derive(Clone, Debug, PartialEq)]
pub struct CsvError {
    /// 1-based line of the file.
    pub line: usize,
    /// The column, by its header name, when the problem is in one cell or column.
    pub column: Option<String>,
    /// What is wrong, in plain words.
    pub message: String,
}

impl CsvError {
    fn new(line: usize, column: Option<&str>, message: impl Into<String>) -> Self {
        CsvError {
            line,
            column: column.map(str::to_owned),
            message: message.into(),
        }
    }
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => write!(f, "line {}, column {}: {}", self.line, column, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
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
            CsvError::new(line, None, format!("unreadable CSV: {e}"))
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
                    return Err(CsvError::new(
                        line,
                        None,
                        format!("more than {MAX_ROWS} data rows; the limit is {MAX_ROWS}"),
                    ));
                }
                rows.push(read_row(&record, columns, line)?);
            }
        }
    }

    let Some(columns) = columns else {
        return Err(CsvError::new(
            1,
            None,
            "missing header: the file is empty; the first line must name the columns x, y and label",
        ));
    };
    if rows.is_empty() {
        return Err(CsvError::new(last_line, None, "no data rows below the header"));
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
                return Err(CsvError::new(
                    last_line,
                    Some("split"),
                    "no row is marked train; training needs at least one point",
                ));
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
            return Err(CsvError::new(
                line,
                Some(&name),
                "this column is named twice in the header",
            ));
        }
        *slot = Some(index);
    }
    let looks_like_data = record.iter().any(|cell| cell.trim().parse::<f64>().is_ok());
    let missing = |name: &str| {
        let message = if looks_like_data {
            "missing header: the first line must name the columns x, y and label".to_owned()
        } else {
            format!("missing required column `{name}`; the header must name x, y and label")
        };
        CsvError::new(line, Some(name), message)
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
            format!(
                "expected {} fields as in the header, found {}",
                columns.width,
                record.len()
            ),
        ));
    }
    let x = read_number(record, columns.x, "x", line)?;
    let y = read_number(record, columns.y, "y", line)?;
    for (value, name) in [(x, "x"), (y, "y")] {
        if !(-PLANE..=PLANE).contains(&value) {
            return Err(CsvError::new(
                line,
                Some(name),
                format!("{name} = {value} lies outside the plane [-{PLANE}, {PLANE}]"),
            ));
        }
    }
    let label = read_number(record, columns.label, "label", line)?;
    let split = match columns.split {
        None => None,
        Some(index) => {
            let cell = record.get(index).unwrap_or("").trim();
            match cell.to_ascii_lowercase().as_str() {
                "train" => Some(Split::Train),
                "test" => Some(Split::Test),
                _ => {
                    return Err(CsvError::new(
                        line,
                        Some("split"),
                        format!("`{cell}` is not a split; expected train or test"),
                    ))
                }
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
        return Err(CsvError::new(line, Some(name), "empty cell; expected a number"));
    }
    let value: Float = cell
        .parse()
        .map_err(|_| CsvError::new(line, Some(name), format!("`{cell}` is not a number")))?;
    if !value.is_finite() {
        return Err(CsvError::new(
            line,
            Some(name),
            format!("`{cell}` is not a finite number (NaN and infinity are not allowed)"),
        ));
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
            format!(
                "class label {label} is not a whole number from 0 to {}; this data set has {classes} classes",
                classes.saturating_sub(1)
            ),
        ))
    }
}

/// Writes the training points then the test points with a `split` column, in the format
/// [`parse_csv`] reads back exactly (floats are printed in their shortest exact form).
pub fn write_csv(train: &[Sample], test: &[Sample]) -> String {
    let mut out = String::from("x,y,label,split\n");
    let rows = train
        .iter()
        .map(|s| (s, Split::Train))
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
                (e.line, e.column, e.message)
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
        let test = vec![sample(-6.0, 1.0 / 3.0, 1.0)];
        let data = parsed(&write_csv(&train, &test), None);
        assert_eq!(data.problem, Problem::Binary);
        assert_eq!(data.samples, vec![train[0], train[1], test[0]]);
        assert_eq!(data.splits, Some(vec![Split::Train, Split::Train, Split::Test]));
        let regression = vec![sample(1.0, 2.0, -0.123_456_79), sample(0.0, 0.0, 0.7)];
        let data = parsed(&write_csv(&regression, &[]), Some(Problem::Regression));
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
        let data = parsed("x,y,label,split\n0,0,0, Train \n1,1,1,TEST\n", None);
        assert_eq!(data.splits, Some(vec![Split::Train, Split::Test]));
        let (line, column, message) = error_at("x,y,label,split\n0,0,0,train\n1,1,1,valid\n", None);
        assert_eq!((line, column.as_deref()), (3, Some("split")));
        assert!(message.contains("valid"));
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
}
