//! Cue phrases: the words sites use for their furniture — appeals, cookie
//! notices, share and follow buttons, "Read more" links, related-article
//! lists, comment sections, copyright lines, photo credits — in English,
//! German, French, Spanish, Portuguese, Italian and Dutch.
//!
//! A cue says what a short block is; it says nothing about a long paragraph
//! that merely mentions cookies or newsletters, so callers weigh a match by
//! the block's length (see [`Cue::max_words`]).

use std::sync::LazyLock;

use regex::{Regex, RegexSet};

use crate::Reason;

/// A recognized cue: why the block would be dropped, and up to how many
/// words a block may have for the cue to decide it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cue {
    pub reason: Reason,
    pub max_words: usize,
}

/// `(pattern, reason, max_words)`. Patterns match the lowercased block.
/// Whole-block patterns (`^…$`) identify a button or link label; others
/// identify a typical sentence of that furniture.
const CUES: &[(&str, Reason, usize)] = &[
    // Cookie and privacy consent.
    (r"\bcookies?\b|\bgdpr\b|\bdsgvo\b", Reason::CookieNotice, 40),
    (
        r"^(?:datenschutz\w*|privacy(?: policy| settings| notice)?|politique de confidentialité|política de (?:privacidad|cookies|privacidade)|informativa (?:sulla )?privacy|privacy-einstellungen)$",
        Reason::CookieNotice,
        4,
    ),
    // Donation and membership appeals.
    (
        r"favou?r to ask|\bsupport (?:us|our (?:work|journalism|newsroom|reporting)|independent journalism|quality journalism)\b|unterstützen sie (?:uns|unsere|unabhängigen)|\bsoutenez(?:-nous)? (?:notre|le journalisme)|\bapoya (?:nuestro|el periodismo)|\bapoie (?:o|nosso) jornalismo|\bsostieni (?:il|la nostra)|become a (?:member|patron|supporter|subscriber)|werden sie (?:mitglied|unterstützer)|\bpatreon\b|make a (?:contribution|donation)|support (?:independent|quality) journalism|unabhängigen journalismus (?:unterstützen|stärken)",
        Reason::DonationAppeal,
        60,
    ),
    (
        r"\bdonat(?:e|ion)|\bspende[nt]?\b|\bspenden\b|faire un don|\bfaites un don|\bdonar\b|\bdoação|\bdoe agora|\bdona ora|^(?:support|unterstützen sie|soutenez|apoya|apoie|sostieni)\b.*!$",
        Reason::DonationAppeal,
        12,
    ),
    // Comment sections.
    (
        r"^(?:\d+ )?(?:comments?|kommentare?|commentaires?|comentarios?|comentários?|commenti|reacties|réactions?|reaktionen|leserkommentare)(?: \(\d+\))?:?$|comments are closed|leave a (?:reply|comment)|(?:post|add|write) a comment|schreibe(?:n sie)? einen kommentar|kommentar (?:schreiben|verfassen)|laisser un commentaire|deja un comentario|deixe (?:um|seu) comentário|lascia un commento|(?:log|sign) in to (?:comment|reply)|^(?:reply|antworten|répondre|responder|rispondi)$|\bvos réactions\b",
        Reason::Comments,
        14,
    ),
    // Related articles and teasers.
    (
        r"^related\b|\brelated (?:articles|stories|posts|content|news|links|topics|coverage)\b|you (?:may|might) (?:also )?(?:like|enjoy|be interested)|(?:more|latest|top|recent|popular) (?:stories|news|articles|posts|from)|\bmost (?:read|popular|viewed|shared)\b|das könnte sie (?:auch )?interessieren|\bweitere (?:artikel|beiträge|nachrichten|themen|informationen)|ähnliche (?:artikel|beiträge)|^mehr (?:zum thema|zu|aus|vom|von)\b|\bmeistgelesen|(?:neueste|aktuelle|beliebte) (?:artikel|beiträge|nachrichten)|(?:nächste|vorherige)[rn]? (?:beitrag|artikel)|^(?:next|previous|prev) (?:post|article|story)|articles? (?:similaires|liés|connexes)|à lire aussi|\blire aussi\b|sur le même sujet|noticias relacionadas|te puede interesar|también te puede|artigos? relacionad|veja também|leia também|potrebbe interessarti|articoli correlati|leggi anche|\bper saperne di più\b|recommended (?:for you|stories|articles)|\bempfohlen\b|zum weiterlesen|more stories",
        Reason::RelatedLinks,
        12,
    ),
    // Share / follow / subscribe / read-more buttons and prompts.
    (
        r"^(?:read|continue reading|read (?:the )?full|see|view) (?:more|also|all|story|article)\b|^read more|^weiterlesen|^mehr (?:lesen|erfahren|anzeigen|infos?)$|^(?:lire|en savoir) (?:la suite|plus)|^leer más|^(?:leia|saiba) mais|^(?:leggi|scopri) di più|\bshare (?:this|on|via|article|story|post)\b|^(?:share|teilen|partager|compartir|compartilhe|condividi|tweet|drucken|print|imprimer|e-?mail|mail|whatsapp|facebook|twitter|x|instagram|linkedin|pinterest|telegram|xing|reddit|flipboard|pocket|copy link|link kopieren)$|\bfollow us\b|folgen sie uns|suivez-nous|síguenos|siga-nos|seguici|\bsign up\b|\bnewsletter\b|\bsubscribe\b|\babonnieren\b|\babonnez-vous\b|suscr[íi]bete|\bassine\b|\babbonati\b|click here|hier klicken|cliquez ici|haga clic|clique aqui|clicca qui|download (?:the|our) app|app herunterladen|artikel gefallen|jetzt (?:lesen|abonnieren|anmelden|bestellen|registrieren|kaufen|testen)|^(?:back to top|nach oben|zurück(?: zur übersicht)?|retour|volver|voltar|torna su)$",
        Reason::CallToAction,
        14,
    ),
    // Advertising.
    (
        r"^(?:advertisement|advertising|anzeige|werbung|publicité|publicidad|publicidade|pubblicità|sponsored|gesponsert|promoted|ad|ads|reklame|advertentie)$|^(?:sponsored|promoted) (?:by|content)|^anzeige\b",
        Reason::Advertisement,
        6,
    ),
    // Copyright, imprint, legal and contact lines.
    (
        r"©|\(c\) ?\d{4}|\bcopyright\b|all rights reserved|alle rechte vorbehalten|tous droits réservés|todos los derechos reservados|todos os direitos reservados|tutti i diritti riservati|\bimpressum\b|^imprint$|terms (?:of|and) (?:use|service|conditions)|\bnutzungsbedingungen\b|^agb$|mentions légales|aviso legal|note legali|creative commons|powered by|^(?:contact|kontakt|contacto|contatti|about us|über uns|à propos|quiénes somos|sobre nós|chi siamo|sitemap|rss|faq|hilfe|help|jobs|karriere|careers|presse|press|mediadaten|datenschutzerklärung|barrierefreiheit|accessibility)$|^(?:tel|fon|telefon|fax|e-mail|email)[.:]",
        Reason::Footer,
        30,
    ),
    // Menus, search boxes, log-in links, pagination.
    (
        r"^(?:menu|menü|home|startseite|accueil|inicio|início|pagina iniziale|search|suche|suchen|rechercher|buscar|pesquisar|cerca|login|log ?in|log ?out|anmelden|abmelden|registrieren|register|sign ?in|sign ?out|se connecter|connexion|iniciar sesión|entrar|accedi|mein konto|my account|toggle navigation|navigation|skip to (?:main )?content|zum inhalt springen|aller au contenu|ir al contenido|vai al contenuto|close|schließen|fermer|cerrar|fechar|chiudi|open|more|mehr|plus|más|mais|altro|next|previous|weiter|vor|précédent|suivant|siguiente|anterior|próximo|successivo|precedente|alle(?: anzeigen)?|all|view all|see all|tags?|schlagwörter|schlagworte|themen|topics|categories|kategorien|rubriken|sections|ressorts|archiv|archive|übersicht|overview)$|^(?:page|seite|página|pagina) \d+(?: (?:of|von|de|di) \d+)?$|^\d+(?: \d+)+$|^(?:«|‹|<|←)|(?:»|›|>|→)$| [>|»›/] ",
        Reason::Navigation,
        8,
    ),
    // Bylines, dates, reading times.
    (
        r"\b\d+ ?(?:min(?:ute)?s?\.?|minuten) (?:read|lesezeit|de lecture|de lectura|di lettura)\b|^(?:lesezeit|reading time|temps de lecture|tiempo de lectura)\b|^(?:updated|published|posted|aktualisiert|veröffentlicht|publié|mis à jour|publicado|atualizado|pubblicato|aggiornato|stand)\b",
        Reason::Byline,
        12,
    ),
];

/// Patterns for credits of photos and videos: "Name / AFP", "Photo: …",
/// "(Getty Images)", "Bild: Keystone", "© Reuters".
const CREDIT: &str = r"(?:^|[\s(])(?:photo|foto|bild|image|picture|photograph|fotografía|imagem|immagine|credit|crédito|crédit|source|quelle|fuente|fonte|video|grafik|illustration|archivbild|symbolbild|titelbild)s?\s?:\s?\S|\((?:photo|foto|bild|image)s?\s?:|(?:/|\||©|\()\s?(?:afp|ap|dpa|reuters|epa|getty(?: images)?|keystone|imago|picture[ -]alliance|ansa|efe|tass|sputnik|anadolu|xinhua|shutterstock|istock(?:photo)?|unsplash|pixabay|pexels|adobe ?stock|alamy|sipa|abaca|apa|kna|epd|ddp|sda|belga|lusa|europa press|ria novosti|bloomberg|nurphoto|zuma|wikimedia(?: commons)?|wikipedia|flickr)\b|\b(?:getty images|ap photo|afp photo|reuters/|dpa-bildfunk|picture alliance|imago images)\b";

static CUE_SET: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new(CUES.iter().map(|(pattern, _, _)| pattern))
        .unwrap_or_else(|e| unreachable!("static cue patterns: {e}"))
});

static CREDIT_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(CREDIT).unwrap_or_else(|e| unreachable!("static credit pattern: {e}"))
});

/// A trailing credit in the usual "Firstname Lastname / AGENCY" shape.
static NAME_SLASH_AGENCY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[.!?)]\s)(?:\p{Lu}[\p{L}.'’-]*\s?){1,4}\s?/\s?\p{Lu}[\p{L}&.-]*(?:\s\p{Lu}[\p{L}&.-]*){0,3}$")
        .unwrap_or_else(|e| unreachable!("static credit pattern: {e}"))
});

/// "By Jane Doe", "Von Hans Müller und Eva Schmidt": a byline needs the
/// capitals of a name, so it is matched on the original text.
static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[Bb]y|BY|[Vv]on|[Pp]ar|[Pp]or|[Dd]i|[Dd]oor|[Tt]ext:|[Tt]exto:|[Aa]utor:|[Aa]uthor:|[Ww]ritten by|[Pp]osted by)\s+\p{Lu}[\p{L}.'’-]*(?:\s+\p{Lu}[\p{L}.'’-]*){0,3}(?:$|\s*[,|·•]|\s+(?:and|und|et|y|e)\s)")
        .unwrap_or_else(|e| unreachable!("static byline pattern: {e}"))
});

/// The first cue `text` matches, if any; `lowercase` is `text` lowercased.
pub(crate) fn cue(text: &str, lowercase: &str) -> Option<Cue> {
    if let Some(index) = CUE_SET.matches(lowercase).into_iter().next() {
        return CUES
            .get(index)
            .map(|&(_, reason, max_words)| Cue { reason, max_words });
    }
    BYLINE.is_match(text).then_some(Cue {
        reason: Reason::Byline,
        max_words: 12,
    })
}

/// Whether `text` (original case) carries a photo or video credit.
pub(crate) fn has_credit(text: &str) -> bool {
    NAME_SLASH_AGENCY.is_match(text) || CREDIT_RE.is_match(&text.to_lowercase())
}

/// Words of appeal texts; a block right after an appeal that uses them
/// still belongs to the appeal.
static APPEAL_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:support|donat\w*|journalis\w*|contribut\w*|subscri\w*|members?(?:hip)?|mission|independen\w*|fund\w*|readers?|unterstütz\w*|spende\w*|journalismus|leser\w*|abonn\w*|soutien\w*|soutenir|lecteurs?|apoy\w*|periodismo|lectores|apoi\w*|jornalismo|leitores|sosten\w*|giornalismo|lettori)\b")
        .unwrap_or_else(|e| unreachable!("static appeal pattern: {e}"))
});

/// Whether a lowercased block uses the vocabulary of appeals.
pub(crate) fn is_appeal_like(lowercase: &str) -> bool {
    APPEAL_WORDS.is_match(lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(text: &str) -> Option<Reason> {
        cue(text, &text.to_lowercase()).map(|c| c.reason)
    }

    #[test]
    fn cues_in_several_languages() {
        let cases = [
            (
                "We use cookies to improve your experience.",
                Reason::CookieNotice,
            ),
            ("Wir verwenden Cookies.", Reason::CookieNotice),
            ("… we have a small favor to ask.", Reason::DonationAppeal),
            (
                "Unterstützen Sie unabhängigen Journalismus",
                Reason::DonationAppeal,
            ),
            ("Faites un don", Reason::DonationAppeal),
            ("Read more", Reason::CallToAction),
            ("Weiterlesen", Reason::CallToAction),
            ("Lire aussi", Reason::RelatedLinks),
            ("Leer más", Reason::CallToAction),
            ("Leia também", Reason::RelatedLinks),
            ("Leggi anche", Reason::RelatedLinks),
            ("Das könnte Sie auch interessieren", Reason::RelatedLinks),
            ("Subscribe to our newsletter", Reason::CallToAction),
            ("Follow us on Twitter", Reason::CallToAction),
            ("Teilen", Reason::CallToAction),
            ("12 Kommentare", Reason::Comments),
            ("Leave a Reply", Reason::Comments),
            ("© 2024 Example Media. All rights reserved.", Reason::Footer),
            ("Impressum", Reason::Footer),
            ("Startseite", Reason::Navigation),
            ("Home > News > World", Reason::Navigation),
            ("Anzeige", Reason::Advertisement),
            ("By Jane Doe", Reason::Byline),
            ("Von Hans Müller und Eva Schmidt", Reason::Byline),
            ("5 min read", Reason::Byline),
        ];
        for (text, expected) in cases {
            assert_eq!(reason(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn prose_is_no_cue() {
        for text in [
            "The ferry crossed the river on Monday.",
            "Officials said they downed drones over the region.",
            "Der Regen zeichnet weich, gibt Energie und Tempo vor",
            "By then, the ferry had left.",
            "Von Montag an fährt die Fähre wieder.",
        ] {
            assert_eq!(reason(text), None, "{text}");
        }
    }

    #[test]
    fn credits() {
        assert!(has_credit(
            "Smoke rises after shelling in Bakhmut. Dimitar Dilkoff / AFP"
        ));
        assert!(has_credit("Dimitar Dilkoff / AFP"));
        assert!(has_credit(
            "Die lachende Menge. Bild: Gregory Batardon/Theater St . Gallen"
        ));
        assert!(has_credit("A boat on the river. (Getty Images)"));
        assert!(has_credit("Photo: Jane Doe"));
        assert!(!has_credit("The ferry crossed the river on Monday."));
        assert!(!has_credit("He said the 24/7 service would resume."));
    }
}
