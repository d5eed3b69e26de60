//! Stage 3, score: find the element that holds the article's text.
//!
//! Paragraph-like blocks vote for the elements around them, weighted by
//! length and commas (prose has commas; menus don't), as Readability does;
//! a candidate's score is discounted by its link density and nudged by what
//! its class/id words say. Siblings of the winner that look like more of the
//! same text (a lead paragraph in its own `div`, a second body part) join it,
//! and so does prose between the title and the body (a lead set with the
//! headline).

use std::ops::Range;

use super::tree::{BlockKind, Page};
use crate::{sentences, Reason};

/// The main content: one or more sibling elements (and a lead before them),
/// as the block ranges they span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct MainContent {
    pub elements: Vec<usize>,
}

impl MainContent {
    pub fn contains_block(&self, page: &Page, block: usize) -> bool {
        self.ranges(page).any(|r| r.contains(&block))
    }

    pub fn ranges<'a>(&'a self, page: &'a Page) -> impl Iterator<Item = Range<usize>> + 'a {
        self.elements
            .iter()
            .filter_map(|&e| page.elements.get(e).map(|e| e.blocks.clone()))
    }
}

/// Minimum length of a block that counts as prose for scoring.
const MIN_PROSE_CHARS: usize = 25;

/// Most commas one block is credited for.
const MAX_COMMAS: usize = 10;

fn tag_weight(tag: &str) -> f32 {
    match tag {
        "div" | "article" | "main" | "section" => 5.0,
        "pre" | "td" | "blockquote" => 3.0,
        "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
        _ => 0.0,
    }
}

fn name_weight(page: &Page, element: usize) -> f32 {
    let Some(e) = page.elements.get(element) else {
        return 0.0;
    };
    if e.article_body {
        return 50.0;
    }
    let mut weight = 0.0;
    if e.content_name {
        weight += 25.0;
    } else if e.name_reason.is_some() {
        weight -= 25.0;
    }
    if matches!(e.tag.as_str(), "article" | "main") || e.role == "main" {
        weight += 10.0;
    }
    weight
}

/// Which blocks vote for the elements around them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Voters {
    /// Blocks of paragraph length.
    Paragraphs,
    /// Also any paragraph that is a whole sentence, however short: for a
    /// page where nothing is paragraph-long ("Mayor resigns.").
    Sentences,
}

/// Scores every element; `excluded[b]` marks blocks that may not vote.
pub(super) fn scores(page: &Page, excluded: &[bool], voters: Voters) -> Vec<f32> {
    let mut scores = vec![0.0f32; page.elements.len()];
    let mut initialized = vec![false; page.elements.len()];
    for (index, block) in page.blocks.iter().enumerate() {
        let votes = block.chars >= MIN_PROSE_CHARS
            || (voters == Voters::Sentences
                && block.kind == BlockKind::Paragraph
                && block.link_chars == 0
                && sentences::ends_sentence(&block.text));
        if excluded.get(index).copied().unwrap_or(true)
            || !votes
            || matches!(block.kind, BlockKind::Heading(_) | BlockKind::Caption)
        {
            continue;
        }
        // Capped: a list of names is all commas and would outvote the article.
        let commas = block
            .text
            .matches([',', '،', '、', '，'])
            .count()
            .min(MAX_COMMAS) as f32;
        let vote = 1.0 + commas + (block.chars as f32 / 100.0).floor().min(3.0);
        // Text straight inside a `div` beside other blocks is one of that
        // element's paragraphs: the element gets the full vote, as a `<p>`'s
        // parent does. A `div` holding nothing but the text is the paragraph.
        let owner = page.elements.get(block.owner);
        let mut ancestor =
            if block.kind == BlockKind::Loose && owner.is_some_and(|e| e.blocks.len() > 1) {
                Some(block.owner)
            } else {
                owner.and_then(|e| e.parent)
            };
        for level in 0..5 {
            let Some(element) = ancestor else { break };
            if !initialized[element] {
                initialized[element] = true;
                scores[element] = page
                    .elements
                    .get(element)
                    .map_or(0.0, |e| tag_weight(&e.tag))
                    + name_weight(page, element);
            }
            let divider = match level {
                0 => 1.0,
                1 => 2.0,
                _ => level as f32 * 3.0,
            };
            scores[element] += vote / divider;
            ancestor = page.elements.get(element).and_then(|e| e.parent);
        }
    }
    for (element, score) in scores.iter_mut().enumerate() {
        if !initialized[element] {
            continue;
        }
        let (chars, links) = page.element_stats(element);
        *score *= 1.0 - links as f32 / chars.max(1) as f32;
    }
    scores
}

/// Picks the main content from the scores, or `None` when nothing on the
/// page looks like prose.
pub(super) fn choose(page: &Page, scores: &[f32], excluded: &[bool]) -> Option<MainContent> {
    let (mut top, &top_score) = scores
        .iter()
        .enumerate()
        .filter(|(_, s)| **s > 0.0)
        .max_by(|a, b| a.1.total_cmp(b.1))?;
    top = common_ancestor(page, scores, top, top_score).unwrap_or(top);
    top = widen(page, excluded, top);
    let top_score = scores.get(top).copied().unwrap_or(top_score);
    let Some(parent) = page.elements.get(top).and_then(|e| e.parent) else {
        return Some(MainContent {
            elements: vec![top],
        });
    };
    let threshold = (top_score * 0.2).max(10.0);
    let mut elements = Vec::new();
    for (index, element) in page.elements.iter().enumerate().skip(parent + 1) {
        if element.parent != Some(parent) {
            continue;
        }
        if index == top
            || scores.get(index).is_some_and(|&s| s >= threshold)
            || is_prose(page, index)
        {
            elements.push(index);
        }
    }
    Some(MainContent { elements })
}

/// When the article is cut into several parts that score alike (text
/// between ads, one `div` per section), the element holding at least three
/// of them is the article.
fn common_ancestor(page: &Page, scores: &[f32], top: usize, top_score: f32) -> Option<usize> {
    let mut ranked: Vec<(usize, f32)> = scores
        .iter()
        .copied()
        .enumerate()
        .filter(|&(e, s)| e != top && s >= top_score * 0.75)
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    ranked.truncate(MAX_ALTERNATIVES);
    if ranked.len() < MIN_ALTERNATIVES {
        return None;
    }
    let mut ancestor = page.elements.get(top)?.parent;
    while let Some(candidate) = ancestor {
        let range = page.elements.get(candidate)?.blocks.clone();
        let depth = page.elements.get(candidate)?.depth;
        let inside = ranked
            .iter()
            .filter(|(e, _)| {
                page.elements.get(*e).is_some_and(|a| {
                    a.depth > depth && range.start <= a.blocks.start && a.blocks.end <= range.end
                })
            })
            .count();
        if inside >= MIN_ALTERNATIVES {
            return Some(candidate);
        }
        ancestor = page.elements.get(candidate)?.parent;
    }
    None
}

/// Prose and other text of every element, from running totals over blocks.
struct Mass {
    /// (prose, link-heavy) characters before each block; short plain
    /// blocks (headings, list items) count as neither.
    prefix: Vec<(usize, usize)>,
}

impl Mass {
    fn new(page: &Page, excluded: &[bool]) -> Self {
        let mut total = (0, 0);
        let mut prefix = vec![total];
        for (index, block) in page.blocks.iter().enumerate() {
            if !excluded.get(index).copied().unwrap_or(true) {
                // A list item led by a linked headline is a teaser (headline
                // and excerpt) of another page, not more of the article; a
                // step or ingredient with a link has a far smaller share.
                let teaser = block.kind == BlockKind::ListItem
                    && block.link_density() >= MIN_TEASER_LINK_SHARE;
                if block.chars >= MIN_PROSE_CHARS && block.link_density() < 0.33 && !teaser {
                    total.0 += block.chars - block.link_chars;
                } else {
                    total.1 += block.chars;
                }
            }
            prefix.push(total);
        }
        Mass { prefix }
    }

    fn of(&self, page: &Page, element: usize) -> (usize, usize) {
        let Some(range) = page.elements.get(element).map(|e| e.blocks.clone()) else {
            return (0, 0);
        };
        let at = |i: usize| self.prefix.get(i).copied().unwrap_or_default();
        let (start, end) = (at(range.start), at(range.end));
        (end.0 - start.0.min(end.0), end.1 - start.1.min(end.1))
    }
}

/// Climbs from the winner to an ancestor while that brings in more prose
/// than other text: the article's text often sits in several containers.
fn widen(page: &Page, excluded: &[bool], top: usize) -> usize {
    let mass = Mass::new(page, excluded);
    let mut current = semantic_ancestor(page, &mass, top).unwrap_or(top);
    // Wrappers that add nothing are climbed through: the next part of the
    // article may sit a few levels up.
    let mut ancestor = page.elements.get(current).and_then(|e| e.parent);
    for _ in 0..MAX_WIDEN_CLIMB {
        let Some(candidate) = ancestor else { break };
        let (prose, other) = mass.of(page, current);
        let (wider_prose, wider_other) = mass.of(page, candidate);
        let gain = wider_prose - prose.min(wider_prose);
        let cost = wider_other - other.min(wider_other);
        if gain >= MIN_GAIN && gain >= 2 * cost {
            current = candidate;
        }
        ancestor = page.elements.get(candidate).and_then(|e| e.parent);
    }
    current
}

/// How many levels above the winner more of the article is looked for.
const MAX_WIDEN_CLIMB: usize = 6;

/// The nearest ancestor that the page marks as the article (`<article>`,
/// `itemprop=articleBody`, `class=entry-content`, …), unless it is mostly
/// links: the winner is then only a part of the article.
fn semantic_ancestor(page: &Page, mass: &Mass, top: usize) -> Option<usize> {
    let mut ancestor = page.elements.get(top)?.parent;
    for _ in 0..MAX_SEMANTIC_CLIMB {
        let index = ancestor?;
        let element = page.elements.get(index)?;
        if element.article_body || element.tag == "article" || element.content_name {
            let (prose, links) = mass.of(page, index);
            return (links < prose).then_some(index);
        }
        ancestor = element.parent;
    }
    None
}

/// How far above the winner an article marker is looked for.
const MAX_SEMANTIC_CLIMB: usize = 8;

/// Share of a list item's text in links from which it is taken for a
/// teaser: a headline beside an excerpt of two or three times its length.
const MIN_TEASER_LINK_SHARE: f32 = 0.15;

/// Least prose (characters) that makes climbing to a parent worth it.
const MIN_GAIN: usize = 400;

/// How many runner-up candidates are compared with the winner.
const MAX_ALTERNATIVES: usize = 4;
/// How many of them an ancestor must hold to replace the winner.
const MIN_ALTERNATIVES: usize = 3;

/// Adds the prose a reader meets between the title and the body: pages set
/// the lead (standfirst) with the headline, in the article's header, apart
/// from the element holding the body, and scoring, which looks for the
/// body, leaves it out. A block there joins when its element holds nothing
/// else, no boilerplate reason covers it, and it reads as text: a paragraph
/// or a heading-set standfirst, of some length, with few links (a byline,
/// a date line, a "Read more" link are short or linked).
///
/// Returns the lead's blocks.
pub(super) fn add_lead(
    page: &Page,
    main: &mut MainContent,
    title: usize,
    reasons: &[Option<Reason>],
) -> Vec<usize> {
    let mut lead = Vec::new();
    let Some(body_start) = main.ranges(page).map(|r| r.start).min() else {
        return lead;
    };
    for index in title + 1..body_start {
        let Some(block) = page.blocks.get(index) else {
            continue;
        };
        let alone = page
            .elements
            .get(block.owner)
            .is_some_and(|e| e.blocks == (index..index + 1));
        let text_kind = matches!(
            block.kind,
            BlockKind::Paragraph | BlockKind::Loose | BlockKind::Heading(2..)
        );
        if alone
            && text_kind
            && reasons.get(block.owner).copied().flatten().is_none()
            && block.chars >= MIN_LEAD_CHARS
            && block.link_density() < MAX_LEAD_LINK_SHARE
        {
            main.elements.push(block.owner);
            lead.push(index);
            if lead.len() == MAX_LEAD_BLOCKS {
                break;
            }
        }
    }
    lead
}

/// Most blocks a lead has: a standfirst is a paragraph or two, and a page
/// with many between its title and body costs no more.
const MAX_LEAD_BLOCKS: usize = 3;

/// Shortest lead: a sentence, longer than a byline or a date line.
const MIN_LEAD_CHARS: usize = 80;

/// Share of a lead's text in links below which it is text, not a teaser.
const MAX_LEAD_LINK_SHARE: f32 = 0.2;

/// A sibling paragraph that reads like body text.
fn is_prose(page: &Page, element: usize) -> bool {
    let Some(e) = page.elements.get(element) else {
        return false;
    };
    if e.tag != "p" {
        return false;
    }
    let (chars, links) = page.element_stats(element);
    let density = links as f32 / chars.max(1) as f32;
    (chars > 80 && density < 0.25)
        || (chars > 0
            && links == 0
            && page
                .blocks
                .get(e.blocks.clone())
                .is_some_and(|b| b.iter().any(|b| sentences::ends_sentence(&b.text))))
}

#[cfg(test)]
mod tests {
    use scraper::Html;

    use super::*;
    use crate::html::tree::parse;

    #[test]
    fn prose_beats_link_lists_and_gathers_a_split_article() {
        let prose = "The council met on Tuesday, and after a long debate, it voted to keep the library open, funding it from the parks budget.";
        let html = format!(
            "<body><div id=menu><ul><li><a href=/>Home</a></li><li><a href=/a>A long link to another page of the site</a></li></ul></div>\
             <div id=wrap><div id=lead><p>{prose}</p><p>{prose}</p><p>{prose} It was the third vote this year.</p></div><div id=body><p>{prose}</p><p>{prose}</p><p>{prose}</p><p>{prose}</p></div></div></body>"
        );
        let page = parse(&Html::parse_document(&html));
        let scores = scores(&page, &vec![false; page.blocks.len()], Voters::Paragraphs);
        let main = choose(&page, &scores, &vec![false; page.blocks.len()]).expect("main content");
        // The menu's two items are blocks 0 and 1; #lead holds 2..5, #body 5..9.
        let ranges: Vec<_> = main
            .elements
            .iter()
            .map(|&e| page.elements[e].blocks.clone())
            .collect();
        assert_eq!(ranges, [2..5, 5..9]);
    }

    #[test]
    fn lead_set_with_the_headline_joins_the_body() {
        let prose = "The council met on Tuesday, and after a long debate, it voted to keep the library open, funding it from the parks budget.";
        let lead = "After months of protest the town library stays open: the parks budget pays for its staff and books, the council decided";
        let appeal = "Sign up to our weekly letter and get every decision of the town council in your inbox each Friday morning, free of charge.";
        for standfirst in [
            format!("<p class=standfirst>{lead}.</p>"),
            format!("<h2 class=dek>{lead}</h2>"),
        ] {
            let html = format!(
                "<body><div id=page><header><h1>Council keeps the library</h1>{standfirst}\
                 <p>By Ann Example, 3 May 2024</p><p><a href=/all>Read every decision the town council took this week, and all the earlier ones, on our page of council news</a></p>\
                 <p class=letter>{appeal}</p></header>\
                 <div id=body><p>{prose}</p><p>{prose}</p><p>{prose}</p><p>{prose}</p></div></div></body>"
            );
            let page = parse(&Html::parse_document(&html));
            let excluded = vec![false; page.blocks.len()];
            let scores = scores(&page, &excluded, Voters::Paragraphs);
            let mut main = choose(&page, &scores, &excluded).expect("main content");
            let block = |start: &str| {
                page.blocks
                    .iter()
                    .position(|b| b.text.starts_with(start))
                    .expect(start)
            };
            assert!(!main.contains_block(&page, block("After months")));
            // What the boilerplate rules would say of the appeal's box.
            let mut reasons = vec![None; page.elements.len()];
            reasons[page.blocks[block("Sign up")].owner] = Some(Reason::CallToAction);
            add_lead(&page, &mut main, block("Council keeps"), &reasons);
            assert!(
                main.contains_block(&page, block("After months")),
                "{standfirst}"
            );
            assert!(
                !main.contains_block(&page, block("By Ann")),
                "a byline is short"
            );
            assert!(!main.contains_block(&page, block("Read every")), "a link");
            assert!(!main.contains_block(&page, block("Sign up")), "boilerplate");
            assert!(
                !main.contains_block(&page, block("Council keeps")),
                "the title"
            );
        }
    }

    #[test]
    fn no_prose_no_main_content() {
        let page = parse(&Html::parse_document(
            "<body><a href=/>Home</a> <a href=/b>About</a></body>",
        ));
        let scores = scores(&page, &vec![false; page.blocks.len()], Voters::Paragraphs);
        assert_eq!(
            choose(&page, &scores, &vec![false; page.blocks.len()]),
            None
        );
    }
}
