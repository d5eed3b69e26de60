//! Stage 1, parse: the page as a flat list of text blocks in reading order,
//! each tied to the element that holds it, plus a light copy of the element
//! tree (tag, class/id, parent, the blocks it spans).
//!
//! Later stages decide per element and per block, so they never touch the
//! DOM again. The walk is iterative: a page nested 10,000 levels deep costs
//! memory, not stack.

use std::ops::Range;

use ego_tree::NodeRef;
use scraper::{Html, Node};

use super::patterns;
use crate::{measure, Reason};

/// One element of the page.
#[derive(Debug, Clone)]
pub(super) struct Element {
    /// Lower-case tag name.
    pub tag: String,
    /// Whether the `class` and `id` words say "this is the article text"
    /// ([`patterns::is_content_name`]; decided once, as the page is read,
    /// since the extraction asks about every element several times).
    pub content_name: bool,
    /// The boilerplate the `class` and `id` words name
    /// ([`patterns::name_reason`]).
    pub name_reason: Option<Reason>,
    /// The `role` attribute, lower-cased.
    pub role: String,
    /// `itemprop="articleBody"` (or any itemprop naming the article text).
    pub article_body: bool,
    /// Hidden from readers (`hidden`, `display:none`, `aria-hidden`).
    pub hidden: bool,
    pub parent: Option<usize>,
    pub depth: usize,
    /// The blocks whose text lies inside this element.
    pub blocks: Range<usize>,
}

/// What kind of element a block's text sits in, which decides how it is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BlockKind {
    Paragraph,
    Heading(u8),
    ListItem,
    Quote,
    Preformatted,
    /// A table cell; cells of one row are joined into one paragraph.
    Cell {
        row: Option<usize>,
    },
    Caption,
    /// Text directly inside a `div`, `section`, … with no paragraph around it.
    Loose,
}

/// A run of text between two block-level boundaries.
#[derive(Debug, Clone)]
pub(super) struct Block {
    /// The text with HTML whitespace collapsed (not yet normalized).
    pub text: String,
    /// The innermost block-level element holding the text.
    pub owner: usize,
    pub kind: BlockKind,
    /// Length of the text without spaces, in Latin-equivalent characters
    /// (see [`measure`]): what length thresholds compare.
    pub chars: usize,
    /// The same for the text inside links.
    pub link_chars: usize,
    /// Number of links that contributed text.
    pub links: usize,
}

impl Block {
    pub fn link_density(&self) -> f32 {
        self.link_chars as f32 / self.chars.max(1) as f32
    }
}

/// The parsed page.
#[derive(Debug, Default)]
pub(super) struct Page {
    /// Elements in document order: a parent always comes before its children.
    pub elements: Vec<Element>,
    pub blocks: Vec<Block>,
    /// Scripts, styles and other code that carries no reader-visible text:
    /// how many elements and how many characters they held.
    pub code_elements: usize,
    pub code_chars: usize,
    /// Inline elements that are not part of the running text (hidden, a
    /// tooltip shown on hover, a ruby reading): how many and how many
    /// characters.
    pub hidden_inline_elements: usize,
    pub hidden_inline_chars: usize,
    /// Running totals of `chars` and `link_chars` over the blocks (one more
    /// entry than blocks), so any element's totals cost two look-ups.
    prefix: Vec<(usize, usize)>,
}

/// Elements whose content is never text for a reader.
fn is_code(tag: &str) -> bool {
    matches!(
        tag,
        "script"
            | "style"
            | "template"
            | "head"
            | "svg"
            | "math"
            | "iframe"
            | "object"
            | "embed"
            | "canvas"
            | "video"
            | "audio"
    )
}

/// A code element, or a `<noscript>` holding no elements: parsed with
/// scripting on, its markup is one text node; parsed with it off, one text
/// alone is the "turn on JavaScript" notice. One holding elements is the
/// page for readers without scripts.
fn is_code_node(node: NodeRef<'_, Node>) -> bool {
    node.value().as_element().is_some_and(|element| {
        is_code(element.name())
            || (element.name().eq_ignore_ascii_case("noscript")
                && !node.children().any(|child| child.value().is_element()))
    })
}

/// Elements that start and end a block of text.
fn is_block(tag: &str) -> bool {
    matches!(
        tag,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "body"
            | "caption"
            | "center"
            | "dd"
            | "details"
            | "dialog"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "html"
            | "legend"
            | "li"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "option"
            | "p"
            | "pre"
            | "section"
            | "select"
            | "summary"
            | "table"
            | "tbody"
            | "td"
            | "textarea"
            | "tfoot"
            | "th"
            | "thead"
            | "tr"
            | "ul"
    )
}

fn block_kind(tag: &str, row: Option<usize>) -> BlockKind {
    match tag {
        "p" => BlockKind::Paragraph,
        "h1" => BlockKind::Heading(1),
        "h2" => BlockKind::Heading(2),
        "h3" => BlockKind::Heading(3),
        "h4" => BlockKind::Heading(4),
        "h5" => BlockKind::Heading(5),
        "h6" => BlockKind::Heading(6),
        "li" | "dd" | "dt" => BlockKind::ListItem,
        "blockquote" => BlockKind::Quote,
        "pre" => BlockKind::Preformatted,
        "td" | "th" => BlockKind::Cell { row },
        "figcaption" | "caption" => BlockKind::Caption,
        _ => BlockKind::Loose,
    }
}

fn is_hidden(element: &scraper::node::Element) -> bool {
    if element.attr("hidden").is_some() || element.attr("aria-hidden") == Some("true") {
        return true;
    }
    element.attr("style").is_some_and(|style| {
        let style: String = style.chars().filter(|c| !c.is_whitespace()).collect();
        let style = style.to_ascii_lowercase();
        style.contains("display:none") || style.contains("visibility:hidden")
    })
}

/// One of a set of sibling panels shown one at a time (the pages of a
/// slideshow, tabs, the steps of a guide): a hidden element beside a
/// visible one of the same tag and class. The hidden panels are as much
/// the content as the one on show.
fn is_panel(node: NodeRef<'_, Node>) -> bool {
    let Some(element) = node.value().as_element() else {
        return false;
    };
    let class = element
        .attr("class")
        .and_then(|c| c.split_whitespace().next());
    class.is_some()
        && node
            .parent()
            .into_iter()
            .flat_map(|parent| parent.children())
            .filter_map(|sibling| sibling.value().as_element())
            // Bounded: a list of thousands of hidden items costs no more.
            .take(MAX_PANEL_SIBLINGS)
            .any(|sibling| {
                sibling.name() == element.name()
                    && sibling
                        .attr("class")
                        .and_then(|c| c.split_whitespace().next())
                        == class
                    && !is_hidden(sibling)
            })
}

/// How many siblings are looked at for a visible panel.
const MAX_PANEL_SIBLINGS: usize = 64;

/// The reading set above a ruby base (`<rt>`, and the `<rp>` brackets for
/// browsers without ruby): furigana restate how the base text is said, and
/// inline they would break every word in two ("子こども").
fn is_ruby_reading(tag: &str) -> bool {
    matches!(tag, "rt" | "rp")
}

/// An inline box shown when the pointer rests on a link (a person's card
/// with their latest headlines, a definition): its text sits inside the
/// sentence in the markup but is not part of it. The box is the innermost
/// element so named other than a link: the elements around it, and the
/// link beside it, are what the reader sees.
fn is_hover_card(node: NodeRef<'_, Node>) -> bool {
    let named = |n: NodeRef<'_, Node>| {
        n.value()
            .as_element()
            .filter(|e| !e.name().eq_ignore_ascii_case("a") && !is_tip_trigger(e))
            .and_then(|e| e.attr("class"))
            .is_some_and(|class| {
                let class = class.to_ascii_lowercase();
                ["tooltip", "popover", "hovercard", "hover-card", "rollover"]
                    .iter()
                    .any(|word| class.contains(word))
            })
    };
    named(node) && !node.descendants().skip(1).any(named)
}

/// The word the reader sees and points at, whose tip the page shows from
/// an attribute (`<abbr class=has-tooltip title=…>EU</abbr>`, Bootstrap's
/// `data-toggle=tooltip`) or a class saying it has one (`has-tooltip`,
/// `tooltip-trigger`): it is part of the sentence, not the tip.
fn is_tip_trigger(element: &scraper::node::Element) -> bool {
    element.name().eq_ignore_ascii_case("abbr")
        || element.attrs().any(|(name, _)| {
            name == "title"
                || name == "aria-describedby"
                || (name.starts_with("data-")
                    && ["toggle", "tip", "title", "content"]
                        .iter()
                        .any(|word| name.contains(word)))
        })
        || element.attr("class").is_some_and(|class| {
            class.split_ascii_whitespace().any(|token| {
                let token = token.to_ascii_lowercase();
                token.starts_with("has-")
                    || token.ends_with("-trigger")
                    || token.ends_with("-toggle")
            })
        })
}

/// Builds the blocks while the tree is walked.
struct Builder {
    page: Page,
    /// Open elements, innermost last.
    open: Vec<usize>,
    /// Open block-level elements, innermost last.
    open_blocks: Vec<usize>,
    /// Open `tr` elements, innermost last.
    open_rows: Vec<usize>,
    text: String,
    chars: usize,
    link_chars: usize,
    links: usize,
    /// How many `<a>` are open around the current text.
    in_link: usize,
    /// Whether the current link already contributed text (counted once).
    link_counted: bool,
    /// The last thing seen was a `<br>`: a second one ends the block.
    after_br: bool,
}

impl Builder {
    fn flush(&mut self) {
        self.after_br = false;
        if self.chars == 0 {
            self.text.clear();
            self.link_chars = 0;
            self.links = 0;
            return;
        }
        let owner = self.open_blocks.last().copied().unwrap_or(0);
        let tag = self.page.elements.get(owner).map_or("", |e| e.tag.as_str());
        let kind = block_kind(tag, self.open_rows.last().copied());
        let text = std::mem::take(&mut self.text);
        self.page.blocks.push(Block {
            text: text.trim_end().to_owned(),
            owner,
            kind,
            chars: self.chars,
            link_chars: self.link_chars,
            links: self.links,
        });
        self.chars = 0;
        self.link_chars = 0;
        self.links = 0;
    }

    fn push_text(&mut self, text: &str) {
        for c in text.chars() {
            if c.is_whitespace() {
                if !self.text.is_empty() && !self.text.ends_with(' ') {
                    self.text.push(' ');
                }
            } else {
                self.text.push(c);
                let width = measure::char_width(c);
                self.chars += width;
                self.after_br = false;
                if self.in_link > 0 {
                    self.link_chars += width;
                    if !self.link_counted {
                        self.link_counted = true;
                        self.links += 1;
                    }
                }
            }
        }
    }

    fn open(&mut self, element: &scraper::node::Element, hidden: bool) {
        let tag = element.name().to_ascii_lowercase();
        if tag == "br" {
            if self.after_br {
                self.flush();
            } else {
                self.push_text(" ");
                self.after_br = true;
            }
            return;
        }
        let block = is_block(&tag);
        if block {
            self.flush();
        }
        let mut class_id = element.attr("class").unwrap_or_default().to_lowercase();
        if let Some(id) = element.attr("id") {
            class_id.push(' ');
            class_id.push_str(&id.to_lowercase());
        }
        let parent = self.open.last().copied();
        let index = self.page.elements.len();
        let start = self.page.blocks.len();
        self.page.elements.push(Element {
            role: element
                .attr("role")
                .unwrap_or_default()
                .to_ascii_lowercase(),
            article_body: element.attr("itemprop").is_some_and(|p| {
                p.eq_ignore_ascii_case("articleBody") || p.eq_ignore_ascii_case("text")
            }),
            hidden,
            parent,
            depth: self.open.len(),
            blocks: start..start,
            content_name: patterns::is_content_name(&class_id),
            name_reason: patterns::name_reason(&class_id),
            tag,
        });
        self.open.push(index);
        let tag = self.page.elements[index].tag.as_str();
        if block {
            self.open_blocks.push(index);
        }
        if tag == "tr" {
            self.open_rows.push(index);
        }
        if tag == "a" {
            self.in_link += 1;
            self.link_counted = false;
        }
    }

    fn close(&mut self) {
        let Some(index) = self.open.pop() else { return };
        let Some(element) = self.page.elements.get(index) else {
            return;
        };
        let block = is_block(&element.tag);
        let tag = element.tag.clone();
        if block {
            self.flush();
            self.open_blocks.pop();
        } else if tag == "a" {
            self.in_link = self.in_link.saturating_sub(1);
            self.link_counted = false;
        }
        if tag == "tr" {
            self.open_rows.pop();
        }
        // Inline elements close before their block does; the block's text
        // is flushed later, so count it as theirs too.
        let end = self.page.blocks.len() + usize::from(!block && self.chars > 0);
        if let Some(element) = self.page.elements.get_mut(index) {
            element.blocks.end = end;
        }
    }
}

/// Parses `html` into a [`Page`].
pub(super) fn parse(html: &Html) -> Page {
    let mut builder = Builder {
        page: Page::default(),
        open: Vec::new(),
        open_blocks: Vec::new(),
        open_rows: Vec::new(),
        text: String::new(),
        chars: 0,
        link_chars: 0,
        links: 0,
        in_link: 0,
        link_counted: false,
        after_br: false,
    };
    walk(html.tree.root(), &mut builder);
    builder.flush();
    let end = builder.page.blocks.len();
    // Elements still open at the end (none for a parsed document, but a
    // block flushed last belongs to every element around it).
    for index in builder.open.drain(..) {
        if let Some(element) = builder.page.elements.get_mut(index) {
            element.blocks.end = end;
        }
    }
    let mut total = (0, 0);
    builder.page.prefix = std::iter::once(total)
        .chain(builder.page.blocks.iter().map(|b| {
            total = (total.0 + b.chars, total.1 + b.link_chars);
            total
        }))
        .collect();
    builder.page
}

/// Depth-first walk without recursion.
fn walk(root: NodeRef<'_, Node>, builder: &mut Builder) {
    let mut node = root;
    loop {
        let mut descend = false;
        match node.value() {
            Node::Text(text) => builder.push_text(text),
            Node::Element(element) => {
                let tag = element.name().to_ascii_lowercase();
                if tag == "head" {
                    // Its title and meta tags are read as metadata; only
                    // its scripts and styles are dropped.
                    for code in node.descendants().skip(1).filter(|&n| is_code_node(n)) {
                        builder.page.code_elements += 1;
                        builder.page.code_chars += code_chars(code);
                    }
                } else if is_code_node(node) {
                    builder.page.code_elements += 1;
                    builder.page.code_chars += code_chars(node);
                } else if !is_block(&tag)
                    && (is_hidden(element) || is_hover_card(node) || is_ruby_reading(&tag))
                {
                    builder.page.hidden_inline_elements += 1;
                    builder.page.hidden_inline_chars += code_chars(node);
                } else if element.name().eq_ignore_ascii_case("br") {
                    builder.open(element, false);
                } else {
                    builder.open(element, is_hidden(element) && !is_panel(node));
                    descend = true;
                }
            }
            Node::Document | Node::Fragment => descend = true,
            _ => {}
        }
        if descend {
            if let Some(child) = node.first_child() {
                node = child;
                continue;
            }
            if node.value().is_element() {
                builder.close();
            }
        }
        // Climb until a node has a next sibling, closing elements on the way.
        loop {
            if node.id() == root.id() {
                return;
            }
            if let Some(sibling) = node.next_sibling() {
                node = sibling;
                break;
            }
            let Some(parent) = node.parent() else { return };
            node = parent;
            if node.value().is_element() {
                builder.close();
            }
        }
    }
}

/// Characters of text inside a code element (scripts are a single text node).
fn code_chars(node: NodeRef<'_, Node>) -> usize {
    node.descendants()
        .filter_map(|n| n.value().as_text())
        .map(|t| t.chars().count())
        .sum()
}

impl Page {
    /// Characters and link characters of the blocks in `range`.
    pub fn text_stats(&self, range: Range<usize>) -> (usize, usize) {
        let at = |i: usize| self.prefix.get(i).copied().unwrap_or_default();
        let (start, end) = (at(range.start), at(range.end));
        (end.0.saturating_sub(start.0), end.1.saturating_sub(start.1))
    }

    /// Characters and link characters inside `element`.
    pub fn element_stats(&self, element: usize) -> (usize, usize) {
        self.elements
            .get(element)
            .map_or((0, 0), |e| self.text_stats(e.blocks.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(html: &str) -> Page {
        parse(&Html::parse_document(html))
    }

    fn texts(page: &Page) -> Vec<&str> {
        page.blocks.iter().map(|b| b.text.as_str()).collect()
    }

    #[test]
    fn blocks_follow_block_elements() {
        let page = page(
            "<html><head><title>T</title><style>p{}</style></head><body>\
             <div>Loose <b>bold</b> text<p>A <a href=x>link</a> here.</p>tail</div>\
             <h2>Head</h2><ul><li>one</li><li>two</li></ul></body></html>",
        );
        assert_eq!(
            texts(&page),
            [
                "Loose bold text",
                "A link here.",
                "tail",
                "Head",
                "one",
                "two"
            ]
        );
        assert_eq!(page.blocks[1].kind, BlockKind::Paragraph);
        assert_eq!(page.blocks[1].link_chars, 4);
        assert_eq!(page.blocks[1].links, 1);
        assert_eq!(page.blocks[3].kind, BlockKind::Heading(2));
        assert_eq!(page.blocks[4].kind, BlockKind::ListItem);
        assert_eq!(page.code_elements, 1, "the style in the head");
    }

    #[test]
    fn element_ranges_cover_their_blocks() {
        let page = page("<body><div id=a><p>one</p><span>two</span></div><p>three</p></body>");
        let div = page
            .elements
            .iter()
            .position(|e| e.tag == "div")
            .expect("div");
        assert_eq!(page.elements[div].blocks, 0..2);
        let span = page
            .elements
            .iter()
            .position(|e| e.tag == "span")
            .expect("span");
        assert_eq!(page.elements[span].blocks, 1..2);
    }

    #[test]
    fn double_br_splits_single_br_joins() {
        let page = page("<body><div>line one<br>line two<br><br>next part</div></body>");
        assert_eq!(texts(&page), ["line one line two", "next part"]);
    }

    #[test]
    fn hidden_and_cells() {
        let page = page(
            "<body><div style='display: none'>secret</div>\
             <table><tr><td>a</td><td>b</td></tr></table></body>",
        );
        assert!(page.elements.iter().any(|e| e.hidden));
        let row = page.elements.iter().position(|e| e.tag == "tr");
        assert_eq!(page.blocks[1].kind, BlockKind::Cell { row });
        assert_eq!(page.blocks[2].kind, BlockKind::Cell { row });
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let depth = 10_000;
        let html = format!(
            "{}deep text{}",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        );
        let page = page(&html);
        assert_eq!(texts(&page), ["deep text"]);
    }
}
