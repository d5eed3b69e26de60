//! Stage 4, classify: decide for every element whether it is boilerplate
//! (and why), then for every block whether it is kept or dropped.
//!
//! Inside the main content, class/id hints and link density prune
//! subtrees; outside it everything is dropped, with the most specific
//! reason the markup gives ("navigation", "footer", …) and "outside main
//! content" otherwise.

use std::collections::HashSet;

use super::candidate::MainContent;
use super::patterns::{self, Strength};
use super::tree::{BlockKind, Page};
use crate::normalize::normalize_inline;
use crate::{cues, measure, Reason};

/// What happens to one block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Decision {
    Keep,
    Drop(Reason),
}

/// An element may be pruned by a hint only while it holds less than this
/// share of the text around it: a wrapper of the whole article that
/// happens to carry a word like `meta` or `slide` must not take it along.
const GUARD_SHARE: f32 = 0.5;

/// A cookie notice is short; a long element with `cookie` in its class is
/// a page wrapper (`cookies-accepted`), not the notice. Short ones need no
/// guard, so a page that is all cookie notice keeps nothing.
fn is_unmistakable(reason: Reason, prose_chars: usize) -> bool {
    reason == Reason::CookieNotice && prose_chars < MAX_NOTICE_CHARS
}

/// Longest text a cookie notice is taken to have.
const MAX_NOTICE_CHARS: usize = 600;

/// Non-link characters of an element.
fn prose_chars(page: &Page, element: usize) -> usize {
    let (chars, links) = page.element_stats(element);
    chars - links.min(chars)
}

/// Which boilerplate rules prune elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Rules {
    /// Tags, roles, visibility and class/id words.
    All,
    /// Tags, roles and visibility only: for a page whose only prose sits in
    /// boxes named like boilerplate (a forum thread of `comment` boxes, an
    /// article laid out as a `gallery`).
    MarkupOnly,
}

/// Why each element is boilerplate, inherited by its descendants (an inner
/// reason wins: it is the more specific one). Without `main`, hints are
/// guarded against the whole page's text; this is what scoring uses.
pub(super) fn element_reasons(
    page: &Page,
    main: Option<&MainContent>,
    rules: Rules,
) -> Vec<Option<Reason>> {
    let mut protected = vec![false; page.elements.len()];
    let mut inside = vec![false; page.elements.len()];
    let mut reference = prose_chars(page, 0).max(1);
    if let Some(main) = main {
        for &element in &main.elements {
            let mut current = Some(element);
            while let Some(index) = current {
                if let Some(flag) = protected.get_mut(index) {
                    *flag = true;
                }
                current = page.elements.get(index).and_then(|e| e.parent);
            }
        }
        reference = main
            .elements
            .iter()
            .map(|&e| prose_chars(page, e))
            .sum::<usize>()
            .max(1);
    }
    let mut reasons: Vec<Option<Reason>> = vec![None; page.elements.len()];
    for index in 0..page.elements.len() {
        let Some(element) = page.elements.get(index) else {
            continue;
        };
        let parent = element.parent;
        let parent_inside = parent.is_some_and(|p| inside.get(p).copied().unwrap_or(false));
        let is_main = main.is_some_and(|m| m.elements.contains(&index));
        if let Some(flag) = inside.get_mut(index) {
            *flag = is_main || parent_inside;
        }
        let inherited = parent.and_then(|p| reasons.get(p).copied().flatten());
        let own = if protected.get(index).copied().unwrap_or(false) {
            None
        } else {
            let prose = prose_chars(page, index);
            let share = prose as f32 / reference as f32;
            match patterns::boilerplate(element)
                .filter(|&(_, strength)| rules == Rules::All || strength == Strength::Markup)
                .filter(|&(reason, _)| !(reason == Reason::PhotoCaption && holds_data(page, index)))
            {
                Some((reason, Strength::Markup)) if main.is_some() || share < GUARD_SHARE => {
                    Some(reason)
                }
                Some((reason, Strength::Name))
                    if (main.is_some() && !parent_inside)
                        || share < GUARD_SHARE
                        || is_unmistakable(reason, prose) =>
                {
                    Some(reason)
                }
                // Inside a pruned box its own reason is the better one.
                _ if parent_inside && inherited.is_none() && share < GUARD_SHARE => {
                    link_heavy(page, index)
                }
                _ => None,
            }
        };
        if let Some(slot) = reasons.get_mut(index) {
            *slot = own.or(inherited);
        }
    }
    reasons
}

/// A `<figure>` is any self-contained piece the text refers to: around a
/// table or a code listing it is content, not a photo's caption box.
fn holds_data(page: &Page, element: usize) -> bool {
    page.elements
        .get(element)
        .and_then(|e| page.blocks.get(e.blocks.clone()))
        .is_some_and(|blocks| {
            blocks
                .iter()
                .any(|b| matches!(b.kind, BlockKind::Cell { .. } | BlockKind::Preformatted))
        })
}

/// Lists, tables and boxes inside the article that are mostly links: a
/// "related articles" box, a tag cloud, a table of contents of the site.
fn link_heavy(page: &Page, element: usize) -> Option<Reason> {
    let e = page.elements.get(element)?;
    let (limit, farm) = match e.tag.as_str() {
        "p" => (60, false),
        "ul" | "ol" | "dl" | "div" | "section" | "table" => (300, true),
        _ => return None,
    };
    let blocks = page.blocks.get(e.blocks.clone())?;
    let links: usize = blocks.iter().map(|b| b.links).sum();
    if links == 0 {
        return None;
    }
    let (chars, link_chars) = page.element_stats(element);
    let density = link_chars as f32 / chars.max(1) as f32;
    // A list of documents, each link alone in a long paragraph, is content.
    let listing = blocks.iter().all(|b| b.links <= 1 && b.chars > 100);
    let heavy =
        (chars < limit && density > 0.8) || (farm && links > 4 && density > 0.5 && !listing);
    heavy.then_some(Reason::RelatedLinks)
}

/// What the words of a block say it is (shared cue tables of the text
/// pipeline), or a photo credit.
fn cue_reason(text: &str) -> Option<Reason> {
    let text = normalize_inline(text);
    let words = measure::size(&text).words;
    cues::cue(&text, &text.to_lowercase(), words)
        .or_else(|| {
            (words <= MAX_CREDIT_WORDS && cues::has_credit(&text)).then_some(Reason::PhotoCredit)
        })
        .or_else(|| {
            (words <= MAX_CAPTION_WORDS && cues::ends_with_credit(&text))
                .then_some(Reason::PhotoCaption)
        })
}

/// Longest line taken for a photo credit.
const MAX_CREDIT_WORDS: usize = 8;
/// Longest block taken for a caption by the credit it ends with.
const MAX_CAPTION_WORDS: usize = 40;

/// Shortest block dropped for repeating an earlier one.
const MIN_DUPLICATE_CHARS: usize = 60;
/// Shortest block dropped for repeating the kept block right before it.
const MIN_REPEAT_CHARS: usize = 20;

/// Decides every block. `title_block` is the block used as the title: kept,
/// but not as a paragraph.
pub(super) fn decide(
    page: &Page,
    main: Option<&MainContent>,
    reasons: &[Option<Reason>],
    title_block: Option<usize>,
) -> Vec<Decision> {
    let mut seen: HashSet<String> = HashSet::new();
    let mut last_kept: Option<String> = None;
    let mut decisions = Vec::with_capacity(page.blocks.len());
    for (index, block) in page.blocks.iter().enumerate() {
        let inherited = reasons.get(block.owner).copied().flatten();
        let in_main = main.is_some_and(|m| m.contains_block(page, index));
        let decision = if Some(index) == title_block {
            Decision::Keep
        } else if let Some(reason) = inherited {
            Decision::Drop(reason)
        } else if !in_main {
            Decision::Drop(Reason::OutsideMainContent)
        } else if let Some(reason) = cue_reason(&block.text)
            // Code in a `<pre>` is what a tutorial shows, not furniture.
            .filter(|r| !(*r == Reason::Code && block.kind == BlockKind::Preformatted))
        {
            Decision::Drop(reason)
        } else if block.chars < 60
            && block.link_density() > 0.8
            && !matches!(block.kind, BlockKind::Heading(1) | BlockKind::Cell { .. })
        {
            Decision::Drop(if block.kind == BlockKind::Paragraph {
                Reason::CallToAction
            } else {
                Reason::RelatedLinks
            })
        } else if matches!(block.kind, BlockKind::Heading(_)) && block.link_density() > 0.5 {
            Decision::Drop(Reason::RelatedLinks)
        } else if !matches!(block.kind, BlockKind::Cell { .. } | BlockKind::Heading(_))
            // A table repeats its values ("0", "Yes") from row to row, and
            // parallel sections their headings and short lines ("Meal 1",
            // "Serves 4" under each recipe); text shown twice is longer.
            && block.chars >= MIN_DUPLICATE_CHARS
            && !seen.insert(normalize_inline(&block.text))
        {
            Decision::Drop(Reason::Duplicate)
        } else if !matches!(block.kind, BlockKind::Cell { .. } | BlockKind::Heading(_))
            && block.chars >= MIN_REPEAT_CHARS
            && last_kept.as_deref() == Some(normalize_inline(&block.text).as_str())
        {
            // The same line twice in a row (a summary set once for small
            // screens and once for large ones) is one line.
            Decision::Drop(Reason::Duplicate)
        } else {
            Decision::Keep
        };
        if decision == Decision::Keep {
            last_kept = Some(normalize_inline(&block.text));
        }
        decisions.push(decision);
    }
    drop_empty_sections(page, &mut decisions, title_block);
    drop_related_sections(page, &mut decisions);
    decisions
}

/// A heading that introduces links to other articles ("Related", "You may
/// also like", a heading named `related-title`) at the top of a container
/// opens a section of them: the posts after it in that container are
/// teasers, however long their excerpts.
fn drop_related_sections(page: &Page, decisions: &mut [Decision]) {
    let mut index = 0;
    while index < decisions.len() {
        // Said by the heading's words or its own name, not by its links.
        let related_heading = decisions.get(index) == Some(&Decision::Drop(Reason::RelatedLinks))
            && page.blocks.get(index).is_some_and(|b| {
                matches!(b.kind, BlockKind::Heading(_))
                    && (cue_reason(&b.text) == Some(Reason::RelatedLinks)
                        || page
                            .elements
                            .get(b.owner)
                            .is_some_and(|e| e.name_reason == Some(Reason::RelatedLinks)))
            });
        // The heading opens its container; one standing between paragraphs
        // ("Related: …" mid-article) says nothing about the text after it.
        let section_end = related_heading
            .then(|| {
                let owner = page.blocks.get(index)?.owner;
                let parent = page.elements.get(page.elements.get(owner)?.parent?)?;
                (parent.blocks.start == index).then_some(parent.blocks.end)
            })
            .flatten();
        let Some(end) = section_end else {
            index += 1;
            continue;
        };
        for decision in decisions.iter_mut().take(end).skip(index + 1) {
            if *decision == Decision::Keep {
                *decision = Decision::Drop(Reason::RelatedLinks);
            }
        }
        index = end.max(index + 1);
    }
}

/// A whole sentence of some length set in a heading's type (a lead, a
/// standfirst) is text, not the title of a section.
fn is_set_as_heading(text: &str) -> bool {
    measure::size(text).words >= MIN_HEADING_SENTENCE_WORDS && crate::sentences::ends_sentence(text)
}

/// Fewest words of a heading read as a sentence of text.
const MIN_HEADING_SENTENCE_WORDS: usize = 15;

/// A heading with no kept text under it (before the next heading of its
/// level or above, or the end) introduces something that was dropped:
/// "Comments", "Related". Kept subsections count as text under it.
fn drop_empty_sections(page: &Page, decisions: &mut [Decision], title_block: Option<usize>) {
    // has_body[l - 1]: kept text since the last heading of level <= l.
    let mut has_body = [false; 6];
    for index in (0..decisions.len()).rev() {
        let Some(block) = page.blocks.get(index) else {
            continue;
        };
        if decisions.get(index) != Some(&Decision::Keep) || Some(index) == title_block {
            continue;
        }
        if let BlockKind::Heading(level) = block.kind {
            let level = usize::from(level.clamp(1, 6));
            if !has_body[level - 1] && !is_set_as_heading(&block.text) {
                if let Some(decision) = decisions.get_mut(index) {
                    *decision = Decision::Drop(
                        cue_reason(&block.text).unwrap_or(Reason::OutsideMainContent),
                    );
                }
            }
            has_body[level - 1..].fill(false);
        } else {
            has_body = [true; 6];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cue_phrases_in_two_languages() {
        assert_eq!(cue_reason("Share this article"), Some(Reason::CallToAction));
        assert_eq!(cue_reason("Weiterlesen »"), Some(Reason::CallToAction));
        assert_eq!(cue_reason("Anzeige"), Some(Reason::Advertisement));
        assert_eq!(cue_reason("Kommentare"), Some(Reason::Comments));
        assert_eq!(cue_reason("Mehr zum Thema:"), Some(Reason::RelatedLinks));
        assert_eq!(cue_reason("The share price fell."), None);
        assert_eq!(
            cue_reason("Crowds on the quay as the ferry comes in (Image: Jane Doe)"),
            Some(Reason::PhotoCaption)
        );
    }
}
