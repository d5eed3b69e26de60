//! `precis translate`: translate a text line by line, so the output has
//! exactly one line per input line (and can be scored line by line).

use std::time::Instant;

use anyhow::{Context, Result};
use precis::{decode, Lines, Record, Served, SourceLanguage, Timings, Translated, SCHEMA};

use crate::cli::{LinesFormat, TranslateArgs};
use crate::input::{self, Source};
use crate::models;
use crate::ui::Ui;
use precis::millis;

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
    let (translators, uncertain) = match given {
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
    let served = Served::of(&route);
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
    let translate_ms = millis(started.elapsed());
    // Detection's doubts come from resolving `auto` here, or from the route.
    let mut warnings: Vec<String> = Vec::new();
    for warning in uncertain.iter().chain(&served.warnings) {
        if !warnings.contains(warning) {
            warnings.push(warning.clone());
        }
    }
    warnings.extend(translation.iter().flat_map(|t| t.warnings.iter().cloned()));
    for note in &served.notes {
        ui.notice(&format!("{source}: {note}"));
    }
    let warnings: Vec<String> = prefixed("input", &decoded.warnings)
        .into_iter()
        .chain(prefixed("translation", &warnings))
        .collect();
    for warning in &warnings {
        ui.warning(&format!("{source}: {warning}"));
    }
    let (model, lines) = match translation {
        Some(translation) => (Some(translation.model), translation.lines),
        None => (None, lines.iter().map(|line| (*line).to_owned()).collect()),
    };
    let text = match args.format {
        LinesFormat::Json => {
            let record = Record {
                schema: SCHEMA,
                source: source.to_string(),
                title: None,
                language: detected,
                metadata: None,
                // The input's lines, as `translation.article` has them.
                text: Some(decoded.text.lines().collect::<Vec<_>>().join("\n")),
                cleaning: None,
                summary: None,
                translation: Some(Translated {
                    from: route.from.clone(),
                    to: served.to.clone(),
                    model,
                    route: route
                        .translator
                        .as_ref()
                        .map_or_else(Vec::new, |t| t.legs().to_vec()),
                    summary: None,
                    article: Some(Lines::new(lines)),
                }),
                timings: Timings {
                    translate_ms: Some(translate_ms),
                    ..Timings::default()
                },
                notes: prefixed("translation", &served.notes),
                warnings,
                error: None,
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

/// Notes and warnings as records carry them, prefixed with the stage.
fn prefixed(stage: &str, messages: &[String]) -> Vec<String> {
    messages
        .iter()
        .map(|message| format!("{stage}: {message}"))
        .collect()
}
