//! Stemmed words as `rouge-score` makes them: its tokenizer on top of NLTK's
//! Porter stemmer in the default `NLTK_EXTENSIONS` mode (the one it builds
//! with `porter.PorterStemmer()`), ported rule for rule. ROUGE with stemming
//! only matches the Python package when every word splits and stems
//! identically; `textrank` compares sentences by the same words.

/// Irregular forms NLTK maps directly instead of running the steps.
const IRREGULAR: &[(&str, &str)] = &[
    ("sky", "sky"),
    ("skies", "sky"),
    ("dying", "die"),
    ("lying", "lie"),
    ("tying", "tie"),
    ("news", "news"),
    ("innings", "inning"),
    ("inning", "inning"),
    ("outings", "outing"),
    ("outing", "outing"),
    ("cannings", "canning"),
    ("canning", "canning"),
    ("howe", "howe"),
    ("proceed", "proceed"),
    ("exceed", "exceed"),
    ("succeed", "succeed"),
];

/// `rouge-score`'s tokenizer with stemming: lowercase, every run of
/// characters outside `[a-z0-9]` is a separator, words longer than 3
/// characters are Porter-stemmed.
pub fn stemmed_words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit()))
        .filter(|token| !token.is_empty())
        .map(|token| {
            if token.len() > 3 {
                stem(token)
            } else {
                token.to_string()
            }
        })
        .filter(|token| !token.is_empty())
        .collect()
}

/// Stems one lowercase ASCII word (the tokens of [`stemmed_words`]). Other
/// words are returned unchanged: the rules are only defined for ASCII.
pub fn stem(word: &str) -> String {
    if !word.is_ascii() {
        return word.to_string();
    }
    let word = word.to_ascii_lowercase();
    if let Some((_, irregular)) = IRREGULAR.iter().find(|(form, _)| *form == word) {
        return (*irregular).to_string();
    }
    if word.len() <= 2 {
        return word;
    }
    let mut w = word.into_bytes();
    for step in [step1a, step1b, step1c, step2, step3, step4, step5a, step5b] {
        w = step(w);
    }
    // Only ASCII bytes were removed or appended, so this cannot fail.
    String::from_utf8(w).unwrap_or_default()
}

/// `true` for each consonant of `w`. A `y` is a consonant unless it follows one.
fn consonant_flags(w: &[u8]) -> Vec<bool> {
    let mut flags: Vec<bool> = Vec::with_capacity(w.len());
    for &c in w {
        let consonant = match c {
            b'a' | b'e' | b'i' | b'o' | b'u' => false,
            b'y' => !flags.last().copied().unwrap_or(false),
            _ => true,
        };
        flags.push(consonant);
    }
    flags
}

fn is_consonant(w: &[u8], i: usize) -> bool {
    w.get(..=i)
        .map(|prefix| consonant_flags(prefix).last().copied().unwrap_or(false))
        .unwrap_or(false)
}

/// The paper's *m*: how many vowel→consonant transitions `[C](VC){m}[V]` has.
fn measure(stem: &[u8]) -> usize {
    consonant_flags(stem)
        .windows(2)
        .filter(|pair| !pair[0] && pair[1])
        .count()
}

fn contains_vowel(stem: &[u8]) -> bool {
    consonant_flags(stem).iter().any(|consonant| !consonant)
}

/// Condition *d: ends with a double consonant.
fn ends_double_consonant(w: &[u8]) -> bool {
    let n = w.len();
    n >= 2 && w[n - 1] == w[n - 2] && is_consonant(w, n - 1)
}

/// Condition *o: ends consonant-vowel-consonant, the last not w, x or y
/// (NLTK also accepts a two-letter vowel-consonant word).
fn ends_cvc(w: &[u8]) -> bool {
    let n = w.len();
    (n >= 3
        && is_consonant(w, n - 3)
        && !is_consonant(w, n - 2)
        && is_consonant(w, n - 1)
        && !matches!(w[n - 1], b'w' | b'x' | b'y'))
        || (n == 2 && !is_consonant(w, 0) && is_consonant(w, 1))
}

fn with_suffix(stem: &[u8], suffix: &str) -> Vec<u8> {
    let mut out = stem.to_vec();
    out.extend_from_slice(suffix.as_bytes());
    out
}

/// Strips `suffix` when `w` ends with it.
fn strip<'a>(w: &'a [u8], suffix: &str) -> Option<&'a [u8]> {
    w.strip_suffix(suffix.as_bytes())
}

type Condition<'a> = &'a dyn Fn(&[u8]) -> bool;

/// Applies the first rule whose suffix `w` ends with; if its condition fails
/// on the remaining stem, the word is returned unchanged (no later rule is tried).
fn apply_rules(w: Vec<u8>, rules: &[(&str, &str, Condition)]) -> Vec<u8> {
    for (suffix, replacement, condition) in rules {
        if let Some(stem) = strip(&w, suffix) {
            return if condition(stem) {
                with_suffix(stem, replacement)
            } else {
                w
            };
        }
    }
    w
}

fn always(_: &[u8]) -> bool {
    true
}

fn positive_measure(stem: &[u8]) -> bool {
    measure(stem) > 0
}

fn measure_above_one(stem: &[u8]) -> bool {
    measure(stem) > 1
}

fn step1a(w: Vec<u8>) -> Vec<u8> {
    if w.len() == 4 {
        if let Some(stem) = strip(&w, "ies") {
            return with_suffix(stem, "ie");
        }
    }
    apply_rules(
        w,
        &[
            ("sses", "ss", &always),
            ("ies", "i", &always),
            ("ss", "ss", &always),
            ("s", "", &always),
        ],
    )
}

fn step1b(w: Vec<u8>) -> Vec<u8> {
    if let Some(stem) = strip(&w, "ied") {
        return with_suffix(stem, if w.len() == 4 { "ie" } else { "i" });
    }
    if let Some(stem) = strip(&w, "eed") {
        return if measure(stem) > 0 {
            with_suffix(stem, "ee")
        } else {
            w
        };
    }
    let Some(stem) = ["ed", "ing"]
        .iter()
        .find_map(|suffix| strip(&w, suffix).filter(|stem| contains_vowel(stem)))
    else {
        return w;
    };
    let stem = stem.to_vec();
    for (suffix, replacement) in [("at", "ate"), ("bl", "ble"), ("iz", "ize")] {
        if let Some(base) = strip(&stem, suffix) {
            return with_suffix(base, replacement);
        }
    }
    if ends_double_consonant(&stem) {
        return match stem.last() {
            Some(b'l' | b's' | b'z') | None => stem,
            Some(_) => stem[..stem.len() - 1].to_vec(),
        };
    }
    if measure(&stem) == 1 && ends_cvc(&stem) {
        return with_suffix(&stem, "e");
    }
    stem
}

fn step1c(w: Vec<u8>) -> Vec<u8> {
    // NLTK: y -> i only after a consonant that is not the whole stem
    // ("happy" -> "happi", "enjoy" and "by" stay).
    let condition = |stem: &[u8]| stem.len() > 1 && is_consonant(stem, stem.len() - 1);
    apply_rules(w, &[("y", "i", &condition)])
}

fn step2(w: Vec<u8>) -> Vec<u8> {
    if let Some(stem) = strip(&w, "alli") {
        if positive_measure(stem) {
            return step2(with_suffix(stem, "al"));
        }
    }
    // "logi" -> "log" measures the word minus "ogi", as NLTK does.
    let logi_applies = w.len() >= 3 && positive_measure(&w[..w.len() - 3]);
    let logi = move |_: &[u8]| logi_applies;
    let m: Condition = &positive_measure;
    let rules: [(&str, &str, Condition); 22] = [
        ("ational", "ate", m),
        ("tional", "tion", m),
        ("enci", "ence", m),
        ("anci", "ance", m),
        ("izer", "ize", m),
        ("bli", "ble", m),
        ("alli", "al", m),
        ("entli", "ent", m),
        ("eli", "e", m),
        ("ousli", "ous", m),
        ("ization", "ize", m),
        ("ation", "ate", m),
        ("ator", "ate", m),
        ("alism", "al", m),
        ("iveness", "ive", m),
        ("fulness", "ful", m),
        ("ousness", "ous", m),
        ("aliti", "al", m),
        ("iviti", "ive", m),
        ("biliti", "ble", m),
        ("fulli", "ful", m),
        ("logi", "log", &logi),
    ];
    apply_rules(w, &rules)
}

fn step3(w: Vec<u8>) -> Vec<u8> {
    let m: Condition = &positive_measure;
    apply_rules(
        w,
        &[
            ("icate", "ic", m),
            ("ative", "", m),
            ("alize", "al", m),
            ("iciti", "ic", m),
            ("ical", "ic", m),
            ("ful", "", m),
            ("ness", "", m),
        ],
    )
}

fn step4(w: Vec<u8>) -> Vec<u8> {
    let m: Condition = &measure_above_one;
    let ion = |stem: &[u8]| measure_above_one(stem) && matches!(stem.last(), Some(b's' | b't'));
    apply_rules(
        w,
        &[
            ("al", "", m),
            ("ance", "", m),
            ("ence", "", m),
            ("er", "", m),
            ("ic", "", m),
            ("able", "", m),
            ("ible", "", m),
            ("ant", "", m),
            ("ement", "", m),
            ("ment", "", m),
            ("ent", "", m),
            ("ion", "", &ion),
            ("ou", "", m),
            ("ism", "", m),
            ("ate", "", m),
            ("iti", "", m),
            ("ous", "", m),
            ("ive", "", m),
            ("ize", "", m),
        ],
    )
}

fn step5a(w: Vec<u8>) -> Vec<u8> {
    if let Some(stem) = strip(&w, "e") {
        let m = measure(stem);
        if m > 1 || (m == 1 && !ends_cvc(stem)) {
            return stem.to_vec();
        }
    }
    w
}

fn step5b(w: Vec<u8>) -> Vec<u8> {
    if let Some(stem) = strip(&w, "l") {
        if stem.ends_with(b"l") && measure(stem) > 1 {
            return stem.to_vec();
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::stem;

    #[test]
    fn paper_examples() {
        for (word, expected) in [
            ("caresses", "caress"),
            ("ponies", "poni"),
            ("ties", "tie"),
            ("motoring", "motor"),
            ("hopping", "hop"),
            ("falling", "fall"),
            ("filing", "file"),
            ("happy", "happi"),
            ("relational", "relat"),
            ("controlling", "control"),
            ("generalization", "gener"),
            ("news", "news"),
        ] {
            assert_eq!(stem(word), expected, "{word}");
        }
    }
}
