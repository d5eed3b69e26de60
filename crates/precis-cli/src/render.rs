//! Stage last, render: write each finished article to stdout or `-o FILE`
//! as text, JSON or Markdown, flushed article by article so a batch that
//! is interrupted leaves only whole records behind.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{Context, Result};

use crate::cli::Format;
use precis::{Document, ErrorRecord, Record, Report as Article};

/// Which stages' results to show in text and Markdown (JSON always holds
/// every stage that ran).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The cleaned article (`precis clean`).
    Clean,
    /// The summary alone, nothing around it (`precis summarize`).
    Summary,
    /// The article with its title, byline, date and source, then its
    /// summary and translation (`precis run`).
    Run,
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
            Format::Json => self.json(&article.record())?,
            Format::Text => self.separated(text(article, self.view, self.batch), "\n"),
            Format::Markdown => self.separated(markdown(article, self.view), "\n---\n\n"),
        };
        self.emit(text)
    }

    /// An article that failed although cleaning went through (it kept
    /// nothing): its record with the error in JSON, the article otherwise.
    pub fn write_or_fail(&mut self, article: &Article, error: &ErrorRecord) -> Result<()> {
        match self.format {
            Format::Json => self.write_failed(&article.failed_record(error.clone())),
            Format::Text | Format::Markdown => self.write(article),
        }
    }

    /// The record of an article that failed, in JSON output; text and
    /// Markdown leave it to the error on stderr.
    pub fn write_failed(&mut self, record: &Record) -> Result<()> {
        match self.format {
            Format::Json => {
                let text = self.json(record)?;
                self.emit(text)
            }
            Format::Text | Format::Markdown => Ok(()),
        }
    }

    fn emit(&mut self, text: String) -> Result<()> {
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

    fn json(&self, record: &Record) -> Result<String> {
        let json = if self.batch {
            serde_json::to_string(record)
        } else {
            serde_json::to_string_pretty(record)
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
    let document = &article.document;
    let mut blocks = Vec::new();
    if batch {
        blocks.push(format!("==> {} <==", article.source));
    }
    match view {
        View::Clean => blocks.push(document.to_text()),
        View::Summary => blocks.extend(article.summary.as_ref().map(|s| s.text.clone())),
        View::Run => {
            let mut head: Vec<String> = document.title.iter().cloned().collect();
            let byline: Vec<&str> = [&document.metadata.author, &document.metadata.date]
                .into_iter()
                .flatten()
                .map(String::as_str)
                .collect();
            if !byline.is_empty() {
                head.push(byline.join(" · "));
            }
            head.push(format!("Source: {}", article.source));
            blocks.push(head.join("\n"));
            blocks.push(body(document).to_text());
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

/// The document without its title: the article's body, for outputs that
/// show the title on its own.
fn body(document: &Document) -> Document {
    Document {
        title: None,
        ..document.clone()
    }
}

/// An article in Markdown: a YAML front-matter block of what is known
/// about it (as trafilatura writes it), the title, then what `view` shows.
fn markdown(article: &Article, view: View) -> String {
    let document = &article.document;
    let mut blocks = vec![front_matter(article)];
    blocks.push(format!(
        "# {}",
        document.title.as_deref().unwrap_or(&article.source)
    ));
    if view != View::Summary {
        let mut heading = None;
        for paragraph in &document.paragraphs {
            if paragraph.heading.is_some() && paragraph.heading != heading {
                blocks.push(format!(
                    "## {}",
                    paragraph.heading.as_deref().unwrap_or_default()
                ));
            }
            heading.clone_from(&paragraph.heading);
            blocks.push(paragraph.text.clone());
        }
    }
    if view == View::Clean {
        return blocks.join("\n\n") + "\n";
    }
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
    for (heading, items) in [("Warnings", article.warnings()), ("Notes", article.notes())] {
        if !items.is_empty() {
            blocks.push(format!("## {heading}"));
            let list: Vec<String> = items.iter().map(|item| format!("- {item}")).collect();
            blocks.push(list.join("\n"));
        }
    }
    blocks.join("\n\n") + "\n"
}

/// `---`-fenced YAML of the article's known facts, every value a
/// double-quoted string: JSON's string syntax, which YAML shares, so no
/// title (`: `, `#`, quotes, a leading `-`) can change the structure.
fn front_matter(article: &Article) -> String {
    let document = &article.document;
    let metadata = &document.metadata;
    let fields = [
        ("title", document.title.as_deref()),
        ("author", metadata.author.as_deref()),
        ("date", metadata.date.as_deref()),
        ("sitename", metadata.site_name.as_deref()),
        ("url", metadata.canonical_url.as_deref()),
        ("source", Some(article.source.as_str())),
        (
            "language",
            document.language.as_ref().map(|l| l.code.as_str()),
        ),
        (
            "summarizer",
            article.summary.as_ref().map(|s| s.model.name.as_str()),
        ),
        (
            "translator",
            article
                .translation
                .as_ref()
                .and_then(|t| t.model.as_ref())
                .map(|m| m.name.as_str()),
        ),
    ];
    let mut yaml = String::from("---\n");
    for (key, value) in fields {
        if let Some(value) = value {
            // Serializing a &str cannot fail.
            let quoted = serde_json::to_string(value).unwrap_or_default();
            yaml += &format!("{key}: {quoted}\n");
        }
    }
    yaml + "---"
}

#[cfg(test)]
mod tests {
    use super::*;
    use precis::Paragraph;

    fn article() -> Article {
        let document = Document {
            title: Some("Ferry returns".into()),
            paragraphs: vec![
                Paragraph {
                    text: "It crossed.".into(),
                    heading: None,
                    lead: false,
                },
                Paragraph {
                    text: "Crowds cheered.".into(),
                    heading: Some("Reaction".into()),
                    lead: false,
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
    fn clean_markdown_has_front_matter_and_headings() {
        assert_eq!(
            markdown(&article(), View::Clean),
            "---\ntitle: \"Ferry returns\"\nsource: \"a.txt\"\n---\n\n# Ferry returns\n\nIt crossed.\n\n## Reaction\n\nCrowds cheered.\n"
        );
    }

    #[test]
    fn front_matter_values_cannot_break_the_yaml() {
        let mut article = article();
        article.document.title = Some("Re: \"Ferry\" # 1\n---\n- x".into());
        let yaml = front_matter(&article);
        assert!(
            yaml.starts_with("---\ntitle: \"Re: \\\"Ferry\\\" # 1\\n---\\n- x\"\n"),
            "{yaml}"
        );
        assert_eq!(yaml.lines().filter(|line| *line == "---").count(), 2);
    }

    #[test]
    fn run_text_shows_byline_source_and_article() {
        let mut article = article();
        article.document.metadata.author = Some("Ada Morrow".into());
        article.document.metadata.date = Some("2024-05-01".into());
        assert_eq!(
            text(&article, View::Run, false),
            "Ferry returns\nAda Morrow · 2024-05-01\nSource: a.txt\n\nIt crossed.\n\nReaction\n\nCrowds cheered.\n"
        );
    }
}
