//! Typography a translation model never saw: folded into what it did see on
//! the way in, put back on the way out where that cannot go wrong.
//!
//! The Bergamot and opus-mt students learned from text whose quotes,
//! apostrophes and dashes were mostly ASCII. When a character is missing
//! from a model's SentencePiece vocabulary it reaches the model as
//! `<unk>`, and the words around it come out garbled ("haven’t changed" →
//! "tern't alterado"). Which characters to fold is the model's own
//! vocabulary's answer: only a character its tokenizer turns into `<unk>`,
//! and only into a replacement it knows. What a character folds into
//! follows from its Unicode general category: a space separator (Zs) into a
//! space, an invisible format character (Cf: zero-width spaces, soft
//! hyphens) into nothing, a dash (Pd) into a hyphen-minus, a quotation mark
//! (Pi, Pf, and the low-9 marks ‚ „) into `'` or `"`.
//!
//! On the way out the article's conventions come back where the model's
//! ASCII says exactly what was meant: an apostrophe between two letters, a
//! line's double quotes taken in pairs, a hyphen-minus with a space on each
//! side (a dash: a hyphen never has spaces around it).

use std::collections::{BTreeMap, BTreeSet};

use unicode_categories::UnicodeCategories;

use crate::InferError;

/// The double quotation marks among the quote characters; every other one
/// is single.
const DOUBLE_QUOTES: [char; 7] = ['“', '”', '„', '‟', '«', '»', '⹂'];

/// Dashes that set off a clause even when written without spaces
/// ("builds—and caching"): EM DASH, HORIZONTAL BAR and the two- and
/// three-em dashes. An unspaced en dash joins (a range, a route) and folds
/// into a plain hyphen.
const EM_DASHES: [char; 4] = ['—', '―', '⸺', '⸻'];

/// What a character the model lacks becomes.
fn replacement(c: char) -> Option<Option<char>> {
    if c.is_ascii() {
        None
    } else if c.is_separator_space() {
        Some(Some(' '))
    } else if c.is_other_format() {
        Some(None)
    } else if c.is_punctuation_dash() {
        Some(Some('-'))
    } else if c.is_punctuation_initial_quote() || c.is_punctuation_final_quote() || c == '‚' {
        Some(Some(if DOUBLE_QUOTES.contains(&c) {
            '"'
        } else {
            '\''
        }))
    } else if c == '„' {
        Some(Some('"'))
    } else {
        None
    }
}

/// How the text of one translation call is folded for its model, and which
/// of its conventions come back in the translation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Typography {
    /// Characters the model lacks, and what each becomes (`None`: dropped).
    folds: BTreeMap<char, Option<char>>,
    /// The apostrophe the text writes between letters, when the model lacks it.
    apostrophe: Option<char>,
    /// The opening and closing double quotes the text uses, when the model
    /// lacks them.
    quotes: Option<(char, char)>,
    /// The dash the text sets clauses off with, and whether it has spaces
    /// around it, when the model lacks it.
    dash: Option<(char, bool)>,
}

impl Typography {
    /// What `lines` use that the model lacks; `knows` says whether the
    /// model's tokenizer has a piece for a character (not `<unk>`).
    pub(crate) fn of(
        lines: &[&str],
        knows: impl Fn(char) -> Result<bool, InferError>,
    ) -> Result<Self, InferError> {
        let used: BTreeSet<char> = lines.iter().flat_map(|line| line.chars()).collect();
        let mut folds = BTreeMap::new();
        for c in used {
            let Some(into) = replacement(c) else { continue };
            let known_into = match into {
                Some(into) => knows(into)?,
                None => true,
            };
            if known_into && !knows(c)? {
                folds.insert(c, into);
            }
        }
        let mut typography = Typography {
            folds,
            ..Typography::default()
        };
        if typography.folds.is_empty() {
            return Ok(typography);
        }
        let mut straight_apostrophe = false;
        let (mut opening, mut closing) = (None, None);
        for line in lines {
            let chars: Vec<char> = line.chars().collect();
            for (i, &c) in chars.iter().enumerate() {
                let before = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
                let after = chars.get(i + 1).copied();
                let letters = before.is_some_and(char::is_alphabetic)
                    && after.is_some_and(char::is_alphabetic);
                let space = |c: Option<char>| c.is_none_or(char::is_whitespace);
                match typography.folds.get(&c) {
                    None if c == '\'' && letters => straight_apostrophe = true,
                    Some(Some('\'')) if letters => {
                        typography.apostrophe.get_or_insert(c);
                    }
                    Some(Some('"')) if space(before) => {
                        opening.get_or_insert(c);
                    }
                    Some(Some('"'))
                        if space(after) || after.is_some_and(|a| a.is_ascii_punctuation()) =>
                    {
                        closing.get_or_insert(c);
                    }
                    Some(Some('-')) if space(before) && space(after) => {
                        typography.dash.get_or_insert((c, true));
                    }
                    Some(Some('-')) if letters && EM_DASHES.contains(&c) => {
                        typography.dash.get_or_insert((c, false));
                    }
                    _ => {}
                }
            }
        }
        // A text that writes both kinds of apostrophe has no single
        // convention to restore.
        if straight_apostrophe {
            typography.apostrophe = None;
        }
        typography.quotes = opening.zip(closing);
        Ok(typography)
    }

    /// Whether `of` found nothing to fold.
    pub(crate) fn is_plain(&self) -> bool {
        self.folds.is_empty()
    }

    /// `text` in characters the model knows.
    pub(crate) fn fold(&self, text: &str) -> String {
        if self.is_plain() {
            return text.to_owned();
        }
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::with_capacity(text.len());
        for (i, &c) in chars.iter().enumerate() {
            match self.folds.get(&c) {
                None => out.push(c),
                Some(None) => {}
                // An unspaced em dash between words sets off a clause;
                // unspaced, its hyphen would join the words into one.
                Some(Some('-')) if EM_DASHES.contains(&c) => {
                    let before = i.checked_sub(1).and_then(|j| chars.get(j));
                    let after = chars.get(i + 1);
                    if before.is_some_and(|b| !b.is_whitespace()) {
                        out.push(' ');
                    }
                    out.push('-');
                    if after.is_some_and(|a| !a.is_whitespace()) {
                        out.push(' ');
                    }
                }
                Some(Some(into)) => out.push(*into),
            }
        }
        out
    }

    /// A translated line with the text's conventions put back.
    pub(crate) fn restore(&self, line: &str) -> String {
        if self.apostrophe.is_none() && self.quotes.is_none() && self.dash.is_none() {
            return line.to_owned();
        }
        let chars: Vec<char> = line.chars().collect();
        let quotes = self
            .quotes
            .filter(|_| chars.iter().filter(|&&c| c == '"').count() % 2 == 0);
        let mut out = String::with_capacity(line.len());
        let mut open = false;
        let mut i = 0;
        while let Some(&c) = chars.get(i) {
            let before = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
            let after = chars.get(i + 1).copied();
            match (c, self.apostrophe, quotes, self.dash) {
                ('\'', Some(apostrophe), _, _)
                    if before.is_some_and(char::is_alphabetic)
                        && after.is_some_and(char::is_alphabetic) =>
                {
                    out.push(apostrophe);
                }
                ('"', _, Some((opening, closing)), _) => {
                    out.push(if open { closing } else { opening });
                    open = !open;
                }
                (' ', _, _, Some((dash, spaced)))
                    if after == Some('-')
                        && chars.get(i + 2) == Some(&' ')
                        && before.is_some_and(|b| !b.is_whitespace()) =>
                {
                    if spaced {
                        out.extend([' ', dash, ' ']);
                    } else {
                        out.push(dash);
                    }
                    i += 3;
                    continue;
                }
                _ => out.push(c),
            }
            i += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model that knows ASCII and Latin letters, nothing typographic.
    fn ascii_model(c: char) -> Result<bool, InferError> {
        Ok(c.is_ascii() || c.is_alphabetic())
    }

    fn typography(lines: &[&str]) -> Typography {
        Typography::of(lines, ascii_model).unwrap()
    }

    #[test]
    fn folds_what_the_model_lacks_into_what_it_knows() {
        let text =
            "I’m sure they haven’t changed “the plan”\u{a0}— builds—and\u{200b} caching, 1990–2000";
        let t = typography(&[text]);
        assert_eq!(
            t.fold(text),
            "I'm sure they haven't changed \"the plan\" - builds - and caching, 1990-2000"
        );
    }

    #[test]
    fn folds_nothing_the_model_knows() {
        let text = "I’m “here” — now";
        let t = Typography::of(&[text], |_| Ok(true)).unwrap();
        assert!(t.is_plain());
        assert_eq!(t.fold(text), text);
        assert_eq!(t.restore("Eu'm \"aqui\" - agora"), "Eu'm \"aqui\" - agora");
    }

    #[test]
    fn folds_nothing_into_a_character_the_model_lacks_too() {
        let t = Typography::of(&["I’m here"], |c| Ok(c.is_alphabetic() && c != '’')).unwrap();
        assert!(t.is_plain());
    }

    #[test]
    fn restores_apostrophes_quotes_and_dashes() {
        let t = typography(&["I’m sure “the plan” works — or not."]);
        assert_eq!(
            t.restore("Tenho certeza de que \"o plano\" funciona - ou não. D'água."),
            "Tenho certeza de que “o plano” funciona — ou não. D’água."
        );
    }

    #[test]
    fn restores_an_unspaced_dash_unspaced() {
        let t = typography(&["builds—and caching"]);
        assert_eq!(t.restore("compilações - e cache"), "compilações—e cache");
    }

    #[test]
    fn restores_the_text_own_quote_pair() {
        let t = typography(&["Disse «vamos» ontem."]);
        assert_eq!(
            t.restore("He said \"let's go\" yesterday."),
            "He said «let's go» yesterday."
        );
    }

    #[test]
    fn unpaired_quotes_and_mixed_apostrophes_stay_straight() {
        let t = typography(&["“Start of a quote", "don't and don’t"]);
        assert_eq!(
            t.restore("\"Início de uma citação"),
            "\"Início de uma citação"
        );
        assert_eq!(t.restore("não'não"), "não'não", "both apostrophes in use");
    }

    #[test]
    fn a_hyphen_stays_a_hyphen() {
        let t = typography(&["a well‐known — and loved — place"]);
        assert_eq!(t.fold("a well‐known"), "a well-known");
        assert_eq!(
            t.restore("um lugar bem-conhecido"),
            "um lugar bem-conhecido"
        );
    }
}
