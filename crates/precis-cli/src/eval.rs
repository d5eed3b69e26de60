//! `precis eval`: score summaries (ROUGE), translations (BLEU, chrF) and
//! cleaning (web-page snippets) with the libraries' metrics, and print a
//! table (or, with `--json`, the full report).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use precis::{clean_bytes, CleanOptions, SourceLanguage};
use precis_eval::bleu::corpus_bleu;
use precis_eval::chrf::{corpus_chrf, ChrfVariant};
use precis_eval::langid::{score_language, LangidRow, PARAGRAPH_LINES};
use precis_eval::rouge::{Prf, RougeScores};
use precis_eval::snippets::{ExpectedPage, SnippetCounts};
use precis_eval::{read_summary_data, score_summaries, summarize_dataset, SummaryReport};
use serde::Serialize;

use crate::cli::{EvalCommand, EvalInput, ModelSourceArgs, Unit};
use crate::failure::Failure;
use crate::models;
use crate::ui::Ui;

pub fn run(command: EvalCommand, ui: &mut Ui) -> Result<()> {
    match command {
        EvalCommand::Summarize {
            data,
            predictions,
            summary,
            json,
        } => {
            // The data set is the command's input: reading it is an input
            // problem even though the reader's errors are inference errors.
            let items = read_summary_data(&data).context(Failure::input(format!(
                "cannot use the data set {}",
                data.display()
            )))?;
            if items.is_empty() {
                return Err(Failure::input(format!(
                    "the data set {} holds no articles: there is nothing to score",
                    data.display()
                ))
                .into());
            }
            let report = match predictions {
                Some(path) => {
                    let predictions = read_lines(&path)?;
                    same_length(&path, predictions.len(), &data, items.len())?;
                    let predictions: Vec<&str> = predictions.iter().map(String::as_str).collect();
                    score_summaries(&items, &predictions)
                }
                None => {
                    let summarizer = models::load_summarizer(&summary, ui)?;
                    ui.spinner(format!("summarizing {} articles", items.len()));
                    let report = summarize_dataset(&summarizer, &items);
                    ui.finish();
                    report?
                }
            };
            print(json, &report, || rouge_table(&report))
        }
        EvalCommand::Translate {
            src,
            reference,
            predictions,
            from,
            to,
            model,
            source,
            unit,
            json,
        } => {
            let sources = read_lines(&src)?;
            let references = read_lines(&reference)?;
            same_length(&reference, references.len(), &src, sources.len())?;
            let started = Instant::now();
            let (hypotheses, model) = match predictions {
                Some(path) => {
                    let hypotheses = read_lines(&path)?;
                    same_length(&path, hypotheses.len(), &src, sources.len())?;
                    (hypotheses, None)
                }
                None => translate(&sources, &from, &to, model.as_deref(), &source, unit, ui)?,
            };
            let seconds = started.elapsed().as_secs_f64();
            let hyps: Vec<&str> = hypotheses.iter().map(String::as_str).collect();
            let refs: Vec<&str> = references.iter().map(String::as_str).collect();
            let report = TranslationReport {
                model,
                sentences: hyps.len(),
                bleu: corpus_bleu(&hyps, &refs).score,
                chrf: corpus_chrf(&hyps, &refs, ChrfVariant::Chrf),
                chrf_plus_plus: corpus_chrf(&hyps, &refs, ChrfVariant::ChrfPlusPlus),
                seconds,
            };
            print(json, &report, || report.table())
        }
        EvalCommand::Clean { dir, kind, json } => {
            let report = eval_clean(&dir, kind, ui)?;
            print(json, &report, || report.table())
        }
        EvalCommand::Langid { files, json } => {
            let mut rows = Vec::new();
            for path in &files {
                let code = path
                    .file_stem()
                    .and_then(|stem| stem.to_str())
                    .with_context(|| {
                        format!("{} is not named by a language code", path.display())
                    })?;
                let lines = read_lines(path)?;
                let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
                rows.push(score_language(code, &lines));
            }
            print(json, &rows, || langid_table(&rows))
        }
    }
}

/// Prints `report` as JSON, or the text `table`.
fn print<T: Serialize>(json: bool, report: &T, table: impl FnOnce() -> String) -> Result<()> {
    let text = if json {
        serde_json::to_string_pretty(report)? + "\n"
    } else {
        table()
    };
    crate::render::write_all(None, text.as_bytes())
}

/// Per-language accuracy, then the totals.
fn langid_table(rows: &[LangidRow]) -> String {
    let percent = |part: usize, whole: usize| 100.0 * part as f64 / whole.max(1) as f64;
    let mut table = format!(
        "{:<8} {:>6} {:>8} {:>10} {:>13} {:>6} {:>8} {:>11}\n",
        "LANGUAGE", "LINES", "ACCURACY", "RELIABLE", "RELIABLE-BAD", "PARAS", "ACCURACY", "LINES/S"
    );
    let mut total = LangidRow {
        language: "all".into(),
        lines: 0,
        lines_correct: 0,
        lines_reliable: 0,
        lines_reliable_wrong: 0,
        paragraphs: 0,
        paragraphs_correct: 0,
        seconds: 0.0,
    };
    for row in rows {
        total.lines += row.lines;
        total.lines_correct += row.lines_correct;
        total.lines_reliable += row.lines_reliable;
        total.lines_reliable_wrong += row.lines_reliable_wrong;
        total.paragraphs += row.paragraphs;
        total.paragraphs_correct += row.paragraphs_correct;
        total.seconds += row.seconds;
    }
    for row in rows.iter().chain([&total]) {
        table += &format!(
            "{:<8} {:>6} {:>7.2}% {:>9.1}% {:>13} {:>6} {:>7.2}% {:>11.0}\n",
            row.language,
            row.lines,
            percent(row.lines_correct, row.lines),
            percent(row.lines_reliable, row.lines),
            row.lines_reliable_wrong,
            row.paragraphs,
            percent(row.paragraphs_correct, row.paragraphs),
            // Lines and blocks are timed together; a block is 10 lines.
            (row.lines + row.paragraphs * PARAGRAPH_LINES) as f64 / row.seconds.max(1e-9),
        );
    }
    table
}

fn read_lines(path: &Path) -> Result<Vec<String>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(text.lines().map(str::to_owned).collect())
}

fn same_length(path: &Path, len: usize, other: &Path, other_len: usize) -> Result<()> {
    if len == other_len {
        return Ok(());
    }
    Err(Failure::input(format!(
        "{} has {len} lines but {} has {other_len}: they must be aligned line by line",
        path.display(),
        other.display()
    ))
    .into())
}

fn translate(
    sources: &[String],
    from: &str,
    to: &str,
    model: Option<&str>,
    source: &ModelSourceArgs,
    unit: Unit,
    ui: &mut Ui,
) -> Result<(Vec<String>, Option<precis::ModelInfo>)> {
    // `auto`: the language of the source file as a whole, as `precis
    // translate` detects it for a text.
    let detected;
    let from = match SourceLanguage::parse(from)? {
        SourceLanguage::Given(_) => from,
        SourceLanguage::Detect => {
            let resolved = SourceLanguage::Detect
                .resolve(precis::detect_language(&sources.join("\n")).as_ref(), None)?;
            for note in &resolved.notes {
                ui.warning(note);
            }
            ui.notice(&format!(
                "translating from {} (detected)",
                resolved.language
            ));
            detected = resolved.language;
            detected.as_str()
        }
    };
    let choice = models::TranslatorChoice {
        from,
        to,
        model,
        flag: "--model",
        source,
    };
    let translator = models::load_translator(&choice, ui)?;
    let lines: Vec<&str> = sources.iter().map(String::as_str).collect();
    ui.spinner(format!("translating {} lines", lines.len()));
    let translation = translator.translate_lines(&lines, unit.into());
    ui.finish();
    let translation = translation?;
    Ok((translation.lines, Some(translation.model)))
}

fn rouge_table(report: &SummaryReport) -> String {
    let model = report
        .model
        .as_ref()
        .map_or("given predictions".to_owned(), |m| {
            format!("{} ({})", m.name, m.family)
        });
    let RougeScores {
        rouge1,
        rouge2,
        rouge_l,
        rouge_lsum,
    } = report.mean;
    let row = |label: &str, pick: fn(&Prf) -> f64| {
        format!(
            "{label:<10}{:>8.2}{:>8.2}{:>8.2}{:>8.2}\n",
            100.0 * pick(&rouge1),
            100.0 * pick(&rouge2),
            100.0 * pick(&rouge_l),
            100.0 * pick(&rouge_lsum)
        )
    };
    let mut table = format!("summarizer: {model}\narticles: {}", report.items.len());
    if report.seconds > 0.0 {
        table += &format!(
            ", {:.1} s ({:.1} articles/s)",
            report.seconds,
            report.articles_per_second()
        );
    }
    table += &format!(
        "\n{:<10}{:>8}{:>8}{:>8}{:>8}\n",
        "", "R-1", "R-2", "R-L", "R-Lsum"
    );
    table += &row("F", |p| p.fmeasure);
    table += &row("precision", |p| p.precision);
    table += &row("recall", |p| p.recall);
    table
}

#[derive(Serialize)]
struct TranslationReport {
    model: Option<precis::ModelInfo>,
    sentences: usize,
    bleu: f64,
    chrf: f64,
    chrf_plus_plus: f64,
    seconds: f64,
}

impl TranslationReport {
    fn table(&self) -> String {
        let model = self
            .model
            .as_ref()
            .map_or("given predictions".to_owned(), |m| m.name.clone());
        let mut table = format!("translator: {model}\nsentences: {}", self.sentences);
        if self.model.is_some() && self.seconds > 0.0 {
            table += &format!(
                ", {:.1} s ({:.1} sentences/s)",
                self.seconds,
                self.sentences as f64 / self.seconds
            );
        }
        table
            + &format!(
                "\nBLEU    {:.2}\nchrF    {:.2}\nchrF++  {:.2}\n",
                self.bleu, self.chrf, self.chrf_plus_plus
            )
    }
}

#[derive(Serialize)]
struct CleanReport {
    pages: usize,
    counts: SnippetCounts,
    precision: f64,
    recall: f64,
    accuracy: f64,
    f1: f64,
    seconds: f64,
    /// Pages that could not be read or cleaned (scored as empty output).
    failures: Vec<String>,
}

impl CleanReport {
    fn table(&self) -> String {
        let mut table = format!(
            "pages: {}, {:.1} s ({:.0} pages/s)\nprecision {:.3}\nrecall    {:.3}\naccuracy  {:.3}\nF1        {:.3}\n",
            self.pages,
            self.seconds,
            self.pages as f64 / self.seconds.max(1e-9),
            self.precision,
            self.recall,
            self.accuracy,
            self.f1
        );
        if !self.failures.is_empty() {
            table += &format!(
                "{} page(s) failed (scored as empty):\n  {}\n",
                self.failures.len(),
                self.failures.join("\n  ")
            );
        }
        table
    }
}

/// Cleans every page listed in `dir/expected.json` and scores the kept
/// text as `web_eval.py` does: a page that fails counts as empty output.
fn eval_clean(dir: &Path, kind: EvalInput, ui: &mut Ui) -> Result<CleanReport> {
    let expected_path = dir.join("expected.json");
    let expected = std::fs::read_to_string(&expected_path)
        .with_context(|| format!("cannot read {}", expected_path.display()))?;
    let pages: BTreeMap<String, ExpectedPage> =
        serde_json::from_str(&expected).with_context(|| {
            format!(
                "{} is not a JSON object of {{url: {{file, with, without}}}}",
                expected_path.display()
            )
        })?;
    let options = CleanOptions {
        input: match kind {
            EvalInput::Html => precis::InputKind::Html,
            EvalInput::Txt => precis::InputKind::Text,
        },
    };
    ui.batch(pages.len(), "cleaning");
    let started = Instant::now();
    let mut counts = SnippetCounts::default();
    let mut failures = Vec::new();
    for page in pages.values() {
        let file = match kind {
            EvalInput::Html => dir.join(&page.file),
            EvalInput::Txt => dir.join(page.text_file()),
        };
        let text = std::fs::read(&file)
            .map_err(anyhow::Error::from)
            .and_then(|bytes| Ok(clean_bytes(&bytes, &options)?.to_text()))
            .unwrap_or_else(|error| {
                failures.push(format!("{}: {error}", file.display()));
                String::new()
            });
        counts += SnippetCounts::score(&text, page);
        ui.advance();
    }
    ui.end_batch();
    Ok(CleanReport {
        pages: pages.len(),
        precision: counts.precision(),
        recall: counts.recall(),
        accuracy: counts.accuracy(),
        f1: counts.f1(),
        counts,
        seconds: started.elapsed().as_secs_f64(),
        failures,
    })
}
