//! `precis translate`: translate a text line by line, so the output has
//! exactly one line per input line (and can be scored line by line).

use std::time::Instant;

use anyhow::{Context, Result};
use precis::{decode, SourceLanguage};
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
    /// `None` when the input was already in the target language.
    model: Option<&'a precis::ModelInfo>,
    /// Each step and its model (two through English); empty when the
    /// input passed through.
    route: &'a [precis::Leg],
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
    // A given source language's model is loaded before the input is read,
    // so a missing one is reported first; `auto` needs the text to choose.
    let source_language = SourceLanguage::parse(&args.from)?;
    let given = match source_language {
        SourceLanguage::Given(_) => Some(models::load_translators(&choice, ui)?),
        SourceLanguage::Detect => None,
    };
    let decoded = decode(&input::read(&source)?).with_context(|| format!("cannot use {source}"))?;
    let lines: Vec<&str> = decoded.text.lines().collect();
    let detected = precis::detect_language(&decoded.text);
    let (translators, mut notes) = match given {
        Some(translators) => (translators, Vec::new()),
        None => {
            let resolved = source_language.resolve(detected.as_ref(), None)?;
            let choice = models::TranslatorChoice {
                from: &resolved.language,
                ..choice
            };
            (models::load_translators(&choice, ui)?, resolved.notes)
        }
    };
    let route = translators
        .route(&source.to_string(), detected.as_ref(), None)
        .with_context(|| format!("cannot translate {source}"))?;
    notes.extend(route.notes.iter().cloned());
    let started = Instant::now();
    let translation = match &route.translator {
        Some(translator) => {
            ui.spinner(format!("translating {} line(s)", lines.len()));
            let translation = translator
                .translate_lines(&lines, args.unit.into())
                .with_context(|| format!("cannot translate {source}"));
            ui.finish();
            ui.timing("translating", started.elapsed());
            Some(translation?)
        }
        None => None,
    };
    let warnings: Vec<String> = decoded
        .warnings
        .iter()
        .chain(&notes)
        .chain(translation.iter().flat_map(|t| &t.warnings))
        .cloned()
        .collect();
    for warning in &warnings {
        ui.warning(&format!("{source}: {warning}"));
    }
    let lines: Vec<String> = match &translation {
        Some(translation) => translation.lines.clone(),
        None => lines.iter().map(|line| (*line).to_owned()).collect(),
    };
    let text = match args.format {
        LinesFormat::Json => {
            let record = Record {
                source: source.to_string(),
                from: &route.from,
                to: &route.to,
                lines: &lines,
                model: translation.as_ref().map(|t| &t.model),
                route: route.translator.as_ref().map_or(&[], |t| t.legs()),
                warnings,
                translate_ms: millis(started.elapsed()),
            };
            serde_json::to_string_pretty(&record)? + "\n"
        }
        LinesFormat::Text => crate::render::visible_controls(
            &lines
                .iter()
                .map(|line| format!("{line}\n"))
                .collect::<String>(),
        ),
    };
    crate::render::write_all(args.output.as_deref(), text.as_bytes())
}
