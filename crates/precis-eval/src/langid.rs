//! Language identification ([`precis_clean::detect_language`]) scored on
//! line-aligned files named by ISO 639-3 code (`por.devtest`, as in
//! FLORES-200): every line, and every block of 10 consecutive lines (a
//! paragraph's worth), must be detected as the file's language.

use std::time::Instant;

use precis_clean::{detect_language, iso_639_1};
use serde::Serialize;

/// Lines per paragraph-sized unit.
pub const PARAGRAPH_LINES: usize = 10;

/// The scores of one language's file.
#[derive(Debug, Clone, Serialize)]
pub struct LangidRow {
    /// The file's language, ISO 639-1 (`pt`).
    pub language: String,
    /// Lines, and how many were detected right.
    pub lines: usize,
    /// Lines detected as the file's language.
    pub lines_correct: usize,
    /// Lines the detector called reliable.
    pub lines_reliable: usize,
    /// Reliable lines detected wrong: the errors precis would act on.
    pub lines_reliable_wrong: usize,
    /// Whole blocks of [`PARAGRAPH_LINES`] lines.
    pub paragraphs: usize,
    /// Blocks detected as the file's language.
    pub paragraphs_correct: usize,
    /// Seconds spent detecting lines and blocks.
    pub seconds: f64,
}

/// Scores detection on `lines` of the language ISO 639-3 `code` names.
pub fn score_language(code: &str, lines: &[&str]) -> LangidRow {
    let language = iso_639_1(code).to_string();
    let started = Instant::now();
    let mut row = LangidRow {
        language,
        lines: lines.len(),
        lines_correct: 0,
        lines_reliable: 0,
        lines_reliable_wrong: 0,
        paragraphs: 0,
        paragraphs_correct: 0,
        seconds: 0.0,
    };
    for line in lines {
        let detected = detect_language(line);
        let right = detected.as_ref().is_some_and(|d| d.code == row.language);
        row.lines_correct += usize::from(right);
        if detected.is_some_and(|d| d.reliable) {
            row.lines_reliable += 1;
            row.lines_reliable_wrong += usize::from(!right);
        }
    }
    for block in lines.chunks_exact(PARAGRAPH_LINES) {
        let detected = detect_language(&block.join("\n"));
        row.paragraphs += 1;
        row.paragraphs_correct += usize::from(detected.is_some_and(|d| d.code == row.language));
    }
    row.seconds = started.elapsed().as_secs_f64();
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_lines_and_whole_blocks() {
        let mut lines = vec![
                "The river ferry will run every night of the winter, the council said on Monday.";
                12
            ];
        lines.push(
            "O barco vai funcionar todas as noites do inverno, disse a câmara na segunda-feira.",
        );
        let row = score_language("eng", &lines);
        assert_eq!(row.language, "en");
        assert_eq!((row.lines, row.lines_correct), (13, 12));
        assert_eq!(row.lines_reliable_wrong, 1);
        // 13 lines hold one whole block of 10.
        assert_eq!((row.paragraphs, row.paragraphs_correct), (1, 1));
    }
}
