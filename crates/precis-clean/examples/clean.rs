//! Cleans article files and prints their text (`Document::to_text`).
//!
//! Usage: `clean [--input auto|text|html] [--json | --bench] FILE...`.
//! `--json` prints each whole document (with `removed`); `--bench` prints
//! nothing but the throughput over all files (pages/s, MB/s). Exits
//! non-zero with the error message when a file cannot be cleaned (with
//! `--bench`, errors are counted instead); warnings go to stderr.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use precis_clean::{clean_bytes, CleanOptions, InputKind};

const USAGE: &str = "usage: clean [--input auto|text|html] [--json | --bench] FILE...";

#[derive(PartialEq)]
enum Output {
    Text,
    Json,
    Bench,
}

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<(), String> {
    let mut input = InputKind::Auto;
    let mut output = Output::Text;
    let mut paths = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--input" => {
                input = match args.next().as_deref() {
                    Some("auto") => InputKind::Auto,
                    Some("text") => InputKind::Text,
                    Some("html") => InputKind::Html,
                    _ => return Err(format!("--input takes auto, text or html; {USAGE}")),
                }
            }
            "--json" => output = Output::Json,
            "--bench" => output = Output::Bench,
            _ if arg.starts_with("--") => return Err(format!("unknown option {arg}; {USAGE}")),
            _ => paths.push(arg),
        }
    }
    if paths.is_empty() {
        return Err(USAGE.into());
    }
    let options = CleanOptions { input };
    let (mut bytes_total, mut errors, mut elapsed) = (0usize, 0usize, Duration::ZERO);
    for path in &paths {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
        let start = Instant::now();
        let cleaned = clean_bytes(&bytes, &options);
        elapsed += start.elapsed();
        bytes_total += bytes.len();
        let document = match cleaned {
            Ok(document) => document,
            Err(_) if output == Output::Bench => {
                errors += 1;
                continue;
            }
            Err(e) => return Err(format!("{path}: {e}")),
        };
        match output {
            Output::Bench => {}
            Output::Json => println!(
                "{}",
                serde_json::to_string_pretty(&document).map_err(|e| e.to_string())?
            ),
            Output::Text => {
                for warning in &document.warnings {
                    eprintln!("warning: {path}: {warning}");
                }
                println!("{}", document.to_text());
            }
        }
    }
    if output == Output::Bench {
        let seconds = elapsed.as_secs_f64().max(1e-9);
        println!(
            "pages={} errors={errors} seconds={seconds:.2} pages/s={:.0} MB/s={:.2}",
            paths.len(),
            paths.len() as f64 / seconds,
            bytes_total as f64 / 1e6 / seconds
        );
    }
    Ok(())
}
