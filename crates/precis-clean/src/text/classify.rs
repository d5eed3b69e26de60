//! Stage 4, classify: decide for every block whether it is the title, a
//! heading, body text, or boilerplate to drop (and why).
//!
//! Three passes, each a function below:
//! 1. [`initial`]: each block on its own — cue phrases, photo credits,
//!    cross-article repeats, and its shape (length, function-word density,
//!    sentence punctuation), as in jusText: good, near-good, short or bad.
//! 2. [`resolve_by_context`]: short and near-good blocks take the class of
//!    their neighbours, so a short line inside the article stays and a short
//!    line inside a menu goes; an appeal swallows the paragraphs that
//!    continue it.
//! 3. [`structure`]: the title (the last title-shaped block before the
//!    article), in-body headings (short, unpunctuated, followed by body
//!    text), duplicates.

use std::collections::HashSet;

use super::blocks::Block;
use super::RepeatedLines;
use crate::cues;
use crate::{measure, sentences, stopwords, Reason};

/// What a block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Label {
    Title,
    Heading,
    Body,
    Drop(Reason),
}

/// A block's class while classifying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Article prose.
    Good,
    /// Prose-like, but too short or too sparse in function words to be sure.
    NearGood,
    /// Too short to tell on its own.
    Short,
    /// Boilerplate, for this reason.
    Bad(Reason),
}

/// Blocks shorter than this (in characters) cannot be judged on their own.
const SHORT_CHARS: usize = 70;
/// Blocks at least this long with dense function words are surely prose.
const LONG_CHARS: usize = 200;
/// Function-word density of prose: above `HIGH` surely, below `LOW` not.
const DENSITY_LOW: f32 = 0.20;
const DENSITY_HIGH: f32 = 0.25;
/// A short block this close (in characters) before good text may be its heading.
const HEADING_DISTANCE: usize = 200;

/// What the classifier needs to know about one block.
#[derive(Debug)]
struct Shape {
    /// Words, in any script (see [`measure`]).
    words: usize,
    /// Length in Latin-equivalent characters (see [`measure`]).
    chars: usize,
    /// Function-word density; for scripts the stopword lists do not cover,
    /// a stand-in from the punctuation (see [`Shape::of`]).
    density: f32,
    /// Ends like a sentence, possibly before a closing quote.
    sentence_end: bool,
    /// Reads like a heading: starts with a capital, a digit or a letter of
    /// a script without case, no sentence end, no trailing comma or colon.
    heading_like: bool,
    /// The furniture a cue phrase says the block is.
    cue: Option<Reason>,
    credit: bool,
    lowercase: String,
}

impl Shape {
    fn of(text: &str) -> Shape {
        let lowercase = text.to_lowercase();
        let trimmed = text.trim_end_matches(['"', '\'', '”', '’', '»', ')', '」', '』', ' ']);
        let sentence_end = sentences::ends_sentence(text);
        let size = measure::size(text);
        let words = size.words;
        let first = text
            .trim_start_matches(['"', '\'', '“', '‘', '„', '«', '('])
            .chars()
            .next();
        let heading_like = !sentence_end
            && !trimmed.ends_with([
                ',', ';', ':', '-', '–', '—', '/', '|', '،', '؛', '，', '、', '：',
            ])
            && first.is_some_and(|c| c.is_uppercase() || c.is_numeric() || is_caseless_letter(c))
            && (1..=15).contains(&words);
        Shape {
            words,
            chars: size.chars,
            density: stopwords::density(text)
                .unwrap_or_else(|| punctuation_density(text, sentence_end, size.words)),
            sentence_end,
            heading_like,
            cue: cues::cue(text, &lowercase, words),
            credit: cues::has_credit(text),
            lowercase,
        }
    }

    /// A complete sentence: several words, sentence punctuation, not a
    /// list of names.
    fn sentence_like(&self) -> bool {
        self.sentence_end && self.words >= 5 && self.density >= DENSITY_LOW / 2.0
    }
}

/// Words of a clause. Thai, Lao, Khmer and Burmese put a space where a
/// clause or sentence ends, and often no punctuation: runs between spaces
/// this long on average are clauses of prose, shorter ones menu entries.
const CLAUSE_WORDS: usize = 5;

/// A stand-in for the function-word density where the stopword lists say
/// nothing (Chinese, Arabic, Thai…): sentence ends or clause-long runs
/// between spaces are prose; commas alone may be; without either the text
/// is a label, a menu or a list of names.
fn punctuation_density(text: &str, sentence_end: bool, words: usize) -> f32 {
    if sentence_end || words >= CLAUSE_WORDS * text.split_whitespace().count() {
        DENSITY_HIGH
    } else if text.contains([',', '，', '、', '،']) {
        DENSITY_LOW
    } else {
        0.0
    }
}

/// A letter of a script without capitals (Chinese, Arabic, Hebrew, Thai…):
/// any of them may start a heading.
fn is_caseless_letter(c: char) -> bool {
    c.is_alphabetic() && !c.is_lowercase() && !c.is_uppercase()
}

/// Labels every block (one label per block, same order).
pub(crate) fn classify(blocks: &[Block], repeated: &RepeatedLines) -> Vec<Label> {
    let shapes: Vec<Shape> = blocks.iter().map(|b| Shape::of(&b.text)).collect();
    let mut classes: Vec<Class> = blocks
        .iter()
        .zip(&shapes)
        .map(|(block, shape)| {
            if repeated.contains(&block.text) {
                Class::Bad(Reason::RepeatedAcrossArticles)
            } else {
                initial(shape)
            }
        })
        .collect();
    captions_before_credits(&shapes, &mut classes);
    // What is furniture on its own (not just by its neighbours) can never
    // be the title.
    let furniture: Vec<bool> = classes.iter().map(|c| matches!(c, Class::Bad(_))).collect();
    let prose: Vec<bool> = classes.iter().map(|&c| c == Class::Good).collect();
    promote_headings(&shapes, &mut classes);
    resolve_by_context(&shapes, &mut classes);
    structure(blocks, &shapes, &classes, &furniture, &prose)
}

/// Pass 1: the class of a block judged on its own.
fn initial(shape: &Shape) -> Class {
    if shape.credit && shape.words <= 60 {
        // "Caption. Name / AGENCY" or the credit alone.
        return Class::Bad(if shape.words <= 6 {
            Reason::PhotoCredit
        } else {
            Reason::PhotoCaption
        });
    }
    if let Some(reason) = shape.cue {
        return Class::Bad(reason);
    }
    if shape.chars < SHORT_CHARS {
        return if shape.sentence_like() {
            Class::NearGood
        } else {
            Class::Short
        };
    }
    if shape.density >= DENSITY_HIGH && shape.chars >= LONG_CHARS {
        Class::Good
    } else if shape.density >= DENSITY_LOW || shape.sentence_like() {
        Class::NearGood
    } else {
        Class::Bad(if shape.words <= 8 {
            Reason::Navigation
        } else {
            Reason::OutsideMainContent
        })
    }
}

/// A credit on its own line ("© Jane Doe", "Photo: AFP") follows the
/// caption it credits.
fn captions_before_credits(shapes: &[Shape], classes: &mut [Class]) {
    for i in 1..classes.len() {
        let caption_sized = shapes[i - 1].words <= 25 && !matches!(classes[i - 1], Class::Bad(_));
        if classes[i] == Class::Bad(Reason::PhotoCredit) && caption_sized {
            classes[i - 1] = Class::Bad(Reason::PhotoCaption);
        }
    }
}

/// Short heading-like blocks shortly before good text are treated as
/// near-good, so that the context pass keeps them (as jusText does for
/// `<h1>`–`<h6>`). A single word is more often the last menu entry
/// above the article than a heading, so headings need two words.
fn promote_headings(shapes: &[Shape], classes: &mut [Class]) {
    for i in 0..classes.len() {
        if classes[i] != Class::Short || !shapes[i].heading_like || shapes[i].words < 2 {
            continue;
        }
        let mut distance = 0;
        for (shape, class) in shapes.iter().zip(classes.iter()).skip(i + 1) {
            if *class == Class::Good {
                classes[i] = Class::NearGood;
                break;
            }
            distance += shape.chars;
            if distance > HEADING_DISTANCE || matches!(class, Class::Bad(_)) {
                break;
            }
        }
    }
}

/// Furniture that sits inside articles (captions, credits, bylines, ad
/// labels): it says nothing about whether its neighbours are article text.
fn is_inline_furniture(class: Class) -> bool {
    matches!(
        class,
        Class::Bad(
            Reason::PhotoCaption
                | Reason::PhotoCredit
                | Reason::Byline
                | Reason::Dateline
                | Reason::SectionLabel
                | Reason::Sponsor
                | Reason::Advertisement
        )
    )
}

/// For every block, the classes of the nearest blocks before and after it
/// that are neither short, inline furniture, nor (when `skip_near_good`)
/// near-good; the document's edges count as bad. One pass each way, so
/// long runs of short lines stay linear.
struct Neighbours {
    previous: Vec<Class>,
    next: Vec<Class>,
}

impl Neighbours {
    fn of(classes: &[Class], skip_near_good: bool) -> Neighbours {
        let edge = Class::Bad(Reason::Navigation);
        let counts = |c: Class| {
            c != Class::Short
                && !is_inline_furniture(c)
                && !(skip_near_good && c == Class::NearGood)
        };
        let scan = |order: &mut dyn Iterator<Item = &Class>| {
            let mut last = edge;
            order
                .map(|&c| {
                    let before = last;
                    if counts(c) {
                        last = c;
                    }
                    before
                })
                .collect::<Vec<Class>>()
        };
        let previous = scan(&mut classes.iter());
        let mut next = scan(&mut classes.iter().rev());
        next.reverse();
        Neighbours { previous, next }
    }
}

/// Pass 2: short and near-good blocks take the class of their context;
/// appeals swallow the paragraphs that continue them.
fn resolve_by_context(shapes: &[Shape], classes: &mut [Class]) {
    let is_good = |c: Class| c == Class::Good;
    let context_reason = |shape: &Shape| {
        if shape.words <= 8 {
            Reason::Navigation
        } else {
            Reason::OutsideMainContent
        }
    };
    let far = Neighbours::of(classes, true);
    let near = Neighbours::of(classes, false);
    for (i, shape) in shapes.iter().enumerate() {
        if classes[i] != Class::Short {
            continue;
        }
        let keep = match (is_good(far.previous[i]), is_good(far.next[i])) {
            (true, true) => true,
            (false, false) => false,
            _ => near.previous[i] == Class::NearGood || near.next[i] == Class::NearGood,
        };
        classes[i] = if keep {
            Class::NearGood
        } else {
            Class::Bad(context_reason(shape))
        };
    }
    let far = Neighbours::of(classes, true);
    let any_good = classes.iter().any(|&c| is_good(c));
    for (i, shape) in shapes.iter().enumerate() {
        if classes[i] != Class::NearGood {
            continue;
        }
        // Without any good block (a short note, a one-paragraph article),
        // near-good is the best there is.
        let keep = !any_good || is_good(far.previous[i]) || is_good(far.next[i]);
        classes[i] = if keep {
            Class::Good
        } else {
            Class::Bad(context_reason(shape))
        };
    }
    // A multi-paragraph appeal goes as a whole: what follows its opener
    // and speaks of support, journalism, readers… belongs to it.
    for i in 1..classes.len() {
        if classes[i - 1] == Class::Bad(Reason::DonationAppeal)
            && cues::is_appeal_like(&shapes[i].lowercase)
        {
            classes[i] = Class::Bad(Reason::DonationAppeal);
        }
    }
    swallow_sections(shapes, classes);
}

/// A paragraph of at least this many characters after a related-links or
/// comments section means the article goes on.
const SECTION_END_CHARS: usize = 100;

/// A section label ("Related articles", "3 Comments", "Lesen Sie auch:")
/// takes the short blocks that follow with it — teaser titles, commenter
/// names — up to the next real paragraph.
fn swallow_sections(shapes: &[Shape], classes: &mut [Class]) {
    let mut section: Option<Reason> = None;
    for (shape, class) in shapes.iter().zip(classes.iter_mut()) {
        match *class {
            Class::Bad(reason @ (Reason::RelatedLinks | Reason::Comments)) if shape.words <= 8 => {
                section = Some(reason);
            }
            Class::Bad(_) => {}
            Class::Good if shape.chars >= SECTION_END_CHARS => section = None,
            _ => {
                if let Some(reason) = section {
                    *class = Class::Bad(reason);
                }
            }
        }
    }
}

/// Pass 3: title, headings, body and duplicates from the final classes.
fn structure(
    blocks: &[Block],
    shapes: &[Shape],
    classes: &[Class],
    furniture: &[bool],
    prose: &[bool],
) -> Vec<Label> {
    let mut labels: Vec<Label> = classes
        .iter()
        .map(|class| match class {
            Class::Bad(reason) => Label::Drop(*reason),
            _ => Label::Body,
        })
        .collect();
    // The title: the last title-shaped block before the article's start,
    // looking past captions, bylines and short furniture. The article
    // starts at its first block of sure prose (a one-line notice above the
    // page's menu is a sentence too), else at its first sentence followed
    // by more body, else at its first sentence.
    let body_sentence = |i: usize| labels[i] == Label::Body && shapes[i].sentence_like();
    let first_sentence = (0..labels.len())
        .find(|&i| labels[i] == Label::Body && prose[i])
        .or_else(|| {
            // An article's paragraphs come in a run; a notice stands alone
            // between buttons and menus.
            (0..labels.len()).find(|&i| body_sentence(i) && labels.get(i + 1) == Some(&Label::Body))
        })
        .or_else(|| (0..labels.len()).find(|&i| body_sentence(i)));
    if let Some(first_sentence) = first_sentence {
        let title = (0..=first_sentence)
            .rev()
            .take(8)
            .find(|&i| shapes[i].heading_like && shapes[i].words >= 2 && !furniture[i]);
        if let Some(title) = title {
            labels[title] = Label::Title;
        }
    }
    // Above the title, a heading-like block is a kicker or a site banner,
    // not a section heading: the reader would see it after the title, and
    // a second cleaning would then take it for the title.
    // A block above the title that stands alone between furniture (a
    // notice above the page's menu) is the page's header too: an
    // article's paragraphs come in a run.
    let title = labels.iter().position(|l| *l == Label::Title);
    for i in (0..title.unwrap_or(0)).rev() {
        let furniture_at = |j: usize| {
            matches!(labels[j], Label::Drop(_))
                || (labels[j] == Label::Body && shapes[j].heading_like)
        };
        let alone = furniture_at(i + 1) && (i == 0 || furniture_at(i - 1));
        if labels[i] == Label::Body && (shapes[i].heading_like || (alone && !prose[i])) {
            labels[i] = Label::Drop(Reason::Banner);
        }
    }
    // Headings: kept heading-like blocks followed by kept body text.
    for i in title.map_or(0, |t| t + 1)..labels.len() {
        if labels[i] != Label::Body || !shapes[i].heading_like {
            continue;
        }
        let next_kept = labels
            .iter()
            .skip(i + 1)
            .position(|l| matches!(l, Label::Body | Label::Heading))
            .map(|offset| i + 1 + offset);
        if next_kept.is_some_and(|j| labels[j] == Label::Body && !shapes[j].heading_like) {
            labels[i] = Label::Heading;
        }
    }
    // Banners: furniture before the title.
    if let Some(title) = title {
        for label in labels.iter_mut().take(title) {
            if matches!(
                label,
                Label::Drop(Reason::DonationAppeal | Reason::CallToAction)
            ) {
                *label = Label::Drop(Reason::Banner);
            }
        }
    }
    let mut seen = HashSet::new();
    for (block, label) in blocks.iter().zip(labels.iter_mut()) {
        if !matches!(label, Label::Drop(_)) && !seen.insert(block.text.as_str()) {
            *label = Label::Drop(Reason::Duplicate);
        }
    }
    labels
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::blocks::segment;

    /// Long enough (over 200 characters) and dense enough to be surely prose.
    const PROSE: &str = "The ferry crossed the river on Monday morning, and it was the first crossing in a year for the people of both villages, who had waited for it since the spring and had collected the money for its repair themselves.";

    fn labels(input: &str) -> Vec<(String, Label)> {
        let blocks = segment(input);
        let labels = classify(&blocks, &RepeatedLines::default());
        blocks.into_iter().map(|b| b.text).zip(labels).collect()
    }

    fn label_of(labelled: &[(String, Label)], text: &str) -> Option<Label> {
        labelled.iter().find(|(t, _)| t == text).map(|(_, l)| *l)
    }

    #[test]
    fn initial_classes_by_shape() {
        assert_eq!(initial(&Shape::of(PROSE)), Class::Good);
        assert_eq!(initial(&Shape::of("Weather")), Class::Short);
        assert_eq!(initial(&Shape::of("It rained all day.")), Class::Short);
        assert_eq!(
            initial(&Shape::of("The ferry left at seven and came back at noon.")),
            Class::NearGood
        );
        assert_eq!(
            initial(&Shape::of("Read more")),
            Class::Bad(Reason::CallToAction)
        );
        assert_eq!(
            initial(&Shape::of("Smoke over the river. Jane Doe / AFP")),
            Class::Bad(Reason::PhotoCaption)
        );
    }

    #[test]
    fn short_lines_follow_their_context() {
        let input =
            format!("Home\nNews\nSport\n{PROSE}\nIt worked.\n{PROSE} Again.\nContact\nJobs");
        let labelled = labels(&input);
        assert_eq!(
            label_of(&labelled, "News"),
            Some(Label::Drop(Reason::Navigation))
        );
        assert_eq!(label_of(&labelled, "It worked."), Some(Label::Body));
        assert_eq!(
            label_of(&labelled, "Jobs"),
            Some(Label::Drop(Reason::Footer))
        );
    }

    #[test]
    fn title_and_headings() {
        let input = format!(
            "Menu\n\nFerry Back on the River\n\n{PROSE}\n\nA Village Effort\n\n{PROSE} More."
        );
        let labelled = labels(&input);
        assert_eq!(
            label_of(&labelled, "Ferry Back on the River"),
            Some(Label::Title)
        );
        assert_eq!(
            label_of(&labelled, "A Village Effort"),
            Some(Label::Heading)
        );
    }

    #[test]
    fn a_kicker_above_the_title_is_not_a_heading() {
        // Found by the idempotence property: kept as a heading, the kicker
        // was printed after the title and became the title on a re-clean.
        let input = format!("World News Today\n\nFerry Back on the River\n\n{PROSE}");
        let labelled = labels(&input);
        assert_eq!(
            label_of(&labelled, "World News Today"),
            Some(Label::Drop(Reason::Banner))
        );
        assert_eq!(
            label_of(&labelled, "Ferry Back on the River"),
            Some(Label::Title)
        );
    }

    #[test]
    fn appeals_go_as_a_whole() {
        let input = format!("Title Of The Story\n\n{PROSE}\n\nWe have a small favor to ask.\n\nOur newsroom depends on readers like you to keep reporting independent.\n\nEvery contribution keeps our journalism free for all.");
        let labelled = labels(&input);
        let appeal = labelled
            .iter()
            .filter(|(_, l)| *l == Label::Drop(Reason::DonationAppeal))
            .count();
        assert_eq!(appeal, 3, "{labelled:#?}");
    }

    #[test]
    fn related_sections_take_their_teasers() {
        let input = format!("{PROSE}\n{PROSE} Again.\nRelated articles\nSchool reopens after repairs\nHarvest was the best in years\n{PROSE} Three.");
        let labelled = labels(&input);
        assert_eq!(
            label_of(&labelled, "School reopens after repairs"),
            Some(Label::Drop(Reason::RelatedLinks))
        );
        assert_eq!(
            label_of(&labelled, &format!("{PROSE} Three.")),
            Some(Label::Body)
        );
    }
}
