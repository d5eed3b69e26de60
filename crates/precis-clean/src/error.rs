//! Errors of precis-clean. Each message names the problem and what to do
//! about it, because it is shown to the user as-is by the CLI.

/// Why an input could not be cleaned.
#[derive(Debug, thiserror::Error)]
pub enum CleanError {
    /// The input has no bytes at all.
    #[error("the input is empty: pass a file or stdin that contains the article's text or HTML")]
    Empty,
    /// The input has only whitespace (and invisible characters).
    #[error(
        "the input contains only whitespace: pass a file that contains the article's text or HTML"
    )]
    WhitespaceOnly,
    /// The input is not text.
    #[error("the input is binary data ({what}), not text: pass the article as plain text or HTML (for PDFs or images, extract the text first)")]
    Binary {
        /// What the bytes look like ("a PNG image", "NUL bytes at offset 12").
        what: String,
    },
    /// UTF-16 input whose byte count is odd or whose surrogates are unpaired.
    #[error("the input starts with a UTF-16 byte-order mark but is not valid UTF-16 ({detail}): re-save the file as UTF-8")]
    InvalidUtf16 {
        /// What is wrong with it.
        detail: String,
    },
    /// HTML was asked for but this build cannot parse it.
    #[error("HTML input is not supported yet: pass the page's text with `--input text`")]
    HtmlUnsupported,
}
