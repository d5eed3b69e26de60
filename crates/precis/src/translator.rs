//! [`Translator`]: a translator for a language pair, loaded in one call;
//! the catalog picks the model unless one is named.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use precis_clean::Language;

use precis_infer::{
    BergamotTranslator, Family, InferError, ModelInfo, OpusMtOptions, OpusMtTranslator,
    Segmentation, Translate, Translation,
};

use crate::catalog::Catalog;
use crate::hub::{locate, LoadOptions};
use crate::registry;
use crate::source::{language, passthrough_note, SourceLanguage};
use crate::threads::Pool;
use crate::Error;

/// A loaded translator for one language pair, Bergamot or opus-mt. Cheap
/// to clone and safe to share between threads.
#[derive(Clone)]
pub struct Translator {
    inner: Arc<dyn Translate + Send + Sync>,
    /// Where an opus-mt model runs; Bergamot decodes on threads of its own.
    pool: Option<Pool>,
    from: String,
    to: String,
}

impl std::fmt::Debug for Translator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Translator")
            .field("from", &self.from)
            .field("to", &self.to)
            .field("model", self.inner.info())
            .finish()
    }
}

impl Translator {
    /// Options for loading a translator from `from` to `to` (language
    /// codes such as `en`, `pt`).
    ///
    /// ```no_run
    /// let translator = precis::Translator::builder("en", "pt").offline(true).load()?;
    /// let translation = translator.translate("The ferry runs again.")?;
    /// println!("{} (by {})", translation.lines.join("\n"), translation.model.name);
    /// # Ok::<(), precis::Error>(())
    /// ```
    pub fn builder(from: impl Into<String>, to: impl Into<String>) -> TranslatorBuilder {
        TranslatorBuilder {
            from: from.into(),
            to: to.into(),
            model: None,
            load: LoadOptions::default(),
            threads: None,
        }
    }

    /// Loads the catalog's translator from `from` to `to` with default
    /// options (see [`Translator::builder`]).
    pub fn load(from: &str, to: &str) -> Result<Translator, Error> {
        Translator::builder(from, to).load()
    }

    /// Which model translates.
    pub fn info(&self) -> &ModelInfo {
        self.inner.info()
    }

    /// The source language.
    pub fn from(&self) -> &str {
        &self.from
    }

    /// The target language.
    pub fn to(&self) -> &str {
        &self.to
    }

    /// Translates `text` line by line, each line sentence by sentence: the
    /// result has one line per line of `text`.
    pub fn translate(&self, text: &str) -> Result<Translation, Error> {
        let lines: Vec<&str> = text.lines().collect();
        self.translate_lines(&lines, Segmentation::Sentence)
    }

    /// Translates each line on its own, cut into units by `segmentation`.
    pub fn translate_lines(
        &self,
        lines: &[&str],
        segmentation: Segmentation,
    ) -> Result<Translation, Error> {
        Ok(Translate::translate_lines(self, lines, segmentation)?)
    }
}

impl Translate for Translator {
    fn info(&self) -> &ModelInfo {
        self.inner.info()
    }

    fn translate_lines(
        &self,
        lines: &[&str],
        segmentation: Segmentation,
    ) -> Result<Translation, InferError> {
        match &self.pool {
            Some(pool) => pool.run(|| self.inner.translate_lines(lines, segmentation)),
            None => self.inner.translate_lines(lines, segmentation),
        }
    }
}

/// How to load a [`Translator`]: [`Translator::builder`].
#[derive(Debug, Clone)]
#[must_use]
pub struct TranslatorBuilder {
    from: String,
    to: String,
    model: Option<String>,
    load: LoadOptions,
    threads: Option<usize>,
}

impl TranslatorBuilder {
    /// The model to use (catalog name, Hub repo id or folder) instead of
    /// the catalog's for the pair.
    pub fn model(mut self, model: impl Into<String>) -> Self {
        self.model = Some(model.into());
        self
    }

    /// Where and how to find model files.
    pub fn load_options(mut self, load: LoadOptions) -> Self {
        self.load = load;
        self
    }

    /// Use only files already on this machine.
    pub fn offline(mut self, offline: bool) -> Self {
        self.load.offline = offline;
        self
    }

    /// CPU threads (default: [`default_threads`](crate::default_threads)).
    /// A Bergamot model decodes that many batches at once, each on its own
    /// thread (its matrices are too small for one product to use several
    /// cores); an opus-mt model splits its matrix products across them.
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = Some(threads.max(1));
        self
    }

    /// The model that will be loaded: the one named, else the catalog's
    /// for the pair (see [`default_model`]).
    pub fn model_name(&self) -> Result<String, Error> {
        let (from, to) = (language(&self.from)?, language(&self.to)?);
        match &self.model {
            Some(name) => Ok(name.clone()),
            None => default_model(&from, &to, &self.load)?.ok_or_else(|| Error::NoTranslator {
                from: self.from.clone(),
                to: self.to.clone(),
            }),
        }
    }

    /// Finds (downloading if allowed) and loads the model.
    pub fn load(self) -> Result<Translator, Error> {
        let name = self.model_name()?;
        let located = locate(&name, &self.load)?;
        let to = language(&self.to)?;
        let mut pool = None;
        let inner: Arc<dyn Translate + Send + Sync> = match located.info.family {
            Family::Bergamot => Arc::new(
                BergamotTranslator::load(&located.dir, located.info)?
                    .with_workers(self.threads.unwrap_or_else(crate::default_threads)),
            ),
            Family::Marian => {
                pool = Some(Pool::new(self.threads)?);
                let options = OpusMtOptions {
                    target: to,
                    task: located
                        .preset
                        .and_then(|preset| preset.translate)
                        .unwrap_or_default(),
                    ..OpusMtOptions::default()
                };
                Arc::new(OpusMtTranslator::load(
                    &located.dir,
                    located.info,
                    &options,
                )?)
            }
            family => {
                return Err(InferError::WrongFamily {
                    name,
                    family,
                    task: "translate (the translating families are bergamot and marian)",
                }
                .into())
            }
        };
        Ok(Translator {
            inner,
            pool,
            from: self.from,
            to: self.to,
        })
    }
}

/// The translators for one target language, from a source language given
/// or detected per text: what [`crate::Pipeline`] and front ends translate
/// with. A given source is checked against each text's detected language
/// ([`SourceLanguage::resolve`]); a text already in the target language
/// passes through untranslated.
pub struct Translators {
    source: SourceLanguage,
    to: String,
    builder: TranslatorBuilder,
    /// Loaded translators by source language: the given one, loaded up
    /// front, or each detected one on first need.
    loaded: Mutex<HashMap<String, Translator>>,
}

impl std::fmt::Debug for Translators {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Translators")
            .field("source", &self.source)
            .field("to", &self.to)
            .finish_non_exhaustive()
    }
}

/// How one text is translated: [`Translators::route`].
#[derive(Debug, Clone)]
pub struct Route {
    /// The source language.
    pub from: String,
    /// The target language, as given (`pt-BR`).
    pub to: String,
    /// The translator; `None` when the text is already in the target
    /// language and passes through.
    pub translator: Option<Translator>,
    /// What the reader must know about the choice (uncertain detection,
    /// passing through).
    pub notes: Vec<String>,
}

impl Translators {
    /// Translators as `builder` describes them; its source language may be
    /// `auto`, each text's detected one. A given source language's model
    /// is loaded now, so that a missing one fails before any text is read
    /// (none is needed when it is the target language).
    pub fn load(builder: TranslatorBuilder) -> Result<Self, Error> {
        let source = SourceLanguage::parse(&builder.from)?;
        let to = language(&builder.to)?;
        let mut loaded = HashMap::new();
        if let SourceLanguage::Given(from) = &source {
            if *from != to {
                loaded.insert(from.clone(), builder.clone().load()?);
            }
        }
        Ok(Translators {
            source,
            to,
            builder,
            loaded: Mutex::new(loaded),
        })
    }

    /// Translators from a translator loaded for a given source language.
    pub fn given(translator: Translator) -> Result<Self, Error> {
        let from = language(translator.from())?;
        let to = language(translator.to())?;
        let builder = Translator::builder(&from, translator.to());
        Ok(Translators {
            source: SourceLanguage::Given(from.clone()),
            to,
            builder,
            loaded: Mutex::new(HashMap::from([(from, translator)])),
        })
    }

    /// The source language, given or detected.
    pub fn source(&self) -> &SourceLanguage {
        &self.source
    }

    /// The target language, as given (`pt-BR`).
    pub fn to(&self) -> &str {
        &self.builder.to
    }

    /// How to translate the text `article` (named in errors), detected to
    /// be in `detected`, on a page that claims to be in `claimed`: from
    /// which language, with which translator (loaded now when it is a
    /// detected language's first text). Fails when a given source language
    /// is confidently wrong or no translator exists for the detected one.
    pub fn route(
        &self,
        article: &str,
        detected: Option<&Language>,
        claimed: Option<&str>,
    ) -> Result<Route, Error> {
        let resolved = self.source.resolve(detected, claimed)?;
        let mut notes = resolved.notes;
        let from = resolved.language;
        if from == self.to {
            notes.push(passthrough_note(&self.to));
            return Ok(Route {
                from,
                to: self.builder.to.clone(),
                translator: None,
                notes,
            });
        }
        // A poisoned lock only means another thread panicked while loading;
        // the map itself is still whole.
        let mut loaded = self
            .loaded
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let translator = match loaded.get(&from) {
            Some(translator) => translator.clone(),
            None => {
                let mut builder = self.builder.clone();
                builder.from.clone_from(&from);
                let translator = builder.load().map_err(|source| Error::NoTranslatorFor {
                    article: article.to_string(),
                    from: from.clone(),
                    to: self.builder.to.clone(),
                    source: Box::new(source),
                })?;
                loaded.insert(from.clone(), translator.clone());
                translator
            }
        };
        Ok(Route {
            from,
            to: self.builder.to.clone(),
            translator: Some(translator),
            notes,
        })
    }
}

/// The model for `from` → `to`: a Bergamot model on this machine (a
/// catalog folder or the registry cache), else one the Firefox
/// Translations registry publishes (asked only when not offline), else
/// the catalog's opus-mt model, else the catalog's Bergamot entry (so
/// loading says how to get it). `None` when there is none of these.
pub fn default_model(from: &str, to: &str, load: &LoadOptions) -> Result<Option<String>, Error> {
    let catalog = Catalog::builtin()?;
    let bergamot = registry::model_name(from, to);
    let opus_mt = format!("opus-mt-{from}-{to}");
    let offline = LoadOptions {
        offline: true,
        ..load.clone()
    };
    let by_name = catalog.get(&bergamot).is_some() || registry::parse_name(&bergamot).is_some();
    if by_name && locate(&bergamot, &offline).is_ok() {
        return Ok(Some(bergamot));
    }
    if !load.offline && registry::remote_pair(from, to, load).is_ok() {
        return Ok(Some(bergamot));
    }
    Ok([opus_mt, bergamot]
        .into_iter()
        .find(|name| catalog.get(name).is_some()))
}
