//! Publication dates as pages write them — ISO 8601 stamps, "21.01.2020",
//! "01/21/2020", "January 21, 2020", "21. Januar 2020", "Tue Jan 21
//! 07:00:00 2020", dated URL paths — read into ISO 8601: `YYYY-MM-DD`, with
//! the time (`THH:MM[:SS]`) and UTC offset when the source gives them.
//!
//! Only the date itself is read: a string holding anything else (a
//! sentence that mentions a date) is no date, so a paragraph is never
//! mistaken for a dateline.

use std::sync::LazyLock;

use regex::Regex;

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| unreachable!("static date pattern: {e}"))
}

/// Month names and their usual abbreviations in the languages the cue
/// tables cover, lowercase; index + 1 is the month.
const MONTHS: [&[&str]; 12] = [
    &[
        "january", "jan", "januar", "jänner", "janvier", "janv", "enero", "ene", "janeiro",
        "gennaio", "gen", "januari",
    ],
    &[
        "february",
        "feb",
        "februar",
        "feber",
        "février",
        "févr",
        "fevrier",
        "febrero",
        "fevereiro",
        "fev",
        "febbraio",
        "februari",
    ],
    &[
        "march", "mar", "märz", "mars", "marzo", "março", "marco", "maart", "mrz",
    ],
    &["april", "apr", "avril", "avr", "abril", "abr", "aprile"],
    &["may", "mai", "mayo", "maio", "maggio", "mag", "mei"],
    &[
        "june", "jun", "juni", "juin", "junio", "junho", "giugno", "giu",
    ],
    &[
        "july", "jul", "juli", "juillet", "juil", "julio", "julho", "luglio", "lug",
    ],
    &["august", "aug", "août", "aout", "agosto", "ago", "augustus"],
    &[
        "september",
        "sep",
        "sept",
        "septembre",
        "septiembre",
        "setembro",
        "set",
        "settembre",
    ],
    &[
        "october", "oct", "oktober", "okt", "octobre", "octubre", "outubro", "out", "ottobre",
        "ott",
    ],
    &["november", "nov", "novembre", "noviembre", "novembro"],
    &[
        "december",
        "dec",
        "dezember",
        "dez",
        "décembre",
        "déc",
        "diciembre",
        "dic",
        "dezembro",
        "dicembre",
    ],
];

fn month_number(name: &str) -> Option<u32> {
    let name = name.trim_end_matches('.').to_lowercase();
    (1..=12u32).find(|&m| MONTHS[m as usize - 1].contains(&name.as_str()))
}

/// A time of day after a date: "07:00", "19:08:22", "7:00 PM", with an
/// optional offset ("Z", "+02:00", "+0200").
const TIME: &str = r"(?:[T ,]\s*(?:um\s+|at\s+|à\s+|às\s+|a las\s+|alle\s+|om\s+|-\s+)?(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?:[:.](?P<s>\d{2}))?(?:\.\d+)?\s*(?P<ampm>[ap]\.?m\.?)?\s*(?:(?P<z>Z)|(?P<oh>[+-]\d{2}):?(?P<om>\d{2}))?(?:\s*(?:uhr|h|[A-Z]{3,4}))?)?";

static ISO: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)^(?P<y>(?:19|20)\d{{2}})[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}}){TIME}$"
    ))
});
static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)^(?P<a>\d{{1,2}})(?P<sep>[./-])\s?(?P<b>\d{{1,2}})[./-]\s?(?P<y>(?:19|20)\d{{2}}){TIME}$"
    ))
});
static DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)^(?P<d>\d{{1,2}})(?:\.|st|nd|rd|th|er|º)?\s*(?:de\s+)?(?P<mn>\p{{L}}+\.?),?\s+(?:de\s+)?(?P<y>(?:19|20)\d{{2}}){TIME}$"
    ))
});
static MONTH_DAY: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)^(?P<mn>\p{{L}}+\.?)\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{{2}}){TIME}$"
    ))
});
/// `date(1)`'s shape: "Jan 21 07:00:00 2020", "Jan 21 07:00:00 CET 2020".
static UNIX: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)^(?P<mn>\p{L}+)\s+(?P<d>\d{1,2})\s+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?:\s+[A-Z]{3,4})?\s+(?P<y>(?:19|20)\d{2})$",
    )
});
/// A weekday (or other word) before the date: "Tue, ", "Dienstag, ", "Di., ",
/// "segunda-feira, ".
static LEADING_WORD: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^\p{L}+(?:-\p{L}+)?\.?,?\s+(?:den\s+|le\s+|el\s+)?"));
/// Labels before a date: "Published: ", "Veröffentlicht am ", "Posted on ".
static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)^(?:published|posted|updated|last updated|date|datum|stand|veröffentlicht|aktualisiert|erschienen|erstellt|publié|mis à jour|publicado|actualizado|atualizado|pubblicato|aggiornato|gepubliceerd)(?:\s+(?:on|am|at|le|el|em|il|op))?\s*:?\s*",
    )
});

/// Reads `text` as a date (and time), when it is nothing but a date.
/// `month_first` says how to read an ambiguous "01/02/2020": as January 2
/// (US usage) or February 1.
pub(crate) fn parse(text: &str, month_first: bool) -> Option<String> {
    let text = text
        .trim()
        .trim_end_matches(['|', '•', '·', '-', '–', ','])
        .trim();
    if text.len() > 60 {
        return None;
    }
    let text = LABEL.find(text).map_or(text, |m| &text[m.end()..]);
    parse_bare(text, month_first).or_else(|| {
        let rest = &text[LEADING_WORD.find(text)?.end()..];
        parse_bare(rest, month_first)
    })
}

/// Reads a date from a line of furniture: the whole line, or one of its
/// parts between separators ("By Jane Doe | January 21, 2020").
pub(crate) fn parse_line(line: &str, month_first: bool) -> Option<String> {
    parse(line, month_first).or_else(|| {
        line.split(['|', '·', '•', '\n'])
            .find_map(|part| parse(part, month_first))
    })
}

/// Separators between the parts of a byline or dateline; a bare "/" is
/// not one, it is inside numeric dates.
const PART_SEPARATORS: [&str; 6] = [" | ", " / ", " — ", " – ", " · ", " • "];

/// Whether `line` is furniture parts of which one is a date: "By Jane Doe
/// — November 18, 2019", "November 20, 2019 / 1:07 AM / Harbour News".
/// A sentence that mentions a date ends with its stop, so is never one.
pub(crate) fn is_dated_line(line: &str) -> bool {
    let line = line.trim();
    if line.ends_with(['.', '!', '?', ':', ';']) {
        return false;
    }
    let mut parts = vec![line];
    for separator in PART_SEPARATORS {
        parts = parts
            .into_iter()
            .flat_map(|part| part.split(separator))
            .collect();
    }
    parts.len() > 1
        && parts.iter().any(|part| {
            // "Published: 10:48, Tue, Nov 19, 2019": the time may come first.
            let part = part.trim();
            let part = LABEL.find(part).map_or(part, |m| &part[m.end()..]);
            let part = LEADING_TIME.find(part).map_or(part, |m| &part[m.end()..]);
            parse(part, false).is_some()
        })
}

/// A time of day before a date in a dateline's part: "10:48, ", "7:05 AM ".
static LEADING_TIME: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)^\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?,?\s+"));

fn parse_bare(text: &str, month_first: bool) -> Option<String> {
    let number = |c: &regex::Captures, name: &str| c.name(name)?.as_str().parse::<u32>().ok();
    if let Some(c) = ISO.captures(text) {
        return format(&c, number(&c, "y")?, number(&c, "m")?, number(&c, "d")?);
    }
    if let Some(c) = NUMERIC.captures(text) {
        let (a, b) = (number(&c, "a")?, number(&c, "b")?);
        // A number above 12 is the day; otherwise dots are day-first
        // everywhere and slashes follow the page's usage.
        let day_first = if a > 12 || b > 12 {
            a > 12
        } else {
            c.name("sep")?.as_str() == "." || !month_first
        };
        let (d, m) = if day_first { (a, b) } else { (b, a) };
        return format(&c, number(&c, "y")?, m, d);
    }
    for pattern in [&*DAY_MONTH, &*MONTH_DAY, &*UNIX] {
        if let Some(c) = pattern.captures(text) {
            let month = month_number(c.name("mn")?.as_str())?;
            return format(&c, number(&c, "y")?, month, number(&c, "d")?);
        }
    }
    None
}

/// ISO 8601 from the captured parts; `None` for impossible dates.
fn format(c: &regex::Captures, year: u32, month: u32, day: u32) -> Option<String> {
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut out = format!("{year:04}-{month:02}-{day:02}");
    let Some(hour) = c.name("h").and_then(|h| h.as_str().parse::<u32>().ok()) else {
        return Some(out);
    };
    let minute: u32 = c.name("mi")?.as_str().parse().ok()?;
    let pm = c
        .name("ampm")
        .map(|m| m.as_str().to_lowercase().starts_with('p'));
    let hour = match pm {
        Some(true) if hour < 12 => hour + 12,
        Some(false) if hour == 12 => 0,
        _ => hour,
    };
    if hour > 23 || minute > 59 {
        return Some(out);
    }
    out.push_str(&format!("T{hour:02}:{minute:02}"));
    if let Some(second) = c.name("s") {
        out.push(':');
        out.push_str(second.as_str());
    }
    if c.name("z").is_some() {
        out.push('Z');
    } else if let (Some(h), Some(m)) = (c.name("oh"), c.name("om")) {
        out.push_str(&format!("{}:{}", h.as_str(), m.as_str()));
    }
    Some(out)
}

/// Whether `text` is a day, one word and a year alone ("3 مايو 2026",
/// "21. Jänner 2020", "May 3, 2026"): how dates are written in any
/// language with Western digits, so the month need not be a name the
/// tables know. The day number is what tells it from "Annual Report 2020".
pub(crate) fn is_day_word_year(text: &str) -> bool {
    static DAY_WORD_YEAR: LazyLock<Regex> = LazyLock::new(|| {
        regex(
            r"^(?:\d{1,2}\.?\s+\p{L}+\.?,?|\p{L}+\.?\s+\d{1,2}(?:st|nd|rd|th)?,)\s+(?:19|20)\d{2}$",
        )
    });
    DAY_WORD_YEAR.is_match(text.trim())
}

/// Whether `text` is a month and year alone ("October 2020", "Okt. 2020"),
/// as archive lists and issue lines give them.
pub(crate) fn is_month_and_year(text: &str) -> bool {
    static MONTH_YEAR: LazyLock<Regex> =
        LazyLock::new(|| regex(r"^(\p{L}+\.?),?\s+(?:19|20)\d{2}$"));
    MONTH_YEAR
        .captures(text.trim())
        .and_then(|c| month_number(c.get(1)?.as_str()))
        .is_some()
}

/// A date in a URL's path, as content systems build them: `/2020/01/21/`,
/// `/2020-01-21-`, `/20200121/`; a year and month alone (`/2020/01/`)
/// give `YYYY-MM`.
pub(crate) fn from_url(url: &str) -> Option<String> {
    static DAY: LazyLock<Regex> = LazyLock::new(|| {
        regex(r"[/_-]((?:19|20)\d{2})[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])(?:[/_.-]|$)")
    });
    static MONTH: LazyLock<Regex> = LazyLock::new(|| regex(r"/((?:19|20)\d{2})/(0[1-9]|1[0-2])/"));
    let path = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = path.find('/').map_or("", |i| &path[i..]);
    let path = path.split(['?', '#']).next().unwrap_or_default();
    if let Some(c) = DAY.captures(path) {
        return Some(format!("{}-{}-{}", &c[1], &c[2], &c[3]));
    }
    MONTH.captures(path).map(|c| format!("{}-{}", &c[1], &c[2]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_pages_use() {
        let cases = [
            ("2020-01-21", "2020-01-21"),
            ("2020-1-21T07:00:00+02:00", "2020-01-21T07:00:00+02:00"),
            ("2020-01-21T07:00:00.000Z", "2020-01-21T07:00:00Z"),
            ("2020-01-21 07:00", "2020-01-21T07:00"),
            ("21.01.2020", "2020-01-21"),
            ("21.01.2020, 07:00:03", "2020-01-21T07:00:03"),
            ("Di., 21.01.2020 - 14:45", "2020-01-21T14:45"),
            ("01.21.2020 07:00 AM", "2020-01-21T07:00"),
            ("01/21/2020 07:00 pm", "2020-01-21T19:00"),
            ("January 21, 2020", "2020-01-21"),
            ("21. Januar 2020", "2020-01-21"),
            ("21 de enero de 2020", "2020-01-21"),
            ("Published: Jan. 21st, 2020", "2020-01-21"),
            (
                "Veröffentlicht am 21. Januar 2020 um 7:00 Uhr",
                "2020-01-21T07:00",
            ),
            ("Tue Jan 21 07:00:00 CET 2020", "2020-01-21T07:00:00"),
        ];
        for (text, iso) in cases {
            assert_eq!(parse(text, false).as_deref(), Some(iso), "{text}");
        }
        assert_eq!(parse("02/01/2020", true).as_deref(), Some("2020-02-01"));
        assert_eq!(parse("02/01/2020", false).as_deref(), Some("2020-01-02"));
    }

    #[test]
    fn sentences_and_impossible_dates_are_no_dates() {
        for text in [
            "The ferry returned on January 21, 2020, after a year.",
            "2020-13-01",
            "31.31.2020",
            "In 2020",
            "Mayday 21 2020",
        ] {
            assert_eq!(parse(text, false), None, "{text}");
        }
    }

    #[test]
    fn weekdays_and_times_in_romance_languages() {
        assert_eq!(
            parse("terça-feira, 3 de março de 2020 às 9:05", false).as_deref(),
            Some("2020-03-03T09:05")
        );
        assert_eq!(
            parse("martes, 3 de marzo de 2020 a las 9:05", false).as_deref(),
            Some("2020-03-03T09:05")
        );
    }

    #[test]
    fn dated_lines() {
        assert!(is_dated_line("By Jane Doe | 21 January 2020"));
        assert!(is_dated_line("November 20, 2019 / 1:07 AM / Harbour News"));
        assert!(is_dated_line(
            "PUBLISHED: 10:48, Tue, Nov 19, 2019 | UPDATED: 11:05, Tue, Nov 19, 2019"
        ));
        assert!(!is_dated_line("21 January 2020"), "one part: parse's case");
        assert!(!is_dated_line(
            "The ferry ran until March 3, 2021 — then the money ran out."
        ));
        assert!(!is_dated_line("Harbour News / Ferry Desk"));
    }

    #[test]
    fn month_and_year() {
        assert!(is_month_and_year("October 2020"));
        assert!(is_month_and_year("Okt. 2020"));
        assert!(!is_month_and_year("Annual Report 2020"));
        assert!(is_day_word_year("3 مايو 2026"));
        assert!(is_day_word_year("May 3, 2026"));
        assert!(!is_day_word_year("Annual Report 2020"));
        assert!(!is_day_word_year("Top 10 2020"));
    }

    #[test]
    fn dated_url_paths() {
        assert_eq!(
            from_url("https://example.org/news/2020/01/21/ferry-returns/").as_deref(),
            Some("2020-01-21")
        );
        assert_eq!(
            from_url("https://example.org/2020-01-21-ferry").as_deref(),
            Some("2020-01-21")
        );
        assert_eq!(
            from_url("https://example.org/blog/2014/03/ferry/").as_deref(),
            Some("2014-03")
        );
        assert_eq!(from_url("https://example.org/a-6533123"), None);
        assert_eq!(from_url("https://2020.example.org/?d=2020/01/21/"), None);
    }
}
