//! Facts an HTML page states about its article: title, author, date, site
//! name, language, canonical URL and description, read from `<meta>` tags
//! (Open Graph, `article:`, Twitter, Dublin Core, `name=author`), `<html
//! lang>`, `<link rel=canonical>`, `<title>` and JSON-LD (`NewsArticle`,
//! `Article`, `BlogPosting`, …, also inside `@graph`).
//!
//! Nothing is guessed from the body text: a field the page does not state
//! stays empty. Where several sources state a field, structured data
//! (JSON-LD) wins over social tags, which win over generic ones.

use std::collections::HashMap;
use std::sync::LazyLock;

use scraper::{Html, Selector};
use serde_json::Value;

use crate::normalize::normalize_inline;
use crate::Metadata;

/// Reads the metadata of a parsed page.
pub(crate) fn extract(html: &Html) -> Metadata {
    let meta = meta_tags(html);
    let article = json_ld_article(html);
    let ld = |key: &str| article.as_ref().and_then(|a| ld_text(a.get(key)?));
    let tag = |keys: &[&str]| keys.iter().find_map(|k| meta.get(*k).cloned());

    let site_name = article
        .as_ref()
        .and_then(|a| ld_text(a.get("publisher")?))
        .or_else(|| tag(&["og:site_name", "application-name", "twitter:site:name"]));
    let title = ld("headline")
        .or_else(|| {
            tag(&[
                "og:title",
                "twitter:title",
                "dc.title",
                "dcterms.title",
                "title",
                "headline",
            ])
        })
        .or_else(|| title_element(html))
        .map(|t| strip_site_name(&t, site_name.as_deref()));
    let author = article
        .as_ref()
        .and_then(|a| ld_names(a.get("author")?))
        .or_else(|| {
            tag(&[
                "author",
                "article:author",
                "dc.creator",
                "dcterms.creator",
                "parsely-author",
                "sailthru.author",
                "byl",
            ])
            .filter(|a| !a.starts_with("http"))
        })
        .or_else(|| marked_author(html));
    let date = ld("datePublished").or_else(|| {
        tag(&[
            "article:published_time",
            "og:article:published_time",
            "datepublished",
            "date",
            "dc.date",
            "dcterms.created",
            "dc.date.issued",
            "pubdate",
            "publish-date",
            "parsely-pub-date",
            "sailthru.date",
            "article:modified_time",
        ])
    });
    let language = html_lang(html)
        .or_else(|| tag(&["content-language", "dc.language", "language"]))
        .or_else(|| ld("inLanguage"))
        .or_else(|| tag(&["og:locale"]).map(|l| l.replace('_', "-")));
    let canonical_url = link_href(html, "canonical")
        .or_else(|| tag(&["og:url"]))
        .or_else(|| ld("url"));
    let description = ld("description").or_else(|| {
        tag(&[
            "og:description",
            "description",
            "twitter:description",
            "dc.description",
        ])
    });

    Metadata {
        title,
        author,
        date,
        site_name,
        language,
        canonical_url,
        description,
    }
}

fn selector(css: &str) -> Option<Selector> {
    Selector::parse(css).ok()
}

static META: LazyLock<Option<Selector>> = LazyLock::new(|| selector("meta"));
static TITLE: LazyLock<Option<Selector>> = LazyLock::new(|| selector("title"));
static HTML: LazyLock<Option<Selector>> = LazyLock::new(|| selector("html"));
static LINK: LazyLock<Option<Selector>> = LazyLock::new(|| selector("link[rel][href]"));
static JSON_LD: LazyLock<Option<Selector>> = LazyLock::new(|| selector("script[type]"));

/// `<meta>` values by lower-cased `property`, `name`, `itemprop` or
/// `http-equiv`; the first non-empty value of each key wins.
fn meta_tags(html: &Html) -> HashMap<String, String> {
    let mut tags = HashMap::new();
    let Some(meta) = META.as_ref() else {
        return tags;
    };
    for element in html.select(meta) {
        let value = element
            .attr("content")
            .map(normalize_inline)
            .unwrap_or_default();
        if value.is_empty() {
            continue;
        }
        for key in ["property", "name", "itemprop", "http-equiv"] {
            if let Some(key) = element.attr(key) {
                tags.entry(key.trim().to_lowercase())
                    .or_insert_with(|| value.clone());
            }
        }
    }
    tags
}

fn title_element(html: &Html) -> Option<String> {
    let element = html.select(TITLE.as_ref()?).next()?;
    let text = normalize_inline(&element.text().collect::<String>());
    (!text.is_empty()).then_some(text)
}

fn html_lang(html: &Html) -> Option<String> {
    let lang = html.select(HTML.as_ref()?).next()?.attr("lang")?.trim();
    (!lang.is_empty()).then(|| lang.to_owned())
}

fn link_href(html: &Html, rel: &str) -> Option<String> {
    html.select(LINK.as_ref()?)
        .find(|l| {
            l.attr("rel")
                .is_some_and(|r| r.split_whitespace().any(|r| r.eq_ignore_ascii_case(rel)))
        })
        .and_then(|l| l.attr("href"))
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
}

/// Elements the page marks up as its author (microdata, `rel=author`,
/// hCard), most specific first.
static AUTHOR_MARKUP: LazyLock<Vec<Selector>> = LazyLock::new(|| {
    [
        "[itemprop~=author] [itemprop~=name]",
        "[itemprop~=author]",
        "a[rel~=author]",
        ".vcard .fn",
    ]
    .iter()
    .filter_map(|css| selector(css))
    .collect()
});

/// Longest text taken for an author's name: longer is a bio, not a name.
const MAX_AUTHOR_CHARS: usize = 80;

/// The author named by markup in the page's body.
fn marked_author(html: &Html) -> Option<String> {
    AUTHOR_MARKUP.iter().find_map(|selector| {
        html.select(selector).find_map(|element| {
            let text = normalize_inline(&element.text().collect::<String>());
            let name = ["By ", "by ", "Von ", "von ", "Par ", "Por "]
                .iter()
                .find_map(|p| text.strip_prefix(p))
                .unwrap_or(&text)
                .trim();
            (!name.is_empty() && name.chars().count() <= MAX_AUTHOR_CHARS).then(|| name.to_owned())
        })
    })
}

/// Separators between a headline and the site's name in `<title>`.
const TITLE_SEPARATORS: &[&str] = &[
    " | ", " - ", " – ", " — ", " :: ", " · ", " « ", " » ", " › ", " ‹ ", " / ",
];

/// "Headline | Site" → "Headline": drops the part naming the site, or,
/// when the site's name is unknown, keeps the longest part.
pub(crate) fn strip_site_name(title: &str, site_name: Option<&str>) -> String {
    let Some(separator) = TITLE_SEPARATORS.iter().find(|s| title.contains(**s)) else {
        return title.to_owned();
    };
    let parts: Vec<&str> = title
        .split(separator)
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if let Some(site) = site_name {
        let rest: Vec<&str> = parts
            .iter()
            .copied()
            .filter(|p| !p.eq_ignore_ascii_case(site))
            .collect();
        if !rest.is_empty() && rest.len() < parts.len() {
            return rest.join(separator);
        }
    }
    parts
        .iter()
        .copied()
        .max_by_key(|p| p.chars().count())
        .unwrap_or(title)
        .to_owned()
}

/// JSON-LD types that describe the article itself, best first.
const ARTICLE_TYPES: &[&str] = &[
    "NewsArticle",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "Article",
    "BlogPosting",
    "TechArticle",
    "ScholarlyArticle",
    "Report",
    "LiveBlogPosting",
    "WebPage",
];

/// The JSON-LD object describing the article, if the page has one.
fn json_ld_article(html: &Html) -> Option<Value> {
    let mut objects = Vec::new();
    for script in html.select(JSON_LD.as_ref()?) {
        if !script
            .attr("type")
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"))
        {
            continue;
        }
        let text: String = script.text().collect();
        // Sites leave stray control characters and trailing semicolons.
        let text = text.trim().trim_end_matches(';');
        let Ok(value) = serde_json::from_str::<Value>(text) else {
            continue;
        };
        collect_objects(value, &mut objects);
    }
    let rank = |object: &Value| {
        let types: Vec<&str> = match object.get("@type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        ARTICLE_TYPES
            .iter()
            .position(|a| types.iter().any(|t| t == a))
    };
    objects
        .into_iter()
        .filter_map(|o| rank(&o).map(|r| (r, o)))
        .min_by_key(|(r, _)| *r)
        .map(|(_, o)| o)
}

/// Flattens arrays and `@graph`s into the objects they hold (iteratively).
fn collect_objects(value: Value, out: &mut Vec<Value>) {
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::Array(items) => stack.extend(items.into_iter().rev()),
            Value::Object(mut map) => {
                if let Some(graph) = map.remove("@graph") {
                    stack.push(graph);
                }
                out.push(Value::Object(map));
            }
            _ => {}
        }
    }
}

/// A JSON-LD value as text: a string, or an object's `name` / `@value`.
fn ld_text(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Object(map) => {
            return map
                .get("name")
                .or_else(|| map.get("@value"))
                .and_then(ld_text)
        }
        Value::Array(items) => return items.iter().find_map(ld_text),
        _ => return None,
    };
    let text = normalize_inline(&text);
    (!text.is_empty()).then_some(text)
}

/// Author names from a string, a `Person` object or an array of either.
fn ld_names(value: &Value) -> Option<String> {
    let names: Vec<String> = match value {
        Value::Array(items) => items.iter().filter_map(ld_text).collect(),
        other => ld_text(other).into_iter().collect(),
    };
    (!names.is_empty()).then(|| names.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_tags_and_json_ld() {
        let html = Html::parse_document(
            r#"<html lang="de"><head><title>Der Fährmann kehrt zurück | Flussbote</title>
            <meta property="og:site_name" content="Flussbote">
            <meta name="description" content="Ein Fährmann und sein Fluss.">
            <link rel="canonical" href="https://example.org/faehre">
            <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
              {"@type":"WebSite","name":"Flussbote"},
              {"@type":"NewsArticle","headline":"Der Fährmann kehrt zurück","datePublished":"2024-05-02T08:00:00+02:00",
               "author":[{"@type":"Person","name":"Ada Berg"},"Jon Ruiz"]}]}</script>
            </head><body></body></html>"#,
        );
        let meta = extract(&html);
        assert_eq!(meta.title.as_deref(), Some("Der Fährmann kehrt zurück"));
        assert_eq!(meta.author.as_deref(), Some("Ada Berg, Jon Ruiz"));
        assert_eq!(meta.date.as_deref(), Some("2024-05-02T08:00:00+02:00"));
        assert_eq!(meta.site_name.as_deref(), Some("Flussbote"));
        assert_eq!(meta.language.as_deref(), Some("de"));
        assert_eq!(
            meta.canonical_url.as_deref(),
            Some("https://example.org/faehre")
        );
        assert_eq!(
            meta.description.as_deref(),
            Some("Ein Fährmann und sein Fluss.")
        );
    }

    #[test]
    fn title_element_loses_site_name() {
        assert_eq!(
            strip_site_name("A Ferry Returns | River Post", Some("River Post")),
            "A Ferry Returns"
        );
        assert_eq!(
            strip_site_name("A Ferry Returns to the Town - RP", None),
            "A Ferry Returns to the Town"
        );
        assert_eq!(strip_site_name("Plain title", None), "Plain title");
    }

    #[test]
    fn author_from_body_markup() {
        let html = Html::parse_document(
            r#"<body><p class="byline">By <a rel="author" href="/ada">Ada Berg</a></p>
            <div class="vcard"><span class="fn">Someone Else</span></div></body>"#,
        );
        assert_eq!(extract(&html).author.as_deref(), Some("Ada Berg"));
        let html = Html::parse_document(r#"<span itemprop="author">Von Jon Ruiz</span>"#);
        assert_eq!(extract(&html).author.as_deref(), Some("Jon Ruiz"));
    }

    #[test]
    fn broken_json_ld_is_ignored() {
        let html = Html::parse_document(
            r#"<head><script type="application/ld+json">{"@type": "NewsArticle", </script>
            <meta name="author" content="Kim Lee"></head>"#,
        );
        let meta = extract(&html);
        assert_eq!(meta.author.as_deref(), Some("Kim Lee"));
        assert_eq!(meta.title, None);
    }
}
