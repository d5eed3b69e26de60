//! Stage 2, prune: which elements hold boilerplate, and why — told by tag
//! (`nav`, `footer`, `form`, …), ARIA role, visibility, and the words that
//! sites put in `class` and `id` (`related-posts`, `cookie-banner`,
//! `comment-list`, `share-buttons`, …).
//!
//! Tag, role and visibility rules are reliable anywhere on the page. Class
//! and id words are hints that sites also put on wrappers of real content,
//! so the caller applies them only inside the main content and with a guard
//! against pruning most of it.

use std::sync::LazyLock;

use regex::Regex;

use super::tree::Element;
use crate::Reason;

/// How trustworthy a rule is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Strength {
    /// Tag, role or hidden: what the page's author said the element is.
    Markup,
    /// A class or id word: a hint.
    Name,
}

/// Why `element` (with everything inside it) is boilerplate, if it is.
pub(super) fn boilerplate(element: &Element) -> Option<(Reason, Strength)> {
    markup_reason(element)
        .map(|r| (r, Strength::Markup))
        .or_else(|| element.name_reason.map(|r| (r, Strength::Name)))
}

fn markup_reason(element: &Element) -> Option<Reason> {
    if element.hidden {
        return Some(Reason::NonText);
    }
    let by_tag = match element.tag.as_str() {
        "nav" | "menu" => Some(Reason::Navigation),
        "footer" => Some(Reason::Footer),
        "aside" => Some(Reason::OutsideMainContent),
        "form" | "button" | "select" | "option" | "input" | "textarea" | "label" | "fieldset"
        | "legend" | "dialog" => Some(Reason::NonText),
        "figure" | "figcaption" => Some(Reason::PhotoCaption),
        _ => None,
    };
    by_tag.or(match element.role.as_str() {
        "navigation" | "menu" | "menubar" => Some(Reason::Navigation),
        "contentinfo" => Some(Reason::Footer),
        "complementary" => Some(Reason::OutsideMainContent),
        "search" | "dialog" | "alertdialog" => Some(Reason::NonText),
        _ => None,
    })
}

/// Class/id words and the reason they stand for, most specific first.
/// Each is matched against one lower-cased class or id token; edges are
/// spelled out because `-` and `_` join words in class names, and weak
/// words (`hidden`, `widget`, `meta`) only count as a whole token or its
/// first word, since frameworks use them as modifiers (`hidden-xs`,
/// `elementor-widget-text-editor`).
static NAME_RULES: LazyLock<Vec<(Regex, Reason)>> = LazyLock::new(|| {
    let rules: &[(&str, Reason)] = &[
        // Consent tools by their own prefixes (`cmplz-`, `cmpbox`); a bare
        // `cmp-` is also how a content framework names its components
        // (`cmp-text`, `cmp-container`), the article's among them.
        (
            r"cookie|consent|gdpr|onetrust|didomi|usercentrics|borlabs|^cmp(?:lz|box)|privacy-(?:banner|notice)",
            Reason::CookieNotice,
        ),
        (
            r"comment(?:$|[^a]|a[^r])|disqus|^respond$|^repl(?:y|ies)(?:$|[^a-z])|kommentar|^discussion",
            Reason::Comments,
        ),
        (
            r"donat|spende|^support-us|^membership|paywall",
            Reason::DonationAppeal,
        ),
        (
            r"shar(?:e|ing|iff)(?:$|[^a-z])|sharedaddy|social|sociable|addthis|addtoany|^(?:tweet|facebook|whatsapp|print|follow)(?:$|[^a-z])|newsletter|subscri|signup|sign-up|^abo(?:$|[^a-z])|^cta(?:$|[^a-z])|syndication|viral",
            Reason::CallToAction,
        ),
        (
            r"related|recommend|more-?(?:stories|articles|news)|popular|most-?read|trending|^further|read-?more|also-?read|outbrain|taboola|plista|ligatus|next-?post|prev(?:ious)?-?post|post-?nav|yarpp|^crp|-stories|^weitere",
            Reason::RelatedLinks,
        ),
        (
            r"^(?:ads?|adv|advert[a-z]*|adsense|adslot|adunit|ad-[a-z0-9_]+|sponsor[a-z]*|promo[a-z]*|werbung|anzeige|commercial)(?:$|[^a-z])|[^a-z]ads?$|adsbygoogle|^dfp-|gpt-ad|banner-?ad",
            Reason::Advertisement,
        ),
        (
            r"breadcrumb|paginat|^pager|^nav|navbar|navigation|^menu|-menu$|skip-?link|^toolbar|^tags?$|tag-?(?:list|cloud)|^categor|^keywords|schlagw",
            Reason::Navigation,
        ),
        (
            r"footer|colophon|impressum|copyright|^site-?info",
            Reason::Footer,
        ),
        (
            r"sidebar|^widget|^(?:aside|rail|sidebox)(?:$|[^a-z])|marginal",
            Reason::OutsideMainContent,
        ),
        (
            r"byline|author|(?:^|[^a-z])autor|^bio(?:$|[^a-z])|biograph|^(?:meta|date|dateline|timestamp|time|posted-on|published|entry-meta|post-meta|article-info|reading-?time|article-?(?:header-)?meta|post-?info|entry-?info)$",
            Reason::Byline,
        ),
        (
            r"caption|bildunterschrift|^credit|^gallery|slideshow|carousel|lightbox",
            Reason::PhotoCaption,
        ),
        (
            r"^(?:hidden|hide|sr-only|screen-reader-text|visually-?hidden|invisible|d-none|noprint|element-invisible)$",
            Reason::NonText,
        ),
        (
            r"^(?:banner|popup|modal|overlay|topbar)(?:$|[^a-z])",
            Reason::Banner,
        ),
    ];
    rules
        .iter()
        .filter_map(|(pattern, reason)| Regex::new(pattern).ok().map(|re| (re, *reason)))
        .collect()
});

/// Class/id words that mark the article's own text: they override any
/// boilerplate word on the same element (`article-body comments-enabled`).
static CONTENT_NAME: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?:article|entry|post|story|text|page|main|blog|single|news)[-_]?(?:body|content|text|inner)|articlebody|article__body|article__content|post-?entry|body-?text|content-?(?:main|body)|main-?content|fulltext|^(?:article|story|hentry|post|entry)$",
    )
    .ok()
});

/// Tokens that name what a post is about rather than what the element is
/// (WordPress puts `category-news tag-comments post-12` on the article).
fn is_taxonomy(token: &str) -> bool {
    let prefixed = |p: &str| token.strip_prefix(p).is_some_and(|rest| !rest.is_empty());
    [
        "category-",
        "type-",
        "status-",
        "format-",
        "postid-",
        "author-",
        "cat-",
    ]
    .iter()
    .any(|p| prefixed(p))
        || (prefixed("tag-") && !matches!(token, "tag-cloud" | "tag-list"))
        || token
            .strip_prefix("post-")
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
}

/// The class/id words that describe the element. Taxonomy words describe
/// the post, and `js-` words are hooks a script binds to (by a common
/// convention they carry no styling): they say what the script does to the
/// element's children (`js-lightbox-gallery` on an article's body), not what
/// the element is.
fn tokens(class_id: &str) -> impl Iterator<Item = &str> {
    class_id
        .split_whitespace()
        .filter(|t| !is_taxonomy(t) && !is_script_hook(t))
}

fn is_script_hook(token: &str) -> bool {
    token.starts_with("js-") || token.starts_with("js_")
}

/// Why an element with these class/id words is boilerplate, if it is.
pub(super) fn name_reason(class_id: &str) -> Option<Reason> {
    if is_content_name(class_id) {
        return None;
    }
    NAME_RULES
        .iter()
        .find(|(re, reason)| {
            tokens(class_id)
                .any(|t| re.is_match(t) && !(*reason == Reason::CallToAction && is_embed(t)))
        })
        .map(|(_, reason)| *reason)
}

/// A token naming an embedded post (`social-media-embed`, `embed-twitter`):
/// the post is quoted by the article, and the social words in the name say
/// where it comes from, not that it is a share button.
fn is_embed(token: &str) -> bool {
    token.contains("embed")
}

/// Whether the class/id words say "this is the article text".
pub(super) fn is_content_name(class_id: &str) -> bool {
    CONTENT_NAME
        .as_ref()
        .is_some_and(|re| tokens(class_id).any(|t| re.is_match(t)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_words_give_reasons() {
        let cases = [
            ("cookie-banner", Some(Reason::CookieNotice)),
            ("cmplz-cookiebanner", Some(Reason::CookieNotice)),
            ("cmpbox", Some(Reason::CookieNotice)),
            ("comment-list", Some(Reason::Comments)),
            ("share-buttons", Some(Reason::CallToAction)),
            ("related-posts", Some(Reason::RelatedLinks)),
            ("ad-slot", Some(Reason::Advertisement)),
            ("google ads", Some(Reason::Advertisement)),
            ("breadcrumb", Some(Reason::Navigation)),
            ("site-footer", Some(Reason::Footer)),
            ("sidebar", Some(Reason::OutsideMainContent)),
            ("post-meta", Some(Reason::Byline)),
            ("wp-caption-text", Some(Reason::PhotoCaption)),
            ("sr-only", Some(Reason::NonText)),
        ];
        for (class, reason) in cases {
            assert_eq!(name_reason(class), reason, "{class}");
        }
    }

    #[test]
    fn content_words_and_lookalikes_are_not_boilerplate() {
        for class in [
            "article-body",
            "entry-content",
            "header",
            "shadow",
            "download",
            "loaded",
            "headline",
            "hidden-xs",
            "elementor-widget-text-editor",
            "cmp-text",
            "cmp-container",
            "post-12 post category-comments tag-share",
            "media js-lightbox-gallery",
            "js_comments-count",
            "",
        ] {
            assert_eq!(name_reason(class), None, "{class}");
        }
    }
}
