//! Pages in scripts without spaces between words (Chinese, Japanese, Thai)
//! and written right to left (Arabic, Hebrew), as HTML and as their naive
//! plain text (one block element per line, menus and footers left in):
//! the article's paragraphs are kept whole, the page's furniture (cookie
//! notice, menu, related links, footer) is dropped, and the paragraphs
//! split into sentences at the scripts' own stops. Also pages whose only
//! prose is one or two short paragraphs. The fixtures are invented news.

use precis_clean::{clean, sentences, CleanOptions, Document, InputKind};

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/scripts/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn clean_as(name: &str, input: InputKind) -> Document {
    clean(&fixture(name), &CleanOptions { input })
        .unwrap_or_else(|e| panic!("{name}: cleaning failed: {e}"))
}

/// One page: what must be kept and what must go.
struct Page {
    name: &'static str,
    title: &'static str,
    /// The opening words of every paragraph of the article, in order.
    body: &'static [&'static str],
    /// Furniture that must not be kept: cookie notice, menu entries,
    /// related links, footer.
    furniture: &'static [&'static str],
}

const ZH: Page = Page {
    name: "zh",
    title: "山区小镇新图书馆正式开放",
    body: &[
        "本月十二日",
        "镇长李文华",
        "改建工程历时",
        "图书馆每天",
        "一位前来参观",
    ],
    furniture: &[
        "本网站使用Cookie",
        "首页",
        "财经",
        "县城公交线路明年调整",
        "隐私政策",
        "版权所有",
    ],
};

const JA: Page = Page {
    name: "ja",
    title: "港町で新しいフェリーが就航",
    body: &[
        "北海岸の小さな",
        "新しいフェリーは",
        "島に住む漁師",
        "町によると",
        "一方で",
    ],
    furniture: &[
        "クッキーを使用",
        "同意する",
        "ニュース",
        "スポーツ",
        "島の小学校",
        "利用規約",
        "All rights reserved",
    ],
};

const TH: Page = Page {
    name: "th",
    title: "เปิดสะพานข้ามแม่น้ำแห่งใหม่ในจังหวัดทางภาคเหนือ",
    body: &["เมื่อวันจันทร์", "สะพานนี้มี", "นายอำเภอ", "ชาวนาในพื้นที่"],
    furniture: &["ใช้คุกกี้", "ยอมรับ", "หน้าแรก", "นโยบายความเป็นส่วนตัว", "© 2569"],
};

const AR: Page = Page {
    name: "ar",
    title: "افتتاح أول محطة للطاقة الشمسية في بلدة ساحلية",
    body: &[
        "افتتحت بلدة",
        "وقال رئيس",
        "واستغرق بناء",
        "هل تكفي",
        "ويأمل الصيادون",
    ],
    furniture: &[
        "ملفات تعريف الارتباط",
        "موافق",
        "الرئيسية",
        "اقتصاد",
        "ميناء البلدة يستقبل",
        "سياسة الخصوصية",
    ],
};

const HE: Page = Page {
    name: "he",
    title: "גן ציבורי חדש נפתח במרכז העיר",
    body: &[
        "עיריית נווה ים",
        "בגן נשתלו",
        "עלות הפרויקט",
        "תושבים שהגיעו",
    ],
    furniture: &[
        "משתמש בעוגיות",
        "אישור",
        "כלכלה",
        "קו אוטובוס חדש",
        "מדיניות פרטיות",
    ],
};

/// `trailing`: how many kept paragraphs after the body are tolerated.
fn check(page: &Page, input: InputKind, document: &Document, trailing: usize) {
    let what = format!("{} as {input:?}", page.name);
    let paragraphs: Vec<&str> = document
        .paragraphs
        .iter()
        .map(|p| p.text.as_str())
        .collect();
    assert!(
        (page.body.len()..=page.body.len() + trailing).contains(&paragraphs.len()),
        "{what}: {paragraphs:#?}"
    );
    for (paragraph, opening) in paragraphs.iter().zip(page.body) {
        assert!(
            paragraph.starts_with(opening),
            "{what}: {paragraph:?} should open with {opening:?}"
        );
    }
    for furniture in page.furniture {
        assert!(
            !paragraphs.iter().any(|p| p.contains(furniture)),
            "{what}: furniture {furniture:?} was kept"
        );
        assert!(
            document.removed.iter().any(|r| r.text.contains(furniture)),
            "{what}: furniture {furniture:?} is not recorded as removed"
        );
    }
    assert!(
        document.warnings.is_empty(),
        "{what}: {:?}",
        document.warnings
    );
}

#[test]
fn html_pages_in_five_scripts() {
    for page in [&ZH, &JA, &TH, &AR, &HE] {
        let document = clean_as(&format!("{}.html", page.name), InputKind::Html);
        assert_eq!(document.title.as_deref(), Some(page.title), "{}", page.name);
        check(page, InputKind::Html, &document, 0);
    }
}

#[test]
fn plain_text_pages_in_five_scripts() {
    for page in [&ZH, &JA, &TH, &AR, &HE] {
        let document = clean_as(&format!("{}.txt", page.name), InputKind::Text);
        // Known gap: in Thai plain text, the "related news" label and its
        // two teaser titles after the last paragraph stay (no cue phrase
        // names them, and short lines after a near-good paragraph follow
        // it); the HTML page marks them as a box of links.
        let trailing = if page.name == "th" { 3 } else { 0 };
        check(page, InputKind::Text, &document, trailing);
        // The title is never kept as body text; where the page gives no
        // date line below it, it is the document's title.
        if matches!(page.name, "ar" | "he") {
            assert_eq!(document.title.as_deref(), Some(page.title), "{}", page.name);
        }
    }
}

#[test]
fn paragraphs_split_at_the_scripts_own_stops() {
    let zh = clean_as("zh.html", InputKind::Html);
    assert_eq!(
        sentences(&zh.paragraphs[1].text),
        [
            "镇长李文华在开馆仪式上表示，过去十年里，镇上的年轻人常常要坐一个小时的公交车才能到县城借书。",
            "她说：“现在孩子们放学后走十分钟就能来这里。”"
        ]
    );
    let ja = clean_as("ja.html", InputKind::Html);
    assert_eq!(sentences(&ja.paragraphs[0].text).len(), 2);
    // A quoted sentence inside 「」 does not end the one around it.
    assert_eq!(sentences(&ja.paragraphs[2].text).len(), 1);
    let ar = clean_as("ar.html", InputKind::Html);
    let question = sentences(&ar.paragraphs[3].text);
    assert_eq!(question.len(), 2, "{question:?}");
    assert_eq!(question[0], "هل تكفي المحطة لتغطية حاجة البلدة في الصيف؟");
    let he = clean_as("he.html", InputKind::Html);
    assert_eq!(
        sentences(&he.paragraphs[2].text),
        [
            "עלות הפרויקט הגיעה לכשמונה מיליון שקלים.",
            "העבודות נמשכו כשנה וחצי, ובמהלכן נשמרו כמה עצי זית ותיקים שגדלו במקום."
        ]
    );
}

#[test]
fn short_pages_keep_their_one_or_two_paragraphs() {
    for (name, input, paragraphs) in [
        ("short.html", InputKind::Html, 1),
        ("short.txt", InputKind::Text, 1),
        ("short-zh.html", InputKind::Html, 2),
        ("short-zh.txt", InputKind::Text, 2),
    ] {
        let document = clean_as(name, input);
        assert_eq!(
            document.paragraphs.len(),
            paragraphs,
            "{name}: {:#?}",
            document.paragraphs
        );
        assert!(
            document.warnings.is_empty(),
            "{name}: {:?}",
            document.warnings
        );
        assert!(
            !document
                .paragraphs
                .iter()
                .any(|p| p.text.contains("©") || p.text.contains("cookies")),
            "{name}: furniture kept"
        );
    }
    // Nothing paragraph-long on the page: the one sentence is the article.
    let page = "<html><body><nav><a href=/>Home</a> <a href=/news>News</a></nav>\
        <main><h1>Mayor resigns</h1><p>The mayor resigned.</p></main>\
        <footer><a href=/about>About us</a></footer></body></html>";
    let document = clean(
        page,
        &CleanOptions {
            input: InputKind::Html,
        },
    )
    .unwrap();
    let paragraphs: Vec<&str> = document
        .paragraphs
        .iter()
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(paragraphs, ["The mayor resigned."]);
    // A page of links only still keeps nothing.
    let links = "<html><body><nav><a href=/>Home</a> <a href=/news>News</a></nav>\
        <footer><a href=/about>About us.</a></footer></body></html>";
    let document = clean(
        links,
        &CleanOptions {
            input: InputKind::Html,
        },
    )
    .unwrap();
    assert!(document.paragraphs.is_empty());
}
