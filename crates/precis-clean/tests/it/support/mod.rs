//! What the cleaning tests share: the letter accounting every cleaning must
//! pass, and `../shared`, which tests skip without.

use std::collections::BTreeMap;

use precis_clean::{Document, Reason};
use unicode_normalization::UnicodeNormalization;

/// Letters and digits with their counts: what must survive cleaning,
/// whatever happens to spaces, line breaks and end-of-line hyphens.
pub fn letters(text: &str) -> BTreeMap<char, usize> {
    let mut counts = BTreeMap::new();
    for c in text.nfc().filter(|c| c.is_alphanumeric()) {
        *counts.entry(c).or_default() += 1;
    }
    counts
}

/// Why the first removed block holding `text` was dropped.
pub fn removed_as(document: &Document, text: &str) -> Option<Reason> {
    document
        .removed
        .iter()
        .find(|r| r.text.contains(text))
        .map(|r| r.reason)
}

/// The letters of everything `document` kept or removed: equal to the
/// input's when nothing was lost or invented.
pub fn accounted(document: &Document) -> BTreeMap<char, usize> {
    let pieces = document
        .title
        .iter()
        .chain(&document.headings)
        .chain(document.paragraphs.iter().map(|p| &p.text))
        .chain(document.removed.iter().map(|r| &r.text));
    let all: Vec<&str> = pieces.map(String::as_str).collect();
    letters(&all.join("\n"))
}

pub use precis_testdata::shared;
