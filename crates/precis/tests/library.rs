//! The library's entry points on the committed tiny models: loading by
//! folder, catalog name, Hub repo id and built-in name; the pipeline's
//! report; and errors that say what went wrong.

use std::path::{Path, PathBuf};

use precis::{
    ArticleFormat, Error, ErrorKind, Family, GenerationOverrides, LoadOptions, Pipeline, Precision,
    Summarizer, Translator,
};

/// A tiny model committed with precis-infer's tests.
fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../precis-infer/tests/fixtures")
        .join(name)
}

/// Load options that can only see `cache` (empty unless a test fills it).
fn offline_in(cache: &Path) -> LoadOptions {
    LoadOptions {
        offline: true,
        cache_dir: Some(cache.to_path_buf()),
        models_dir: Some(cache.join("no-downloads")),
        model_cache: Some(cache.join("precis")),
        ..LoadOptions::default()
    }
}

const ARTICLE: &str = "Ferry service resumes on the river\n\n\
    The ferry between the two river towns ran again on Monday after a winter of repairs. \
    Crews replaced the engine and painted the hull.\n\n\
    Farmers from the valley were the first to cross, carrying crates of apples to the market. \
    The mayor thanked the crews at a short ceremony.\n\n\
    Tickets cost the same as last year, and the timetable is posted at both piers.";

#[test]
fn built_in_summarizers_load_by_name_and_report_their_family() {
    let document = precis::clean(ARTICLE).unwrap();
    for (name, family) in [("textrank", Family::TextRank), ("lead3", Family::Lead3)] {
        let summarizer = Summarizer::load(name).unwrap();
        assert_eq!(summarizer.info().family, family);
        let summary = summarizer.summarize(&document).unwrap();
        assert!(!summary.text.is_empty(), "{name}");
        assert!(
            summary
                .text
                .lines()
                .all(|line| document.paragraphs.iter().any(|p| p.text.contains(line))),
            "{name} picks sentences of the article: {}",
            summary.text
        );
    }
}

#[test]
fn a_model_folder_loads_as_the_family_its_config_declares() {
    for (name, family) in [("t5-tiny", Family::T5), ("bart-tiny", Family::Bart)] {
        let dir = fixture(name);
        let summarizer = Summarizer::builder(dir.to_str().unwrap())
            .max_length(8)
            .load()
            .unwrap();
        assert_eq!(summarizer.info().family, family, "{name}");
        let summary = summarizer.summarize_text("Rain fell all day.").unwrap();
        assert_eq!(summary.model.family, family);
    }
}

#[test]
fn generation_settings_are_refused_by_extractive_summarizers() {
    let generation = GenerationOverrides {
        num_beams: Some(4),
        ..GenerationOverrides::default()
    };
    let err = Summarizer::builder("textrank")
        .generation(generation)
        .precision(Precision::Q8)
        .load()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Usage);
    match err {
        Error::NotApplicable { model, settings } => {
            assert_eq!(model, "textrank");
            assert_eq!(settings, ["num_beams", "precision"]);
        }
        other => panic!("{other}"),
    }
}

#[test]
fn a_translator_cannot_summarize() {
    let dir = fixture("marian-tiny");
    let err = Summarizer::load(dir.to_str().unwrap()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Model);
    assert!(err.to_string().contains("marian model"), "{err}");
}

#[test]
fn a_named_folder_translates_and_reports_its_route() {
    let dir = fixture("marian-tiny");
    let translator = Translator::builder("en", "de")
        .model(dir.to_str().unwrap())
        .load()
        .unwrap();
    assert_eq!((translator.from(), translator.to()), ("en", "de"));
    assert_eq!(translator.info().family, Family::Marian);
    let translation = translator
        .translate("Rain fell.\n\nThe queue grew.")
        .unwrap();
    assert_eq!(translation.lines.len(), 3, "one line per input line");
    assert_eq!(translation.lines[1], "");
}

#[test]
fn pairs_the_catalog_lacks_have_no_translator() {
    let cache = tempfile::tempdir().unwrap();
    let err = Translator::builder("xx", "yy")
        .load_options(offline_in(cache.path()))
        .load()
        .unwrap_err();
    assert!(matches!(err, Error::NoTranslator { .. }), "{err}");
    assert_eq!(err.kind(), ErrorKind::Model);
}

#[test]
fn catalog_models_missing_offline_name_model_and_cache() {
    let cache = tempfile::tempdir().unwrap();
    let err = Summarizer::builder("precis-test/not-a-model")
        .load_options(offline_in(cache.path()))
        .load()
        .unwrap_err();
    assert!(
        matches!(err, Error::NotCached { offline: true, .. }),
        "{err}"
    );
    let message = err.to_string();
    assert!(
        message.contains("precis-test/not-a-model") && message.contains("offline"),
        "{message}"
    );
    assert!(
        !message.contains("--"),
        "the library names no CLI flag: {message}"
    );
    let err = Summarizer::builder("flan-t5-small")
        .load_options(offline_in(cache.path()))
        .load()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("flan-t5-small") && err.contains("cache"),
        "{err}"
    );
    let err = Translator::builder("en", "pt")
        .load_options(offline_in(cache.path()))
        .load()
        .unwrap_err();
    assert!(matches!(err, Error::NotDownloaded { .. }), "{err}");
}

#[test]
fn names_that_are_nothing_are_unknown_models() {
    let err = Summarizer::load("no-such-model").unwrap_err();
    assert!(matches!(err, Error::UnknownModel(_)), "{err}");
}

#[test]
fn hub_models_are_read_from_a_python_style_cache_offline() {
    let cache = tempfile::tempdir().unwrap();
    let commit = "00112233445566778899aabbccddeeff00112233";
    let repo = cache.path().join("models--precis-test--tiny");
    let snapshot = repo.join("snapshots").join(commit);
    std::fs::create_dir_all(&snapshot).unwrap();
    std::fs::create_dir_all(repo.join("refs")).unwrap();
    std::fs::write(repo.join("refs/main"), commit).unwrap();
    for entry in std::fs::read_dir(fixture("t5-tiny")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, snapshot.join(path.file_name().unwrap())).unwrap();
    }
    let text = "Rain fell all day.";
    let want = Summarizer::load(fixture("t5-tiny").to_str().unwrap())
        .unwrap()
        .summarize_text(text)
        .unwrap()
        .text;
    for name in [
        "precis-test/tiny".to_string(),
        format!("precis-test/tiny@{commit}"),
    ] {
        let summarizer = Summarizer::builder(name.as_str())
            .load_options(offline_in(cache.path()))
            .load()
            .unwrap();
        assert_eq!(
            summarizer.summarize_text(text).unwrap().text,
            want,
            "{name}"
        );
        assert_eq!(summarizer.info().family, Family::T5);
        assert_eq!(summarizer.info().revision.as_deref(), Some(commit));
    }
    let err = Summarizer::builder("precis-test/tiny@v2")
        .load_options(offline_in(cache.path()))
        .load()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(&cache.path().display().to_string()),
        "the error names the cache looked in: {err}"
    );
}

#[test]
fn the_pipeline_chains_clean_summarize_translate_into_one_report() {
    let translator = Translator::builder("en", "de")
        .model(fixture("marian-tiny").to_str().unwrap())
        .load()
        .unwrap();
    let pipeline = Pipeline::builder()
        .summarizer(Summarizer::load("lead3").unwrap())
        .translator(translator)
        .unwrap()
        .translate_article(true)
        .build();
    let report = pipeline.run("ferry.txt", ARTICLE).unwrap();
    assert_eq!(report.source, "ferry.txt");
    let summary = report.summary.as_ref().unwrap();
    assert_eq!(summary.model.family, Family::Lead3);
    let translation = report.translation.as_ref().unwrap();
    assert_eq!(translation.model.as_ref().unwrap().family, Family::Marian);
    assert_eq!(
        translation.summary.as_ref().unwrap().len(),
        summary.text.lines().count()
    );
    assert_eq!(
        translation.article.as_ref().unwrap().len(),
        report.document.to_text().lines().count()
    );
    let record = serde_json::to_value(report.record()).unwrap();
    assert_eq!(record["summary"]["model"]["family"], "lead3");
    assert_eq!(record["translation"]["to"], "de");
    assert!(record["timings"]["summarize_ms"].is_number());
}

#[test]
fn the_pipeline_refuses_to_summarize_nothing() {
    let pipeline = Pipeline::builder()
        .format(ArticleFormat::Clean)
        .summarizer(Summarizer::load("textrank").unwrap())
        .build();
    let err = pipeline.run("blank.txt", "\n \n").unwrap_err();
    assert!(matches!(err, Error::NothingKept { .. }), "{err}");
    assert_eq!(err.kind(), ErrorKind::Input);
    let cleaned_only = Pipeline::builder()
        .build()
        .run("blank.txt", "Kept.")
        .unwrap();
    assert!(cleaned_only.summary.is_none());
}

#[test]
fn language_tags_are_bcp47_and_case_insensitive() {
    for (tag, language) in [
        ("pt", "pt"),
        ("pt-BR", "pt"),
        ("PT", "pt"),
        ("en_US", "en"),
        ("ukr", "ukr"),
    ] {
        assert_eq!(precis::language(tag).unwrap(), language, "{tag}");
    }
    for bad in ["", "p", "portuguese", "../en", "pt BR", "12"] {
        let err = precis::language(bad).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Usage, "{bad}");
    }
    // A regional tag finds the language's model, and is reported as given.
    let cache = tempfile::tempdir().unwrap();
    let builder = Translator::builder("EN", "pt-BR").load_options(offline_in(cache.path()));
    assert_eq!(builder.model_name().unwrap(), "bergamot-en-pt");
}

/// Puts the tiny Marian model into `cache` as the catalog's `name`, at its
/// pinned revision, laid out as huggingface_hub writes it.
fn cache_as_catalog_model(cache: &Path, name: &str) {
    let catalog = precis::Catalog::builtin().unwrap();
    let Some(precis::PresetSource::Hub { repo, revision }) =
        catalog.get(name).map(|preset| preset.source.clone())
    else {
        panic!("{name} is a Hub model of the catalog");
    };
    let snapshot = cache
        .join(format!("models--{}", repo.replace('/', "--")))
        .join("snapshots")
        .join(revision);
    std::fs::create_dir_all(&snapshot).unwrap();
    for entry in std::fs::read_dir(fixture("marian-tiny")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, snapshot.join(path.file_name().unwrap())).unwrap();
    }
}

/// A pair the catalog has no model for goes through English when it has
/// both halves: one translator, whose route names both legs, and whose
/// output is the second leg's translation of the first's.
#[test]
fn a_pair_without_a_model_is_translated_through_english() {
    let cache = tempfile::tempdir().unwrap();
    cache_as_catalog_model(cache.path(), "opus-mt-de-en");
    cache_as_catalog_model(cache.path(), "opus-mt-en-fr");
    let options = offline_in(cache.path());
    let builder = Translator::builder("de", "fr").load_options(options.clone());
    assert_eq!(builder.model_name().unwrap(), "opus-mt-de-en+opus-mt-en-fr");
    let pivot = builder.load().unwrap();
    assert_eq!((pivot.from(), pivot.to()), ("de", "fr"));
    assert_eq!(pivot.info().name, "opus-mt-de-en+opus-mt-en-fr");
    let route: Vec<(&str, &str, &str)> = pivot
        .legs()
        .iter()
        .map(|leg| (leg.from.as_str(), leg.to.as_str(), leg.model.name.as_str()))
        .collect();
    assert_eq!(
        route,
        [("de", "en", "opus-mt-de-en"), ("en", "fr", "opus-mt-en-fr")]
    );
    assert!(pivot
        .legs()
        .iter()
        .all(|leg| leg.model.family == Family::Marian && leg.model.revision.is_some()));

    let text = "Der Regen fiel.\n\nDie Schlange wuchs.";
    let translation = pivot.translate(text).unwrap();
    assert_eq!(translation.lines.len(), 3, "one line per input line");
    assert_eq!(translation.lines[1], "");
    assert_eq!(translation.model.name, "opus-mt-de-en+opus-mt-en-fr");
    let load = |from: &str, to: &str| {
        Translator::builder(from, to)
            .load_options(options.clone())
            .load()
            .unwrap()
    };
    let english = load("de", "en").translate(text).unwrap().lines.join("\n");
    let french = load("en", "fr").translate(&english).unwrap();
    assert_eq!(translation.lines, french.lines, "leg after leg");
}

#[test]
fn a_pair_with_a_model_of_its_own_is_not_pivoted() {
    let cache = tempfile::tempdir().unwrap();
    let builder = Translator::builder("de", "en").load_options(offline_in(cache.path()));
    assert_eq!(builder.model_name().unwrap(), "opus-mt-de-en");
    // English on either side has no pivot; neither has a pair missing a half.
    for (from, to) in [("xx", "en"), ("en", "xx"), ("de", "xx")] {
        let err = Translator::builder(from, to)
            .load_options(offline_in(cache.path()))
            .model_name()
            .unwrap_err();
        assert!(
            matches!(err, Error::NoTranslator { .. }),
            "{from}-{to}: {err}"
        );
    }
}

#[test]
fn translators_chain_only_through_a_shared_language() {
    let dir = fixture("marian-tiny");
    let load = |from: &str, to: &str| {
        Translator::builder(from, to)
            .model(dir.to_str().unwrap())
            .load()
            .unwrap()
    };
    let err = Translator::pivot(load("de", "en"), load("fr", "es")).unwrap_err();
    assert!(matches!(err, Error::PivotMismatch { .. }), "{err}");
    assert_eq!(err.kind(), ErrorKind::Usage);
    let chained = Translator::pivot(load("de", "en"), load("en", "fr")).unwrap();
    assert_eq!(chained.legs().len(), 2);
    let twice = Translator::pivot(chained, load("fr", "es")).unwrap();
    assert_eq!(twice.legs().len(), 3, "a chain of chains keeps every leg");
}

/// The real pt→en and en→pt Bergamot models chained: a Portuguese text
/// comes back in Portuguese, each leg's output the next one's input.
/// Skipped without the models (`just models`); in CI they must be there.
#[test]
fn real_pivot_round_trip_pt_en_pt() {
    let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/downloads");
    if !models.join("bergamot-pt-en").is_dir() || !models.join("bergamot-en-pt").is_dir() {
        assert!(
            std::env::var_os("CI").is_none(),
            "models/downloads/bergamot-pt-en and bergamot-en-pt are missing in CI: run `just models` first"
        );
        eprintln!("notice: models/downloads/bergamot-pt-en or bergamot-en-pt is absent (run `just models`); skipping this real-model test");
        return;
    }
    let options = LoadOptions {
        offline: true,
        models_dir: Some(models),
        ..LoadOptions::default()
    };
    let load = |from: &str, to: &str| {
        Translator::builder(from, to)
            .load_options(options.clone())
            .threads(1)
            .load()
            .unwrap()
    };
    let round_trip = Translator::pivot(load("pt", "en"), load("en", "pt")).unwrap();
    assert_eq!(round_trip.info().name, "bergamot-pt-en+bergamot-en-pt");
    assert_eq!(round_trip.info().family, Family::Bergamot);
    let text = "A biblioteca municipal abre no sábado.\n\nO conselho votará o novo orçamento na quinta-feira.";
    let translation = round_trip.translate(text).unwrap();
    assert_eq!(translation.lines.len(), 3, "{:?}", translation.lines);
    assert!(
        translation.lines[0].contains("biblioteca"),
        "{:?}",
        translation.lines
    );
    assert!(
        translation.lines[2].contains("orçamento"),
        "{:?}",
        translation.lines
    );
    let english = load("pt", "en").translate(text).unwrap().lines.join("\n");
    assert!(english.contains("library"), "{english}");
    assert_eq!(
        translation.lines,
        load("en", "pt").translate(&english).unwrap().lines
    );
}

#[path = "library/registry.rs"]
mod registry;
