//! Stage 3, score: find the element that holds the article's text.
//!
//! Paragraph-like blocks vote for the elements around them, weighted by
//! length and commas (prose has commas; menus don't), as Readability does;
//! a candidate's score is discounted by its link density and nudged by what
//! its class/id words say. Siblings of the winner that look like more of the
//! same text (a lead paragraph in its own `div`, a second body part) join it.

use std::ops::Range;

use super::patterns;
use super::tree::{BlockKind, Page};

/// The main content: one or more sibling elements, as the block ranges they span.
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
    let Some(e) = page.elements.get(element) else { return 0.0 };
    if e.article_body {
        return 50.0;
    }
    let mut weight = 0.0;
    if patterns::is_content_name(&e.class_id) {
        weight += 25.0;
    } else if patterns::name_reason(&e.class_id).is_some() {
        weight -= 25.0;
    }
    if matches!(e.tag.as_str(), "article" | "main") || e.role == "main" {
        weight += 10.0;
    }
    weight
}

/// Scores every element; `excluded[b]` marks blocks that may not vote.
pub(super) fn scores(page: &Page, excluded: &[bool]) -> Vec<f32> {
    let mut scores = vec![0.0f32; page.elements.len()];
    let mut initialized = vec![false; page.elements.len()];
    for (index, block) in page.blocks.iter().enumerate() {
        if excluded.get(index).copied().unwrap_or(true)
            || block.chars < MIN_PROSE_CHARS
            || matches!(block.kind, BlockKind::Heading(_) | BlockKind::Caption)
        {
            continue;
        }
        let commas = block.text.matches([',', '،', '、', '，']).count() as f32;
        let vote = 1.0 + commas + (block.chars as f32 / 100.0).floor().min(3.0);
        let mut ancestor = page.elements.get(block.owner).and_then(|e| e.parent);
        for level in 0..5 {
            let Some(element) = ancestor else { break };
            if !initialized[element] {
                initialized[element] = true;
                scores[element] = page.elements.get(element).map_or(0.0, |e| tag_weight(&e.tag))
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
pub(super) fn choose(page: &Page, scores: &[f32]) -> Option<MainContent> {
    let (top, &top_score) = scores
        .iter()
        .enumerate()
        .filter(|(_, s)| **s > 0.0)
        .max_by(|a, b| a.1.total_cmp(b.1))?;
    let Some(parent) = page.elements.get(top).and_then(|e| e.parent) else {
        return Some(MainContent { elements: vec![top] });
    };
    let threshold = (top_score * 0.2).max(10.0);
    let mut elements = Vec::new();
    for (index, element) in page.elements.iter().enumerate().skip(parent + 1) {
        if element.parent != Some(parent) {
            continue;
        }
        if index == top || scores.get(index).is_some_and(|&s| s >= threshold) || is_prose(page, index) {
            elements.push(index);
        }
    }
    Some(MainContent { elements })
}

/// A sibling paragraph that reads like body text.
fn is_prose(page: &Page, element: usize) -> bool {
    let Some(e) = page.elements.get(element) else { return false };
    if e.tag != "p" {
        return false;
    }
    let (chars, links) = page.element_stats(element);
    let density = links as f32 / chars.max(1) as f32;
    (chars > 80 && density < 0.25)
        || (chars > 0 && links == 0 && page.blocks.get(e.blocks.clone()).is_some_and(|b| b.iter().any(|b| b.text.ends_with('.'))))
}

#[cfg(test)]
mod tests {
    use scraper::Html;

    use super::*;
    use crate::html::tree::parse;

    #[test]
    fn prose_beats_link_lists_and_joins_siblings() {
        let prose = "The council met on Tuesday, and after a long debate, it voted to keep the library open, funding it from the parks budget.";
        let html = format!(
            "<body><div id=menu><ul><li><a href=/>Home</a></li><li><a href=/a>A long link to another page of the site</a></li></ul></div>\
             <div id=wrap><div id=lead><p>{prose}</p></div><div id=body><p>{prose}</p><p>{prose}</p><p>{prose}</p></div></div></body>"
        );
        let page = parse(&Html::parse_document(&html));
        let scores = scores(&page, &vec![false; page.blocks.len()]);
        let main = choose(&page, &scores).expect("main content");
        let ids: Vec<&str> = main.elements.iter().map(|&e| page.elements[e].class_id.trim()).collect();
        assert_eq!(ids, ["lead", "body"]);
    }

    #[test]
    fn no_prose_no_main_content() {
        let page = parse(&Html::parse_document("<body><a href=/>Home</a> <a href=/b>About</a></body>"));
        let scores = scores(&page, &vec![false; page.blocks.len()]);
        assert_eq!(choose(&page, &scores), None);
    }
}
