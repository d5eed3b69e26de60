//! Stage 5, assemble: the kept blocks become the title, headings and
//! paragraphs of the [`Document`]; the dropped ones become `removed`.

use super::candidate::MainContent;
use super::classify::Decision;
use super::tree::{BlockKind, Page};
use crate::normalize::normalize_inline;
use crate::{Document, Metadata, Paragraph, Reason, Removed};

/// The block that is the article's title: a heading saying what the
/// metadata title says, else the first `<h1>` of the main content, else
/// the first `<h1>` before it that is not in a menu or footer.
pub(super) fn title_block(
    page: &Page,
    main: Option<&MainContent>,
    reasons: &[Option<Reason>],
    metadata: &Metadata,
) -> Option<usize> {
    let usable = |index: &usize| {
        page.blocks
            .get(*index)
            .is_some_and(|b| reasons.get(b.owner).copied().flatten().is_none() && b.chars > 0)
    };
    let headings = || {
        (0..page.blocks.len())
            .filter(move |&i| {
                matches!(
                    page.blocks.get(i).map(|b| b.kind),
                    Some(BlockKind::Heading(_))
                )
            })
            .filter(usable)
    };
    if let Some(title) = metadata.title.as_deref().map(str::to_lowercase) {
        let similar = headings().find(|&i| {
            page.blocks.get(i).is_some_and(|b| {
                let text = normalize_inline(&b.text).to_lowercase();
                text.chars().count() > 3 && (title.contains(&text) || text.contains(&title))
            })
        });
        if similar.is_some() {
            return similar;
        }
    }
    let main_start = main
        .and_then(|m| m.ranges(page).map(|r| r.start).min())
        .unwrap_or(usize::MAX);
    let h1 = || {
        headings().filter(|&i| {
            page.blocks
                .get(i)
                .is_some_and(|b| b.kind == BlockKind::Heading(1))
        })
    };
    h1().find(|&i| main.is_some_and(|m| m.contains_block(page, i)))
        .or_else(|| h1().find(|&i| i < main_start))
}

/// Most words of a kicker: a section, topic or date line.
const MAX_KICKER_WORDS: usize = 4;
/// Fewest words of a stated title trusted to be the whole headline.
const MIN_TITLE_WORDS: usize = 3;

/// The title heading without a kicker in front ("Klimaschutz Bohren, bis
/// es heiß wird", "21.01.2020 - Ferry returns"): pages set a section name
/// or date in its own element inside the `<h1>`, and their meta tags state
/// the headline without it. When the heading ends with the stated title
/// and only a few words precede it, those words are the kicker.
fn without_kicker(heading: String, stated: Option<&str>) -> String {
    let Some(stated) = stated.filter(|t| t.split_whitespace().count() >= MIN_TITLE_WORDS) else {
        return heading;
    };
    let lower = heading.to_lowercase();
    let stated_lower = stated.to_lowercase();
    // Lowercasing keeps lengths for the text headings hold; check anyway.
    if lower.len() != heading.len() || !lower.ends_with(&stated_lower) {
        return heading;
    }
    let start = lower.len() - stated_lower.len();
    let (kicker, title) = heading.split_at(start);
    let kicker_words = kicker
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count();
    if (1..=MAX_KICKER_WORDS).contains(&kicker_words)
        && kicker.ends_with(|c: char| c.is_whitespace() || ":|-–—·•".contains(c))
    {
        title.to_owned()
    } else {
        heading
    }
}

/// Builds the document from the decisions.
pub(super) fn document(
    page: &Page,
    decisions: &[Decision],
    title_block: Option<usize>,
    metadata: Metadata,
    found_main: bool,
) -> Document {
    let mut document = Document {
        title: title_block
            .and_then(|i| page.blocks.get(i))
            .map(|b| without_kicker(normalize_inline(&b.text), metadata.title.as_deref()))
            .or_else(|| metadata.title.clone()),
        metadata,
        ..Document::default()
    };
    let mut heading: Option<String> = None;
    let mut last_row = None;
    for (index, (block, decision)) in page.blocks.iter().zip(decisions).enumerate() {
        let text = normalize_inline(&block.text);
        if text.is_empty() || Some(index) == title_block {
            continue;
        }
        let reason = match decision {
            Decision::Drop(reason) => reason,
            Decision::Keep => {
                match block.kind {
                    BlockKind::Heading(_) => {
                        document.headings.push(text.clone());
                        heading = Some(text);
                        last_row = None;
                    }
                    BlockKind::Cell { row: Some(row) } if last_row == Some(row) => {
                        if let Some(paragraph) = document.paragraphs.last_mut() {
                            paragraph.text.push_str(" | ");
                            paragraph.text.push_str(&text);
                        }
                    }
                    kind => {
                        last_row = match kind {
                            BlockKind::Cell { row } => row,
                            _ => None,
                        };
                        document.paragraphs.push(Paragraph {
                            text,
                            heading: heading.clone(),
                        });
                    }
                }
                continue;
            }
        };
        document.removed.push(Removed {
            text,
            reason: *reason,
        });
    }
    if page.code_elements > 0 {
        document.removed.push(Removed {
            text: format!(
                "code, not text: {} script, style or embedded element(s) with {} characters",
                page.code_elements, page.code_chars
            ),
            reason: Reason::NonText,
        });
    }
    if document.paragraphs.is_empty() {
        let why = if found_main {
            "everything that looked like the article was boilerplate (menus, links, notices)"
        } else {
            "no part of the page reads like an article body (no paragraphs of prose)"
        };
        document.warnings.push(format!(
            "nothing was kept from the HTML page: {why}; {} pieces of text were dropped, see `removed`",
            document.removed.len()
        ));
    }
    document
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kicker_before_the_stated_title_goes() {
        let stated = Some("Ferry returns to Riverton");
        let cases = [
            (
                "Transport Ferry returns to Riverton",
                "Ferry returns to Riverton",
            ),
            (
                "Transport: Ferry returns to Riverton",
                "Ferry returns to Riverton",
            ),
            (
                "21.01.2020 - Ferry returns to Riverton",
                "Ferry returns to Riverton",
            ),
            ("Ferry returns to Riverton", "Ferry returns to Riverton"),
            // Too long for a kicker: the heading is the headline.
            (
                "After eleven quiet years the Ferry returns to Riverton",
                "After eleven quiet years the Ferry returns to Riverton",
            ),
            // Not at a word boundary.
            (
                "SuperFerry returns to Riverton",
                "SuperFerry returns to Riverton",
            ),
        ];
        for (heading, title) in cases {
            assert_eq!(without_kicker(heading.into(), stated), title, "{heading}");
        }
        assert_eq!(
            without_kicker("Transport Ferry returns".into(), Some("Ferry returns")),
            "Transport Ferry returns",
            "a two-word title may be a fragment of the headline"
        );
    }
}
