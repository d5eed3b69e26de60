//! The web-page snippet score of `../shared/tools/web_eval.py`, in Rust: a
//! page's `with` snippet found in the extracted text is a true positive
//! (missed: a false negative), a `without` snippet found is a false positive
//! (absent: a true negative). Snippets and text are compared after the same
//! whitespace normalization as the Python scorer, so figures match it.

use serde::{Deserialize, Serialize};

use crate::python_split;

/// One page's entry of `expected.json` (`{url: {file, with, without, ...}}`);
/// fields other than these (metadata) are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpectedPage {
    /// The page's HTML file name (`NAME.html`), relative to the data folder.
    pub file: String,
    /// Snippets a good extraction keeps.
    #[serde(default)]
    pub with: Vec<String>,
    /// Snippets a good extraction drops.
    #[serde(default)]
    pub without: Vec<String>,
}

impl ExpectedPage {
    /// The page's naive plain-text version (`NAME.txt` next to `NAME.html`).
    pub fn text_file(&self) -> String {
        let stem = self.file.strip_suffix(".html").unwrap_or(&self.file);
        format!("{stem}.txt")
    }
}

/// Snippet counts over one or more pages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnippetCounts {
    /// `with` snippets found in the extracted text.
    pub true_positives: usize,
    /// `with` snippets missing from it.
    pub false_negatives: usize,
    /// `without` snippets found in it.
    pub false_positives: usize,
    /// `without` snippets missing from it.
    pub true_negatives: usize,
}

impl SnippetCounts {
    /// Counts how `extracted` (the extractor's output for `page`) fares.
    pub fn score(extracted: &str, page: &ExpectedPage) -> Self {
        let text = normalize(extracted);
        let found = |snippet: &String| text.contains(&normalize(snippet));
        let kept = page.with.iter().filter(|s| found(s)).count();
        let leaked = page.without.iter().filter(|s| found(s)).count();
        SnippetCounts {
            true_positives: kept,
            false_negatives: page.with.len() - kept,
            false_positives: leaked,
            true_negatives: page.without.len() - leaked,
        }
    }

    /// Share of the snippets found that should have been kept.
    pub fn precision(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }

    /// Share of the snippets to keep that were found.
    pub fn recall(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_negatives,
        )
    }

    /// Share of all snippets handled right (kept or dropped as expected).
    pub fn accuracy(&self) -> f64 {
        let total =
            self.true_positives + self.true_negatives + self.false_positives + self.false_negatives;
        ratio(self.true_positives + self.true_negatives, total)
    }

    /// The harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        2.0 * p * r / (p + r).max(1e-9)
    }
}

impl std::ops::AddAssign for SnippetCounts {
    fn add_assign(&mut self, other: Self) {
        self.true_positives += other.true_positives;
        self.false_negatives += other.false_negatives;
        self.false_positives += other.false_positives;
        self.true_negatives += other.true_negatives;
    }
}

impl std::iter::Sum for SnippetCounts {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(SnippetCounts::default(), |mut total, counts| {
            total += counts;
            total
        })
    }
}

/// `x / max(total, 1)`, as the Python scorer divides.
fn ratio(x: usize, total: usize) -> f64 {
    x as f64 / total.max(1) as f64
}

/// The scorer's `norm`: runs of whitespace (no-break spaces included)
/// become one space, and the ends are trimmed.
fn normalize(text: &str) -> String {
    python_split(text).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(with: &[&str], without: &[&str]) -> ExpectedPage {
        ExpectedPage {
            file: "a.html".into(),
            with: with.iter().map(|s| s.to_string()).collect(),
            without: without.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn snippets_match_across_whitespace_differences() {
        let expected = page(
            &["ferry crossed\tthe", "missing part"],
            &["Subscribe now", "Cookie"],
        );
        let counts = SnippetCounts::score(
            "The ferry\u{a0}crossed\n the river. Subscribe now!",
            &expected,
        );
        assert_eq!(
            counts,
            SnippetCounts {
                true_positives: 1,
                false_negatives: 1,
                false_positives: 1,
                true_negatives: 1
            }
        );
        assert_eq!(counts.precision(), 0.5);
        assert_eq!(counts.accuracy(), 0.5);
        assert_eq!(expected.text_file(), "a.txt");
    }

    #[test]
    fn empty_counts_do_not_divide_by_zero() {
        let none = SnippetCounts::default();
        assert_eq!(
            (none.precision(), none.recall(), none.f1()),
            (0.0, 0.0, 0.0)
        );
    }

    #[test]
    fn sums_pages() {
        let one = SnippetCounts::score("keep", &page(&["keep"], &["drop"]));
        let total: SnippetCounts = [one, one].into_iter().sum();
        assert_eq!(total.true_positives, 2);
        assert_eq!(total.true_negatives, 2);
        assert_eq!(total.f1(), 1.0);
    }
}
