//! Cleans one article file and prints its text (`Document::to_text`).
//!
//! Usage: `clean [--input auto|text|html] [--json] FILE`. `--json` prints
//! the whole document (with `removed`) instead. Exits non-zero with the
//! error message when the file cannot be cleaned; warnings go to stderr.

use std::process::ExitCode;

use precis_clean::{clean_bytes, CleanOptions, InputKind};

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<String, String> {
    let usage = "usage: clean [--input auto|text|html] [--json] FILE";
    let mut input = InputKind::Auto;
    let mut json = false;
    let mut path = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--input" => {
                input = match args.next().as_deref() {
                    Some("auto") => InputKind::Auto,
                    Some("text") => InputKind::Text,
                    Some("html") => InputKind::Html,
                    _ => return Err(format!("--input takes auto, text or html; {usage}")),
                }
            }
            "--json" => json = true,
            _ if path.is_none() => path = Some(arg),
            _ => return Err(format!("unexpected argument {arg:?}; {usage}")),
        }
    }
    let path = path.ok_or(usage)?;
    let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let document =
        clean_bytes(&bytes, &CleanOptions { input }).map_err(|e| format!("{path}: {e}"))?;
    for warning in &document.warnings {
        eprintln!("warning: {warning}");
    }
    if json {
        serde_json::to_string_pretty(&document).map_err(|e| e.to_string())
    } else {
        Ok(document.to_text())
    }
}
