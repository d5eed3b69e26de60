//! HTML cleaning through the public API: the sample page in `examples/`
//! (exact title, headings, paragraphs, metadata and drop reasons) and pages
//! built to break an extractor (no body, all boilerplate, deep nesting,
//! entity floods, a 50 MB page).

use precis_clean::{clean, CleanOptions, Document, InputKind, Reason};

use crate::support::removed_as;

fn clean_html(page: &str) -> Document {
    let options = CleanOptions {
        input: InputKind::Html,
    };
    match clean(page, &options) {
        Ok(document) => document,
        Err(error) => panic!("HTML cleaning failed: {error}"),
    }
}

const SAMPLE: &str = include_str!("../../../../examples/harbour-ferry.html");

#[test]
fn sample_page_title_headings_and_paragraphs() {
    let document = clean_html(SAMPLE);
    assert_eq!(
        document.title.as_deref(),
        Some("Night ferry returns to Kelderwick after eleven years")
    );
    assert_eq!(document.headings, ["Why now", "Tickets and timetable"]);
    let paragraphs: Vec<(&str, Option<&str>)> = document
        .paragraphs
        .iter()
        .map(|p| (p.text.as_str(), p.heading.as_deref()))
        .collect();
    let expected: &[(&str, Option<&str>)] = &[
        ("The overnight ferry between Kelderwick and Port Ansel will run again from 3 March, eleven years after the last crossing was cancelled for lack of passengers, the harbour board said on Thursday.", None),
        ("The service will use the Saltmarsh Lady, a forty-metre vessel that spent the winter in dry dock being fitted with a battery system, which lets it leave and enter both harbours without running its diesel engines.", None),
        ("Passenger numbers on the coastal road have doubled since the bridge at Hesk was closed for repairs, and the board expects many commuters to prefer a cabin and a night's sleep to a four-hour drive.", Some("Why now")),
        ("“We kept the timetables in a drawer for eleven years, just in case,” said Odile Fenn, who chairs the harbour board.", Some("Why now")),
        ("Crossings leave Kelderwick at 22:15 and arrive in Port Ansel at 06:40, with the return sailing the following evening.", Some("Tickets and timetable")),
        ("Foot passengers: £18 one way, £30 return.", Some("Tickets and timetable")),
        ("Cars up to five metres: £46 one way.", Some("Tickets and timetable")),
        ("Bicycles travel free of charge.", Some("Tickets and timetable")),
        ("Day | Departure", Some("Tickets and timetable")),
        ("Monday to Friday | 22:15", Some("Tickets and timetable")),
        ("Sunday | 21:00", Some("Tickets and timetable")),
        ("Tickets go on sale at both harbour offices on 20 February; online booking is planned for the summer.", Some("Tickets and timetable")),
    ];
    assert_eq!(paragraphs, expected);
    assert!(document.warnings.is_empty(), "{:?}", document.warnings);
}

#[test]
fn sample_page_metadata() {
    let metadata = clean_html(SAMPLE).metadata;
    assert_eq!(
        metadata.title.as_deref(),
        Some("Night ferry returns to Kelderwick after eleven years")
    );
    assert_eq!(
        metadata.author.as_deref(),
        Some("Maren Holloway, Tobias Quint")
    );
    assert_eq!(metadata.date.as_deref(), Some("2025-02-14T07:30:00+00:00"));
    assert_eq!(metadata.site_name.as_deref(), Some("The Estuary Courier"));
    assert_eq!(metadata.language.as_deref(), Some("en-GB"));
    assert_eq!(
        metadata.canonical_url.as_deref(),
        Some("https://courier.example/news/2025/night-ferry-returns")
    );
    assert!(metadata
        .description
        .is_some_and(|d| d.starts_with("The overnight crossing")));
}

#[test]
fn sample_page_every_drop_has_its_reason() {
    let document = clean_html(SAMPLE);
    let cases = [
        ("Business", Reason::Navigation),
        ("Home › News › Transport", Reason::Navigation),
        ("We use cookies", Reason::CookieNotice),
        ("By Maren Holloway", Reason::Byline),
        ("Share on Facebook", Reason::CallToAction),
        ("Photo: Inez Barrow", Reason::PhotoCaption),
        ("Holiday cottages on the estuary", Reason::Advertisement),
        ("Subscribe to our morning briefing", Reason::CallToAction),
        ("Hesk bridge to stay closed", Reason::RelatedLinks),
        ("visit my mother", Reason::Comments),
        ("Leave a reply", Reason::Comments),
        ("Storm warning for the weekend", Reason::OutsideMainContent),
        ("All rights reserved", Reason::Footer),
    ];
    for (text, reason) in cases {
        assert_eq!(removed_as(&document, text), Some(reason), "{text}");
    }
    assert!(document
        .removed
        .iter()
        .any(|r| r.reason == Reason::NonText && r.text.starts_with("code, not text")));
}

#[test]
fn sample_page_text_is_fully_accounted_for() {
    // Every visible line of the page's body is either kept or removed.
    let document = clean_html(SAMPLE);
    let kept = document.to_text();
    let removed: Vec<&str> = document.removed.iter().map(|r| r.text.as_str()).collect();
    for snippet in [
        "Skip to content",
        "Accept all",
        "Most read",
        "Imprint",
        "3 comments",
        "Bicycles travel free",
    ] {
        assert!(
            kept.contains(snippet) || removed.iter().any(|r| r.contains(snippet)),
            "{snippet} was lost silently"
        );
    }
}

#[test]
fn html_without_body() {
    let document = clean_html("<html><head><title>Only a title | Site</title></head></html>");
    assert_eq!(document.title.as_deref(), Some("Only a title"));
    assert!(document.paragraphs.is_empty());
    assert!(document
        .warnings
        .iter()
        .any(|w| w.contains("nothing was kept")));
}

#[test]
fn all_boilerplate_page_says_nothing_was_kept() {
    let page = "<html><body><nav><a href=/>Home</a> <a href=/news>News</a></nav>\
                <div class=cookie-banner>We use cookies to improve the site.</div>\
                <footer>© 2025 Example Media</footer></body></html>";
    let document = clean_html(page);
    assert!(document.paragraphs.is_empty());
    let warning = document.warnings.join(" ");
    assert!(
        warning.contains("nothing was kept") && warning.contains("removed"),
        "{warning}"
    );
    assert_eq!(
        removed_as(&document, "We use cookies"),
        Some(Reason::CookieNotice)
    );
    assert_eq!(removed_as(&document, "Example Media"), Some(Reason::Footer));
}

#[test]
fn deeply_nested_page() {
    let depth = 10_000;
    let prose = "<p>The river rose by two metres overnight, and the town closed the lower road, the school and the market.</p>";
    let page = format!(
        "<html><body>{}{prose}{prose}{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    let document = clean_html(&page);
    // Tags below depth 512 are dropped before parsing, text kept: both
    // copies end up in one block, and a warning says why.
    assert_eq!(document.paragraphs.len(), 1);
    assert!(document.paragraphs[0]
        .text
        .starts_with("The river rose by two metres overnight"));
    assert!(
        document
            .warnings
            .iter()
            .any(|w| w.starts_with("the page nests elements deeper than 512 levels")),
        "{:?}",
        document.warnings
    );
}

#[test]
fn entity_flood() {
    let body = "&amp;&lt;&#x1F600;&nbsp;".repeat(200_000);
    let page =
        format!("<html><body><p>Start, then entities, then more text: {body}</p></body></html>");
    let document = clean_html(&page);
    let text = &document.paragraphs.first().expect("kept paragraph").text;
    assert!(text.starts_with("Start, then entities"));
    assert_eq!(text.matches('😀').count(), 200_000, "nothing cut");
}

#[test]
fn fifty_megabyte_page() {
    let paragraph = "<p>The ferry, which was built in 1968, crossed the estuary twice a day, carrying cars, bicycles and foot passengers between the two towns.</p>\n";
    let page = format!(
        "<html><body><article>{}</article></body></html>",
        paragraph.repeat(50_000_000 / paragraph.len())
    );
    assert!(page.len() >= 49_000_000);
    let document = clean_html(&page);
    // The same paragraph again and again: kept once, the rest recorded as duplicates.
    assert_eq!(document.paragraphs.len(), 1);
    assert_eq!(
        document
            .removed
            .iter()
            .filter(|r| r.reason == Reason::Duplicate)
            .count(),
        50_000_000 / paragraph.len() - 1
    );
}

#[test]
fn auto_sniffs_html() {
    let document = clean(SAMPLE, &CleanOptions::default()).expect("cleans");
    assert_eq!(document.headings, ["Why now", "Tickets and timetable"]);
}
