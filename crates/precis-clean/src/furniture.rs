//! Article furniture told by its shape rather than its words — program
//! code and markup shown as text, place datelines — and what follows from
//! furniture: which texts read as sentences (the only ones a summary may
//! quote) and what dropped bylines and datelines tell the metadata.

use std::sync::LazyLock;

use regex::{Regex, RegexSet};

use crate::{cues, dates, Document, Reason};

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| unreachable!("static furniture pattern: {e}"))
}

/// Markup tags: `<div class="x">`, `</p>`, `<br/>`; the attributes must
/// be `name` or `name=value` pairs, so a phrase in angle brackets is no tag.
static TAG: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r#"</?[A-Za-z][A-Za-z0-9]*(?:\s+[A-Za-z_:][\w:.-]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>]+))?)*\s*/?>"#,
    )
});

/// Constructs of scripts and style sheets that prose does not use.
static CODE_SIGNALS: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new([
        r"\bfunction\s*[\w$]*\s*\(",
        r"\b(?:var|let|const)\s+[\w$]+\s*=",
        r"\)\s*\{",
        r"\}\s*[;)]",
        r"=>",
        r"[=!]==?",
        r"&&|\|\|",
        r"\b(?:document|window|console|Math|JSON)\.\w",
        r"\$\(|\bjQuery\b",
        r"[\w#.\]-]\s*\{[^{}]*:[^{}]*;",
        r"\breturn\b[^.]*;",
    ])
    .unwrap_or_else(|e| unreachable!("static code patterns: {e}"))
});

/// Fewest non-space characters judged: shorter text is too little to tell.
const MIN_CODE_CHARS: usize = 12;

/// Whether `text` is program code or markup rather than prose: tags make up
/// a fifth of it, or it uses the constructs of scripts and style sheets
/// (`function(`, `var x =`, `) {`, `color: red;` in braces) among the
/// brackets, semicolons and operators code is dense in.
pub(crate) fn is_code(text: &str) -> bool {
    let solid = text.chars().filter(|c| !c.is_whitespace()).count();
    if solid < MIN_CODE_CHARS {
        return false;
    }
    let tags: Vec<_> = TAG.find_iter(text).collect();
    let tag_chars: usize = tags.iter().map(|m| m.as_str().chars().count()).sum();
    if tags.len() >= 2 && tag_chars * 5 >= solid {
        return true;
    }
    let symbols = text.chars().filter(|c| "{}();=<>[]$".contains(*c)).count();
    let density = symbols as f32 / solid as f32;
    // Prose is too sparse in symbols for any number of signals to count, so
    // the costly set (which cannot stop at the first match) runs only on
    // dense text.
    if density < 0.05 {
        return false;
    }
    let signals = CODE_SIGNALS.matches(text).iter().count();
    signals >= 2 || (signals >= 1 && density >= 0.10)
}

/// A place dateline on a line of its own, in capitals: "RIVERTON, N.C.",
/// "SOUTH HARBOUR, FLA. —", "BERLIN (dpa) –".
static PLACE_DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^\p{Lu}[\p{Lu}\s.'’&-]*(?:,\s*\p{Lu}[\p{Lu}\s.'’&-]*|\s*\(\p{Lu}[\p{L}\s./-]{1,23}\))\s*[-–—:]?$",
    )
});

/// Longest place dateline, in characters.
const MAX_PLACE_DATELINE_CHARS: usize = 60;

/// Whether `text` is a place dateline (see [`PLACE_DATELINE`]).
pub(crate) fn is_place_dateline(text: &str) -> bool {
    let text = text.trim();
    text.chars().count() <= MAX_PLACE_DATELINE_CHARS
        && text.chars().filter(|c| c.is_uppercase()).count() >= 3
        && PLACE_DATELINE.is_match(text)
}

/// Han, kana and Hangul: scripts written without spaces between words,
/// where counting words by spaces says nothing.
fn has_spaceless_script(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c, '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7AF}' | '\u{F900}'..='\u{FAFF}')
    })
}

/// Most words of a line in capitals that is taken for a label or dateline
/// rather than a sentence.
const MAX_CAPITALS_WORDS: usize = 8;
/// Most words of a fragment without sentence punctuation that is taken for
/// a label rather than a sentence.
const MAX_FRAGMENT_WORDS: usize = 6;

/// Whether `text` (one sentence of a paragraph, as [`crate::sentences`]
/// splits it) reads as a sentence a summary may quote, judged by its
/// shape: not furniture (a byline, dateline, section label, sponsor line,
/// print notice or code), not a short line in capitals ("RIVERTON,
/// N.C."), not a short fragment without sentence punctuation ("From the
/// archive"), and not without letters.
///
/// ```
/// use precis_clean::reads_as_sentence;
///
/// assert!(reads_as_sentence("The ferry crossed the river on Monday."));
/// assert!(!reads_as_sentence("RIVERTON, N.C."));
/// assert!(!reads_as_sentence("01.21.2020 07:00 AM"));
/// assert!(!reads_as_sentence("By Jane Doe Follow @janedoe"));
/// ```
pub fn reads_as_sentence(text: &str) -> bool {
    let text = text.trim();
    let words = text.split_whitespace().count();
    let furniture = cues::cue(text, &text.to_lowercase(), words).is_some_and(|reason| {
        matches!(
            reason,
            Reason::Byline
                | Reason::Dateline
                | Reason::SectionLabel
                | Reason::Sponsor
                | Reason::PrintNotice
                | Reason::Code
        )
    });
    if furniture || !text.chars().any(char::is_alphabetic) {
        return false;
    }
    if has_spaceless_script(text) {
        return true;
    }
    let upper = text.chars().filter(|c| c.is_uppercase()).count();
    let cased = upper + text.chars().filter(|c| c.is_lowercase()).count();
    let capitals = cased >= 4 && upper * 10 >= cased * 8;
    let trimmed = text.trim_end_matches(['"', '\'', '”', '’', '»', ')', ' ']);
    let punctuated = trimmed.ends_with(['.', '!', '?', '…', ':', ';']);
    !(capitals && words <= MAX_CAPITALS_WORDS) && (punctuated || words > MAX_FRAGMENT_WORDS)
}

/// Fills the date and author the page did not state from the datelines
/// and bylines the cleaning dropped, first in reading order.
pub(crate) fn fill_metadata(mut document: Document, month_first: bool) -> Document {
    let furniture = |reasons: &'static [Reason]| {
        document
            .removed
            .iter()
            .filter(move |r| reasons.contains(&r.reason))
            .map(|r| r.text.as_str())
    };
    if document.metadata.date.is_none() {
        document.metadata.date = furniture(&[Reason::Dateline, Reason::Byline])
            .find_map(|line| dates::parse_line(line, month_first));
    }
    if document.metadata.author.is_none() {
        document.metadata.author = furniture(&[Reason::Byline]).find_map(cues::byline_name);
    }
    document
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_and_markup_are_code() {
        for text in [
            r#"<div class="event"><a href="/tickets">Tickets</a></div>"#,
            r#"<script>var x = 1;</script><p class=lead data-id='4'>Ferry</p>"#,
            "var slides = document.querySelectorAll('.slide'); for (var i = 0; i < slides.length; i++) { show(i); }",
            "function init() { window.scrollTo(0, 0); }",
            ".event-card { margin: 0 auto; color: #333; }",
        ] {
            assert!(is_code(text), "{text}");
        }
        for text in [
            "The ferry (the older of the two) left at noon; nobody was aboard.",
            "Use <b> for bold, says the style guide, and nothing else.",
            "The banner read <THE FERRY IS BACK> and <ÜBER DEN FLUSS> in capitals.",
            "Revenue rose 5% to $3.2 million (from $3.0 million) in the quarter.",
        ] {
            assert!(!is_code(text), "{text}");
        }
    }

    #[test]
    fn place_datelines() {
        assert!(is_place_dateline("RIVERTON, N.C."));
        assert!(is_place_dateline("SOUTH HARBOUR, FLA. —"));
        assert!(is_place_dateline("KELDERWICK (Reuters) –"));
        assert!(!is_place_dateline("Riverton, N.C."));
        assert!(!is_place_dateline("THE FERRY RETURNS"));
        assert!(!is_place_dateline("HOLLOWAY ( née Quint )"));
    }

    #[test]
    fn sentences_and_what_is_not() {
        for text in [
            "The ferry crossed the river on Monday.",
            "It left.",
            "Officials said a second boat would follow by next summer",
            "渡し船が月曜日に川を渡った。",
        ] {
            assert!(reads_as_sentence(text), "{text}");
        }
        for text in [
            "RIVERTON, N.C.",
            "01.21.2020 07:00 AM",
            "By Jane Doe Follow @janedoe",
            "From the section Europe",
            "The Harbour Desk is supported by",
            "Night ferry",
            "— 2020 —",
        ] {
            assert!(!reads_as_sentence(text), "{text}");
        }
    }
}
