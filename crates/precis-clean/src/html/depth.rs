//! Stage 0, bound the nesting: html5ever checks element scopes by walking
//! the stack of open elements, so parsing costs depth × tags — quadratic on
//! a page of thousands of nested `<div>`s (200,000 deep took minutes). A
//! linear scan over the tags drops start tags that would open an element
//! deeper than [`MAX_DEPTH`], with their end tags, before the parser sees
//! the page. Browsers cap depth the same way (Chromium's parser at 512).
//! Text is kept; only the structure below the cap is flattened.

use std::borrow::Cow;

/// Deepest element nesting the parser is given. Real pages nest a few
/// dozen elements deep; no article needs structure below this.
pub(crate) const MAX_DEPTH: usize = 512;

/// Elements that never have content or an end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Elements whose content is text up to their end tag, never tags.
const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
];

/// Elements a start tag of the same name closes (`<li>a<li>b`), so that
/// unclosed list items or paragraphs do not count as nesting.
const SELF_CLOSING_SIBLINGS: &[&str] = &[
    "p", "li", "dt", "dd", "option", "tr", "td", "th", "rb", "rt", "rp",
];

/// `html` with the tags below [`MAX_DEPTH`] removed (each replaced by a
/// space, so words on either side stay apart), and how many were removed.
/// The page comes back borrowed when nothing is that deep.
pub(crate) fn flatten(html: &str) -> (Cow<'_, str>, usize) {
    let bytes = html.as_bytes();
    let mut open: Vec<String> = Vec::new();
    // Start tags dropped and not yet closed, by name: their end tags are
    // the next ones of that name, since they were the innermost.
    let mut dropped_open: Vec<(String, usize)> = Vec::new();
    let mut removed: Vec<std::ops::Range<usize>> = Vec::new();
    let mut i = 0;
    while let Some(offset) = memchr(b'<', bytes.get(i..).unwrap_or_default()) {
        let start = i + offset;
        let rest = bytes.get(start + 1..).unwrap_or_default();
        if rest.starts_with(b"!--") {
            i = find(bytes, start + 4, b"-->").map_or(bytes.len(), |end| end + 3);
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_start = start + 1 + usize::from(closing);
        if !bytes.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            // `<!doctype>`, `<?xml>`, or a `<` in text.
            i = start + 1;
            continue;
        }
        let end = tag_end(bytes, name_start);
        let name_end = (name_start..end)
            .find(|&k| {
                bytes
                    .get(k)
                    .is_none_or(|b| b.is_ascii_whitespace() || *b == b'/' || *b == b'>')
            })
            .unwrap_or(end);
        let name = html
            .get(name_start..name_end)
            .unwrap_or_default()
            .to_ascii_lowercase();
        let tag = start..end;
        i = end;
        if closing {
            if let Some(entry) = dropped_open.iter_mut().find(|(n, _)| *n == name) {
                entry.1 -= 1;
                dropped_open.retain(|(_, count)| *count > 0);
                removed.push(tag);
            } else if let Some(at) = open.iter().rposition(|n| *n == name) {
                open.truncate(at);
            }
            continue;
        }
        let self_closed = bytes.get(end.saturating_sub(2)) == Some(&b'/');
        if VOID.contains(&name.as_str()) || self_closed {
            continue;
        }
        if RAW_TEXT.contains(&name.as_str()) {
            // Its text runs to its end tag; the element itself is a leaf.
            let close = format!("</{name}");
            i = find_ignore_case(bytes, end, close.as_bytes()).unwrap_or(bytes.len());
            continue;
        }
        if SELF_CLOSING_SIBLINGS.contains(&name.as_str()) && open.last() == Some(&name) {
            open.pop();
        }
        if open.len() >= MAX_DEPTH {
            match dropped_open.iter_mut().find(|(n, _)| *n == name) {
                Some(entry) => entry.1 += 1,
                None => dropped_open.push((name, 1)),
            }
            removed.push(tag);
        } else {
            open.push(name);
        }
    }
    if removed.is_empty() {
        return (Cow::Borrowed(html), 0);
    }
    let mut out = String::with_capacity(html.len());
    let mut from = 0;
    for range in &removed {
        out.push_str(html.get(from..range.start).unwrap_or_default());
        out.push(' ');
        from = range.end;
    }
    out.push_str(html.get(from..).unwrap_or_default());
    (Cow::Owned(out), removed.len())
}

/// Index just past the `>` ending the tag whose name starts at `from`;
/// quoted attribute values may hold `>`.
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let mut quote = None;
    for (k, &b) in bytes.iter().enumerate().skip(from) {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if b == q => quote = None,
            (None, b'>') => return k + 1,
            _ => {}
        }
    }
    bytes.len()
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|k| from + k)
}

fn find_ignore_case(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|k| from + k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Html;

    fn nested(depth: usize) -> String {
        format!(
            "<html><body>{}<p>The bottom of the page.</p>{}<p>After it.</p></body></html>",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        )
    }

    /// Depth of the deepest element of the parsed page.
    fn parsed_depth(html: &str) -> usize {
        let page = Html::parse_document(html);
        page.root_element()
            .descendants()
            .filter(|node| node.value().is_element())
            .map(|node| node.ancestors().count())
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn shallow_pages_pass_unchanged() {
        let page = "<html><body><ul><li>a<li>b</ul><p>x<p>y<br><img src='a>b'>\
                    <script>if (a<b) { '<div>' }</script><!-- <div> --></body></html>";
        let (out, removed) = flatten(page);
        assert!(matches!(out, Cow::Borrowed(_)));
        assert_eq!(removed, 0);
    }

    #[test]
    fn the_parser_sees_at_most_the_cap_whatever_the_depth() {
        for depth in [10_000, 40_000] {
            let page = nested(depth);
            let (out, removed) = flatten(&page);
            // Tags dropped: the start and end tags of the divs and the
            // innermost <p> below the cap (html and body count toward it).
            assert_eq!(removed, 2 * (depth + 3 - MAX_DEPTH), "depth {depth}");
            // The root <html> counts as one ancestor level less than its tags.
            assert!(parsed_depth(&out) <= MAX_DEPTH + 2, "depth {depth}");
            let text: String = Html::parse_document(&out)
                .root_element()
                .text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            assert_eq!(text, "The bottom of the page. After it.");
        }
    }

    #[test]
    fn tags_below_the_cap_are_replaced_by_spaces_keeping_words_apart() {
        let page = format!(
            "{}one<span>two</span>three{}",
            "<div>".repeat(MAX_DEPTH),
            "</div>".repeat(MAX_DEPTH)
        );
        let (out, removed) = flatten(&page);
        assert_eq!(removed, 2);
        assert!(out.contains("one two three"), "{out}");
    }
}
