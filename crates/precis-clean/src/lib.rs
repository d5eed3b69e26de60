//! precis-clean turns a scraped article — plain text or HTML — into clean,
//! structured text: title, headings, paragraphs and sentences, together with
//! a record of every piece of the input that was dropped and why.
//!
//! The plain-text pipeline runs as named stages, each testable on its own:
//! [`decode`] → normalize (Unicode, whitespace) → segment into blocks →
//! classify blocks → assemble the [`Document`].
//!
//! ```
//! use precis_clean::{clean, CleanOptions};
//!
//! let page = "Support Our Newsroom!\n\nA Ferry Returns\n\nThe ferry crossed the river on Monday, the first time in a year.\n\nRead more";
//! let document = clean(page, &CleanOptions::default())?;
//! assert_eq!(document.title.as_deref(), Some("A Ferry Returns"));
//! assert_eq!(document.paragraphs.len(), 1);
//! assert!(document.removed.iter().any(|r| r.text == "Read more"));
//! # Ok::<(), precis_clean::CleanError>(())
//! ```

// All unsafe code lives in precis-kernels, behind safe functions.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// Input must never panic the library: failures are errors naming the fix.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::todo,
    clippy::unimplemented
)]

mod cues;
mod dates;
mod decode;
mod document;
mod error;
mod furniture;
mod html;
mod language;
mod measure;
mod metadata;
pub(crate) mod normalize;
mod sentences;
mod stem;
mod stopwords;
mod text;

pub use decode::{decode, Decoded};
pub use document::{Document, Metadata, Paragraph, Reason, Removed};
pub use error::CleanError;
pub use furniture::reads_as_sentence;
pub use language::{detect_language, iso_639_1, Language};
pub use sentences::{sentence_spans, sentences};
pub use stem::{stem, stemmed_words};

/// What kind of input [`clean`] gets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum InputKind {
    /// Decide from the input itself (see [`looks_like_html`]).
    #[default]
    Auto,
    /// Plain text: what a scraper's text output or a copy-paste gives.
    Text,
    /// An HTML page.
    Html,
}

/// How to clean.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CleanOptions {
    /// The kind of input; [`InputKind::Auto`] sniffs it.
    pub input: InputKind,
}

/// Cleans one article.
///
/// Fails only when there is nothing to clean (empty or whitespace-only
/// input) or the input kind is unsupported; an article whose every line is
/// boilerplate gives an empty [`Document`] with a warning saying so.
///
/// ```
/// use precis_clean::{clean, CleanOptions};
///
/// let html = "<html><head><title>Ferry returns | River Times</title></head><body>\
///     <nav><a href=/>Home</a> <a href=/news>News</a></nav>\
///     <article><h1>Ferry returns</h1>\
///     <p>The ferry crossed the river on Monday, the first time in a year.</p>\
///     <p>Officials said a second boat would follow by next summer.</p></article>\
///     </body></html>";
/// let document = clean(html, &CleanOptions::default())?;
/// assert_eq!(document.title.as_deref(), Some("Ferry returns"));
/// assert_eq!(document.paragraphs.len(), 2);
/// # Ok::<(), precis_clean::CleanError>(())
/// ```
pub fn clean(input: &str, options: &CleanOptions) -> Result<Document, CleanError> {
    let mut documents = clean_batch(&[input], options);
    documents.pop().unwrap_or(Err(CleanError::Empty))
}

/// Cleans several articles of one site together. Besides what [`clean`]
/// does for each, lines that recur across articles (site slogans, footers,
/// appeals) are dropped as [`Reason::RepeatedAcrossArticles`].
///
/// ```
/// use precis_clean::{clean_batch, CleanOptions, Reason};
///
/// let footer = "River Times: independent news since 1901, read by the whole valley.";
/// let first = format!("The ferry crossed the river on Monday, the first time in a year.\n\n{footer}");
/// let second = format!("The bridge will reopen in May after two years of repairs, the council said.\n\n{footer}");
/// let documents = clean_batch(&[&first, &second], &CleanOptions::default());
/// for document in documents {
///     let document = document?;
///     assert_eq!(document.paragraphs.len(), 1);
///     assert!(document.removed.iter().any(|r| r.reason == Reason::RepeatedAcrossArticles));
/// }
/// # Ok::<(), precis_clean::CleanError>(())
/// ```
pub fn clean_batch(inputs: &[&str], options: &CleanOptions) -> Vec<Result<Document, CleanError>> {
    let mut site = SiteBoilerplate::default();
    for input in inputs {
        site.learn(input, options);
    }
    inputs
        .iter()
        .map(|input| clean_with(input, options, &site))
        .collect()
}

/// What the articles of one site repeat (slogans, appeals, footers),
/// learned one article at a time, so a batch never needs all its articles
/// in memory: read each once to [`learn`](Self::learn), then again to
/// [`clean_with`] it. It keeps a 64-bit fingerprint per distinct block,
/// not the text.
///
/// ```
/// use precis_clean::{clean_with, CleanOptions, Reason, SiteBoilerplate};
///
/// let footer = "River Times: independent news since 1901, read by the whole valley.";
/// let articles = [
///     format!("The ferry crossed the river on Monday, the first time in a year.\n\n{footer}"),
///     format!("The bridge will reopen in May after two years of repairs, the council said.\n\n{footer}"),
/// ];
/// let options = CleanOptions::default();
/// let mut site = SiteBoilerplate::default();
/// for article in &articles {
///     site.learn(article, &options);
/// }
/// let document = clean_with(&articles[0], &options, &site)?;
/// assert!(document.removed.iter().any(|r| r.reason == Reason::RepeatedAcrossArticles));
/// # Ok::<(), precis_clean::CleanError>(())
/// ```
#[derive(Debug, Default, Clone)]
pub struct SiteBoilerplate(text::RepeatedLines);

impl SiteBoilerplate {
    /// Counts the blocks of one more article (plain text only: HTML pages
    /// mark their furniture with elements instead).
    pub fn learn(&mut self, input: &str, options: &CleanOptions) {
        if let Ok(Some(blocks)) = segment(input, options) {
            self.0.add(&blocks);
        }
    }
}

/// Cleans one article of a batch: [`clean`], and blocks `site` learned to
/// recur across the batch's articles are dropped as
/// [`Reason::RepeatedAcrossArticles`].
pub fn clean_with(
    input: &str,
    options: &CleanOptions,
    site: &SiteBoilerplate,
) -> Result<Document, CleanError> {
    let mut document = match segment(input, options)? {
        Some(blocks) => furniture::fill_metadata(text::extract(blocks, &site.0), false),
        None => html::extract(input, options)?,
    };
    document.detect_language();
    Ok(document)
}

/// A plain-text input's blocks, or `None` for HTML.
fn segment(input: &str, options: &CleanOptions) -> Result<Option<Vec<text::Block>>, CleanError> {
    if input.is_empty() {
        return Err(CleanError::Empty);
    }
    if normalize::is_blank(input) {
        return Err(CleanError::WhitespaceOnly);
    }
    let is_html = match options.input {
        InputKind::Auto => looks_like_html(input),
        InputKind::Text => false,
        InputKind::Html => true,
    };
    Ok((!is_html).then(|| text::segment(input)))
}

/// Cleans bytes read from a file or stdin: [`decode`], then [`clean`];
/// decoding warnings end up in [`Document::warnings`].
///
/// ```
/// use precis_clean::{clean_bytes, CleanOptions};
///
/// // A Latin-1 "é" in otherwise UTF-8 text ("—"): replaced, and the warning says so.
/// let bytes = "A café opened on Monday — the first in a decade".bytes().chain(*b", caf\xE9 owners said.");
/// let document = clean_bytes(&bytes.collect::<Vec<u8>>(), &CleanOptions::default())?;
/// assert!(document.paragraphs[0].text.ends_with(", caf\u{fffd} owners said."));
/// assert!(document.warnings.iter().any(|w| w.contains("not valid UTF-8")));
/// # Ok::<(), precis_clean::CleanError>(())
/// ```
pub fn clean_bytes(bytes: &[u8], options: &CleanOptions) -> Result<Document, CleanError> {
    let decoded = decode(bytes)?;
    let mut document = clean(&decoded.text, options)?;
    document.warnings.splice(0..0, decoded.warnings);
    Ok(document)
}

/// Whether `input` is HTML rather than plain text: it opens with a doctype,
/// `<html>`, `<head>` or `<body>`, or tags make up much of its first 4 KB.
pub fn looks_like_html(input: &str) -> bool {
    let head: String = input.trim_start().chars().take(4096).collect();
    let lower = head.to_ascii_lowercase();
    if ["<!doctype html", "<html", "<head", "<body", "<?xml"]
        .iter()
        .any(|prefix| lower.starts_with(prefix))
    {
        return true;
    }
    static TAG: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"</?(?:p|div|span|a|br|li|ul|h[1-6]|table|tr|td|img|section|article|meta|link|script)\b[^<>]*>")
            .unwrap_or_else(|e| unreachable!("static regex: {e}"))
    });
    let tags = TAG.find_iter(&lower).count();
    let tag_bytes: usize = TAG.find_iter(&lower).map(|m| m.len()).sum();
    tags >= 3 && tag_bytes * 10 >= lower.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_html() {
        assert!(looks_like_html(
            "  <!DOCTYPE html><html><body>x</body></html>"
        ));
        assert!(looks_like_html(
            "<div><p>Hello</p><p>World</p><a href=x>y</a></div>"
        ));
        assert!(!looks_like_html("Use <b> for bold, says the guide. A long line of prose follows here, much longer than the tag."));
        assert!(!looks_like_html("Plain text.\n\nMore text."));
    }

    #[test]
    fn empty_input_is_an_error() {
        assert!(matches!(
            clean("", &CleanOptions::default()),
            Err(CleanError::Empty)
        ));
        assert!(matches!(
            clean(" \u{a0}\n", &CleanOptions::default()),
            Err(CleanError::WhitespaceOnly)
        ));
    }

    #[test]
    fn clean_bytes_carries_decoding_warnings() {
        let document = clean_bytes(
            b"A caf\xE9 opened on Monday in the old town square.",
            &CleanOptions::default(),
        )
        .unwrap();
        assert!(document.paragraphs[0].text.contains("café"));
        assert!(document
            .warnings
            .iter()
            .any(|w| w.contains("declares no encoding; it was decoded as windows-1252")));
    }
}
