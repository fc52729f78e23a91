//! Reading a parsed JSON value into the model file's types, naming the JSON path of the
//! first problem (`layers[1].weights[0][2]`; `$` is the whole file).
//!
//! The file is parsed into a `serde_json::Value` (the parser the config already ships)
//! and walked by hand: derived readers wrapped in a path tracker cost the page about
//! 8 KB of download for the same messages.

use serde_json::Value;

use super::model::{error, Expected, ModelError, ModelProblem};
use super::Float;

/// A value the model file holds, read from JSON at a path.
pub(crate) trait ReadJson: Sized {
    fn read(value: &Value, path: &str) -> Result<Self, ModelError>;
}

fn wrong(path: &str, expected: Expected) -> ModelError {
    error(path, ModelProblem::WrongType(expected))
}

impl ReadJson for String {
    fn read(value: &Value, path: &str) -> Result<Self, ModelError> {
        value
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| wrong(path, Expected::Text))
    }
}

impl ReadJson for u32 {
    fn read(value: &Value, path: &str) -> Result<Self, ModelError> {
        let n = value.as_u64().and_then(|n| u32::try_from(n).ok());
        n.ok_or_else(|| wrong(path, Expected::WholeNumber))
    }
}

impl ReadJson for usize {
    fn read(value: &Value, path: &str) -> Result<Self, ModelError> {
        let n = value.as_u64().and_then(|n| usize::try_from(n).ok());
        n.ok_or_else(|| wrong(path, Expected::WholeNumber))
    }
}

impl ReadJson for Float {
    /// A number too large for the engine's floats reads as infinite; the section's own
    /// check names it as not finite.
    fn read(value: &Value, path: &str) -> Result<Self, ModelError> {
        value
            .as_f64()
            .map(|v| v as Float)
            .ok_or_else(|| wrong(path, Expected::Number))
    }
}

impl<T: ReadJson> ReadJson for Vec<T> {
    fn read(value: &Value, path: &str) -> Result<Self, ModelError> {
        let items = value.as_array().ok_or_else(|| wrong(path, Expected::List))?;
        items
            .iter()
            .enumerate()
            .map(|(i, item)| T::read(item, &format!("{path}[{i}]")))
            .collect()
    }
}

/// The path of field `key` inside the object at `path` (an empty key as `[""]`).
fn join(path: &str, key: &str) -> String {
    let path = path.strip_prefix('$').unwrap_or(path);
    if key.is_empty() {
        format!("{path}[\"\"]")
    } else if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// An object of the file at its path, whose fields are read one by one.
pub(crate) struct Object<'a> {
    fields: &'a serde_json::Map<String, Value>,
    path: &'a str,
}

impl<'a> Object<'a> {
    /// The value at `path`, which must be an object.
    pub fn new(value: &'a Value, path: &'a str) -> Result<Self, ModelError> {
        let fields = value.as_object().ok_or_else(|| wrong(path, Expected::Object))?;
        Ok(Object { fields, path })
    }

    /// The path of field `key`.
    pub fn path(&self, key: &str) -> String {
        join(self.path, key)
    }

    /// Field `key`, which must be present.
    pub fn field<T: ReadJson>(&self, key: &str) -> Result<T, ModelError> {
        match self.fields.get(key) {
            Some(value) => T::read(value, &self.path(key)),
            None => Err(error(self.path(key), ModelProblem::Missing)),
        }
    }

    /// Field `key` if present and not null.
    pub fn optional<T: ReadJson>(&self, key: &str) -> Result<Option<T>, ModelError> {
        match self.fields.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => T::read(value, &self.path(key)).map(Some),
        }
    }
}

/// The JSON path of the value being read at 1-based (`line`, `column`) of `text`, where
/// the parser stopped: the keys and indices of the objects and lists still open there.
pub(crate) fn path_at(text: &str, line: usize, column: usize) -> String {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let end = (start + column.saturating_sub(1)).min(text.len());
    let before = text.get(..end).unwrap_or(text);
    // Each open container: a list's index, or an object's key once its `:` is passed.
    enum Open {
        List(usize),
        Object { key: String, in_value: bool },
    }
    let mut open: Vec<Open> = Vec::new();
    let mut chars = before.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                let mut word = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => word.extend(chars.next()),
                        '"' => break,
                        c => word.push(c),
                    }
                }
                if let Some(Open::Object { key, in_value: false }) = open.last_mut() {
                    *key = word;
                }
            }
            '{' => open.push(Open::Object {
                key: String::new(),
                in_value: false,
            }),
            '[' => open.push(Open::List(0)),
            '}' | ']' => {
                open.pop();
            }
            ':' => {
                if let Some(Open::Object { in_value, .. }) = open.last_mut() {
                    *in_value = true;
                }
            }
            ',' => match open.last_mut() {
                Some(Open::List(i)) => *i += 1,
                Some(Open::Object { in_value, .. }) => *in_value = false,
                None => {}
            },
            _ => {}
        }
    }
    let mut path = "$".to_string();
    for frame in &open {
        path = match frame {
            Open::List(i) if path == "$" => format!("[{i}]"),
            Open::List(i) => format!("{path}[{i}]"),
            Open::Object { key, in_value: true } => join(&path, key),
            Open::Object { .. } => break,
        };
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_names_the_open_keys_and_indices() {
        // Cut at the `}` of `"features": ["x", }`: inside the list, at its second element.
        let text = "{\"format\": \"a\",\n \"features\": [\"x\", }";
        assert_eq!(path_at(text, 2, 20), "features[1]");
        // Between fields of the top object: the whole file.
        assert_eq!(path_at("{\"a\": 1, ", 1, 10), "$");
        // Nested lists and objects, a key with an escaped quote and a comma in a string.
        let text = r#"{"layers": [{"a,\"b": 1}, {"weights": [[1, 2], [3, x"#;
        let column = text.len();
        assert_eq!(path_at(text, 1, column), "layers[1].weights[1][1]");
        assert_eq!(path_at("[1, 2, x", 1, 8), "[2]");
        assert_eq!(path_at(r#"{"": {"a": x"#, 1, 12), r#"[""].a"#);
    }

    #[test]
    fn fields_name_their_path_and_kind() {
        let value: Value = serde_json::from_str(r#"{"n": "1", "list": [1, "x"], "o": null}"#).expect("json");
        let object = Object::new(&value, "$").expect("object");
        let n = object.field::<u32>("n").expect_err("text");
        assert_eq!(
            (n.path.as_str(), n.problem),
            ("n", ModelProblem::WrongType(Expected::WholeNumber))
        );
        let list = object.field::<Vec<Float>>("list").expect_err("text in list");
        assert_eq!(
            (list.path.as_str(), list.problem),
            ("list[1]", ModelProblem::WrongType(Expected::Number))
        );
        let missing = object.field::<String>("gone").expect_err("missing");
        assert_eq!(
            (missing.path.as_str(), missing.problem),
            ("gone", ModelProblem::Missing)
        );
        assert_eq!(object.optional::<u32>("o"), Ok(None));
        let inner = Object::new(&value["list"], "list").err().map(|e| e.problem);
        assert_eq!(inner, Some(ModelProblem::WrongType(Expected::Object)));
    }
}
