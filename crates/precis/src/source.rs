//! Which language a text is translated from: the one given, checked
//! against what the text shows, or the one detected. Never translate from
//! a language the text is confidently not in.

use precis_clean::Language;

use crate::Error;

/// The source language of a translation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceLanguage {
    /// Each text's own, as detected.
    Detect,
    /// This language (a primary subtag: `pt`), as the caller says.
    Given(String),
}

impl SourceLanguage {
    /// `auto` (any case) is [`SourceLanguage::Detect`]; anything else a
    /// language tag (`pt-BR` is `pt`).
    pub fn parse(tag: &str) -> Result<Self, Error> {
        if tag.eq_ignore_ascii_case("auto") {
            Ok(Self::Detect)
        } else {
            Ok(Self::Given(language(tag)?))
        }
    }

    /// The language a text is translated from, with what its reader must
    /// know about that choice. `detected` is the text's detected language,
    /// `claimed` what its page states (`<html lang>`): a hint only, used
    /// when detection is not confident.
    ///
    /// ```
    /// use precis::{detect_language, SourceLanguage};
    ///
    /// let text = "O conselho decidiu manter o barco noturno durante todo o inverno, a pedido dos passageiros.";
    /// let detected = detect_language(text);
    /// let source = SourceLanguage::parse("auto")?.resolve(detected.as_ref(), None)?;
    /// assert_eq!(source.language, "pt");
    /// // The same text, said to be English, is refused.
    /// assert!(SourceLanguage::parse("en")?.resolve(detected.as_ref(), None).is_err());
    /// # Ok::<(), precis::Error>(())
    /// ```
    pub fn resolve(
        &self,
        detected: Option<&Language>,
        claimed: Option<&str>,
    ) -> Result<Resolved, Error> {
        let mut notes = Vec::new();
        let language = match (self, detected) {
            (Self::Given(given), Some(found)) if found.code != *given => {
                if found.reliable {
                    return Err(Error::WrongLanguage {
                        given: given.clone(),
                        detected: found.code.clone(),
                        confidence: found.confidence,
                    });
                }
                notes.push(format!(
                    "the text may not be in {given}: language detection guessed {} (confidence {}, too low to be sure); translated from {given} as given",
                    found.code, found.confidence
                ));
                given.clone()
            }
            (Self::Given(given), _) => given.clone(),
            (Self::Detect, Some(found)) if found.reliable => found.code.clone(),
            (Self::Detect, found) => match (claimed.and_then(|tag| language(tag).ok()), found) {
                (Some(claimed), _) => {
                    notes.push(format!("language detection is not confident; translated from {claimed}, the language the page states"));
                    claimed
                }
                (None, Some(found)) => {
                    notes.push(format!(
                            "the source language is uncertain: detected {} with confidence {} (short text?)",
                            found.code, found.confidence
                        ));
                    found.code.clone()
                }
                (None, None) => return Err(Error::UndetectedLanguage),
            },
        };
        Ok(Resolved { language, notes })
    }
}

/// The language a text is translated from: [`SourceLanguage::resolve`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The source language (a primary subtag: `pt`).
    pub language: String,
    /// What the reader must know about how it was chosen.
    pub notes: Vec<String>,
}

/// The note of a text already in the target language `to`.
pub fn passthrough_note(to: &str) -> String {
    format!("the text is already in {to}: passed through untranslated")
}

/// The note of a target tag with subtags (`pt-BR`) served as its language
/// (`pt`): models are trained per language, so regional spelling and
/// vocabulary are not guaranteed. `None` when the tag is the language
/// itself (in any case: `PT`).
pub fn regional_note(tag: &str, language: &str) -> Option<String> {
    (!tag.eq_ignore_ascii_case(language)).then(|| {
        format!("{tag} was asked for and served as {language} (models are per language): the regional spelling and vocabulary of {tag} are not guaranteed")
    })
}

/// The language a BCP 47 tag names, as models are named: its primary
/// subtag in lower case (`pt-BR` and `PT` are `pt`). Tags are ASCII
/// letters, digits and hyphens (`_` is taken for a hyphen, as locales
/// write it), with a primary subtag of two or three letters.
pub fn language(tag: &str) -> Result<String, Error> {
    let primary = tag.split(['-', '_']).next().unwrap_or_default();
    let well_formed = tag
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic());
    if well_formed {
        Ok(primary.to_ascii_lowercase())
    } else {
        Err(Error::BadLanguage(tag.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(code: &str, reliable: bool) -> Language {
        Language {
            code: code.into(),
            confidence: if reliable { 1.0 } else { 0.4 },
            reliable,
        }
    }

    #[test]
    fn auto_and_tags_parse() {
        assert_eq!(
            SourceLanguage::parse("AUTO").unwrap(),
            SourceLanguage::Detect
        );
        assert_eq!(
            SourceLanguage::parse("pt-BR").unwrap(),
            SourceLanguage::Given("pt".into())
        );
        assert!(SourceLanguage::parse("p t").is_err());
    }

    #[test]
    fn regional_tags_are_noted() {
        assert_eq!(language("PT").unwrap(), "pt");
        assert_eq!(regional_note("PT", "pt"), None);
        let note = regional_note("pt-BR", "pt").unwrap();
        assert!(
            note.starts_with("pt-BR was asked for and served as pt"),
            "{note}"
        );
    }

    #[test]
    fn a_given_language_is_refused_when_confidently_contradicted() {
        let given = SourceLanguage::Given("en".into());
        let error = given.resolve(Some(&found("pt", true)), None).unwrap_err();
        assert!(
            matches!(&error, Error::WrongLanguage { given, detected, .. } if given == "en" && detected == "pt"),
            "{error}"
        );
        // Not confident: translated as given, with a note.
        let resolved = given.resolve(Some(&found("pt", false)), None).unwrap();
        assert_eq!(resolved.language, "en");
        assert_eq!(resolved.notes.len(), 1);
        // Agreeing, or nothing detected: no note.
        let agreeing = given.resolve(Some(&found("en", true)), None).unwrap();
        assert!(agreeing.notes.is_empty());
        assert!(given.resolve(None, None).unwrap().notes.is_empty());
    }

    #[test]
    fn detection_prefers_a_confident_answer_then_the_page_claim() {
        let auto = SourceLanguage::Detect;
        let confident = auto.resolve(Some(&found("pt", true)), Some("en")).unwrap();
        assert_eq!(
            (confident.language.as_str(), confident.notes.len()),
            ("pt", 0)
        );
        let claimed = auto
            .resolve(Some(&found("es", false)), Some("pt-BR"))
            .unwrap();
        assert_eq!((claimed.language.as_str(), claimed.notes.len()), ("pt", 1));
        let guessed = auto.resolve(Some(&found("es", false)), None).unwrap();
        assert_eq!((guessed.language.as_str(), guessed.notes.len()), ("es", 1));
        assert!(matches!(
            auto.resolve(None, None),
            Err(Error::UndetectedLanguage)
        ));
    }
}
