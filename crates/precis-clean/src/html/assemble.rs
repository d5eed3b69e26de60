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

/// Builds the document from the decisions.
pub(super) fn document(
    page: &Page,
    decisions: &[Decision],
    title_block: Option<usize>,
    lead: &[usize],
    metadata: Metadata,
    found_main: bool,
) -> Document {
    let mut document = Document {
        title: title_block
            .and_then(|i| page.blocks.get(i))
            .map(|b| normalize_inline(&b.text))
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
                    // A lead set in a heading's type is text, not a section title.
                    _ if lead.contains(&index) => document.paragraphs.push(Paragraph {
                        text,
                        heading: None,
                        lead: true,
                    }),
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
                            lead: false,
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
    if page.hidden_inline_elements > 0 {
        document.removed.push(Removed {
            text: format!(
                "inline text outside the sentence: {} element(s) with {} characters (hidden, shown only on hover, or ruby readings)",
                page.hidden_inline_elements, page.hidden_inline_chars
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
