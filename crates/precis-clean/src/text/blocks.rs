//! Stage 3, segment: cut plain text into blocks — the units that are kept or
//! dropped as a whole. Blank lines separate blocks; inside a run of lines,
//! hard-wrapped prose is re-joined into one block while lines of a list,
//! menu or one-line-per-paragraph scrape stay separate blocks.

use crate::normalize::{self, Vocabulary};
use crate::sentences;

/// A unit of the input: a paragraph, a heading, a menu entry, a caption…
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Block {
    /// Normalized text, never empty.
    pub text: String,
    /// Whether a blank line (or the document start) precedes the block.
    pub after_blank: bool,
}

/// Cuts `input` into normalized, non-empty blocks in reading order.
pub(crate) fn segment(input: &str) -> Vec<Block> {
    let vocabulary = Vocabulary::from_text(input);
    let mut blocks = Vec::new();
    for run in normalize::lines(input).split(|line| normalize::is_blank(line)) {
        if run.is_empty() {
            continue;
        }
        let mut after_blank = true;
        for paragraph in wrapped_paragraphs(run) {
            let text = normalize::join_wrapped(paragraph, &vocabulary);
            if !text.is_empty() {
                blocks.push(Block { text, after_blank });
                after_blank = false;
            }
        }
    }
    blocks
}

/// Hard-wrapped text has lines of nearly the same width; a line well short
/// of that width ends its paragraph.
const MIN_WRAP_WIDTH: usize = 30;
const MAX_WRAP_WIDTH: usize = 100;

/// Groups a run of non-blank lines into paragraphs. In hard-wrapped text a
/// line continues the previous one when the previous one was filled up to
/// the wrap width; elsewhere (one line per paragraph, as scrapers write)
/// only when the previous line stops mid-sentence and the next goes on in
/// lowercase — an inline link or emphasis that the scraper broke out.
fn wrapped_paragraphs<'a>(run: &'a [&'a str]) -> Vec<&'a [&'a str]> {
    let widths: Vec<usize> = run
        .iter()
        .map(|line| line.trim_end().chars().count())
        .collect();
    let width = widths.iter().copied().max().unwrap_or(0);
    let wrapped = run.len() > 1 && (MIN_WRAP_WIDTH..=MAX_WRAP_WIDTH).contains(&width) && {
        // Most lines except the last are filled to near the width.
        let filled = widths[..widths.len() - 1]
            .iter()
            .filter(|&&w| w * 4 >= width * 3)
            .count();
        filled * 2 >= widths.len() - 1
    };
    let continues = |i: usize| {
        let previous = run[i - 1].trim_end();
        let next_lower = run[i]
            .trim_start()
            .chars()
            .next()
            .is_some_and(char::is_lowercase);
        // "infor-" / "mation": a word broken at the line end.
        let broken_word = previous
            .strip_suffix('-')
            .is_some_and(|head| head.ends_with(char::is_alphabetic));
        if broken_word && next_lower {
            true
        } else if wrapped {
            widths[i - 1] * 4 >= width * 3
        } else {
            let stops =
                sentences::ends_sentence(previous) || previous.ends_with([':', ';', '"', '”', '»']);
            !stops && next_lower
        }
    };
    let mut paragraphs = Vec::new();
    let mut start = 0;
    for i in 1..=run.len() {
        if i == run.len() || !continues(i) {
            paragraphs.push(&run[start..i]);
            start = i;
        }
    }
    paragraphs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(input: &str) -> Vec<String> {
        segment(input).into_iter().map(|b| b.text).collect()
    }

    #[test]
    fn blank_lines_separate_blocks() {
        assert_eq!(
            texts("One\u{a0}two.\n\n\n  Three.  \n"),
            ["One two.", "Three."]
        );
    }

    #[test]
    fn one_line_per_block_scrapes_stay_separate() {
        assert_eq!(
            texts("Home\nNews\nSport\nA long paragraph of body text that goes on for quite a while, as articles do.\nShort line."),
            ["Home", "News", "Sport", "A long paragraph of body text that goes on for quite a while, as articles do.", "Short line."]
        );
    }

    #[test]
    fn lines_broken_mid_sentence_are_rejoined() {
        assert_eq!(
            texts("Home\nnews\nThe report, published by the\nEuropean Commission\non Monday, says so.\nNext."),
            ["Home news", "The report, published by the", "European Commission on Monday, says so.", "Next."]
        );
    }

    #[test]
    fn hard_wrapped_prose_is_rejoined() {
        let input = "The ferry crossed the river on Monday morning, the first\n\
                     crossing in a year, carrying forty passengers and infor-\n\
                     mation about the state of the road.\n\
                     A second paragraph starts here and runs on for a while\n\
                     longer.\n";
        assert_eq!(
            texts(input),
            [
                "The ferry crossed the river on Monday morning, the first crossing in a year, carrying forty passengers and information about the state of the road.",
                "A second paragraph starts here and runs on for a while longer."
            ]
        );
    }

    #[test]
    fn after_blank_marks_block_starts() {
        let blocks = segment("Menu\nHome\n\nBody.");
        let starts: Vec<bool> = blocks.iter().map(|b| b.after_blank).collect();
        assert_eq!(starts, [true, false, true]);
    }
}
