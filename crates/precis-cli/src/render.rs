//! Stage last, render: write each finished article to stdout or `-o FILE`
//! as text, JSON or Markdown, flushed article by article so a batch that
//! is interrupted leaves only whole records behind.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{Context, Result};

use crate::cli::Format;
use precis::Report as Article;

/// Which stages' results to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The cleaned article (`precis clean`).
    Clean,
    /// Title, summary and translation (`precis run`, `precis summarize`).
    Summary,
}

/// Where and how articles are written.
pub struct Writer {
    out: Box<dyn Write>,
    format: Format,
    view: View,
    /// Several articles: JSON Lines, and a header per article in text.
    batch: bool,
    written: usize,
}

impl Writer {
    pub fn new(output: Option<&Path>, format: Format, view: View, batch: bool) -> Result<Self> {
        Ok(Writer {
            out: open(output)?,
            format,
            view,
            batch,
            written: 0,
        })
    }

    pub fn write(&mut self, article: &Article) -> Result<()> {
        let text = match self.format {
            Format::Json => self.json(article)?,
            Format::Text => self.separated(text(article, self.view, self.batch), "\n"),
            Format::Markdown => self.separated(markdown(article, self.view), "\n---\n\n"),
        };
        // JSON escapes control characters itself; text and Markdown go to
        // terminals, where an article's ESC sequences would be obeyed.
        let text = match self.format {
            Format::Json => text,
            Format::Text | Format::Markdown => visible_controls(&text),
        };
        self.out
            .write_all(text.as_bytes())
            .context("cannot write the output")?;
        self.out.flush().context("cannot write the output")?;
        self.written += 1;
        Ok(())
    }

    fn json(&self, article: &Article) -> Result<String> {
        let json = match (self.view, self.batch) {
            (View::Clean, false) => serde_json::to_string_pretty(&article.clean_record()),
            (View::Clean, true) => serde_json::to_string(&article.clean_record()),
            (View::Summary, false) => serde_json::to_string_pretty(&article.record()),
            (View::Summary, true) => serde_json::to_string(&article.record()),
        };
        Ok(json.context("cannot serialize the result as JSON")? + "\n")
    }

    /// `text`, preceded by `separator` unless it is the first article.
    fn separated(&self, text: String, separator: &str) -> String {
        if self.written == 0 {
            text
        } else {
            format!("{separator}{text}")
        }
    }
}

/// `text` with every control character but newline and tab shown as its
/// Unicode control picture (ESC as ␛, CR as ␍, DEL as ␡), or U+FFFD for
/// the C1 controls, which have none: nothing in an article can move the
/// cursor, recolour or retitle the user's terminal.
pub fn visible_controls(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\t' => c,
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
            '\u{7f}' => '\u{2421}',
            c if c.is_control() => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// `-o FILE`, or stdout.
pub fn open(output: Option<&Path>) -> Result<Box<dyn Write>> {
    Ok(match output {
        Some(path) => {
            Box::new(BufWriter::new(File::create(path).with_context(|| {
                format!("cannot write the output file {}", path.display())
            })?))
        }
        None => Box::new(std::io::stdout().lock()),
    })
}

/// Writes `bytes` to `-o FILE` or stdout in one go.
pub fn write_all(output: Option<&Path>, bytes: &[u8]) -> Result<()> {
    let mut out = open(output)?;
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .context("cannot write the output")
}

fn text(article: &Article, view: View, batch: bool) -> String {
    let mut blocks = Vec::new();
    if batch {
        blocks.push(format!("==> {} <==", article.source));
    }
    match view {
        View::Clean => blocks.push(article.document.to_text()),
        View::Summary => {
            blocks.extend(article.document.title.clone());
            if let Some(summary) = &article.summary {
                blocks.push(format!(
                    "Summary ({}):\n{}",
                    summary.model.name, summary.text
                ));
            }
            if let Some(translation) = &article.translation {
                // A text already in the target language passed through.
                let by = translation
                    .model
                    .as_ref()
                    .map_or("untranslated", |model| model.name.as_str());
                let label = |what: &str| format!("{what}, {} ({by}):", translation.to);
                if let Some(lines) = &translation.summary {
                    blocks.push(format!("{}\n{}", label("Summary"), lines.join("\n")));
                }
                if let Some(lines) = &translation.article {
                    blocks.push(format!("{}\n{}", label("Article"), lines.join("\n")));
                }
            }
        }
    }
    blocks.join("\n\n") + "\n"
}

fn markdown(article: &Article, view: View) -> String {
    let document = &article.document;
    let mut blocks = Vec::new();
    blocks.push(format!(
        "# {}",
        document.title.as_deref().unwrap_or(&article.source)
    ));
    match view {
        View::Clean => {
            let mut heading = None;
            for paragraph in &document.paragraphs {
                if paragraph.heading.is_some() && paragraph.heading != heading {
                    blocks.push(format!(
                        "## {}",
                        paragraph.heading.as_deref().unwrap_or_default()
                    ));
                }
                heading = paragraph.heading.clone();
                blocks.push(paragraph.text.clone());
            }
        }
        View::Summary => {
            blocks.push(format!("Source: `{}`", article.source));
            if let Some(summary) = &article.summary {
                blocks.push("## Summary".into());
                blocks.push(summary.text.clone());
                blocks.push(format!("*Summarized by {}.*", summary.model.name));
            }
            if let Some(translation) = &article.translation {
                let credit = match &translation.model {
                    Some(model) => format!("*Translated by {}.*", model.name),
                    None => format!("*Already in {}: not translated.*", translation.to),
                };
                if let Some(lines) = &translation.summary {
                    blocks.push(format!("## Summary ({})", translation.to));
                    blocks.push(lines.join("\n"));
                    blocks.push(credit.clone());
                }
                if let Some(lines) = &translation.article {
                    blocks.push(format!("## Article ({})", translation.to));
                    // Blank lines separate the article's blocks already.
                    blocks.push(lines.join("\n"));
                    blocks.push(credit);
                }
            }
            let warnings = article.record().warnings;
            if !warnings.is_empty() {
                blocks.push("## Notes".into());
                blocks.push(
                    warnings
                        .iter()
                        .map(|w| format!("- {w}"))
                        .collect::<Vec<_>>()
                        .join("\n"),
                );
            }
        }
    }
    blocks.join("\n\n") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use precis::{Document, Paragraph};

    fn article() -> Article {
        let document = Document {
            title: Some("Ferry returns".into()),
            paragraphs: vec![
                Paragraph {
                    text: "It crossed.".into(),
                    heading: None,
                },
                Paragraph {
                    text: "Crowds cheered.".into(),
                    heading: Some("Reaction".into()),
                },
            ],
            ..Document::default()
        };
        Article::new("a.txt".into(), document)
    }

    #[test]
    fn clean_text_is_the_documents_text() {
        assert_eq!(
            text(&article(), View::Clean, false),
            "Ferry returns\n\nIt crossed.\n\nReaction\n\nCrowds cheered.\n"
        );
        assert!(text(&article(), View::Clean, true).starts_with("==> a.txt <==\n\nFerry returns"));
    }

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        assert_eq!(
            visible_controls("a\u{1b}[31mred\r\n\tb\u{7f}\u{9b}"),
            "a\u{241b}[31mred\u{240d}\n\tb\u{2421}\u{fffd}"
        );
    }

    #[test]
    fn clean_markdown_has_headings() {
        assert_eq!(
            markdown(&article(), View::Clean),
            "# Ferry returns\n\nIt crossed.\n\n## Reaction\n\nCrowds cheered.\n"
        );
    }
}
