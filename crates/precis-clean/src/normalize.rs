//! Stage 2, normalize: the text repairs every pipeline (plain text and HTML)
//! applies to what it keeps — Unicode NFC, odd spaces to plain spaces,
//! invisible characters removed, hard-wrapped lines re-joined with their
//! end-of-line hyphenation repaired, whitespace collapsed. Quotes, dashes and
//! other typography are left exactly as the author wrote them.

use std::collections::HashSet;

use unicode_normalization::UnicodeNormalization;

/// Characters that render as nothing and only get in the way of matching.
/// Zero-width (non-)joiners are kept: they change how Persian, Indic scripts
/// and emoji render.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' | '\u{180E}' | '\u{200E}' | '\u{200F}'
    )
}

/// Whether `text` contains nothing a reader could see.
pub(crate) fn is_blank(text: &str) -> bool {
    text.chars().all(|c| c.is_whitespace() || is_invisible(c))
}

/// Normalizes one line or paragraph: NFC, every kind of whitespace (no-break,
/// thin, ideographic spaces, tabs, newlines) to one plain space, invisible
/// characters removed, ends trimmed.
pub(crate) fn normalize_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfc() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else if !is_invisible(c) {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Splits text into lines at every kind of line break (`\n`, `\r\n`, `\r`,
/// U+2028, U+2029, NEL).
pub(crate) fn lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}') {
            lines.push(&text[start..i]);
            start = i + c.len_utf8();
            if c == '\r' && chars.next_if(|&(_, next)| next == '\n').is_some() {
                start += 1;
            }
        }
    }
    lines.push(&text[start..]);
    lines
}

/// Words known from the document itself, used to decide whether a hyphen at
/// a line end is a break inside a word ("infor-/mation") or part of a
/// compound ("well-/known"): the document usually spells the word elsewhere.
#[derive(Debug, Default)]
pub(crate) struct Vocabulary {
    words: HashSet<String>,
}

/// First parts of compounds that keep their hyphen when no other evidence
/// exists (English, where hyphenated compounds are common).
const COMPOUND_HEADS: &[&str] = &[
    "all", "anti", "co", "cross", "ex", "full", "half", "high", "long", "low", "many", "much",
    "non", "old", "post", "pre", "pro", "quasi", "self", "semi", "short", "so", "well", "wide",
    "world",
];

impl Vocabulary {
    pub(crate) fn from_text(text: &str) -> Self {
        let words = text
            .split(|c: char| !(c.is_alphanumeric() || c == '-'))
            .filter(|w| w.chars().count() > 2)
            .map(str::to_lowercase)
            .collect();
        Vocabulary { words }
    }

    /// Whether `head-` at a line end followed by `tail` at the next line's
    /// start keeps its hyphen.
    fn keeps_hyphen(&self, head: &str, tail: &str) -> bool {
        let head_lower = head.to_lowercase();
        let tail_lower = tail.to_lowercase();
        let hyphenated = format!("{head_lower}-{tail_lower}");
        let joined = format!("{head_lower}{tail_lower}");
        if self.words.contains(&hyphenated) {
            return true;
        }
        if self.words.contains(&joined) {
            return false;
        }
        // Capitals or digits after the break ("Anglo-/Saxon", "COVID-/19")
        // never start the second half of a split word.
        let tail_starts_lower = tail.chars().next().is_some_and(char::is_lowercase);
        !tail_starts_lower || COMPOUND_HEADS.contains(&head_lower.as_str())
    }
}

/// Re-joins hard-wrapped lines into one paragraph and normalizes it.
/// A hyphen at a line end is removed when it splits a word, kept when it
/// joins a compound (see [`Vocabulary`]).
pub(crate) fn join_wrapped(lines: &[&str], vocabulary: &Vocabulary) -> String {
    let mut joined = String::new();
    for line in lines {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let word_break = joined.strip_suffix('-').and_then(|before| {
            let head = last_word(before);
            let tail = first_word(line);
            (!head.is_empty() && !tail.is_empty()).then(|| vocabulary.keeps_hyphen(head, tail))
        });
        match word_break {
            Some(true) => {}
            Some(false) => {
                joined.pop();
            }
            None if joined.is_empty() => {}
            None => joined.push(' '),
        }
        joined.push_str(line);
    }
    normalize_inline(&joined)
}

fn last_word(text: &str) -> &str {
    let start = text
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_alphabetic())
        .map_or(0, |(i, c)| i + c.len_utf8());
    &text[start..]
}

fn first_word(text: &str) -> &str {
    let end = text
        .char_indices()
        .find(|(_, c)| !c.is_alphanumeric())
        .map_or(text.len(), |(i, _)| i);
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_spaces_and_invisibles() {
        assert_eq!(
            normalize_inline("  with\u{a0}Russia\u{a0} losing\u{2009}hundreds\u{200b}\t of\u{3000}troops \u{feff}"),
            "with Russia losing hundreds of troops"
        );
    }

    #[test]
    fn nfc_and_smart_quotes_kept() {
        // "e" + combining acute becomes the precomposed "é".
        assert_eq!(
            normalize_inline("“Cafe\u{301}” ‘x’ — «y»"),
            "“Café” ‘x’ — «y»"
        );
    }

    #[test]
    fn zero_width_joiner_kept() {
        assert_eq!(normalize_inline("👩\u{200d}💻"), "👩\u{200d}💻");
    }

    #[test]
    fn line_breaks_of_all_kinds() {
        let got = lines("a\r\nb\rc\u{2028}d\n\ne");
        assert_eq!(got, ["a", "b", "c", "d", "", "e"]);
    }

    #[test]
    fn hyphenation_repaired_or_kept() {
        let vocabulary = Vocabulary::from_text("");
        assert_eq!(
            join_wrapped(&["the infor-", "mation age"], &vocabulary),
            "the information age"
        );
        assert_eq!(
            join_wrapped(&["a well-", "known fact"], &vocabulary),
            "a well-known fact"
        );
        assert_eq!(
            join_wrapped(&["the Anglo-", "Saxon era"], &vocabulary),
            "the Anglo-Saxon era"
        );
        assert_eq!(
            join_wrapped(&["a dash -", "here"], &vocabulary),
            "a dash - here"
        );
    }

    #[test]
    fn hyphenation_follows_document_spelling() {
        let vocabulary =
            Vocabulary::from_text("the long-range missiles; a self contained thing; selfcontained");
        assert_eq!(join_wrapped(&["long-", "range"], &vocabulary), "long-range");
        assert_eq!(
            join_wrapped(&["self-", "contained"], &vocabulary),
            "selfcontained"
        );
        let vocabulary = Vocabulary::from_text("a fire-fighter");
        assert_eq!(
            join_wrapped(&["fire-", "fighter"], &vocabulary),
            "fire-fighter"
        );
    }
}
