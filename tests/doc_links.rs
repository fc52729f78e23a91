//! The README and docs/ link only to files and headings that exist, the README stays short
//! enough for a newcomer, and each Chinese twin links to its English one and back.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// README.md, README.zh.md and every Markdown file under docs/.
fn documents() -> Vec<PathBuf> {
    let mut files = vec![root().join("README.md"), root().join("README.zh.md")];
    let mut docs: Vec<PathBuf> = fs::read_dir(root().join("docs"))
        .expect("docs/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

/// Whether `line` at `index` is inside a fenced code block, given every line of the file.
fn code_lines(text: &str) -> Vec<bool> {
    let mut inside = false;
    text.lines()
        .map(|line| {
            if line.trim_start().starts_with("```") {
                inside = !inside;
                true
            } else {
                inside
            }
        })
        .collect()
}

/// The targets of every `[text](target)` and `![alt](target)` outside code.
fn links(text: &str) -> Vec<String> {
    let code = code_lines(text);
    let mut out = Vec::new();
    for (line, in_code) in text.lines().zip(code) {
        if in_code {
            continue;
        }
        // Inline code spans may hold `](` that is not a link.
        let mut plain = String::new();
        for (i, part) in line.split('`').enumerate() {
            if i % 2 == 0 {
                plain.push_str(part);
            }
        }
        let mut rest = plain.as_str();
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            out.push(after[..end].trim().to_string());
            rest = &after[end..];
        }
    }
    out
}

/// GitHub's anchor of a heading: lower case, punctuation dropped (letters, digits, `-`, `_`
/// and spaces kept, in any script), spaces as `-`; repeated headings get `-1`, `-2`, ….
fn anchors(text: &str) -> HashSet<String> {
    let code = code_lines(text);
    let mut seen = HashSet::new();
    for (line, in_code) in text.lines().zip(code) {
        if in_code || !line.starts_with('#') {
            continue;
        }
        let title = line.trim_start_matches('#').trim();
        let slug: String = title
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_' || *c == ' ')
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        let mut candidate = slug.clone();
        let mut n = 0;
        while seen.contains(&candidate) {
            n += 1;
            candidate = format!("{slug}-{n}");
        }
        seen.insert(candidate);
    }
    seen
}

fn is_external(target: &str) -> bool {
    ["http://", "https://", "mailto:"].iter().any(|p| target.starts_with(p))
}

#[test]
fn every_local_link_and_anchor_exists() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for doc in documents() {
        let text = fs::read_to_string(&doc).expect("readable document");
        let dir = doc.parent().unwrap_or(Path::new("."));
        for target in links(&text) {
            if is_external(&target) {
                continue;
            }
            checked += 1;
            let (path, anchor) = match target.split_once('#') {
                Some((p, a)) => (p, Some(a)),
                None => (target.as_str(), None),
            };
            let file = if path.is_empty() { doc.clone() } else { dir.join(path) };
            let name = doc.strip_prefix(root()).unwrap_or(&doc).display().to_string();
            if !file.exists() {
                problems.push(format!("{name}: `{target}`: no such file"));
                continue;
            }
            if let Some(anchor) = anchor {
                let target_text = fs::read_to_string(&file).unwrap_or_default();
                if !anchors(&target_text).contains(anchor) {
                    problems.push(format!("{name}: `{target}`: no heading with that anchor"));
                }
            }
        }
    }
    assert!(
        checked > 20,
        "only {checked} local links found: is the link reader broken?"
    );
    assert!(problems.is_empty(), "broken links:\n{}", problems.join("\n"));
}

#[test]
fn the_link_checker_catches_a_missing_anchor_and_file() {
    let text = "# Title\n\n## Two words\n\n[a](#two-words) [b](#nope) `[c](#code)`\n";
    let found = anchors(text);
    assert!(found.contains("two-words") && found.contains("title"));
    assert!(!found.contains("nope"));
    assert_eq!(links(text), vec!["#two-words".to_string(), "#nope".to_string()]);
    assert!(anchors("## 教师与学生指南\n## Config\n## Config\n").contains("config-1"));
}

#[test]
fn the_readme_is_short_and_the_chinese_twins_link_back() {
    let readme = fs::read_to_string(root().join("README.md")).expect("README.md");
    let lines = readme.lines().count();
    assert!(
        lines <= 200,
        "README.md has {lines} lines; at most 200 (move the rest to docs/)"
    );
    for (english, chinese) in [("README.md", "README.zh.md"), ("docs/guide.md", "docs/guide.zh.md")] {
        let en = fs::read_to_string(root().join(english)).expect("English twin");
        let zh = fs::read_to_string(root().join(chinese)).expect("Chinese twin");
        let file = |p: &str| Path::new(p).file_name().map(|n| n.to_string_lossy().into_owned());
        assert!(
            links(&en).iter().any(|l| Some(l.clone()) == file(chinese)),
            "{english} links to {chinese}"
        );
        assert!(
            links(&zh).iter().any(|l| Some(l.clone()) == file(english)),
            "{chinese} links to {english}"
        );
    }
}
