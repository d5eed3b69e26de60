//! The most frequent function words of English, German, French, Spanish,
//! Portuguese, Italian and Dutch. Prose is dense in them; menus, link lists,
//! tag clouds and headlines are not — the measure jusText made standard.

use std::collections::HashSet;
use std::sync::LazyLock;

const WORDS: &str = "\
a about after all also an and any are as at be because been but by can could did do does for from \
had has have he her him his how i if in into is it its just more most my no not now of on one only \
or other our out over she so some such than that the their them then there these they this those \
to under up was we were what when where which while who will with would you your \
aber alle als also am an auch auf aus bei bin bis da damit dann das dass dem den denn der des die \
dies diese diesem dieser doch dort du durch ein eine einem einen einer eines er es etwas für gegen \
hat hatte hier ich ihm ihn ihr ihre im in ist ja jetzt kann kein keine man mehr mich mit muss nach \
nicht noch nur ob oder ohne schon sehr sein seine sich sie sind so soll über um und uns unter vom \
von vor war waren was weil wenn werden wie wieder wir wird wurde zu zum zur zwischen \
à au aux avec ce ces cette dans des du elle elles en est et été être il ils je la le les leur lui \
mais même ne nous on ont ou par pas plus pour qu que qui sa se ses son sont sur un une vous y \
al como con cual de del el ella ellos en entre era es esta este fue ha han hay la las le lo los más \
muy ni no nos o para pero por que se ser si sin sobre su sus también un una uno y ya \
ao aos as da das de do dos ela ele em então foi há isso já mas na nas no nos o os ou para pela pelo \
por que se sem seu sua são também um uma \
agli al alla alle anche che chi ci come con da dal dalla degli dei del della delle di e ed gli ha \
hanno i il in io la le lo ma mi ne nel nella non per più quando questo sono su tra un una uno \
aan al bij dan dat de den deze die dit door een en er had heeft het hij hoe ik in is je maar met \
naar niet nog of om ook op te tot uit van voor was wat werd wie zal ze zich zij zijn";

static STOPWORDS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| WORDS.split_whitespace().collect());

/// The share of `text`'s words that are function words, in `0.0..=1.0`;
/// `None` when most of its letters are not Latin (Chinese, Arabic, …),
/// where the lists above say nothing.
pub(crate) fn density(text: &str) -> Option<f32> {
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let latin = text
        .chars()
        .filter(|c| c.is_alphabetic() && is_latin(*c))
        .count();
    if latin * 2 < letters {
        return None;
    }
    let mut words = 0usize;
    let mut stop = 0usize;
    for word in text.split(|c: char| !c.is_alphanumeric() && c != '\'') {
        if word.is_empty() {
            continue;
        }
        words += 1;
        if STOPWORDS.contains(word.to_lowercase().as_str()) {
            stop += 1;
        }
    }
    Some(if words == 0 {
        0.0
    } else {
        stop as f32 / words as f32
    })
}

fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic()
        || ('\u{C0}'..='\u{24F}').contains(&c)
        || ('\u{1E00}'..='\u{1EFF}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_is_dense_menus_are_not() {
        let latin = |text| density(text).unwrap_or(f32::NAN);
        assert!(latin("The ferry crossed the river on Monday, and it was the first time.") > 0.3);
        assert!(latin("Der Regen zeichnet weich und gibt die Energie und das Tempo vor.") > 0.3);
        assert!(latin("Home News Sport Weather Culture Travel") < 0.05);
        assert_eq!(latin("—"), 0.0);
    }

    #[test]
    fn other_scripts_are_unknown() {
        assert_eq!(density("今天下雨，我们在家里看书。"), None);
        assert_eq!(density("منذ بدء الحراك الشعبي في السودان"), None);
    }
}
