//! Scores the metadata `clean` reads from web pages against a data set's
//! `expected.json` (`{url: {file, title, author, date, …}}`, as in
//! `../shared/eval/web-dev`): for each field, on how many pages that state
//! it a value was found, and how many of those were right.
//!
//! Usage: `metadata_eval [--half even|odd] [--misses FIELD] DIR`.
//! `--half` scores every other page (by file name order), to check that a
//! change helps both halves; `--misses` lists the pages where FIELD was
//! wrong or missing. Values are compared after lowercasing and collapsing
//! whitespace; dates by their first ten characters (`YYYY-MM-DD`).

use std::collections::BTreeMap;
use std::process::ExitCode;

use precis_clean::{clean_bytes, CleanOptions, Document, InputKind};
use serde_json::Value;

const USAGE: &str = "usage: metadata_eval [--half even|odd] [--misses FIELD] DIR";
const FIELDS: &[&str] = &["title", "author", "date", "description"];

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The value `document` gives for `field`.
fn found(document: &Document, field: &str) -> Option<String> {
    let meta = &document.metadata;
    match field {
        "title" => document.title.clone(),
        "author" => meta.author.clone(),
        "date" => meta.date.clone(),
        "description" => meta.description.clone(),
        _ => None,
    }
}

fn comparable(field: &str, value: &str) -> String {
    let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
    let value = value.to_lowercase();
    if field == "date" {
        value.chars().take(10).collect()
    } else {
        value
    }
}

#[derive(Default)]
struct Counts {
    expected: usize,
    found: usize,
    correct: usize,
}

fn run(args: Vec<String>) -> Result<(), String> {
    let (mut half, mut misses, mut dir) = (None, None, None);
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--half" => match args.next().as_deref() {
                Some("even") => half = Some(0),
                Some("odd") => half = Some(1),
                _ => return Err(format!("--half takes even or odd; {USAGE}")),
            },
            "--misses" => misses = args.next(),
            _ if arg.starts_with("--") => return Err(format!("unknown option {arg}; {USAGE}")),
            _ => dir = Some(arg),
        }
    }
    let dir = dir.ok_or(USAGE)?;
    let expected_path = format!("{dir}/expected.json");
    let expected: BTreeMap<String, Value> = serde_json::from_slice(
        &std::fs::read(&expected_path).map_err(|e| format!("cannot read {expected_path}: {e}"))?,
    )
    .map_err(|e| format!("{expected_path}: {e}"))?;
    let mut pages: Vec<&Value> = expected.values().collect();
    pages.sort_by_key(|p| p.get("file").and_then(Value::as_str).unwrap_or_default());
    let options = CleanOptions {
        input: InputKind::Html,
    };
    let mut counts: BTreeMap<&str, Counts> = BTreeMap::new();
    let mut scored = 0;
    for (index, page) in pages.iter().enumerate() {
        if half.is_some_and(|h| index % 2 != h) {
            continue;
        }
        let Some(file) = page.get("file").and_then(Value::as_str) else {
            continue;
        };
        let path = format!("{dir}/{file}");
        let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {path}: {e}"))?;
        let Ok(document) = clean_bytes(&bytes, &options) else {
            continue;
        };
        scored += 1;
        for &field in FIELDS {
            let Some(want) = page.get(field).and_then(Value::as_str) else {
                continue;
            };
            if want.trim().is_empty() {
                continue;
            }
            let count = counts.entry(field).or_default();
            count.expected += 1;
            let got = found(&document, field);
            let right = got
                .as_deref()
                .is_some_and(|g| comparable(field, g) == comparable(field, want));
            count.found += usize::from(got.is_some());
            count.correct += usize::from(right);
            if !right && misses.as_deref() == Some(field) {
                println!("{file}\texpected {want:?}\tgot {got:?}");
            }
        }
    }
    println!("pages={scored}");
    for &field in FIELDS {
        if let Some(c) = counts.get(field) {
            println!(
                "{field:<12} expected={:<4} found={:<4} correct={:<4} found%={:.1} correct%={:.1}",
                c.expected,
                c.found,
                c.correct,
                100.0 * c.found as f64 / c.expected.max(1) as f64,
                100.0 * c.correct as f64 / c.expected.max(1) as f64,
            );
        }
    }
    Ok(())
}
