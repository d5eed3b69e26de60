//! Plain-text cleaning on articles written for this repository: each test
//! exercises one mechanism (cue phrases in several languages, captions and
//! credits, appeals as a whole, menus, headings, duplicates, repetition
//! across a batch), plus the properties every cleaning must have: nothing
//! lost (kept + removed account for the input) and idempotence.

use precis_clean::{clean, clean_batch, CleanOptions, Document, InputKind, Reason};

use crate::support::{accounted, letters};

const FERRY: &str = include_str!("../../../../examples/ukraine-river-ferry.txt");

/// A German regional news page as a scraper's text output: one block per
/// line, menus, cookie notice, caption with credit, related links, footer.
const GERMAN: &str = "\
Startseite
Region
Politik
Sport
Kultur
Wir verwenden Cookies, um Ihnen ein optimales Nutzererlebnis zu bieten. Mit der Nutzung der Seite stimmen Sie dem zu.
Akzeptieren
Neue Fähre verbindet wieder die beiden Ufer
Die Bürgerinitiative hat das Geld für das Schiff in nur acht Monaten gesammelt. Am Montag legte es zum ersten Mal ab.
Von Anna Beispiel
Die Fähre am Anleger in Unterdorf. Foto: Max Muster
Seit dem Frühjahr mussten die Bewohner von Unterdorf und Oberau einen Umweg von fast zwei Stunden fahren, wenn sie auf die andere Seite des Flusses wollten. Die alte Fähre war nach einem Motorschaden stillgelegt worden, und der Betreiber hatte Insolvenz angemeldet.
Jetzt ist der Betrieb wieder aufgenommen. Die Bürgerinitiative hat das Geld für ein gebrauchtes Schiff gesammelt, das in den vergangenen Wochen von Freiwilligen instand gesetzt wurde. Am Montag fuhren bereits mehr als dreißig Fahrgäste mit.
Weiterlesen
„Wir sind sehr froh, dass es endlich wieder geht“, sagte die Sprecherin der Initiative. Die Gemeinde übernimmt die Kosten für die Versicherung und die Rettungswesten, den Rest tragen die Fahrgäste mit ihren Fahrkarten.
Das könnte Sie auch interessieren
Neuer Radweg am Fluss eröffnet
Gemeinderat beschließt Haushalt
Teilen
© 2024 Beispiel-Zeitung. Alle Rechte vorbehalten.
Impressum
Datenschutz
";

/// A French blog post with blank-line paragraphs and the usual prompts.
const FRENCH: &str = "\
Le retour du bac sur la rivière

Par Jean Exemple

Depuis lundi, le vieux bac traverse de nouveau la rivière entre les deux villages, après un an d'arrêt et une collecte menée par les habitants eux-mêmes.

Lire aussi

Les habitants ont réuni la somme nécessaire en organisant des concerts, des ventes de gâteaux et une tombola. Le conseil régional a financé les gilets de sauvetage.

« Nous n'attendions plus rien de personne, alors nous l'avons fait nous-mêmes », raconte la présidente du comité, qui espère maintenant obtenir un pont.

Partager

Abonnez-vous à notre newsletter pour ne rien manquer.

3 commentaires
";

/// A Spanish report with its photo caption and credit on separate lines,
/// an Italian-style "Leggi anche" and a Portuguese "Leia mais" link.
const SPANISH: &str = "\
Vuelve el transbordador al río tras un año de espera

Pasajeros esperan en el muelle antes del primer cruce.

Foto: María Ejemplo

El pequeño transbordador volvió a cruzar el río el lunes por la mañana, después de un año en el que los vecinos de los dos pueblos tuvieron que dar un rodeo de cuatro horas.

Leggi anche: Il traghetto del lago riparte

Los vecinos reunieron el dinero con conciertos, rifas y ventas de pasteles, y el gobierno regional pagó los chalecos salvavidas y la inspección de seguridad.

«Nadie iba a hacerlo por nosotros, así que lo hicimos nosotros mismos», dijo la presidenta del comité vecinal.

Leia mais
";

fn text_options() -> CleanOptions {
    CleanOptions {
        input: InputKind::Text,
    }
}

fn cleaned(input: &str) -> Document {
    match clean(input, &text_options()) {
        Ok(document) => document,
        Err(e) => panic!("cleaning failed: {e}"),
    }
}

fn removed_with(document: &Document, reason: Reason) -> Vec<&str> {
    document
        .removed
        .iter()
        .filter(|r| r.reason == reason)
        .map(|r| r.text.as_str())
        .collect()
}

#[test]
fn ferry_example_like_the_seed_case() {
    let document = cleaned(FERRY);
    assert_eq!(
        document.title.as_deref(),
        Some("Ferry Returns to the Dnipro After a Year of Silence, Villagers Say")
    );
    assert_eq!(
        document.headings,
        ["A crossing rebuilt by hand", "Worries about the winter"]
    );
    assert_eq!(document.paragraphs.len(), 16);
    let text = document.to_text();
    assert!(
        !text.contains('\u{a0}'),
        "no-break spaces must become spaces"
    );
    assert!(text.contains("ending a year in which the two riverbank villages"));
    assert!(text.contains("Mr. Bondar, who has worked on the river since 1989"));
    assert!(text.contains("\"They have never been on a boat.\""));
    for dropped in [
        "Support The Riverside Courier!",
        "Mariia Hnatiuk / Riverside Courier",
        "we have one request",
        "Independent local journalism costs money",
        "Thank you for reading",
        "Read more",
    ] {
        assert!(!text.contains(dropped), "kept {dropped:?}");
    }
    assert_eq!(
        removed_with(&document, Reason::Banner),
        ["Support The Riverside Courier!"]
    );
    assert_eq!(
        removed_with(&document, Reason::DonationAppeal).len(),
        4,
        "the appeal goes as a whole"
    );
    assert_eq!(removed_with(&document, Reason::PhotoCaption).len(), 1);
    assert_eq!(removed_with(&document, Reason::CallToAction), ["Read more"]);
}

#[test]
fn german_scrape_menus_cookies_captions_related_footer() {
    let document = cleaned(GERMAN);
    assert_eq!(
        document.title.as_deref(),
        Some("Neue Fähre verbindet wieder die beiden Ufer")
    );
    let text = document.to_text();
    for kept in [
        "Seit dem Frühjahr mussten",
        "Jetzt ist der Betrieb",
        "„Wir sind sehr froh",
    ] {
        assert!(text.contains(kept), "missing {kept:?}");
    }
    for dropped in [
        "Startseite",
        "Cookies",
        "Foto: Max Muster",
        "Weiterlesen",
        "interessieren",
        "Radweg",
        "Teilen",
        "©",
        "Impressum",
    ] {
        assert!(!text.contains(dropped), "kept {dropped:?}");
    }
    assert_eq!(
        removed_with(&document, Reason::CookieNotice).len(),
        3,
        "{:?}",
        document.removed
    );
    assert!(removed_with(&document, Reason::Navigation).contains(&"Startseite"));
    assert_eq!(
        removed_with(&document, Reason::Byline),
        ["Von Anna Beispiel"]
    );
    assert!(removed_with(&document, Reason::RelatedLinks)
        .contains(&"Das könnte Sie auch interessieren"));
    assert!(removed_with(&document, Reason::Footer).contains(&"Impressum"));
}

#[test]
fn french_prompts_and_comments() {
    let document = cleaned(FRENCH);
    assert_eq!(
        document.title.as_deref(),
        Some("Le retour du bac sur la rivière")
    );
    assert_eq!(document.paragraphs.len(), 3, "{:#?}", document);
    assert_eq!(
        removed_with(&document, Reason::RelatedLinks),
        ["Lire aussi"]
    );
    assert_eq!(
        removed_with(&document, Reason::Byline),
        ["Par Jean Exemple"]
    );
    assert_eq!(
        removed_with(&document, Reason::Comments),
        ["3 commentaires"]
    );
    assert_eq!(
        removed_with(&document, Reason::CallToAction),
        [
            "Partager",
            "Abonnez-vous à notre newsletter pour ne rien manquer."
        ]
    );
}

#[test]
fn spanish_caption_on_its_own_line_and_links_in_other_languages() {
    let document = cleaned(SPANISH);
    assert_eq!(
        document.title.as_deref(),
        Some("Vuelve el transbordador al río tras un año de espera")
    );
    assert_eq!(document.paragraphs.len(), 3, "{document:#?}");
    assert_eq!(
        removed_with(&document, Reason::PhotoCaption),
        ["Pasajeros esperan en el muelle antes del primer cruce."]
    );
    assert_eq!(
        removed_with(&document, Reason::PhotoCredit),
        ["Foto: María Ejemplo"]
    );
    assert_eq!(
        removed_with(&document, Reason::RelatedLinks),
        ["Leggi anche: Il traghetto del lago riparte"]
    );
    assert_eq!(removed_with(&document, Reason::CallToAction), ["Leia mais"]);
}

#[test]
fn duplicates_are_dropped_once_kept() {
    let paragraph = "The committee met again on Tuesday evening and agreed on the timetable for the winter months.";
    let input = format!("A Title For The Story\n\n{paragraph}\n\nA second paragraph follows here, with more detail about the crossing and its costs.\n\n{paragraph}");
    let document = cleaned(&input);
    assert_eq!(document.paragraphs.len(), 2);
    assert_eq!(removed_with(&document, Reason::Duplicate), [paragraph]);
}

#[test]
fn repeated_lines_across_a_batch_are_site_furniture() {
    let site = |story: &str| {
        format!("The Valley Post — news from the valley\n\n{story}\n\nSubscribe to The Valley Post for one euro a week, and get every story first in the morning.")
    };
    let stories = [
        site("The new ferry crossed the river for the first time on Monday, carrying thirty-eight passengers and a goat."),
        site("The village school will reopen in September after repairs to its roof, which was damaged in a storm."),
        site("Farmers on the left bank say the harvest was the best in ten years, despite the late frost in May."),
    ];
    let inputs: Vec<&str> = stories.iter().map(String::as_str).collect();
    let documents = clean_batch(&inputs, &text_options());
    assert_eq!(documents.len(), 3);
    for document in documents {
        let document = document.unwrap_or_default();
        assert_eq!(document.paragraphs.len(), 1, "{document:#?}");
        assert!(removed_with(&document, Reason::RepeatedAcrossArticles)
            .contains(&"The Valley Post — news from the valley"));
    }
    // Cleaned alone, the slogan is not known to repeat.
    let alone = cleaned(&stories[0]);
    assert!(removed_with(&alone, Reason::RepeatedAcrossArticles).is_empty());
}

#[test]
fn hard_wrapped_text_is_rejoined_and_dehyphenated() {
    let input = "River Ferry Back in Service\n\n\
                 The ferry between the two villages carried its first pas-\n\
                 sengers on Monday after a year-long break, local officials\n\
                 said, and the well-\n\
                 known captain was at the wheel again.\n";
    let document = cleaned(input);
    assert_eq!(
        document.title.as_deref(),
        Some("River Ferry Back in Service")
    );
    assert_eq!(
        document.paragraphs.first().map(|p| p.text.as_str()),
        Some("The ferry between the two villages carried its first passengers on Monday after a year-long break, local officials said, and the well-known captain was at the wheel again.")
    );
}

#[test]
fn all_boilerplate_says_nothing_was_kept() {
    let document = cleaned("Home\nNews\nSport\nImpressum\nDatenschutz\n© 2024 Example");
    assert!(document.is_empty());
    assert!(
        document
            .warnings
            .iter()
            .any(|w| w.contains("no body text was kept")),
        "{:?}",
        document.warnings
    );
    assert_eq!(document.removed.len(), 6);
}

#[test]
fn kept_and_removed_account_for_the_whole_input() {
    let hyphenated = "Title Of A Wrapped Story\n\nThe infor-\nmation was published on Monday by the regional council in its weekly bulletin.\n";
    for input in [FERRY, GERMAN, FRENCH, SPANISH, hyphenated] {
        let document = cleaned(input);
        assert_eq!(
            accounted(&document),
            letters(input),
            "letters lost or invented in {:.40}…",
            input
        );
    }
}

#[test]
fn cleaning_is_idempotent() {
    for input in [FERRY, GERMAN, FRENCH, SPANISH] {
        let once = cleaned(input);
        let twice = cleaned(&once.to_text());
        assert_eq!(twice.title, once.title);
        assert_eq!(twice.headings, once.headings);
        assert_eq!(twice.paragraphs, once.paragraphs, "{:.40}…", input);
    }
}
