//! HTML main-content extraction: from a whole web page to the article's
//! title, headings and paragraphs, with every other piece of text recorded
//! in `removed` with the reason it was dropped.
//!
//! Stages, each testable on its own:
//! [`depth::flatten`] (nesting capped before parsing) → [`tree::parse`] (page → blocks and elements) →
//! [`patterns`] + [`classify::element_reasons`] (prune boilerplate subtrees) →
//! [`candidate`] (score elements, choose the main content) →
//! [`classify::decide`] (keep or drop each block) → [`assemble`] (the [`Document`]).

mod assemble;
mod candidate;
mod charset;
mod classify;
mod depth;
mod patterns;
mod tree;

use scraper::Html;

pub(crate) use charset::declared_encoding;

use crate::{metadata, CleanError, CleanOptions, Document};

/// Parses a page as a browser with scripting off does: the content of a
/// `<noscript>` is markup, not text.
fn parse_without_scripts(input: &str) -> Html {
    use html5ever::driver::{parse_document, ParseOpts};
    use html5ever::tendril::TendrilSink;
    use html5ever::tree_builder::TreeBuilderOpts;
    let options = ParseOpts {
        tree_builder: TreeBuilderOpts {
            scripting_enabled: false,
            ..TreeBuilderOpts::default()
        },
        ..ParseOpts::default()
    };
    parse_document(scraper::HtmlTreeSink::new(Html::new_document()), options).one(input)
}

/// Extracts the article from an HTML page.
///
/// Never fails on odd HTML (html5ever repairs anything); a page with no
/// article text gives an empty [`Document`] with a warning saying why.
pub(crate) fn extract(input: &str, _options: &CleanOptions) -> Result<Document, CleanError> {
    let (input, flattened) = depth::flatten(input);
    let html = Html::parse_document(&input);
    let metadata = metadata::extract(&html);
    let mut page = tree::parse(&html);
    drop(html);

    let (mut rules, mut choice) = Choice::best(&page, &metadata);
    if !choice.keeps_sentence(&page) && input.to_ascii_lowercase().contains("<noscript") {
        // A page that shows its article with a script and has none without
        // one may carry it for readers without scripts; read the page as
        // their browser does.
        let fallback = tree::parse(&parse_without_scripts(&input));
        let (fallback_rules, fallback_choice) = Choice::best(&fallback, &metadata);
        if fallback_choice.keeps_sentence(&fallback) {
            (page, rules, choice) = (fallback, fallback_rules, fallback_choice);
        }
    }
    drop(input);
    let month_first = metadata
        .language
        .as_deref()
        .is_some_and(metadata::writes_month_first);
    let mut document = assemble::document(
        &page,
        &choice.decisions,
        choice.title,
        &choice.lead,
        metadata,
        choice.found_main,
    );
    if rules == classify::Rules::MarkupOnly {
        document.warnings.push(
            "the page's only prose sits in boxes named like boilerplate (comments, captions, sidebars): they were kept".to_string(),
        );
    }
    if flattened > 0 {
        document.warnings.push(format!(
            "the page nests elements deeper than {} levels: {flattened} tags below that depth were ignored (their text is kept)",
            depth::MAX_DEPTH
        ));
    }
    Ok(crate::furniture::fill_metadata(document, month_first))
}

/// The main content chosen under one set of rules, and what it decides.
struct Choice {
    found_main: bool,
    title: Option<usize>,
    /// The blocks of the lead set apart from the body.
    lead: Vec<usize>,
    decisions: Vec<classify::Decision>,
}

impl Choice {
    /// The choice under all rules, or, when that keeps no sentence, the
    /// one without class and id hints if it does better.
    fn best(page: &tree::Page, metadata: &crate::Metadata) -> (classify::Rules, Self) {
        let choice = Choice::make(page, metadata, classify::Rules::All);
        if choice.keeps_sentence(page) {
            return (classify::Rules::All, choice);
        }
        // As Readability does when it finds nothing: try again without the
        // class and id hints, which sites also put on their content. Nothing
        // means no sentence: a slideshow whose story is told in its captions
        // keeps only its labels ('1/5', 'Part 1') under the hints. Labels
        // found by the retry still beat an empty page.
        let retry = Choice::make(page, metadata, classify::Rules::MarkupOnly);
        if retry.keeps_sentence(page) || (!choice.keeps_text() && retry.keeps_text()) {
            (classify::Rules::MarkupOnly, retry)
        } else {
            (classify::Rules::All, choice)
        }
    }

    /// Scores the page under `rules`, chooses the main content and decides
    /// every block.
    fn make(page: &tree::Page, metadata: &crate::Metadata, rules: classify::Rules) -> Self {
        let before = classify::element_reasons(page, None, rules);
        let excluded: Vec<bool> = page
            .blocks
            .iter()
            .map(|b| before.get(b.owner).copied().flatten().is_some())
            .collect();
        let mut main = [candidate::Voters::Paragraphs, candidate::Voters::Sentences]
            .into_iter()
            .find_map(|voters| {
                let scores = candidate::scores(page, &excluded, voters);
                candidate::choose(page, &scores, &excluded)
            });
        let reasons = classify::element_reasons(page, main.as_ref(), rules);
        let title = assemble::title_block(page, main.as_ref(), &reasons, metadata);
        let lead = match (main.as_mut(), title) {
            (Some(main), Some(title)) => candidate::add_lead(page, main, title, &reasons),
            _ => Vec::new(),
        };
        let decisions = classify::decide(page, main.as_ref(), &reasons, title);
        Choice {
            found_main: main.is_some(),
            title,
            lead,
            decisions,
        }
    }

    /// Whether anything besides the title is kept.
    fn keeps_text(&self) -> bool {
        self.decisions
            .iter()
            .enumerate()
            .any(|(i, d)| *d == classify::Decision::Keep && Some(i) != self.title)
    }

    /// Whether a kept block besides the title and headings holds a whole
    /// sentence (one closed by a terminator): what shows an article body
    /// was found.
    fn keeps_sentence(&self, page: &tree::Page) -> bool {
        page.blocks
            .iter()
            .zip(&self.decisions)
            .enumerate()
            .any(|(i, (block, decision))| {
                *decision == classify::Decision::Keep
                    && Some(i) != self.title
                    && !matches!(block.kind, tree::BlockKind::Heading(_))
                    && crate::sentences::sentences(&block.text)
                        .into_iter()
                        .any(crate::sentences::ends_sentence)
            })
    }
}
