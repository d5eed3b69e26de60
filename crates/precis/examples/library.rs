//! Cleans an article, summarizes it with the default offline model and translates the summary:
//! cargo run --release -p precis --example library -- ARTICLE --to LANG
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, path, _, to] = &args[..] else {
        return Err("usage: library ARTICLE --to LANG".into());
    };
    let document = precis::clean(&std::fs::read_to_string(path)?)?;
    let summary = precis::Summarizer::load("minilm")?.summarize(&document)?;
    let translation = precis::Translator::load("en", to)?.translate(&summary.text)?;
    let (title, lines) = (document.title.unwrap_or_default(), translation.lines);
    println!("{title}\n\n{}\n\n{}", summary.text, lines.join("\n"));
    Ok(())
}
