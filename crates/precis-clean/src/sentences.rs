//! Sentence splitting that keeps every character: the spans it returns,
//! joined with the whitespace between them, give back the paragraph.
//!
//! A break follows `.`, `!`, `?` or an ellipsis (plus any closing quotes and
//! brackets) when whitespace and a word that can start a sentence follow.
//! A period after an abbreviation ("Mr.", "e.g.", "z.B."), an initial
//! ("J. R. R."), or a day number before a month ("3. März") is no break;
//! after ambiguous abbreviations ("U.S.", "etc.", "Inc.") it is one only
//! when a typical sentence opener ("The", "Er", "Il") follows.

use std::ops::Range;

/// Abbreviations that are followed by more of the same sentence (titles,
/// reference words), lowercased and without their final period.
const NEVER_FINAL: &[&str] = &[
    // en
    "mr", "mrs", "ms", "mx", "dr", "prof", "st", "mt", "gen", "gov", "sen", "rep", "rev", "hon",
    "pres", "lt", "col", "capt", "sgt", "maj", "adm", "cmdr", "insp", "supt", "messrs", "no",
    "nos", "vol", "vols", "fig", "figs", "p", "pp", "ch", "chap", "sec", "para", "ed", "eds", "vs",
    "v", "cf", "ca", "approx", "est", "ref", "tel", "e.g", "i.e", "viz", // de
    "hr", "fr", "frl", "nr", "art", "abs", "bzw", "vgl", "ggf", "evtl", "inkl", "exkl", "zzgl",
    "sog", "z.b", "d.h", "u.a", "v.a", "s.o", "s.u", "o.ä", "u.ä", "z.t", "dipl", "ing", "mag",
    // fr
    "mme", "mlle", "mgr", "me", "ex", "env", "p.ex", "cf", // es / pt / it
    "sr", "sra", "srta", "dra", "lic", "ud", "uds", "núm", "pág", "av", "avda", "sto", "sta",
    "exmo", "exma", "dott", "sig", "avv", "ing", "pag",
];

/// Abbreviations that often end a sentence too; a break needs a sentence
/// opener after them.
const MAYBE_FINAL: &[&str] = &[
    "etc", "usw", "inc", "ltd", "co", "corp", "jr", "sr", "bros", "al", "min", "max", "a.m", "p.m",
    "ff", "u.s.w", "cie", "ss", "ltda",
];

/// Month abbreviations: no break before a number ("Jan. 5"), otherwise ambiguous.
const MONTHS_SHORT: &[&str] = &[
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "janv",
    "févr", "avr", "juil", "déc", "ene", "abr", "ago", "dic", "okt", "dez", "mär", "fev", "out",
    "set", "gen", "febr",
];

/// Full month names after which "3." is a German/Scandinavian ordinal day.
const MONTHS: &[&str] = &[
    "januar",
    "jänner",
    "februar",
    "märz",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "dezember",
];

/// Words that typically open a sentence, lowercased (en, de, fr, es, pt, it).
const OPENERS: &[&str] = &[
    "the", "a", "an", "it", "he", "she", "they", "we", "i", "you", "but", "and", "this", "that",
    "these", "those", "there", "in", "on", "at", "for", "as", "if", "when", "while", "after",
    "yet", "so", "his", "her", "its", "their", "our", "my", "what", "how", "why", "who", "some",
    "many", "most", "one", "der", "die", "das", "ein", "eine", "er", "sie", "es", "wir", "ich",
    "aber", "und", "doch", "dann", "auch", "im", "le", "la", "les", "il", "elle", "ils", "nous",
    "je", "mais", "et", "un", "une", "ce", "cette", "en", "el", "los", "las", "ella", "ellos",
    "pero", "y", "una", "este", "esta", "o", "os", "as", "ele", "ela", "eles", "mas", "um", "uma",
    "no", "na", "em", "lo", "gli", "lui", "lei", "ma", "e",
];

/// Characters that end a sentence: Latin punctuation, the ideographic and
/// full-width stops of Chinese and Japanese, the Arabic question mark and
/// Urdu full stop, the Devanagari danda, and the full stops of Armenian,
/// Ethiopic, Burmese and Khmer.
pub(crate) fn is_terminator(c: char) -> bool {
    matches!(
        c,
        '.' | '!'
            | '?'
            | '…'
            | '‼'
            | '⁇'
            | '⁈'
            | '⁉'
            | '。'
            | '！'
            | '？'
            | '．'
            | '｡'
            | '؟'
            | '۔'
            | '।'
            | '॥'
            | '։'
            | '።'
            | '፧'
            | '။'
            | '។'
            | '៕'
    )
}

/// Terminators of scripts written without spaces between sentences.
fn is_spaceless_terminator(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '．' | '｡')
}

/// Whether `text` ends like a sentence: a terminator, possibly before
/// closing quotes or brackets.
pub(crate) fn ends_sentence(text: &str) -> bool {
    text.trim_end_matches(|c: char| is_closer(c) || c.is_whitespace())
        .ends_with(is_terminator)
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '”'
            | '’'
            | '»'
            | '›'
            | ')'
            | ']'
            | '}'
            | '」'
            | '』'
            | '）'
            | '》'
            | '〉'
            | '】'
    )
}

fn is_opener(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '“' | '‘' | '„' | '«' | '‹' | '(' | '[' | '¿' | '¡' | '—' | '–' | '-'
    )
}

/// The sentences of `text`, without surrounding whitespace.
pub fn sentences(text: &str) -> Vec<&str> {
    sentence_spans(text)
        .into_iter()
        .filter_map(|span| text.get(span))
        .collect()
}

/// Byte ranges of the sentences of `text`. Between two spans there is only
/// whitespace, and only whitespace precedes the first and follows the last.
pub fn sentence_spans(text: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let Some(mut start) = text.find(|c: char| !c.is_whitespace()) else {
        return spans;
    };
    let mut chars = text.char_indices().peekable();
    // Open Chinese/Japanese corner brackets (「, 『): unlike Latin quotes,
    // they always pair one way round, and a sentence quoted inside them
    // (「魚を運べる。待っていた」と話した) does not end the one around it.
    let mut brackets = 0usize;
    while let Some((i, c)) = chars.next() {
        brackets = corner_brackets(brackets, c);
        if i < start || !is_terminator(c) {
            continue;
        }
        // The whole run of terminators ("?!", "...") and then closing quotes.
        let mut run_end = i + c.len_utf8();
        let mut spaceless = is_spaceless_terminator(c);
        while let Some((j, next)) = chars.next_if(|&(_, next)| is_terminator(next)) {
            run_end = j + next.len_utf8();
            spaceless |= is_spaceless_terminator(next);
        }
        let mut end = run_end;
        while let Some((j, next)) = chars.next_if(|&(_, next)| is_closer(next)) {
            end = j + next.len_utf8();
            brackets = corner_brackets(brackets, next);
        }
        let rest = &text[end..];
        let next_start = end + (rest.len() - rest.trim_start().len());
        if next_start == text.len() {
            break;
        }
        let digit_follows = text[end..].starts_with(|c: char| c.is_numeric());
        if next_start == end && (!spaceless || digit_follows) {
            continue; // "3.5", "U.S.-based", "example.com", "３．５"
        }
        if brackets > 0 {
            continue;
        }
        // 「来た。」と話した, “到了。”他说: without spaces, a quote whose
        // closing mark runs straight into more words is part of a sentence.
        let quote_goes_on = end > run_end && text[end..].starts_with(char::is_alphabetic);
        if spaceless && next_start == end && quote_goes_on {
            continue;
        }
        let next_word = first_word(&text[next_start..]);
        if next_word.chars().next().is_some_and(char::is_lowercase) {
            continue;
        }
        if &text[i..run_end] == "." && !period_ends_sentence(&text[start..i], next_word) {
            continue;
        }
        spans.push(start..end);
        start = next_start;
    }
    let end = text.trim_end().len();
    if start < end {
        spans.push(start..end);
    }
    spans
}

/// The count of open corner brackets after `c`.
fn corner_brackets(open: usize, c: char) -> usize {
    match c {
        '「' | '『' => open + 1,
        '」' | '』' => open.saturating_sub(1),
        _ => open,
    }
}

/// The word that follows, without opening quotes or brackets.
fn first_word(text: &str) -> &str {
    let text = text.trim_start_matches(is_opener);
    let end = text
        .char_indices()
        .find(|&(_, c)| c.is_whitespace() || (c.is_ascii_punctuation() && c != '.' && c != '-'))
        .map_or(text.len(), |(i, _)| i);
    &text[..end]
}

/// Whether a period after `sentence` (the text since the sentence's start)
/// ends it, given the word that comes next.
fn period_ends_sentence(sentence: &str, next_word: &str) -> bool {
    let token = sentence
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or_default()
        .trim_start_matches(is_opener);
    let lower = token.to_lowercase();
    let next_lower = next_word.trim_end_matches('.').to_lowercase();
    let opener_follows = OPENERS.contains(&next_lower.as_str());
    let mut letters = token.chars();
    if let (Some(first), None) = (letters.next(), letters.next()) {
        // A single capital is an initial ("George W. Bush").
        if first.is_uppercase() {
            return false;
        }
    }
    if NEVER_FINAL.contains(&lower.as_str()) {
        return false;
    }
    if MONTHS_SHORT.contains(&lower.as_str()) {
        return !next_word.starts_with(|c: char| c.is_ascii_digit()) && opener_follows;
    }
    if token.len() <= 2
        && token.chars().all(|c| c.is_ascii_digit())
        && MONTHS.contains(&next_lower.as_str())
    {
        return false;
    }
    if MAYBE_FINAL.contains(&lower.as_str()) || is_initialism(token) {
        return opener_follows;
    }
    true
}

/// "U.S", "U.K", "E.U" (the final period excluded): single capitals joined by periods.
fn is_initialism(token: &str) -> bool {
    token.contains('.')
        && token
            .split('.')
            .all(|part| part.chars().count() == 1 && part.chars().all(char::is_uppercase))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        let got = sentences(text);
        // Nothing lost: the spans plus the whitespace between give the text back.
        let spans = sentence_spans(text);
        let mut rebuilt = String::new();
        let mut previous_end = text.len() - text.trim_start().len();
        for span in &spans {
            let gap = &text[previous_end..span.start];
            assert!(
                gap.chars().all(char::is_whitespace),
                "non-space gap {gap:?}"
            );
            rebuilt.push_str(gap);
            rebuilt.push_str(&text[span.clone()]);
            previous_end = span.end;
        }
        assert_eq!(rebuilt, text.trim());
        got
    }

    #[test]
    fn plain_sentences() {
        assert_eq!(
            split("One. Two! Three? Four"),
            ["One.", "Two!", "Three?", "Four"]
        );
    }

    #[test]
    fn abbreviations_and_titles() {
        assert_eq!(
            split("Mr. Smith met Dr. Jones in St. Louis. They talked, e.g. about tariffs."),
            [
                "Mr. Smith met Dr. Jones in St. Louis.",
                "They talked, e.g. about tariffs."
            ]
        );
    }

    #[test]
    fn initialisms_are_ambiguous() {
        assert_eq!(
            split("The U.S. Army left. He came to the U.S. The next day he left."),
            [
                "The U.S. Army left.",
                "He came to the U.S.",
                "The next day he left."
            ]
        );
        assert_eq!(
            split("The U.S.-based ISW said so."),
            ["The U.S.-based ISW said so."]
        );
    }

    #[test]
    fn initials_and_months() {
        assert_eq!(
            split("J. R. R. Tolkien was born on Jan. 3, 1892. He died in Sept. 1973."),
            [
                "J. R. R. Tolkien was born on Jan. 3, 1892.",
                "He died in Sept. 1973."
            ]
        );
    }

    #[test]
    fn decimals_and_numbers() {
        assert_eq!(
            split("Growth was 3.5 percent. It was No. 1 in 2019. Prices rose."),
            [
                "Growth was 3.5 percent.",
                "It was No. 1 in 2019.",
                "Prices rose."
            ]
        );
    }

    #[test]
    fn german_french_spanish() {
        assert_eq!(
            split("Er kam am 3. März an, z.B. mit Hr. Müller. Dann ging er. M. Dupont et Mme. Roux sont là. La Sra. García habló."),
            ["Er kam am 3. März an, z.B. mit Hr. Müller.", "Dann ging er.", "M. Dupont et Mme. Roux sont là.", "La Sra. García habló."]
        );
    }

    #[test]
    fn quotes_stay_with_their_sentence() {
        assert_eq!(
            split("He said: \"We will stay.\" Then he left. \"Next,\" she said. “Really?” he asked. ‘Yes.’"),
            ["He said: \"We will stay.\"", "Then he left.", "\"Next,\" she said.", "“Really?” he asked.", "‘Yes.’"]
        );
    }

    #[test]
    fn ellipses() {
        assert_eq!(
            split("The hardest is Bakhmut... Russia does not count people. Wait… what? … we have a favor to ask."),
            ["The hardest is Bakhmut...", "Russia does not count people.", "Wait… what?", "… we have a favor to ask."]
        );
    }

    #[test]
    fn brackets_and_exclamations() {
        assert_eq!(
            split("Yahoo! is a company. (This is an aside.) Really?! Yes."),
            [
                "Yahoo! is a company.",
                "(This is an aside.)",
                "Really?!",
                "Yes."
            ]
        );
    }

    #[test]
    fn whitespace_and_empty() {
        assert!(split("   \n ").is_empty());
        assert_eq!(split("  One.\n\nTwo.  "), ["One.", "Two."]);
    }

    #[test]
    fn cjk_without_spaces() {
        assert_eq!(split("今天下雨。明天晴天！"), ["今天下雨。", "明天晴天！"]);
        assert_eq!(
            split("本当ですか？はい．増加率は３．５％だ｡"),
            ["本当ですか？", "はい．", "増加率は３．５％だ｡"]
        );
        assert_eq!(
            split("山田さんは「魚を運べる。待っていた」と話した。「来た。」と言った。"),
            [
                "山田さんは「魚を運べる。待っていた」と話した。",
                "「来た。」と言った。"
            ]
        );
        assert_eq!(
            split("“我们到了。”他说。“好！”"),
            ["“我们到了。”他说。", "“好！”"]
        );
        assert_eq!(
            split("他说：“我们到了。”（记者　王明）"),
            ["他说：“我们到了。”", "（记者　王明）"]
        );
    }

    #[test]
    fn arabic_hebrew_and_devanagari() {
        assert_eq!(
            split("هل تكفي المحطة؟ يقول المهندسون إن الطلب يرتفع، وإن البلدية تدرس الأمر. وأضاف: «انتظرنا طويلاً»."),
            ["هل تكفي المحطة؟", "يقول المهندسون إن الطلب يرتفع، وإن البلدية تدرس الأمر.", "وأضاف: «انتظرنا طويلاً»."]
        );
        assert_eq!(
            split("עלות הפרויקט הגיעה לכשמונה מיליון שקלים. העבודות נמשכו כשנה וחצי."),
            [
                "עלות הפרויקט הגיעה לכשמונה מיליון שקלים.",
                "העבודות נמשכו כשנה וחצי."
            ]
        );
        assert_eq!(
            split("पुल खुल गया है। अब बच्चे स्कूल जा सकते हैं।"),
            ["पुल खुल गया है।", "अब बच्चे स्कूल जा सकते हैं।"]
        );
    }

    #[test]
    fn sentence_ends() {
        assert!(ends_sentence("他们到了。」"));
        assert!(ends_sentence("هل تكفي المحطة؟"));
        assert!(!ends_sentence("首页"));
    }
}
