//! How long a text is, in any script: the classifiers' thresholds ("a
//! sentence has five words", "a paragraph of 200 characters is prose")
//! were set on languages that put spaces between words. Chinese, Japanese,
//! Thai, Lao, Khmer and Burmese do not, so counting space-separated words
//! makes a whole Chinese paragraph one "word" and a menu entry.
//!
//! Every measure here is in *Latin equivalents*: a grapheme of a script
//! without spaces counts for the share of a word it carries, and a word
//! for [`LATIN_CHARS_PER_WORD`] characters.
//!
//! Word lengths behind the weights (characters per word, rounded):
//! - Han: 1.5. Word-segmented Chinese corpora average 1.5–1.7 characters
//!   a word, and translators count about 0.65 English words per Chinese
//!   character.
//! - Kana: 2.5. Japanese runs about 0.45 English words per character;
//!   with kanji at 1.5 and kana (phonetic syllables: particles, endings)
//!   at 2.5, a text of one third kanji averages that.
//! - Thai, Lao, Khmer, Burmese: 3 graphemes (a consonant with its vowel
//!   and tone marks), one or two syllables.
//!
//! Marks that combine with the letter before them (vowel signs, tone
//! marks, harakat) belong to its grapheme and add nothing; bidi and other
//! format marks are invisible and add nothing either.

use unicode_normalization::char::is_combining_mark;

/// Characters of an average Latin-script word with its space and
/// punctuation (English and German words average 5 letters).
pub(crate) const LATIN_CHARS_PER_WORD: usize = 6;

/// Width of one character in Latin-equivalent characters, and whether its
/// script separates words with spaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Width {
    chars: usize,
    spaceless: bool,
}

/// Han: 6 / 1.5.
const HAN: Width = Width {
    chars: 4,
    spaceless: true,
};
/// Kana: 6 / 2.5, rounded down (kana are written with many particles).
const KANA: Width = Width {
    chars: 2,
    spaceless: true,
};
/// Thai, Lao, Khmer, Burmese graphemes: 6 / 3.
const SOUTHEAST_ASIAN: Width = Width {
    chars: 2,
    spaceless: true,
};
/// Hangul syllables are written with spaces between words; a syllable is
/// two or three letters (jamo).
const HANGUL: Width = Width {
    chars: 2,
    spaceless: false,
};
const ONE: Width = Width {
    chars: 1,
    spaceless: false,
};
const NONE: Width = Width {
    chars: 0,
    spaceless: false,
};

fn width(c: char) -> Width {
    if c.is_ascii() {
        return ONE;
    }
    match c {
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3134F}'
        | '\u{3005}'
        | '\u{3007}' => HAN,
        '\u{3041}'..='\u{309F}' | '\u{30A0}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' => KANA,
        '\u{FF66}'..='\u{FF9D}' => KANA,
        '\u{AC00}'..='\u{D7AF}' => HANGUL,
        // Thai, Lao; Myanmar; Khmer. Their combining marks add nothing.
        '\u{0E00}'..='\u{0EFF}' | '\u{1000}'..='\u{109F}' | '\u{1780}'..='\u{17FF}' => {
            if is_combining_mark(c) {
                NONE
            } else {
                SOUTHEAST_ASIAN
            }
        }
        // Left-to-right/right-to-left marks, embeddings and isolates,
        // zero-width joiners, the byte-order mark.
        '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2069}'
        | '\u{FEFF}' => NONE,
        _ if is_combining_mark(c) => NONE,
        _ => ONE,
    }
}

/// Length of `c` in Latin-equivalent characters: what the HTML parser adds
/// up per block.
pub(crate) fn char_width(c: char) -> usize {
    width(c).chars
}

/// A text's size in Latin equivalents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Size {
    /// Words: space-separated runs of visible characters of spaced
    /// scripts (as `split_whitespace` counts them, so "—" and "|" count,
    /// as the cue tables expect), plus what the graphemes of scripts
    /// without spaces add up to (rounded to the nearest word).
    pub words: usize,
    /// Characters, spaces included.
    pub chars: usize,
}

/// The size of `text` in Latin equivalents.
pub(crate) fn size(text: &str) -> Size {
    let mut words = 0;
    let mut chars = 0;
    let mut spaceless_chars = 0;
    // Whether the current space-separated run already counted as a word
    // (a Latin name inside Chinese text is a word of its own).
    let mut in_word = false;
    for c in text.chars() {
        if c.is_whitespace() {
            chars += 1;
            in_word = false;
            continue;
        }
        let width = width(c);
        chars += width.chars;
        if width.spaceless {
            spaceless_chars += width.chars;
            in_word = false;
        } else if width.chars > 0 && !in_word {
            in_word = true;
            words += 1;
        }
    }
    words += (spaceless_chars + LATIN_CHARS_PER_WORD / 2) / LATIN_CHARS_PER_WORD;
    Size { words, chars }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_words_and_chars() {
        let text = "The ferry left — at seven.";
        assert_eq!(
            size(text),
            Size {
                words: text.split_whitespace().count(),
                chars: 26
            }
        );
    }

    #[test]
    fn chinese_counts_by_character() {
        // 26 Han characters ≈ 17 words, as a translation would have.
        let text = "本月十二日位于河谷北岸的青石镇新图书馆正式向公众开放";
        assert_eq!(text.chars().count(), 26);
        let size = size(text);
        assert_eq!(size.words, 17);
        assert_eq!(size.chars, 104);
    }

    #[test]
    fn latin_words_inside_chinese() {
        // "GDP" and "2026" are words of their own; 5 Han characters 3 words.
        assert_eq!(size("今年GDP增长 2026年").words, 5);
    }

    #[test]
    fn japanese_kana_weigh_less_than_kanji() {
        assert!(size("ありがとう").words < size("図書館開館").words);
    }

    #[test]
    fn thai_marks_belong_to_their_letter() {
        // ที่ is one grapheme of three code points.
        assert_eq!(size("ที่").chars, 2);
        assert!(size("ชาวบ้านในอำเภอริมน้ำได้ร่วมพิธีเปิดสะพาน").words >= 8);
    }

    #[test]
    fn arabic_and_hebrew_are_spaced_and_bidi_marks_invisible() {
        assert_eq!(size("نحو 5\u{200f} ملايين دولار").words, 4);
        assert_eq!(size("\u{200f}").words, 0);
        assert_eq!(size("גן ציבורי חדש נפתח").words, 4);
        // Harakat are marks on their letter.
        assert_eq!(size("كَتَبَ").chars, 3);
    }
}
