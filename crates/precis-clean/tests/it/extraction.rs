//! Rules of main-content extraction from HTML, each on a page built to show
//! the structure it is about (tables, related boxes, tickers, short pages).

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

fn texts(document: &Document) -> Vec<&str> {
    document
        .paragraphs
        .iter()
        .map(|p| p.text.as_str())
        .collect()
}

const PROSE: &str = "<p>The league published its final standings on Monday, after a season in which three teams were level on points until the last round.</p>";

#[test]
fn table_cells_that_repeat_are_kept() {
    let page = format!(
        "<html><body><article>{PROSE}<table>\
         <tr><th>Team</th><th>Won</th><th>Lost</th></tr>\
         <tr><td>Harbour Rovers</td><td>12</td><td>0</td></tr>\
         <tr><td>Mill Lane</td><td>12</td><td>0</td></tr>\
         <tr><td>Quarry Town</td><td>3</td><td>9</td></tr>\
         </table>{PROSE}</article></body></html>"
    );
    let document = clean_html(&page);
    assert_eq!(
        texts(&document),
        [
            "The league published its final standings on Monday, after a season in which three teams were level on points until the last round.",
            "Team | Won | Lost",
            "Harbour Rovers | 12 | 0",
            "Mill Lane | 12 | 0",
            "Quarry Town | 3 | 9",
        ]
    );
    assert!(document
        .removed
        .iter()
        .any(|r| r.reason == Reason::Duplicate && r.text.starts_with("The league")));
}

#[test]
fn parallel_sections_keep_their_repeated_headings_and_lines() {
    let plan = |name: &str, dish: &str| {
        format!(
            "<h2>Plan {name}</h2><h3>Breakfast</h3><p>Eat within an hour of waking</p><p>{dish} with oats, honey and a handful of walnuts, soaked overnight.</p>\
             <h3>Dinner</h3><p>Eat before seven</p><p>{dish} baked with leeks, potatoes and a spoon of mustard for the sauce.</p>"
        )
    };
    let page = format!(
        "<html><body><article>{PROSE}{}{}</article></body></html>",
        plan("A", "Apples"),
        plan("B", "Pears")
    );
    let document = clean_html(&page);
    assert_eq!(
        document.headings,
        [
            "Plan A",
            "Breakfast",
            "Dinner",
            "Plan B",
            "Breakfast",
            "Dinner"
        ]
    );
    let short_lines = texts(&document)
        .into_iter()
        .filter(|t| t.starts_with("Eat "))
        .count();
    assert_eq!(short_lines, 4, "{:?}", texts(&document));
}

#[test]
fn a_heading_over_an_empty_section_is_dropped() {
    let page = format!(
        "<html><body><article>{PROSE}<h2>Comments</h2><h2>Background</h2>\
         <p>Two of the three teams share a ground, which made the final round a sell-out weeks in advance.</p></article></body></html>"
    );
    let document = clean_html(&page);
    assert_eq!(document.headings, ["Background"]);

    // A lead set in a heading's type, with nothing under it, is still text.
    let lead = "The league's final round drew more spectators than any match of the season, and two of its three grounds were sold out weeks ahead.";
    let page = format!(
        "<html><body><article><h2>{lead}</h2><h2>Results</h2>{PROSE}{PROSE2}<h2>Comments</h2></article></body></html>"
    );
    let document = clean_html(&page);
    assert_eq!(document.headings, [lead, "Results"]);
}

#[test]
fn a_list_of_teasers_beside_the_article_is_not_more_of_it() {
    let teaser = |n: usize| {
        format!(
            "<li><a href=/news/{n}>Council story number {n} makes the headlines</a> \
             RIVERTON: The council met again on a weekday evening and discussed item {n} at length, \
             then adjourned without a vote on the budget.</li>"
        )
    };
    let ticker: String = (1..=5).map(teaser).collect();
    let page = format!(
        "<html><body><div id=wrapper><div class=breaking><ul>{ticker}</ul></div>\
         <div class=story>{PROSE}<p>Harbour Rovers and Mill Lane finished level, with Quarry Town a distant third, nine points behind.</p>\
         <p>The title will be decided by a play-off at a neutral ground, the league said, most likely in the first week of June.</p></div></div></body></html>"
    );
    let document = clean_html(&page);
    assert_eq!(document.paragraphs.len(), 3, "{:?}", texts(&document));
    assert!(texts(&document)
        .iter()
        .all(|t| !t.contains("Council story")));
}

#[test]
fn text_straight_in_a_column_beside_a_link_sidebar_is_the_article() {
    // A two-column layout: the archive sidebar (all links) and the story
    // column share a row; the story is bare text in its column, after a
    // headline paragraph, with no `<p>` of its own.
    let archive: String = (1..=60)
        .map(|n| format!("<li><a href=/archive/{n}>Month {n} of the archive</a></li>"))
        .collect();
    let story = "The night crew found two of the five vans broken into, their batteries gone and their doors dented, and called the police, who came within the hour. Visits booked for the morning are being moved to the afternoon, when the clinic expects to be back to normal.";
    let page = format!(
        "<html><body><div class=row><div class=col-side><ul>{archive}</ul></div>\
         <div class=col-main><p class=headline>Vans broken into at the clinic</p><img src=a.jpg>{story}<br><br><div class=share><a href=/s>Share</a></div></div></div>\
         <div class=bottom><p>Town Hall, 1 Market Street, Riverton, postcode 12345, telephone 555 0100</p></div></body></html>"
    );
    let document = clean_html(&page);
    assert_eq!(texts(&document), ["Vans broken into at the clinic", story]);
}

#[test]
fn a_thread_whose_posts_sit_in_comment_boxes_keeps_them() {
    // A forum thread: every post is in a box named like a comment section,
    // and nothing else on the page is prose.
    let post = |who: &str, text: &str| {
        format!(
            "<div class=thread-comment><span class=comment-author>{who}</span><div class=comment-text>{text}</div></div>"
        )
    };
    let first = "Since the update my tablet will not reach the app shop over mobile data, although it works at home over the wireless network, and nothing in the settings changed.";
    let second = "Same here, and it only happens with one network, so I suspect the provider rather than the tablet; switching the network mode off and on again fixed it for a day.";
    let page = format!(
        "<html><body><nav><a href=/>Forum</a> <a href=/new>New posts</a></nav>\
         <h1>No app shop over mobile data</h1>{}{}\
         <footer><a href=/terms>Terms</a></footer></body></html>",
        post("tablet_fan", first),
        post("river_rat", second)
    );
    let document = clean_html(&page);
    let kept = texts(&document);
    assert!(kept.contains(&first) && kept.contains(&second), "{kept:?}");
    assert!(
        document
            .warnings
            .iter()
            .any(|w| w.contains("named like boilerplate")),
        "{:?}",
        document.warnings
    );
}

#[test]
fn a_slideshow_told_in_its_captions_keeps_them_over_its_labels() {
    // Each slide: a counter, a heading and a caption box holding the
    // story's sentence. Under the class hints the captions go, and what is
    // left (an intro line, counters, headings) holds no sentence.
    let captions = [
        "The new ferry is smaller than the one it replaces, and it will carry bicycles for the first time.",
        "Its engines run on electricity for the short crossing, and the diesel ones are kept for storms.",
        "Tickets cost the same as before, and the first sailing leaves at six in the morning.",
    ];
    let slides: String = captions
        .iter()
        .enumerate()
        .map(|(n, caption)| {
            format!(
                "<div class=counter>{}/3</div><h2>Part {}</h2><p class=slide-caption>{caption}</p>",
                n + 1,
                n + 1
            )
        })
        .collect();
    let page = format!(
        "<html><body><h1>The new ferry in three pictures</h1><div class=story>\
         <p>From the shipyard in the north, by way of the old harbour, to its first crossing</p>{slides}</div>\
         <footer><a href=/terms>Terms</a></footer></body></html>"
    );
    let document = clean_html(&page);
    let kept = texts(&document);
    assert!(captions.iter().all(|c| kept.contains(c)), "{kept:?}");
    assert!(
        document
            .warnings
            .iter()
            .any(|w| w.contains("named like boilerplate")),
        "{:?}",
        document.warnings
    );
}

#[test]
fn an_embedded_post_is_quoted_text_and_its_share_bar_is_not() {
    let quoted = "The new timetable puts the last crossing at nine, which is no use to anyone on the late shift.";
    let page = format!(
        "<html><body><article>{PROSE}\
         <div class=social-media-embed><blockquote class=post-quote><p>{quoted}</p>— A commuter (@late_shift)</blockquote></div>\
         {PROSE2}<div class=social-share><p>Share this story with your friends and family today</p></div></article></body></html>"
    );
    let document = clean_html(&page);
    let kept = texts(&document);
    assert!(kept.contains(&quoted), "{kept:?}");
    assert!(
        !kept.iter().any(|t| t.starts_with("Share this story")),
        "{kept:?}"
    );
}

const PROSE2: &str = "<p>The operator said the new times follow a survey of passengers, and that a later boat would be tried again in the summer if numbers allow.</p>";

#[test]
fn hover_cards_and_hidden_inline_text_are_not_part_of_the_sentence() {
    let page = "<html><body><article><p>The harbour master, \
        <span class=person-rollover><a class=person-rollover-link href=/people/ada>Ada Berg</a><span class=person-rollover-card><a href=/ada>Ada Berg</a> \
        <a href=/x>Ferry fares rise again | Quay repairs begin</a></span></span>, said the ferry would run until nine, \
        <span style='display: none'>subscribe for more</span>and later in the summer.</p>\
        <p>She added that the survey of passengers, which ran for a month, had asked about every crossing of the day.</p></article></body></html>";
    let document = clean_html(page);
    assert_eq!(
        texts(&document).first().copied(),
        Some("The harbour master, Ada Berg, said the ferry would run until nine, and later in the summer.")
    );
    assert!(document.removed.iter().any(|r| r.reason == Reason::NonText
        && r.text
            .starts_with("inline text outside the sentence: 2 element(s)")));
}

#[test]
fn a_word_that_shows_a_tip_stays_in_the_sentence() {
    // The word the reader points at carries the tip in an attribute or says
    // in its class that it has one; only a box holding the tip is left out.
    let page = "<html><body><article><p>The ministers of the <abbr class=has-tooltip title='European Union'>EU</abbr> \
        met the <span class=term-tooltip data-tip='Food and farming agency'>FFA</span> and the \
        <span class=glossary-tooltip-trigger>harbour board</span> on Monday, \
        <span class=tooltip>as planned<span class=tooltip-text>The meeting was set in May</span></span>.</p>\
        <p>She added that the survey of passengers, which ran for a month, had asked about every crossing of the day.</p></article></body></html>";
    let document = clean_html(page);
    assert_eq!(
        texts(&document).first().copied(),
        Some("The ministers of the EU met the FFA and the harbour board on Monday, as planned.")
    );
}

#[test]
fn posts_under_a_related_heading_are_teasers_however_long() {
    let excerpt = |topic: &str| {
        format!("<article class=post><p>An excerpt about {topic}, long enough to read like prose, with commas, clauses and a second sentence. It ends mid-thought, as excerpts do, waiting for a click to go on and on …</p></article>")
    };
    let page = format!(
        "<html><body><div id=content><article class=post><h1>The last ferry</h1>{PROSE}{PROSE2}</article>\
         <div class=more><h3>You may also like</h3>{}{}{}</div></div></body></html>",
        excerpt("the bridge"),
        excerpt("the quay"),
        excerpt("the tides")
    );
    let document = clean_html(&page);
    let kept = texts(&document);
    assert!(
        !kept.iter().any(|t| t.starts_with("An excerpt")),
        "{kept:?}"
    );
    assert!(document.removed.iter().any(
        |r| r.reason == Reason::RelatedLinks && r.text.starts_with("An excerpt about the quay")
    ));
}

#[test]
fn a_related_heading_between_paragraphs_ends_nothing() {
    let page = format!(
        "<html><body><article>{PROSE}<h3>Related: the new timetable</h3>{PROSE2}</article></body></html>"
    );
    let document = clean_html(&page);
    assert_eq!(texts(&document).len(), 2, "{:?}", texts(&document));
}

#[test]
fn ruby_readings_are_not_part_of_the_text() {
    let page = "<html><body><article><p><ruby>子<rp>(</rp><rt>こ</rt><rp>)</rp></ruby>どもの<ruby>学校<rt>がっこう</rt></ruby>が<ruby>新<rt>あたら</rt></ruby>しくなりました。<ruby>町<rt>まち</rt></ruby>の<ruby>人<rt>ひと</rt></ruby>たちはとても<ruby>喜<rt>よろこ</rt></ruby>んでいます。</p></article></body></html>";
    let document = clean_html(page);
    assert_eq!(
        texts(&document),
        ["子どもの学校が新しくなりました。町の人たちはとても喜んでいます。"]
    );
}

#[test]
fn a_line_set_twice_in_a_row_is_kept_once() {
    let summary = "The ferry is back, and so are the queues.";
    let page = format!(
        "<html><body><article><p class=dek-small>{summary}</p><p class=dek-large>{summary}</p>{PROSE}{PROSE2}</article></body></html>"
    );
    let document = clean_html(&page);
    let kept = texts(&document);
    assert_eq!(
        kept.iter().filter(|t| **t == summary).count(),
        1,
        "{kept:?}"
    );
    assert!(document
        .removed
        .iter()
        .any(|r| r.reason == Reason::Duplicate && r.text == summary));
}

#[test]
fn an_article_shown_by_a_script_is_read_from_its_noscript_copy() {
    let body = "<p>The harbour board approved the new ferry timetable on Monday, adding two crossings in the evening.</p>\
                <p>Commuters had asked for later boats since the bridge closed for repairs, the board's chair said.</p>";
    let page = format!(
        "<html><body><header><p>News from the harbour town</p></header>\
         <div class=post-body><script type=text/template>{body}</script><noscript>{body}</noscript></div></body></html>"
    );
    let document = clean_html(&page);
    let kept = texts(&document);
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert!(
        kept[0].starts_with("The harbour board approved"),
        "{kept:?}"
    );

    // A page whose article is there without scripts keeps it, and a
    // notice asking for JavaScript stays code, not text.
    let page = format!(
        "<html><body><noscript>You need to enable JavaScript to view this site.</noscript><article>{body}</article></body></html>"
    );
    let document = clean_html(&page);
    assert_eq!(texts(&document).len(), 2, "{:?}", texts(&document));
    assert!(!texts(&document).iter().any(|t| t.contains("JavaScript")));
}

#[test]
fn hidden_pages_of_a_slideshow_are_content_and_a_hidden_data_box_is_not() {
    let slide = |n: usize, style: &str| {
        format!(
            "<div class=slide{style}><h2>{n}. A lamp made from a ship's lantern</h2>\
             <p>Slide {n} tells how a fisherman, retired after forty winters at sea, wired the lantern of his old boat into a reading lamp.</p></div>"
        )
    };
    let page = format!(
        "<html><body><article><p>Twelve objects from the harbour museum's new room, one per page, picked by its curators.</p>\
         {}{}{}<div style='display:none'><p>price,currency,sku,availability,image width 500, image height 250, publisher logo</p></div></article></body></html>",
        slide(1, ""),
        slide(2, " style='display: none'"),
        slide(3, " hidden"),
    );
    let document = clean_html(&page);
    let kept = texts(&document);
    for n in 1..=3 {
        assert!(
            kept.iter()
                .any(|t| t.starts_with(&format!("Slide {n} tells"))),
            "slide {n}: {kept:?}"
        );
    }
    assert!(!kept.iter().any(|t| t.starts_with("price,")), "{kept:?}");
    assert_eq!(removed_as(&document, "price,"), Some(Reason::NonText));
}

#[test]
fn a_figure_around_a_table_is_content_and_around_a_photo_a_caption() {
    let page = format!(
        "<html><body><article>{PROSE}\
         <figure><img src=ferry.jpg><figcaption>The ferry at the quay on Monday morning.</figcaption></figure>\
         <figure><table><tr><th>Route</th><th>Crossings</th></tr><tr><td>Harbour to island</td><td>Twelve a day, four more in summer</td></tr></table></figure>\
         {PROSE2}</article></body></html>"
    );
    let document = clean_html(&page);
    let kept = texts(&document);
    assert!(
        kept.contains(&"Harbour to island | Twelve a day, four more in summer"),
        "{kept:?}"
    );
    assert_eq!(
        removed_as(&document, "The ferry at the quay"),
        Some(Reason::PhotoCaption)
    );
}

#[test]
fn a_lead_set_with_the_headline_is_kept_and_marked_as_the_lead() {
    let lead = "The harbour ferry runs again after a year of repairs, with two more crossings each evening and room for bicycles";
    for standfirst in [
        format!("<p class=standfirst>{lead}.</p>"),
        format!("<h2 class=dek>{lead}</h2>"),
    ] {
        let page = format!(
            "<html><body><header><h1>The ferry is back</h1>{standfirst}<p>By Ann Example, 3 May 2024</p></header>\
             <div id=story>{PROSE}{PROSE2}{PROSE}</div></body></html>"
        );
        let document = clean_html(&page);
        let first = &document.paragraphs[0];
        assert!(first.text.starts_with(lead), "{standfirst}: {document:?}");
        assert!(first.lead && first.heading.is_none(), "{first:?}");
        assert!(document.paragraphs[1..].iter().all(|p| !p.lead));
        assert!(document.headings.is_empty(), "{:?}", document.headings);
        // Marked in JSON only where it is true.
        let json = serde_json::to_value(&document).unwrap();
        assert_eq!(json["paragraphs"][0]["lead"], true);
        assert!(json["paragraphs"][1].get("lead").is_none());
    }
}

#[test]
fn a_script_hook_class_does_not_name_what_a_box_is() {
    // `js-lightbox-gallery` tells the page's script to open the photos inside
    // in a lightbox; the box is the article's photo and the rest of its text.
    let page = format!(
        "<html><body><article><h1>The island ferry returns</h1>{PROSE}{PROSE2}\
         <p>The first boat left at seven with forty passengers, most of them commuters who had driven the long way round since the autumn.</p>\
         <div class=\"media js-lightbox-gallery\">\
         <figure><img src=ferry.jpg><figcaption>The ferry at the quay.</figcaption></figure>\
         <div class=\"media-body\">\
         <p>Residents said the crossing had been missed most by pupils, who had spent the winter on a bus that took an hour longer each way.</p>\
         </div></div>\
         <div class=\"gallery\"><p>More photos of the harbour at dusk, taken by readers.</p></div>\
         </article></body></html>"
    );
    let document = clean_html(&page);
    let kept = texts(&document);
    assert!(
        kept.iter().any(|p| p.contains("missed most by pupils")),
        "{kept:?}"
    );
    assert_eq!(
        removed_as(&document, "More photos of the harbour"),
        Some(Reason::PhotoCaption)
    );
}
