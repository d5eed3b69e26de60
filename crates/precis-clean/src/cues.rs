//! Cue phrases: the words sites use for their furniture — appeals, cookie
//! notices, share and follow buttons, "Read more" links, related-article
//! lists, comment sections, copyright lines, photo credits — in English,
//! German, French, Spanish, Portuguese, Italian and Dutch.
//!
//! A cue says what a short block is; it says nothing about a long paragraph
//! that merely mentions cookies or newsletters, so callers weigh a match by
//! the block's length (see [`cue`]).

use std::sync::LazyLock;

use regex::Regex;

use crate::Reason;

/// One kind of furniture: the phrases that give it away (regex
/// alternatives over the lowercased block), why it is dropped, and up to
/// how many words a block may have for the phrases to decide it. Anchored
/// phrases (`^…$`) are a button's or link's whole label.
struct CueKind {
    phrases: &'static [&'static str],
    reason: Reason,
    max_words: usize,
}

const CUES: &[CueKind] = &[
    CueKind {
        reason: Reason::CookieNotice,
        max_words: 40,
        phrases: &[
            r"\bcookies?\b",
            r"\bgdpr\b",
            r"\bdsgvo\b",
            // The consent placeholder shown where an embedded post would be.
            r"\bexterne[nr]? inhalte?\b.*\b(?:anzeigen|einverstanden|zustimm\w*|laden)\b",
            r"\bexternal (?:content|media)\b.*\b(?:consent|agree|load|show)\b",
            r"^empfohlener redaktioneller inhalt$",
            r"^(?:externer? inhalte?|external content)$",
            r"ohne (?:dein|ihr)e? (?:einverständnis|zustimmung)",
            r"^recommended editorial content$",
        ],
    },
    CueKind {
        reason: Reason::CookieNotice,
        max_words: 4,
        phrases: &[
            r"^datenschutz\w*$",
            r"^privacy(?: policy| settings| notice)?$",
            r"^politique de confidentialité$",
            r"^política de (?:privacidad|cookies|privacidade)$",
            r"^informativa (?:sulla )?privacy$",
            // Consent buttons.
            r"^(?:accept|akzeptieren|alle akzeptieren|accept all(?: cookies)?|ablehnen|zustimmen|einverstanden|accepter|tout accepter|refuser|aceptar|rechazar|aceitar|accetta|accetto|rifiuta|got it|i agree|agree)$",
        ],
    },
    // Appeals: phrases that only appeals use decide long paragraphs too.
    CueKind {
        reason: Reason::DonationAppeal,
        max_words: 60,
        phrases: &[
            r"favou?r to ask",
            r"(?:one|a|small|quick) (?:request|favou?r)\b.*[.:!]$",
            r"before you (?:go|leave)\b",
            r"bevor sie (?:gehen|weiterlesen)",
            r"avant de partir",
            r"antes de (?:irte|ir embora|que te vayas)",
            r"\bsupport (?:us|our (?:work|journalism|newsroom|reporting)|independent journalism|quality journalism)\b",
            r"\byour support\b",
            r"rely on (?:your|readers?’?'?) support",
            r"become a (?:member|patron|supporter|subscriber)",
            r"make a (?:contribution|donation)",
            r"\bpatreon\b",
            r"\bpaywall\b",
            r"already an? (?:subscriber|member)",
            r"unterstützen sie (?:uns|unsere|unabhängigen)",
            r"unterstütze (?:uns|das projekt|\p{L}+ (?:bereits )?mit)",
            r"werden sie (?:mitglied|unterstützer)",
            r"(?:ihre|deine) unterstützung",
            r"ihr beitrag hilft",
            r"bezahlschranke",
            r"unabhängigen journalismus (?:unterstützen|stärken)",
            r"\bsoutenez(?:-nous)? (?:notre|le journalisme)",
            r"votre soutien",
            r"\bapoya (?:nuestro|el periodismo)",
            r"tu apoyo",
            r"\bapoie (?:o|nosso) jornalismo",
            r"seu apoio",
            r"\bsostieni (?:il|la nostra)",
            r"il tuo sostegno",
        ],
    },
    CueKind {
        reason: Reason::DonationAppeal,
        max_words: 12,
        phrases: &[
            r"\bdonat(?:e|ion)",
            r"\bspende[nt]?\b",
            r"faire un don",
            r"\bfaites un don",
            r"\bdonar\b",
            r"\bdoação",
            r"\bdoe agora",
            r"\bdona ora",
            r"^(?:support|unterstützen sie|soutenez|apoya|apoie|sostieni)\b.*!$",
        ],
    },
    CueKind {
        reason: Reason::Advertisement,
        max_words: 60,
        phrases: &[
            r"\baffiliate\b",
            r"associates program",
            r"provision vom händler",
            r"(?:may|might) (?:receive|earn) (?:a )?(?:compensation|commission)",
            r"advertiser disclosure",
            r"not (?:provided|commissioned) by the (?:bank )?advertiser",
            r"^(?:anzeige|werbung|sponsored)\s?[-–:|]",
        ],
    },
    CueKind {
        reason: Reason::Advertisement,
        max_words: 6,
        phrases: &[
            r"^[-–—\s]*(?:advertisement|advertising|advert|adverts|anzeige|werbung|publicité|publicidad|publicidade|pubblicità|sponsored|gesponsert|promoted|ad|ads|reklame|advertentie|iklan|реклама)[-–—\s]*$",
            r"^(?:sponsored|promoted) (?:by|content)",
        ],
    },
    CueKind {
        reason: Reason::Comments,
        max_words: 14,
        phrases: &[
            r"^(?:\d+ )?(?:comments?|kommentare?|commentaires?|comentarios?|comentários?|commenti|reacties|réactions?|reaktionen|leserkommentare)(?: \((?:\d+|\+)\))?:?$",
            // The button that opens the comments.
            r"^(?:view|show|see|read|load|hide) (?:all )?(?:\d+ )?comments?$",
            r"^\d+ (?:responses?|replies|antworten|reviews?|bewertungen)\b",
            r"comments are closed",
            r"leave a (?:reply|comment)",
            r"(?:post|add|write) a comment",
            r"(?:log|sign) in to (?:comment|reply)",
            r"schreib(?:e|en sie)? einen kommentar",
            r"kommentar (?:schreiben|verfassen|hinzufügen)",
            r"^kommentieren(?: sie)?(?: hier)?$",
            r"hinterlasse (?:eine antwort|einen kommentar)",
            r"(?:sie müssen|du musst) (?:sich |dich )?(?:angemeldet|anmelden|einloggen)",
            r"um (?:einen )?kommentar",
            r"kommentarfunktion",
            r"letzte kommentare",
            r"\bakismet\b",
            r"laisser un commentaire",
            r"publier un commentaire",
            r"\bvos réactions\b",
            r"deja un comentario",
            r"deixe (?:um|seu) comentário",
            r"lascia un commento",
            r"^(?:reply|antworten|répondre|responder|rispondi)$",
        ],
    },
    CueKind {
        reason: Reason::RelatedLinks,
        max_words: 12,
        phrases: &[
            r"^related\b",
            r"\brelated (?:articles|stories|posts|content|news|links|topics|coverage)\b",
            r"you (?:may|might) (?:also )?(?:like|enjoy|be interested)",
            r"(?:more|latest|top|recent|popular) (?:stories|news|articles|posts|from)",
            r"\bmost (?:read|popular|viewed|shared)\b",
            r"^(?:see|read) also\b",
            r"^also read\b",
            r"^(?:next|previous|prev) (?:post|article|story)",
            r"^don[’']?t miss\b",
            r"^more (?:\p{L}+ ){1,2}stories$",
            r"^popular on\b",
            r"^partner (?:news|content|stories)$",
            r"recommended (?:for you|stories|articles)",
            r"(?:das|dies) könnte (?:dich|sie|euch) (?:auch )?interessieren",
            r"interessiert (?:dich|sie) vielleicht",
            r"\bweitere (?:artikel|beiträge|nachrichten|themen|informationen)",
            r"^weitere (?:meldungen|news)",
            r"ähnliche (?:artikel|beiträge)",
            r"verwandte (?:artikel|themen\w*|beiträge)",
            r"^mehr (?:zum thema|zu|aus|vom|von)\b",
            r"^mehr (?:videos|kolumnen|artikel|news|nachrichten|beiträge|themen)\b",
            r"lesen sie (?:auch|mehr|hier)\b",
            r"^lies auch",
            r"^auch (?:lesen|interessant)",
            r"schon gelesen",
            r"zum weiterlesen",
            r"\bmeistgelesen",
            r"am meisten gelesen",
            r"meistkommentiert",
            r"(?:neueste|aktuelle|beliebte) (?:artikel|beiträge|nachrichten)",
            r"^aktuelle (?:meldungen|news)$",
            r"(?:nächste|vorherige)[rn]? (?:beitrag|artikel|eintrag)",
            r"empfehlungen aus der redaktion",
            r"\bempfohlen\b",
            r"^bildergalerie",
            r"^top \d+ (?:artikel|stories|articles)",
            r"articles? (?:similaires|liés|connexes)",
            r"\blire aussi\b",
            r"sur le même sujet",
            r"vous aimerez aussi",
            r"noticias? relacionad",
            r"temas relacionados",
            r"otras noticias",
            r"más noticias",
            r"(?:te|le) puede interesar",
            r"puedes ver:",
            r"artigos? relacionad",
            r"veja também",
            r"leia também",
            r"potrebbe interessarti",
            r"articoli correlati",
            r"leggi anche",
            r"\bper saperne di più",
        ],
    },
    CueKind {
        reason: Reason::CallToAction,
        max_words: 14,
        phrases: &[
            r"^(?:read|continue reading|read (?:the )?full|see|view) (?:more|also|all|story|article)\b",
            r"^read more",
            r"\bshare it with\b",
            r"^(?:hier )?weiterlesen",
            r"^mehr (?:lesen|erfahren|anzeigen|infos?)$",
            r"^(?:lire|en savoir) (?:la suite|plus)",
            r"^leer más",
            r"^(?:leia|saiba) mais",
            r"^(?:leggi|scopri) di più",
            r"^(?:share|teilen|partager|compartir|compartilhe|condividi|tweet|drucken|print|imprimer|e-?mail|mail|whatsapp|facebook|twitter|x|instagram|linkedin|pinterest|telegram|xing|reddit|flipboard|pocket|messenger|copy link|link kopieren)$",
            r"\bshare (?:this|on|via|article|story|post)\b",
            r"(?:beitrag|artikel|seite|story) teilen",
            r"^teilen(?: sie dies)? mit:?$",
            r"mit (?:freunden|anderen) teilen",
            r"url zum kopieren",
            r"\bfollow us\b",
            r"folgen sie uns",
            r"suivez-nous",
            r"s[íi]guenos",
            r"siga-nos",
            r"seguici",
            r"\bsign up\b",
            r"\bnewsletter\b",
            r"\bsubscribe\b",
            r"\babonnieren\b",
            r"\babonnez-vous\b",
            r"suscr[íi]bete",
            r"\bassine\b",
            r"\babbonati\b",
            r"click here",
            r"hier klicken",
            r"cliquez ici",
            r"haga clic",
            r"clique aqui",
            r"clicca qui",
            r"download (?:the|our) app",
            r"\bapps? (?:for|für) (?:ios|android)",
            r"app herunterladen",
            r"^get the latest",
            r"straight to your (?:inbox|phone)",
            r"direkt in (?:dein|ihr) postfach",
            r"never miss",
            r"nichts mehr (?:verpassen|versäumen)",
            r"artikel gefallen",
            r"^(?:gefällt|gefiel) (?:dir|ihnen)",
            r"wie (?:bewerten|gefällt) (?:sie|dir|ihnen) (?:diese[rn]?|der) (?:artikel|beitrag)",
            r"rate this",
            r"was this (?:article|page|post) helpful",
            r"jetzt (?:lesen|abonnieren|anmelden|bestellen|registrieren|kaufen|testen)",
            r"kontakt aufnehmen",
            r"^buch bestellen",
            r"^jump to recipe",
            r"^print recipe",
            r"^(?:rezept )?drucken\b",
            r"(?:bei|auf) pinterest (?:speichern|merken)",
            r"^(?:back to top|nach oben|zurück(?: zur übersicht)?|retour|volver|voltar|torna su)$",
            r"^zurück zu(?:m|r)?\b",
        ],
    },
    CueKind {
        reason: Reason::Footer,
        max_words: 30,
        phrases: &[
            r"©",
            r"\(c\) ?\d{4}",
            r"\bcopyright\b",
            r"all rights reserved",
            r"alle rechte vorbehalten",
            r"tous droits réservés",
            r"todos los derechos reservados",
            r"todos os direitos reservados",
            r"tutti i diritti riservati",
            r"registered trade ?marks?",
            r"eingetragene warenzeichen",
            r"\bimpressum\b",
            r"^imprint$",
            r"terms (?:of|and) (?:use|service|conditions)",
            r"\bnutzungsbedingungen\b",
            r"^agb$",
            r"mentions légales",
            r"aviso legal",
            r"note legali",
            r"creative commons",
            r"unter (?:der|einer) (?:lizenz )?(?:cc|creative)",
            r"powered by",
            r"fourni par blogger",
            r"this entry was posted",
            r"bookmark the permalink",
            r"\bpermalink\b",
            r"dieser eintrag wurde (?:am .* )?veröffentlicht",
            r"verschlagwortet",
            r"zuletzt (?:am .* )?(?:geändert|bearbeitet|aktualisiert)",
            r"last (?:modified|edited) on",
            r"(?:gibt|geben) (?:die|nur die) meinung (?:des|der) autor",
            r"n'engagent que leurs? auteurs?",
            r"views expressed (?:here|in this)",
            r"^disclaimer\b",
            r"^(?:contact|kontakt|contacto|contatti|about us|über uns|à propos|quiénes somos|sobre nós|chi siamo|sitemap|rss|faq|hilfe|help|jobs|karriere|careers|presse|press|mediadaten|barrierefreiheit|accessibility)$",
            r"^(?:kontakt|contact|ansprechpartner\w*)(?: zum thema)?:$",
            r"^(?:tel|fon|telefon|fax|e-mail|email)[.:]",
        ],
    },
    CueKind {
        reason: Reason::Navigation,
        max_words: 8,
        phrases: &[
            r"^(?:menu|menü|home|startseite|accueil|inicio|início|pagina iniziale|search|suche|suchen|rechercher|buscar|pesquisar|cerca)$",
            r"^(?:login|log ?in|log ?out|anmelden|abmelden|registrieren|register|sign ?in|sign ?out|se connecter|connexion|iniciar sesión|entrar|accedi|mein konto|my account)$",
            r"^(?:toggle navigation|navigation|skip to (?:main )?content|zum inhalt springen|aller au contenu|ir al contenido|vai al contenuto)$",
            r"^(?:close|schließen|fermer|cerrar|fechar|chiudi|open|more|mehr|plus|más|mais|altro)$",
            r"^(?:next|previous|weiter|vor|précédent|suivant|siguiente|anterior|próximo|successivo|precedente)$",
            r"^(?:alle(?: anzeigen)?|all|view all|see all|archiv|archive|übersicht|overview)$",
            r"^(?:tags?|schlagwörter|schlagworte|themen|topics|categories|kategorien|rubriken|sections|ressorts)$",
            r"^(?:tags|etiquetas|schlagw\w+|stichw\w+|themen|temas|mots-clés|argomenti|tópicos|kategorien?|categories|category|rubrik)\s?:",
            r"^direkt zu\b",
            r"^(?:page|seite|página|pagina) \d+(?: (?:of|von|de|di) \d+)?$",
            // A gallery's counter: "Image 2 of 5".
            r"^(?:image|photo|picture|slide|bild|foto|imagen|immagine)s? \d+ (?:of|von|de|di|/) \d+$",
            r"^\d+(?: \d+)+$",
            r"^(?:«|‹|<|←)",
            r"(?:»|›|>|→)$",
            r" [>|»›/] ",
        ],
    },
    // How to reach the author, and who reported and edited: the lines
    // that close an article ("Write to Jane Doe at jd@example.org",
    // "Reporting by …; Editing by …").
    CueKind {
        reason: Reason::Byline,
        max_words: 40,
        phrases: &[
            r"^(?:write to|email|e-mail|contact|reach) (?:the (?:author|writer|reporter)|\p{L}+(?: \p{L}+){0,3}) at \S+@\S+",
            r"\b(?:can|may) be reached at\b",
            r"\bfollow (?:him|her|them) (?:on|at|@)",
            // Credits: "; " between them, or a few names and the end.
            r"^(?:additional )?(?:reporting|writing|editing) by (?:[^.!?;]*;|(?:\S+ ){0,4}\S+$)",
        ],
    },
    // A paywall's teaser ends with the way to the rest, and a letters page
    // asks for letters, in a few sentences.
    CueKind {
        reason: Reason::CallToAction,
        max_words: 40,
        phrases: &[
            r"^(?:to )?(?:read|continue|view|see) the (?:full|whole|rest of the|entire) (?:story|article)",
            r"(?:submit|write|send)(?: us)? a letter to the editor",
        ],
    },
    CueKind {
        reason: Reason::CallToAction,
        max_words: 25,
        phrases: &[
            r"^follow\b[^.!?]*\bon (?:twitter|facebook|instagram|youtube|linkedin|tiktok|threads|mastodon)\b[^.!?]*[.!]?$",
        ],
    },
    // The news agencies' caption opening: "In this March 3, 2021, file
    // photo, …", "In this photo provided by …".
    CueKind {
        reason: Reason::PhotoCaption,
        max_words: 60,
        phrases: &[
            r"^in this (?:[\p{L}\d.,’']+ ){0,6}(?:photo|image|picture|video|handout|frame grab)\b",
        ],
    },
    // A tag list: the label, then keywords with no sentence among them.
    CueKind {
        reason: Reason::Navigation,
        max_words: 60,
        phrases: &[
            r"^(?:tags|tagged(?: with)?|etiquetas|schlagw(?:ö|o)rter|stichw(?:ö|o)rter|mots-clés|palavras-chave|argomenti|keywords)\s?:?\s[^.!?]*$",
        ],
    },
    CueKind {
        reason: Reason::Byline,
        max_words: 12,
        phrases: &[
            r"über den autor",
            r"about the author",
            r"^zur person$",
            r"qui êtes-vous",
            r"à propos de l'auteur",
            r"sobre (?:el|o) autor",
            r"\b\d+ ?(?:min(?:ute)?s?\.?|minuten) (?:read|lesezeit|de lecture|de lectura|di lettura)\b",
            r"^(?:lesezeit|reading time|temps de lecture|tiempo de lectura|tempo de leitura)\b",
            // The labels of an author and date box whose values are links or images.
            r"^(?:authors?|author name|publish(?:ed)? date|publication date|release date|date|autor(?:in)?|datum)\s?:$",
            r"^(?:updated|published|posted|aktualisiert|veröffentlicht|publié|mis à jour|publicado|atualizado|pubblicato|aggiornato|stand)\b",
        ],
    },
    // "From the section Europe", "Section: Sport", "Ressort: Kultur".
    CueKind {
        reason: Reason::SectionLabel,
        max_words: 8,
        phrases: &[
            r"^(?:from|more from|filed under|posted in|published in) the (?:section|category|desk)\b",
            r"^(?:section|category|filed under|ressort|rubrik|rubrique|sección|secção|seção|sezione|kategorie)\s?:",
            r"^(?:aus dem ressort|aus der rubrik|dans la rubrique|en la sección|na seção|nella sezione)\b",
        ],
    },
    // Sponsor lines name a funder and end there (its logo follows), or say
    // that the page itself is sponsored; a sentence reporting that a
    // project has a sponsor goes on past the funder's name.
    CueKind {
        reason: Reason::Sponsor,
        max_words: 25,
        phrases: &[
            r"\b(?:is|are) (?:supported|sponsored|funded|underwritten|made possible|brought to you|presented) by:?$",
            r"^(?:this|our) (?:\p{L}+ ){0,2}(?:series|coverage|content|article|story|reporting|podcast|newsletter|section|page|site|journalism|programme|program|feature|report|episode|video|desk) (?:\p{L}+ ){0,3}(?:is|are) (?:supported|sponsored|funded|underwritten|made possible|brought to you|presented) (?:by|in partnership with)\b",
            r"^(?:supported|sponsored|funded|underwritten|presented|brought to you) by\b[^.!?]*$",
            r"^(?:in (?:partnership|association|collaboration) with|with (?:the )?(?:support|funding) (?:of|from))\b[^.!?]*$",
            r"^(?:unterstützt|gefördert|präsentiert|gesponsert) (?:von|durch)\b[^.!?]*$",
            r"^(?:mit (?:freundlicher )?unterstützung (?:von|der|des)|in (?:zusammenarbeit|kooperation) mit)\b[^.!?]*$",
            r"^(?:avec le soutien de|en partenariat avec|con el apoyo de|en colaboración con|patrocinado por|com o apoio de|con il sostegno di|in collaborazione con)\b[^.!?]*$",
        ],
    },
    // Notes print views add: "This article was printed from …".
    CueKind {
        reason: Reason::PrintNotice,
        max_words: 40,
        phrases: &[
            r"(?:article|story|page|content) (?:was )?printed (?:from|on)\b",
            r"^printed from\b",
            r"(?:artikel|beitrag|seite) wurde (?:am .* )?ausgedruckt",
            r"ausgedruckt (?:unter|von) der adresse",
            r"^(?:url|adresse|quelle|source|link) (?:(?:of|to|zu|von|de) (?:this|diesem|dieser|cet|cette) (?:article|page|story|artikel|seite|beitrag) ?)?:\s*https?://",
            r"(?:cet article|cette page) (?:a été )?imprimée? (?:depuis|à partir de)",
            r"(?:este artículo|esta página) (?:fue )?impres[oa] desde",
        ],
    },
];

/// Credits of photos and videos: "Photo: …", "(Getty Images)", "Bild:
/// Keystone", "© Reuters", "Photo by … on Unsplash", "Abbildung 4:".
const CREDITS: &[&str] = &[
    r"(?:^|[\s(])(?:photo|foto|bild|image|imagen|picture|photograph|fotografía|imagem|immagine|credit|crédito|crédit|source|quelle|bildquelle|fotoquelle|bildnachweis|fuente|fonte|video|grafik|illustration|archivbild|symbolbild|titelbild)s?\s?:\s?\S",
    r"(?:^|\s)(?:photo|foto|bild|image)s? (?:by|von|de|di|por)\s",
    r"\((?:photo|foto|bild|image)s?\s?:",
    r"\((?:symbolbild|archivbild|archiv|foto|bild|photo)\)",
    r"^(?:abbildung|abb\.|figure|fig\.) ?\d+\s?:",
    r"(?:/|\||©|\()\s?(?:afp|ap|dpa|reuters|epa|getty(?: images)?|keystone|imago|picture[ -]alliance|ansa|efe|tass|sputnik|anadolu|xinhua|shutterstock|istock(?:photo)?|unsplash|pixabay|pexels|adobe ?stock|alamy|sipa|abaca|apa|kna|epd|ddp|sda|belga|lusa|europa press|ria novosti|bloomberg|nurphoto|zuma|wikimedia(?: commons)?|wikipedia|flickr)\b",
    r"\b(?:getty images|ap photo|afp photo|reuters/|dpa-bildfunk|picture alliance|imago images)\b",
];

/// One regex per kind, in table order. A set over all kinds has to find
/// every kind that matches (an overlapping search over hundreds of phrases,
/// with a lazy DFA too large for its cache); one kind at a time stops at the
/// first that matches and skips the kinds that allow fewer words than the
/// block has.
static CUE_RES: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    CUES.iter()
        .map(|kind| {
            Regex::new(&ascii_boundaries(&kind.phrases.join("|")))
                .unwrap_or_else(|e| unreachable!("static cue patterns: {e}"))
        })
        .collect()
});

/// Unicode `\b` keeps the regex engine off its fast DFA on non-ASCII text
/// (a tenfold slowdown); the cue words start and end in ASCII letters, so
/// ASCII word boundaries mean the same for them.
fn ascii_boundaries(pattern: &str) -> String {
    pattern.replace(r"\b", r"(?-u:\b)")
}

static CREDIT_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&ascii_boundaries(&CREDITS.join("|")))
        .unwrap_or_else(|e| unreachable!("static credit pattern: {e}"))
});

/// A trailing credit in the usual "Firstname Lastname / AGENCY" shape.
static NAME_SLASH_AGENCY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[.!?)]\s)(?:\p{Lu}[\p{L}.'’-]*\s?){1,4}\s?/\s?\p{Lu}[\p{L}&.-]*(?:\s\p{Lu}[\p{L}&.-]*){0,3}$")
        .unwrap_or_else(|e| unreachable!("static credit pattern: {e}"))
});

const BYLINE_MAX_WORDS: usize = 12;
/// Longest line taken for a dateline ("Tuesday, January 21, 2020, 7:00 PM").
const DATELINE_MAX_WORDS: usize = 8;
/// Longest line of furniture parts one of which is a date ("By Jane Doe —
/// November 18, 2019 / 1:07 AM / Harbour News").
const DATED_LINE_MAX_WORDS: usize = 14;

/// The words that open a byline: "By", "Von", "Par", "Por", "Door", "Text:", …
const BYLINE_OPENER: &str = r"^(?:[Bb]y|BY|[Vv]on|VON|[Pp]ar|[Pp]or|[Dd]i|[Dd]oor|[Tt]ext:|[Tt]exto:|[Aa]utor(?:in)?:|[Aa]uthor:|[Ww]ritten by|[Pp]osted by|[Vv]erfasst von)\s+";

/// "By Jane Doe", "Von Hans Müller und Eva Schmidt", "By Jane Doe Follow
/// @janedoe": an opener, then the capitals of a name, then the line ends or
/// goes on with furniture (a separator, another name, a handle). Matched on
/// the original text: the capitals are what tells a byline from a sentence
/// ("By then, …", "Von Montag an …").
static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"{BYLINE_OPENER}\p{{Lu}}[\p{{L}}.'’-]*(?:\s+\p{{Lu}}[\p{{L}}.'’-]*){{0,3}}(?:$|\s*[,|·•]|\s+(?:and|und|et|y|e|&)\s|\s+@|\s+(?:[Ff]ollow|[Ff]olgen)\b)"))
        .unwrap_or_else(|e| unreachable!("static byline pattern: {e}"))
});

static OPENER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(BYLINE_OPENER).unwrap_or_else(|e| unreachable!("static byline pattern: {e}"))
});

/// Words after a name in a byline that are not part of it.
const NOT_NAME: &[&str] = &[
    "Follow",
    "Folgen",
    "Updated",
    "Published",
    "Posted",
    "Aktualisiert",
    "Veröffentlicht",
    "Email",
    "E-Mail",
    "Twitter",
    "Photos",
    "Fotos",
    "Staff",
    "Reporter",
    "Correspondent",
    "Editor",
    "Redakteur",
    "Redakteurin",
    "Korrespondent",
    "Korrespondentin",
];

/// Most name words taken for one person.
const MAX_NAME_WORDS: usize = 4;

/// The names a byline gives ("By Jane Doe and Jon Roe Follow @jd" →
/// "Jane Doe, Jon Roe"), when `text` opens like one.
pub(crate) fn byline_name(text: &str) -> Option<String> {
    let rest = &text[OPENER.find(text.trim())?.end()..];
    let mut names: Vec<String> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for token in rest.split_whitespace() {
        let word = token.trim_end_matches([',', ';', '|', '·', '•']);
        let ends_name = word.len() != token.len();
        if ["and", "und", "et", "y", "e", "&"].contains(&word) && !current.is_empty() {
            names.push(current.join(" "));
            current.clear();
            continue;
        }
        let capitalised = word.chars().next().is_some_and(char::is_uppercase)
            && word
                .chars()
                .all(|c| c.is_alphabetic() || ".'’-".contains(c));
        if !capitalised || NOT_NAME.contains(&word) || current.len() == MAX_NAME_WORDS {
            break;
        }
        current.push(word);
        if ends_name {
            break;
        }
    }
    if !current.is_empty() {
        names.push(current.join(" "));
    }
    (!names.is_empty()).then(|| names.join(", "))
}

/// Why a block of `words` words is furniture, when a cue says so;
/// `lowercase` is `text` lowercased. The first kind (in table order) that
/// matches and allows that many words wins.
pub(crate) fn cue(text: &str, lowercase: &str, words: usize) -> Option<Reason> {
    if crate::furniture::is_code(text) {
        return Some(Reason::Code);
    }
    if words <= DATELINE_MAX_WORDS
        && (crate::dates::parse(text, false).is_some()
            || crate::dates::is_month_and_year(text)
            || crate::dates::is_day_word_year(text)
            || crate::furniture::is_place_dateline(text))
    {
        return Some(Reason::Dateline);
    }
    let by_phrase = CUES
        .iter()
        .zip(CUE_RES.iter())
        .find(|(kind, re)| words <= kind.max_words && re.is_match(lowercase))
        .map(|(kind, _)| kind.reason);
    by_phrase
        .or_else(|| (words <= BYLINE_MAX_WORDS && BYLINE.is_match(text)).then_some(Reason::Byline))
        .or_else(|| {
            (words <= DATED_LINE_MAX_WORDS && crate::dates::is_dated_line(text))
                .then_some(Reason::Dateline)
        })
}

/// A credit in parentheses closing a caption: "… the harbour (Image:
/// Jane Doe)", "… at dawn (Photo: River Press)".
static CLOSING_CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\((?:photo|foto|bild|image|imagen|imagem|immagine|picture|pic|credit|crédit|crédito)s?\s?:[^()]{1,60}\)\s*$")
        .unwrap_or_else(|e| unreachable!("static credit pattern: {e}"))
});

/// Whether `text` ends the way captions do, with a credit in parentheses:
/// a sentence of the article names no photo credit.
pub(crate) fn ends_with_credit(text: &str) -> bool {
    CLOSING_CREDIT.is_match(text)
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
        cue(text, &text.to_lowercase(), text.split_whitespace().count())
    }

    #[test]
    fn cues_in_several_languages() {
        let cases = [
            (
                "We use cookies to improve your experience.",
                Reason::CookieNotice,
            ),
            ("Wir verwenden Cookies.", Reason::CookieNotice),
            (
                "Hier steht ein externer Inhalt von einer Videoplattform. Mit einem Klick könnt ihr ihn anzeigen lassen.",
                Reason::CookieNotice,
            ),
            ("Empfohlener redaktioneller Inhalt", Reason::CookieNotice),
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
            ("By Jane Doe Follow @janedoe", Reason::Byline),
            ("21.01.2020 07:00 AM", Reason::Dateline),
            ("Dienstag, 21. Januar 2020", Reason::Dateline),
            ("October 2020", Reason::Dateline),
            ("RIVERTON, N.C.", Reason::Dateline),
            ("From the section Europe", Reason::SectionLabel),
            ("Ressort: Kultur", Reason::SectionLabel),
            ("The Harbour Desk is supported by", Reason::Sponsor),
            ("This series is funded by the River Trust", Reason::Sponsor),
            ("Gefördert von der Flussstiftung", Reason::Sponsor),
            (
                "Dieser Artikel wurde ausgedruckt unter der Adresse: https://example.org/faehre",
                Reason::PrintNotice,
            ),
            (
                "This article was printed from example.org",
                Reason::PrintNotice,
            ),
            (
                "function show() { slides[0].hidden = false; }",
                Reason::Code,
            ),
            ("Advert", Reason::Advertisement),
            ("- Anzeige -", Reason::Advertisement),
            ("Externer Inhalt", Reason::CookieNotice),
            (
                "If you are already a subscriber, log in to read on.",
                Reason::DonationAppeal,
            ),
            (
                "We want to hear what you think of this story. Submit a letter to the editor or write to letters@example.org.",
                Reason::CallToAction,
            ),
            ("View Comments", Reason::Comments),
            ("3 Comments (+)", Reason::Comments),
            ("To Read the Full Story", Reason::CallToAction),
            (
                "Liked this report? Share it with a neighbour!",
                Reason::CallToAction,
            ),
            ("DON'T MISS", Reason::RelatedLinks),
            ("More Great Harbour Stories", Reason::RelatedLinks),
            ("Image 2 of 7", Reason::Navigation),
            ("Write to Jane Doe at jane.doe@example.org", Reason::Byline),
            (
                "Have a tip? Jon Roe may be reached at jroe@example.org. Follow him on Twitter @jonroe.",
                Reason::Byline,
            ),
            (
                "Reporting by Jane Doe; additional reporting by Jon Roe; Editing by Ada Berg",
                Reason::Byline,
            ),
            (
                "Follow Harbour News on Instagram, Facebook and YouTube.",
                Reason::CallToAction,
            ),
            (
                "In this March 3, 2021, file photo, the ferry leaves the harbour at dawn.",
                Reason::PhotoCaption,
            ),
            (
                "Tags ferry timetable 2021, harbour news, river crossing, night boats",
                Reason::Navigation,
            ),
            ("sexta-feira, 5 de março de 2021 às 7:15", Reason::Dateline),
            ("Author:", Reason::Byline),
            ("Publish date:", Reason::Byline),
            ("By Jane Doe — March 3, 2021", Reason::Dateline),
            ("March 3, 2021 / 7:05 AM / Harbour News", Reason::Dateline),
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
            "The project is supported by the regional council.",
            "In partnership with the city, the firm will build thirty homes.",
            "Annual Report 2020",
            "Von Januar 2020 an gilt die neue Regel.",
            "More than forty stories were told that night, and most were about the river.",
            "The ferry ran until March 3, 2021 — then the money ran out.",
            "In this town the ferry is older than the bridge.",
            "Reporting by the harbour master showed that the ferry had never been late.",
            "Follow the river on foot and you will reach the old quay in an hour.",
            "In a letter to the editor, the mayor said the ferry would stay.",
            "Tags on the luggage showed that the bags had come from three different ports.",
        ] {
            assert_eq!(reason(text), None, "{text}");
        }
    }

    #[test]
    fn names_from_bylines() {
        let cases = [
            ("By Jane Doe", Some("Jane Doe")),
            (
                "By Jane Doe and Jon Roe Follow @jd",
                Some("Jane Doe, Jon Roe"),
            ),
            ("Von Hans Müller, Berlin", Some("Hans Müller")),
            (
                "Por María José García Updated 21.01.2020",
                Some("María José García"),
            ),
            ("by then the ferry had left", None),
            ("Jane Doe", None),
        ];
        for (text, name) in cases {
            assert_eq!(byline_name(text).as_deref(), name, "{text}");
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

    #[test]
    fn captions_end_with_their_credit() {
        assert!(ends_with_credit(
            "Crowds gathered on the quay to watch the ferry come in (Image: Jane Doe )"
        ));
        assert!(ends_with_credit(
            "The old slipway at dawn (Photo: River Press)"
        ));
        assert!(!ends_with_credit(
            "The ferry (photo: the one on the left) was built in 1968 and crossed twice a day."
        ));
        assert!(!ends_with_credit("The council met on Monday (see below)"));
    }
}
