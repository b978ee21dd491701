//! The worked examples of `docs/models/*.md` are run as written: each
//! ```console block's `$ qingfeng …` commands run in a fresh folder holding
//! the example county, and their standard output must match the lines below
//! them. In expected output, `[..]` matches any text within a line and a line
//! `...` matches any number of lines; a last line `[exit N]` expects exit
//! status N instead of 0.

use std::path::{Path, PathBuf};
use std::process::Command;

fn docs() -> PathBuf {
    Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo test")).join("../../docs/models")
}

/// `(command line, expected output)` pairs of every console block.
fn examples(text: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut in_block = false;
    for line in text.lines() {
        if line.starts_with("```console") {
            in_block = true;
            continue;
        }
        if in_block && line.starts_with("```") {
            in_block = false;
            continue;
        }
        if !in_block {
            continue;
        }
        if let Some(command) = line.strip_prefix("$ ") {
            out.push((command.to_owned(), Vec::new()));
        } else if let Some((_, expected)) = out.last_mut() {
            expected.push(line.to_owned());
        }
    }
    out
}

fn line_matches(pattern: &str, line: &str) -> bool {
    let parts: Vec<&str> = pattern.split("[..]").collect();
    if parts.len() == 1 {
        return pattern == line;
    }
    let mut rest = line;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else { return false };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            let Some(at) = rest.find(part) else { return false };
            rest = &rest[at + part.len()..];
        }
    }
    true
}

fn matches(expected: &[String], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((first, rest)) if first == "..." => (0..=actual.len()).any(|skip| matches(rest, &actual[skip..])),
        Some((first, rest)) => actual.first().is_some_and(|a| line_matches(first, a)) && matches(rest, &actual[1..]),
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[test]
fn worked_examples_run_as_documented() {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(docs())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    pages.sort();
    let mut checked = 0;
    for page in &pages {
        let text = std::fs::read_to_string(page).unwrap();
        let blocks = examples(&text);
        if blocks.is_empty() {
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&docs().join("example"), &dir.path().join("example"));
        copy_dir(&docs().join("cardinal"), &dir.path().join("cardinal"));
        for (command, mut expected) in blocks {
            let status = match expected.last().and_then(|l| l.strip_prefix("[exit ")?.strip_suffix(']')) {
                Some(n) => n.parse::<i32>().unwrap(),
                None => 0,
            };
            if status != 0 {
                expected.pop();
            }
            let args: Vec<&str> = command.split_whitespace().collect();
            assert_eq!(args[0], "qingfeng", "{}: only qingfeng commands run: {command}", page.display());
            let output = Command::new(env!("CARGO_BIN_EXE_qingfeng"))
                .args(&args[1..])
                .current_dir(dir.path())
                .env("QINGFENG_DATA", dir.path().join("data"))
                .env("QINGFENG_USER", "docs")
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert_eq!(
                output.status.code(),
                Some(status),
                "{}: $ {command}\n{stdout}{}",
                page.display(),
                String::from_utf8_lossy(&output.stderr)
            );
            let actual: Vec<&str> = stdout.lines().collect();
            assert!(
                matches(&expected, &actual),
                "{}: $ {command}\n--- expected\n{}\n--- actual\n{stdout}",
                page.display(),
                expected.join("\n")
            );
            checked += 1;
        }
    }
    let models = models::builtin().unwrap().len();
    assert!(checked >= 3 * models, "every model page has a worked example ({checked} commands checked)");
}

/// Each model page documents every parameter the model declares, with its default.
#[test]
fn every_parameter_is_documented() {
    for model in models::builtin().unwrap() {
        let page = std::fs::read_to_string(docs().join(format!("{}.md", model.code))).unwrap();
        assert!(page.contains(&model.name_zh), "{}", model.code);
        for (name, param) in &model.params {
            assert!(page.contains(&format!("| `{name}` | {}", param.default)), "{}: parameter {name}", model.code);
        }
        for name in model.figures.keys() {
            assert!(page.contains(&format!("| `{name}` |")), "{}: figure {name}", model.code);
        }
    }
}

#[test]
fn the_matcher_matches() {
    assert!(line_matches("a [..] c", "a bbb c"));
    assert!(!line_matches("a [..] c", "a bbb d"));
    let e = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(matches(&e(&["...", "x"]), &["a", "b", "x"]));
    assert!(matches(&e(&["x", "..."]), &["x"]));
    assert!(!matches(&e(&["x"]), &["x", "y"]));
}
