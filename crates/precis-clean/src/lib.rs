//! precis-clean turns a scraped article — plain text or HTML — into clean,
//! structured text: title, headings, paragraphs and sentences, together with
//! a record of every piece of the input that was dropped and why.

mod document;

pub use document::{Document, Metadata, Paragraph, Reason, Removed};
