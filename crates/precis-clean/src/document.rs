//! The cleaned article: what every cleaning pipeline (plain text or HTML)
//! produces and every later stage (summarizers, translators, the CLI) reads.

use serde::{Deserialize, Serialize};

use crate::Language;

/// A cleaned article.
///
/// `title`, `headings` and `paragraphs` are what was kept; `removed` is what
/// was dropped. Together they account for all of the input's text, so a
/// reader can always check what the cleaner threw away.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// The article's title, when one was found.
    pub title: Option<String>,
    /// In-body section headings, in reading order.
    pub headings: Vec<String>,
    /// Body paragraphs, in reading order.
    pub paragraphs: Vec<Paragraph>,
    /// Facts about the article that the source states (HTML meta tags, JSON-LD).
    pub metadata: Metadata,
    /// The language the kept text is written in, as detected from the text
    /// (what the page claims is `metadata.language`, a hint only).
    #[serde(default)]
    pub language: Option<Language>,
    /// Every piece of the input that was dropped, with the reason.
    pub removed: Vec<Removed>,
    /// Things the user should know about the input or the cleaning
    /// (lossy decoding, nothing kept, …). Never silently swallowed.
    pub warnings: Vec<String>,
}

/// One body paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paragraph {
    /// The paragraph's normalized text.
    pub text: String,
    /// The heading of the section the paragraph belongs to, if any.
    pub heading: Option<String>,
    /// Whether this is the article's lead (standfirst): the summary the page
    /// sets with the headline, apart from the body.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub lead: bool,
}

impl Paragraph {
    /// The paragraph's sentences (see [`crate::sentences`]).
    pub fn sentences(&self) -> Vec<&str> {
        crate::sentences(&self.text)
    }
}

/// A piece of the input that the cleaner dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removed {
    /// The dropped text, normalized like kept text.
    pub text: String,
    /// Why it was dropped.
    pub reason: Reason,
}

/// Why a piece of the input was dropped, in words a person understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// A site banner, slogan or kicker above the title ("Support The Moscow Times!").
    Banner,
    /// A request for money or subscriptions.
    DonationAppeal,
    /// A caption under a photo or video.
    PhotoCaption,
    /// A photo or video credit ("Dimitar Dilkoff / AFP").
    PhotoCredit,
    /// Menus, breadcrumbs, pagination, skip links.
    Navigation,
    /// Cookie and privacy consent notices.
    CookieNotice,
    /// "Read more", "Share", "Subscribe to our newsletter", …
    CallToAction,
    /// Links to other articles ("Related", "Most read").
    RelatedLinks,
    /// Comments sections and their furniture.
    Comments,
    /// Advertising.
    Advertisement,
    /// Copyright lines, imprint, contact details at the page's end.
    Footer,
    /// Author and reading-time lines ("By Jane Doe", "5 min read"); the
    /// author's name feeds the metadata when the page states none.
    Byline,
    /// A date, time or place line above or beside the article ("21.01.2020
    /// 07:00 AM", "RIVERTON, N.C."); a date feeds the metadata when the page
    /// states none.
    Dateline,
    /// The name of the section the article is filed under ("From the
    /// section Europe").
    SectionLabel,
    /// A line naming who sponsors or funds the page or its section ("This
    /// series is supported by …").
    Sponsor,
    /// A note that the page was printed, and from where ("This article was
    /// printed from …").
    PrintNotice,
    /// Program code or markup shown as text: HTML tags, JavaScript, CSS.
    Code,
    /// Text already kept once.
    Duplicate,
    /// A line repeated across several articles of the same site.
    RepeatedAcrossArticles,
    /// Content outside the article's main text (sidebars, teasers, widgets).
    OutsideMainContent,
    /// Markup-only content that carries no text for a reader (scripts, styles, forms).
    NonText,
}

impl Reason {
    /// The reason as a short phrase, as it appears in reports ("donation appeal").
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Banner => "banner",
            Reason::DonationAppeal => "donation appeal",
            Reason::PhotoCaption => "photo caption",
            Reason::PhotoCredit => "photo credit",
            Reason::Navigation => "navigation",
            Reason::CookieNotice => "cookie notice",
            Reason::CallToAction => "call to action",
            Reason::RelatedLinks => "related links",
            Reason::Comments => "comments",
            Reason::Advertisement => "advertisement",
            Reason::Footer => "footer",
            Reason::Byline => "byline",
            Reason::Dateline => "dateline",
            Reason::SectionLabel => "section label",
            Reason::Sponsor => "sponsor",
            Reason::PrintNotice => "print notice",
            Reason::Code => "code",
            Reason::Duplicate => "duplicate",
            Reason::RepeatedAcrossArticles => "repeated across articles",
            Reason::OutsideMainContent => "outside main content",
            Reason::NonText => "non-text",
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Facts the source states about the article. Every field is optional: only
/// what the page actually says is filled in, nothing is guessed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    /// The headline, without the site name `<title>` tags often add.
    pub title: Option<String>,
    /// Who wrote it, as the page names them.
    pub author: Option<String>,
    /// Publication date as the source gives it (ISO 8601 where the source does).
    pub date: Option<String>,
    /// The publication's name.
    pub site_name: Option<String>,
    /// BCP 47 language tag ("en", "pt-BR").
    pub language: Option<String>,
    /// The URL the page names as its own (`<link rel=canonical>`, `og:url`).
    pub canonical_url: Option<String>,
    /// The page's own summary line (`og:description`, `description`).
    pub description: Option<String>,
}

impl Document {
    /// A document from text that is already clean, one paragraph per line:
    /// each line is trimmed and blank lines are skipped, but nothing is
    /// classified or removed. This is `--input clean`, and how data sets of
    /// clean articles (CNN/DailyMail) are read.
    pub fn from_paragraph_lines(text: &str) -> Document {
        let mut document = Document {
            paragraphs: text
                .lines()
                .map(str::trim)
                .filter(|line| !line.is_empty())
                .map(|line| Paragraph {
                    text: line.to_string(),
                    heading: None,
                    lead: false,
                })
                .collect(),
            ..Document::default()
        };
        document.detect_language();
        document
    }

    /// Sets [`Document::language`] from the kept text: title and
    /// paragraphs, not what was removed (a site's boilerplate may be in
    /// another language than its article).
    pub fn detect_language(&mut self) {
        let mut text = self.title.clone().unwrap_or_default();
        // The detector reads a sample of the start; no need to copy more.
        for paragraph in &self.paragraphs {
            if text.len() > crate::language::SAMPLE_BYTES {
                break;
            }
            text.push('\n');
            text.push_str(&paragraph.text);
        }
        self.language = crate::detect_language(&text);
    }

    /// The kept text as a reader sees it: title, then headings and paragraphs
    /// in reading order, separated by blank lines. This is `--format text`.
    ///
    /// `headings` lists every heading in order, also one that no paragraph
    /// follows (a section left empty by the cleaning), so it is printed where
    /// it stood: before the first paragraph of a later heading, or at the end.
    pub fn to_text(&self) -> String {
        let mut blocks: Vec<&str> = Vec::new();
        if let Some(title) = &self.title {
            blocks.push(title);
        }
        let mut headings = self.headings.iter().map(String::as_str);
        let mut current_heading: Option<&str> = None;
        for paragraph in &self.paragraphs {
            let heading = paragraph.heading.as_deref();
            if let Some(new) = heading.filter(|_| heading != current_heading) {
                if headings.clone().any(|pending| pending == new) {
                    // Print the headings up to and including this one.
                    for pending in headings.by_ref() {
                        blocks.push(pending);
                        if pending == new {
                            break;
                        }
                    }
                } else {
                    blocks.push(new);
                }
            }
            current_heading = heading;
            blocks.push(&paragraph.text);
        }
        blocks.extend(headings);
        blocks.join("\n\n")
    }

    /// Whether the cleaner kept any body text at all.
    pub fn is_empty(&self) -> bool {
        self.paragraphs.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paragraph(text: &str, heading: Option<&str>) -> Paragraph {
        Paragraph {
            text: text.into(),
            heading: heading.map(Into::into),
            lead: false,
        }
    }

    #[test]
    fn to_text_prints_headings_where_they_stood() {
        let document = Document {
            title: Some("Title".into()),
            headings: vec!["Empty section".into(), "Second".into(), "Trailing".into()],
            paragraphs: vec![
                paragraph("Intro.", None),
                paragraph("Body.", Some("Second")),
            ],
            ..Document::default()
        };
        assert_eq!(
            document.to_text(),
            "Title\n\nIntro.\n\nEmpty section\n\nSecond\n\nBody.\n\nTrailing"
        );
    }

    #[test]
    fn from_paragraph_lines_keeps_every_non_blank_line() {
        let document = Document::from_paragraph_lines("  First line. \n\n\t\nSecond line.\r\n");
        assert_eq!(
            document.paragraphs,
            [
                paragraph("First line.", None),
                paragraph("Second line.", None)
            ]
        );
        assert!(document.removed.is_empty() && document.title.is_none());
    }

    #[test]
    fn paragraph_sentences() {
        let p = paragraph("Dr. Who arrived. He left.", None);
        assert_eq!(p.sentences(), ["Dr. Who arrived.", "He left."]);
    }
}
