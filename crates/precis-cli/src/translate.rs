//! `precis translate`: translate a text line by line, so the output has
//! exactly one line per input line (and can be scored line by line).

use std::time::Instant;

use anyhow::{Context, Result};
use precis::decode;
use serde::Serialize;

use crate::cli::{LinesFormat, TranslateArgs};
use crate::input::{self, Source};
use crate::models;
use crate::ui::Ui;
use precis::millis;

/// The JSON output of `precis translate`.
#[derive(Serialize)]
struct Record<'a> {
    source: String,
    from: &'a str,
    to: &'a str,
    lines: &'a [String],
    model: &'a precis::ModelInfo,
    warnings: Vec<String>,
    translate_ms: f64,
}

pub fn run(args: &TranslateArgs, ui: &mut Ui) -> Result<()> {
    let source = match &args.input {
        Some(path) if path.as_os_str() != "-" => Source::File(path.clone()),
        _ => Source::Stdin,
    };
    input::exclude_output(
        &mut vec![source.clone()],
        args.input.as_slice(),
        args.output.as_deref(),
        &mut |notice| ui.notice(&notice),
    )?;
    let choice = models::TranslatorChoice {
        from: &args.from,
        to: &args.to,
        model: args.model.as_deref(),
        flag: "--model",
        source: &args.source,
    };
    // The model first: a missing one is reported before any input is read.
    let translator = models::load_translator(&choice, ui)?;
    let decoded = decode(&input::read(&source)?).with_context(|| format!("cannot use {source}"))?;
    let lines: Vec<&str> = decoded.text.lines().collect();
    ui.spinner(format!("translating {} line(s)", lines.len()));
    let started = Instant::now();
    let translation = translator
        .translate_lines(&lines, args.unit.into())
        .with_context(|| format!("cannot translate {source}"));
    ui.finish();
    ui.timing("translating", started.elapsed());
    let translation = translation?;
    let warnings: Vec<String> = decoded
        .warnings
        .iter()
        .chain(&translation.warnings)
        .cloned()
        .collect();
    for warning in &warnings {
        ui.warning(&format!("{source}: {warning}"));
    }
    let text = match args.format {
        LinesFormat::Json => {
            let record = Record {
                source: source.to_string(),
                from: &args.from,
                to: &args.to,
                lines: &translation.lines,
                model: &translation.model,
                warnings,
                translate_ms: millis(started.elapsed()),
            };
            serde_json::to_string_pretty(&record)? + "\n"
        }
        LinesFormat::Text => crate::render::visible_controls(
            &translation
                .lines
                .iter()
                .map(|line| format!("{line}\n"))
                .collect::<String>(),
        ),
    };
    crate::render::write_all(args.output.as_deref(), text.as_bytes())
}
