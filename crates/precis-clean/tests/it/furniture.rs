//! Article furniture (datelines, bylines, section labels, sponsor lines,
//! print notices, code shown as text) and the metadata sources a page
//! states its date, author and title in. Pages of our own writing.

use precis_clean::{clean, CleanOptions, Document, InputKind, Reason};

fn clean_html(page: &str) -> Document {
    let options = CleanOptions {
        input: InputKind::Html,
    };
    match clean(page, &options) {
        Ok(document) => document,
        Err(error) => panic!("HTML cleaning failed: {error}"),
    }
}

fn page(head: &str, body: &str) -> String {
    format!(
        "<html><head>{head}</head><body><article><h1>Night ferry returns to Riverton</h1>{body}\
         <p>The night ferry crossed the river on Monday, the first crossing after dark in eleven years.</p>\
         <p>Officials said a second boat would follow by next summer, when the new pier is finished.</p>\
         </article></body></html>"
    )
}

#[test]
fn furniture_is_removed_with_its_own_reason() {
    let document = clean_html(&page(
        "<title>Night ferry returns to Riverton</title>",
        "<p>01.21.2020 07:00 AM</p><p>RIVERTON, N.C.</p><p>By Jane Doe Follow @janedoe</p>\
         <p>From the section Transport</p><p>The Harbour Desk is supported by</p>\
         <p>Dieser Artikel wurde ausgedruckt unter der Adresse: https://example.org/faehre</p>\
         <p>var slides = document.querySelectorAll('.slide'); function show(i) { slides[i].hidden = false; }</p>",
    ));
    let reason = |text: &str| {
        document
            .removed
            .iter()
            .find(|r| r.text.contains(text))
            .map(|r| r.reason)
    };
    assert_eq!(reason("07:00 AM"), Some(Reason::Dateline));
    assert_eq!(reason("RIVERTON"), Some(Reason::Dateline));
    assert_eq!(reason("Jane Doe"), Some(Reason::Byline));
    assert_eq!(reason("From the section"), Some(Reason::SectionLabel));
    assert_eq!(reason("supported by"), Some(Reason::Sponsor));
    assert_eq!(reason("ausgedruckt"), Some(Reason::PrintNotice));
    assert_eq!(reason("querySelectorAll"), Some(Reason::Code));
    assert_eq!(document.paragraphs.len(), 2, "{:#?}", document.paragraphs);
    // The page states no date or author: the dropped lines give them.
    assert_eq!(document.metadata.date.as_deref(), Some("2020-01-21T07:00"));
    assert_eq!(document.metadata.author.as_deref(), Some("Jane Doe"));
}

#[test]
fn dates_from_every_source_as_iso_8601() {
    let cases = [
        (
            r#"<script type="application/ld+json">{"@type":"WebPage","mainEntity":{"@type":"NewsArticle","datePublished":"2020-1-21T07:00:00+0100"}}</script>"#,
            "",
            "2020-01-21T07:00:00+01:00",
        ),
        (
            r#"<meta property="article:published_time" content="21.01.2020">"#,
            "",
            "2020-01-21",
        ),
        (
            "",
            r#"<span itemprop="datePublished">January 21, 2020</span>"#,
            "2020-01-21",
        ),
        (
            "",
            r#"<time datetime="2020-01-21">Tuesday</time>"#,
            "2020-01-21",
        ),
        (
            r#"<link rel="canonical" href="https://example.org/news/2020/01/21/night-ferry/">"#,
            "",
            "2020-01-21",
        ),
        (
            "",
            r#"<div class="post-date">Posted on 21. Januar 2020</div>"#,
            "2020-01-21",
        ),
    ];
    for (head, body, date) in cases {
        let document = clean_html(&page(head, body));
        assert_eq!(
            document.metadata.date.as_deref(),
            Some(date),
            "{head}{body}"
        );
    }
}

#[test]
fn authors_from_json_ld_meta_and_bylines() {
    let cases = [
        (
            r#"<script type="application/ld+json">{"@graph":[{"@type":"Person","@id":"_:jd","name":"Jane Doe"},{"@type":"NewsArticle","author":[{"@id":"_:jd"},{"@type":"Person","name":"Jon Roe"}]}]}</script>"#,
            "",
            "Jane Doe, Jon Roe",
        ),
        (
            r#"<meta name="author" content="By Jane Doe">"#,
            "",
            "Jane Doe",
        ),
        (
            r#"<meta property="article:author" content="https://example.org/jane"><meta name="byl" content="By Jon Roe">"#,
            "",
            "Jon Roe",
        ),
        (
            "",
            "<p>Von Hans Müller und Eva Schmidt</p>",
            "Hans Müller, Eva Schmidt",
        ),
    ];
    for (head, body, author) in cases {
        let document = clean_html(&page(head, body));
        assert_eq!(
            document.metadata.author.as_deref(),
            Some(author),
            "{head}{body}"
        );
    }
}

#[test]
fn title_without_kicker_or_site_name() {
    let document = clean_html(
        "<html><head><title>Transport|Night ferry returns to Riverton | River Post</title>\
         <meta property=\"og:site_name\" content=\"River Post\">\
         <meta property=\"og:title\" content=\"Night ferry returns to Riverton\"></head>\
         <body><article><h1>Night ferry returns to Riverton</h1>\
         <p>The night ferry crossed the river on Monday, the first crossing after dark in eleven years.</p>\
         <p>Officials said a second boat would follow by next summer, when the new pier is finished.</p>\
         </article></body></html>",
    );
    assert_eq!(
        document.title.as_deref(),
        Some("Night ferry returns to Riverton")
    );
    assert_eq!(
        document.metadata.title.as_deref(),
        Some("Night ferry returns to Riverton")
    );
}
