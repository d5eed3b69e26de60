//! Rules of main-content extraction from HTML, each on a page built to show
//! the structure it is about (tables, related boxes, tickers, short pages).

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
