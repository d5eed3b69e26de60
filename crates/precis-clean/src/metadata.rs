//! Facts an HTML page states about its article: title, author, date, site
//! name, language, canonical URL and description, read from `<meta>` tags
//! (Open Graph, `article:`, Twitter, Dublin Core, `name=author`), `<html
//! lang>`, `<link rel=canonical>`, `<title>`, JSON-LD (`NewsArticle`,
//! `Article`, `BlogPosting`, …, also inside `@graph` and nested objects),
//! date and author markup (`itemprop`, `<time datetime>`, `rel=author`),
//! dated URL paths, and the text of elements marked as dates or bylines.
//!
//! Nothing is guessed from the article's prose: a field the page does not
//! state stays empty. Where several sources state a field, structured data
//! (JSON-LD) wins over meta tags, which win over markup, which wins over
//! marked text. Dates are normalised to ISO 8601 (see [`crate::dates`]).

use std::collections::HashMap;
use std::sync::LazyLock;

use scraper::{Html, Selector};
use serde_json::Value;

use crate::normalize::normalize_inline;
use crate::Metadata;

/// Reads the metadata of a parsed page.
pub(crate) fn extract(html: &Html) -> Metadata {
    let meta = meta_tags(html);
    let roots = json_ld_roots(html);
    let objects = json_ld_objects(&roots);
    let article = article_object(&objects);
    let ld = |key: &str| article.and_then(|a| ld_text(a.get(key)?));
    let tag = |keys: &[&str]| keys.iter().find_map(|k| meta.get(*k).cloned());

    let site_name = article
        .and_then(|a| ld_text(a.get("publisher")?))
        .or_else(|| tag(&["og:site_name", "application-name", "twitter:site:name"]));
    let title = title(html, &meta, ld("headline"), site_name.as_deref());
    let author = article
        .and_then(|a| ld_names(a.get("author")?, &objects))
        .or_else(|| {
            [
                "author",
                "article:author",
                "dc.creator",
                "dcterms.creator",
                "parsely-author",
                "sailthru.author",
                "byl",
            ]
            .iter()
            .find_map(|k| author_name(meta.get(*k)?))
        })
        .or_else(|| marked_author(html));
    let language = html_lang(html)
        .or_else(|| tag(&["content-language", "dc.language", "language"]))
        .or_else(|| ld("inLanguage"))
        .or_else(|| tag(&["og:locale"]).map(|l| l.replace('_', "-")));
    let canonical_url = link_href(html, "canonical")
        .or_else(|| tag(&["og:url"]))
        .or_else(|| ld("url"));
    let month_first = language.as_deref().is_some_and(writes_month_first);
    // A URL's year and month alone say less than a date shown on the page.
    let url_date = [canonical_url.as_deref(), tag(&["og:url"]).as_deref()]
        .into_iter()
        .flatten()
        .find_map(crate::dates::from_url);
    let (url_day, url_month) = match url_date {
        Some(d) if d.len() == "YYYY-MM-DD".len() => (Some(d), None),
        other => (None, other),
    };
    let date = publication_date(html, &meta, article, &objects, month_first)
        .or(url_day)
        .or_else(|| marked_date(html, month_first))
        .or(url_month)
        .or_else(|| {
            let modified = tag(&["article:modified_time", "og:updated_time"])?;
            crate::dates::parse(&modified, month_first)
        });
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

/// Whether pages in `language` write "01/02/2020" for January 2: US
/// English does; British and most other usage is day first.
pub(crate) fn writes_month_first(language: &str) -> bool {
    let language = language.to_ascii_lowercase();
    language == "en" || language == "en-us"
}

/// Where pages state their publication date, most explicit first.
const DATE_TAGS: &[&str] = &[
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
];

/// The publication date the page states in its data (JSON-LD, meta tags,
/// `itemprop=datePublished`, a `<time datetime>` of the article), as ISO
/// 8601. A value that reads as no date is passed over for the next source.
fn publication_date(
    html: &Html,
    meta: &HashMap<String, String>,
    article: Option<&Value>,
    objects: &[&Value],
    month_first: bool,
) -> Option<String> {
    let parse = |raw: &str| crate::dates::parse(raw, month_first);
    let ld = article
        .into_iter()
        .chain(objects.iter().copied())
        .filter_map(|o| ld_text(o.get("datePublished")?));
    let tags = DATE_TAGS.iter().filter_map(|k| meta.get(*k).cloned());
    let marked = TIME_MARKUP.iter().flat_map(|selector| {
        html.select(selector).map(|element| {
            let value = element
                .attr("datetime")
                .or_else(|| element.attr("content"))
                .map(str::to_owned)
                .unwrap_or_else(|| element.text().collect());
            normalize_inline(&value)
        })
    });
    ld.chain(tags).chain(marked).find_map(|raw| parse(&raw))
}

/// Elements that carry a machine-readable publication date.
static TIME_MARKUP: LazyLock<Vec<Selector>> = LazyLock::new(|| {
    [
        "[itemprop~=datePublished]",
        "time[pubdate]",
        "article time[datetime]",
        "time[datetime][class*=publish]",
        "time[datetime][class*=date]",
    ]
    .iter()
    .filter_map(|css| selector(css))
    .collect()
});

/// Elements whose class says they show the date: their text, or a part of
/// it between separators ("By Ada Berg | 21 January 2020"), read as a date.
static DATE_TEXT: LazyLock<Option<Selector>> = LazyLock::new(|| {
    selector(
        "[class*=date], [class*=publish], [class*=posted], [class*=byline], [class*=meta], time",
    )
});

/// Longest text of a date-marked element that is read: longer is a teaser.
const MAX_DATE_TEXT_CHARS: usize = 160;

fn marked_date(html: &Html, month_first: bool) -> Option<String> {
    html.select(DATE_TEXT.as_ref()?).find_map(|element| {
        let text = normalize_inline(&element.text().collect::<String>());
        if text.is_empty() || text.chars().count() > MAX_DATE_TEXT_CHARS {
            return None;
        }
        crate::dates::parse_line(&text, month_first)
    })
}

/// The title of the article: the headline the page's title sources
/// (JSON-LD `headline`, `og:title`, `twitter:title`, `<title>` without the
/// site's name) state, without a section kicker glued in front of it
/// ("Africa|Ferry Returns") when another source states it without one.
fn title(
    html: &Html,
    meta: &HashMap<String, String>,
    headline: Option<String>,
    site_name: Option<&str>,
) -> Option<String> {
    let mut sources: Vec<String> = headline
        .into_iter()
        .chain(
            [
                "og:title",
                "twitter:title",
                "dc.title",
                "dcterms.title",
                "title",
                "headline",
            ]
            .iter()
            .filter_map(|k| meta.get(*k).cloned()),
        )
        .chain(title_element(html))
        .map(|t| strip_site_name(&t, site_name))
        .collect();
    let first = sources.first()?.clone();
    sources.extend(first_h1(html));
    Some(without_kicker(&first, &sources[1..]).to_owned())
}

static H1: LazyLock<Option<Selector>> = LazyLock::new(|| selector("h1"));

fn first_h1(html: &Html) -> Option<String> {
    let element = html.select(H1.as_ref()?).next()?;
    let text = normalize_inline(&element.text().collect::<String>());
    (!text.is_empty()).then_some(text)
}

/// Longest segment taken for a kicker: a section or topic name.
const MAX_KICKER_WORDS: usize = 4;

/// `title` without a short leading segment ("Africa|", "Klimaschutz: ")
/// when one of `others` states the rest alone: the segment is a section
/// label the page put before the headline, not part of it.
pub(crate) fn without_kicker<'a>(title: &'a str, others: &[String]) -> &'a str {
    static KICKER: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"^([^|:–—·»/]{1,60}?)\s*(?:\||:|–|—|·|»|/|\s-)\s*")
            .unwrap_or_else(|e| unreachable!("static kicker pattern: {e}"))
    });
    let Some(found) = KICKER.captures(title) else {
        return title;
    };
    let (Some(kicker), Some(whole)) = (found.get(1), found.get(0)) else {
        return title;
    };
    let rest = title[whole.end()..].trim();
    let short = kicker.as_str().split_whitespace().count() <= MAX_KICKER_WORDS;
    let stated = others
        .iter()
        .any(|other| other.trim().eq_ignore_ascii_case(rest) || other.trim() == rest);
    if short && !rest.is_empty() && stated {
        rest
    } else {
        title
    }
}

/// An author's name from a meta tag: not a profile URL or an e-mail
/// address, and without a "By " in front.
fn author_name(value: &str) -> Option<String> {
    if value.starts_with("http") || value.contains('@') || value.contains("://") {
        return None;
    }
    Some(crate::cues::byline_name(value).unwrap_or_else(|| value.to_owned()))
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
            let name = crate::cues::byline_name(&text).unwrap_or(text);
            (!name.is_empty() && name.chars().count() <= MAX_AUTHOR_CHARS).then_some(name)
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

/// Every JSON-LD block of the page that parses.
fn json_ld_roots(html: &Html) -> Vec<Value> {
    let Some(scripts) = JSON_LD.as_ref() else {
        return Vec::new();
    };
    html.select(scripts)
        .filter(|script| {
            script
                .attr("type")
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"))
        })
        .filter_map(|script| {
            let text: String = script.text().collect();
            // Sites leave stray control characters and trailing semicolons.
            serde_json::from_str::<Value>(text.trim().trim_end_matches(';')).ok()
        })
        .collect()
}

/// Deepest nesting of JSON-LD objects looked into.
const MAX_LD_DEPTH: usize = 8;

/// Every object in the JSON-LD blocks, in document order: top-level ones,
/// those in arrays and `@graph`s, and those nested in other objects'
/// properties (a `WebPage`'s `mainEntity`).
fn json_ld_objects(roots: &[Value]) -> Vec<&Value> {
    let mut objects = Vec::new();
    let mut stack: Vec<(&Value, usize)> = roots.iter().rev().map(|r| (r, 0)).collect();
    while let Some((value, depth)) = stack.pop() {
        if depth > MAX_LD_DEPTH {
            continue;
        }
        let children: Vec<&Value> = match value {
            Value::Array(items) => items.iter().collect(),
            Value::Object(map) => {
                objects.push(value);
                map.values().collect()
            }
            _ => continue,
        };
        stack.extend(children.into_iter().rev().map(|c| (c, depth + 1)));
    }
    objects
}

/// The JSON-LD object describing the article, if the page has one: the
/// first of the best-ranked type.
fn article_object<'a>(objects: &[&'a Value]) -> Option<&'a Value> {
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
    let mut best: Option<(usize, &Value)> = None;
    for object in objects {
        if let Some(r) = rank(object) {
            if best.is_none_or(|(b, _)| r < b) {
                best = Some((r, object));
            }
        }
    }
    best.map(|(_, o)| o)
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

/// Author names from a string, a `Person` object (or a reference to one
/// elsewhere in the page's JSON-LD, by `@id`) or an array of these.
fn ld_names(value: &Value, objects: &[&Value]) -> Option<String> {
    let name = |value: &Value| {
        ld_text(value).or_else(|| {
            let id = value.get("@id")?.as_str()?;
            objects
                .iter()
                .filter(|o| o.get("@id").and_then(Value::as_str) == Some(id))
                .find_map(|o| ld_text(o.get("name")?))
        })
    };
    let names: Vec<String> = match value {
        Value::Array(items) => items.iter().filter_map(name).collect(),
        other => name(other).into_iter().collect(),
    };
    let names: Vec<String> = names.iter().filter_map(|n| author_name(n)).collect();
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
