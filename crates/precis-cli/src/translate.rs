//! `precis translate`: translate a text line by line, so the output has
//! exactly one line per input line (and can be scored line by line). Text
//! output is written as each group of lines is done.

use std::io::Write;
use std::time::Instant;

use anyhow::{Context, Result};
use precis::{decode, Lines, Record, Served, SourceLanguage, Timings, Translated, SCHEMA};

use crate::cli::{LinesFormat, TranslateArgs};
use crate::input::{self, Source};
use crate::models;
use crate::ui::Ui;
use precis::millis;

/// Lines translated per call: enough to fill the models' batches, few
/// enough that output appears as the work goes.
const LINES_PER_CALL: usize = 32;

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
    let lines = split_lines(&decoded.text);
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
    // Text goes out as each group is done; JSON is one record at the end.
    let mut out = match args.format {
        LinesFormat::Text => Some(crate::render::open(args.output.as_deref())?),
        LinesFormat::Json => None,
    };
    let mut translated: Vec<String> = Vec::with_capacity(lines.len());
    let mut translation_warnings = Vec::new();
    let mut model = None;
    if route.translator.is_some() {
        ui.spinner(format!("translating {} line(s)", lines.len()));
    }
    for group in lines.chunks(LINES_PER_CALL) {
        let done = translated.len();
        match &route.translator {
            Some(translator) => {
                let translation = translator
                    .translate_lines(group, args.unit.into())
                    .with_context(|| format!("cannot translate {source}"))?;
                translation_warnings.extend(
                    translation
                        .warnings
                        .iter()
                        .map(|warning| shift_line_number(warning, done)),
                );
                translated.extend(translation.lines);
                model = Some(translation.model);
            }
            None => translated.extend(group.iter().map(|line| (*line).to_owned())),
        }
        if let Some(out) = &mut out {
            let text: String = translated[done..]
                .iter()
                .map(|line| format!("{line}\n"))
                .collect();
            out.write_all(crate::render::visible_controls(&text).as_bytes())
                .and_then(|()| out.flush())
                .context("cannot write the output")?;
        }
    }
    if route.translator.is_some() {
        ui.finish();
        ui.timing("translating", started.elapsed());
    }
    let translate_ms = millis(started.elapsed());
    // Detection's doubts come from resolving `auto` here, or from the route.
    let mut warnings: Vec<String> = Vec::new();
    for warning in uncertain.iter().chain(&served.warnings) {
        if !warnings.contains(warning) {
            warnings.push(warning.clone());
        }
    }
    warnings.extend(translation_warnings);
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
    if args.format == LinesFormat::Json {
        let record = Record {
            schema: SCHEMA,
            source: source.to_string(),
            title: None,
            language: detected,
            metadata: None,
            // The input's lines, as `translation.article` has them.
            text: Some(lines.join("\n")),
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
                article: Some(Lines::new(translated)),
            }),
            timings: Timings {
                translate_ms: Some(translate_ms),
                ..Timings::default()
            },
            notes: prefixed("translation", &served.notes),
            warnings,
            error: None,
        };
        let text = serde_json::to_string_pretty(&record)? + "\n";
        crate::render::write_all(args.output.as_deref(), text.as_bytes())?;
    }
    Ok(())
}

/// The lines of `text`, ending at a line feed, a CR LF or a lone carriage
/// return (old Mac files): each is a line to translate on its own.
fn split_lines(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text.split('\n').collect();
    if lines.last() == Some(&"") {
        lines.pop();
    }
    lines
        .into_iter()
        .flat_map(|line| {
            let line = line.strip_suffix('\r').unwrap_or(line);
            line.split('\r')
        })
        .collect()
}

/// A translator's warning about "line N" of a group, numbered in the whole
/// input (`before` lines precede the group).
fn shift_line_number(warning: &str, before: usize) -> String {
    let shifted = warning.strip_prefix("line ").and_then(|rest| {
        let (number, tail) = rest.split_once(':')?;
        let number: usize = number.parse().ok()?;
        Some(format!("line {}:{tail}", number + before))
    });
    shifted.unwrap_or_else(|| warning.to_owned())
}

/// Notes and warnings as records carry them, prefixed with the stage.
fn prefixed(stage: &str, messages: &[String]) -> Vec<String> {
    messages
        .iter()
        .map(|message| format!("{stage}: {message}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carriage_returns_alone_end_lines_too() {
        assert_eq!(split_lines("a\rb\r\nc\nd"), ["a", "b", "c", "d"]);
        assert_eq!(split_lines("one\n\ntwo\n"), ["one", "", "two"]);
        assert_eq!(split_lines(""), Vec::<&str>::new());
    }

    #[test]
    fn warnings_are_numbered_in_the_whole_input() {
        assert_eq!(shift_line_number("line 3: cut", 32), "line 35: cut");
        assert_eq!(shift_line_number("no number", 32), "no number");
    }
}
