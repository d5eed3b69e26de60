//! [`Translator`]: a translator for a language pair, loaded in one call;
//! the catalog picks the model unless one is named. A pair the catalog has
//! no model for is translated through English when it has both halves
//! (every published Bergamot and opus-mt model pairs a language with
//! English): a pivot is a [`Translator`] like any other, whose
//! [`Translator::legs`] name each step and its model.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use precis_clean::Language;

use precis_infer::{
    BergamotTranslator, Family, InferError, ModelInfo, OpusMtOptions, OpusMtTranslator,
    Segmentation, Translate, Translation,
};
use serde::Serialize;

use crate::catalog::Catalog;
use crate::hub::{locate, LoadOptions};
use crate::registry;
use crate::source::{language, passthrough_note, SourceLanguage};
use crate::threads::Pool;
use crate::Error;

/// The language a pair without a model of its own is translated through.
pub const PIVOT_LANGUAGE: &str = "en";

/// A loaded translator for one language pair: a Bergamot or opus-mt model,
/// or two of them through English ([`Translator::pivot`]). Cheap to clone
/// and safe to share between threads.
#[derive(Clone)]
pub struct Translator {
    inner: Arc<dyn Translate + Send + Sync>,
    /// Where an opus-mt model runs; Bergamot decodes on threads of its own,
    /// a pivot's legs in their own pools.
    pool: Option<Pool>,
    from: String,
    to: String,
    legs: Arc<[Leg]>,
}

/// One step of a translation's route: a model from one language to
/// another. A direct translation has one, a pivot two.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Leg {
    /// Source language of the step.
    pub from: String,
    /// Target language of the step.
    pub to: String,
    /// The model that translates it.
    pub model: ModelInfo,
}

impl std::fmt::Debug for Translator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Translator")
            .field("from", &self.from)
            .field("to", &self.to)
            .field("route", &self.legs)
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

    /// Which model translates. A pivot's is named after both legs' models
    /// (`bergamot-pt-en+opus-mt-en-de`) with the family of the second, which
    /// writes the output; [`Translator::legs`] has each model.
    pub fn info(&self) -> &ModelInfo {
        self.inner.info()
    }

    /// The route a text takes: one leg, or two through English.
    pub fn legs(&self) -> &[Leg] {
        &self.legs
    }

    /// Translates with `first`, then its output with `second`: a pivot
    /// (`pt → en` then `en → de` is a `pt → de` translator). Lines stay
    /// lines, each leg's warnings are reported with the leg they come
    /// from, and each leg runs with its own threads.
    ///
    /// ```no_run
    /// let there = precis::Translator::load("pt", "en")?;
    /// let back = precis::Translator::load("en", "pt")?;
    /// let round_trip = precis::Translator::pivot(there, back)?;
    /// assert_eq!(round_trip.legs().len(), 2);
    /// # Ok::<(), precis::Error>(())
    /// ```
    pub fn pivot(first: Translator, second: Translator) -> Result<Translator, Error> {
        let (via, next) = (language(first.to())?, language(second.from())?);
        if via != next {
            return Err(Error::PivotMismatch {
                first: format!("{} → {}", first.from(), first.to()),
                second: format!("{} → {}", second.from(), second.to()),
            });
        }
        let info = ModelInfo {
            name: format!("{}+{}", first.info().name, second.info().name),
            family: second.info().family,
            revision: None,
        };
        let legs: Arc<[Leg]> = first.legs().iter().chain(second.legs()).cloned().collect();
        let (from, to) = (first.from.clone(), second.to.clone());
        Ok(Translator {
            inner: Arc::new(Pivot {
                info,
                first,
                second,
            }),
            pool: None,
            from,
            to,
            legs,
        })
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

/// Two translators one after the other: [`Translator::pivot`].
struct Pivot {
    info: ModelInfo,
    first: Translator,
    second: Translator,
}

impl Translate for Pivot {
    fn info(&self) -> &ModelInfo {
        &self.info
    }

    fn translate_lines_until(
        &self,
        lines: &[&str],
        segmentation: Segmentation,
        deadline: Option<Instant>,
    ) -> Result<Translation, InferError> {
        let between = self
            .first
            .translate_lines_until(lines, segmentation, deadline)?;
        let between_lines: Vec<&str> = between.lines.iter().map(String::as_str).collect();
        let last = self
            .second
            .translate_lines_until(&between_lines, segmentation, deadline)?;
        let leg = |translator: &Translator| format!("{} → {}", translator.from, translator.to);
        let warnings = between
            .warnings
            .iter()
            .map(|warning| format!("{}: {warning}", leg(&self.first)))
            .chain(
                last.warnings
                    .iter()
                    .map(|warning| format!("{}: {warning}", leg(&self.second))),
            )
            .collect();
        Ok(Translation {
            lines: last.lines,
            model: self.info.clone(),
            warnings,
        })
    }
}

impl Translate for Translator {
    fn info(&self) -> &ModelInfo {
        self.inner.info()
    }

    fn translate_lines_until(
        &self,
        lines: &[&str],
        segmentation: Segmentation,
        deadline: Option<Instant>,
    ) -> Result<Translation, InferError> {
        match &self.pool {
            Some(pool) => pool.run(|| {
                self.inner
                    .translate_lines_until(lines, segmentation, deadline)
            }),
            None => self
                .inner
                .translate_lines_until(lines, segmentation, deadline),
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
    /// for the pair (see [`default_model`]), else its two models through
    /// English, joined by `+` (`bergamot-pt-en+opus-mt-en-de`).
    pub fn model_name(&self) -> Result<String, Error> {
        Ok(self.model_names()?.join("+"))
    }

    /// The models that will be loaded, one per leg: what front ends fetch
    /// ahead of [`TranslatorBuilder::load`] to show each download.
    pub fn model_names(&self) -> Result<Vec<String>, Error> {
        Ok(self.route()?.into_iter().map(|(_, _, name)| name).collect())
    }

    /// The steps to load, `(from, to, model)`: the model named, the
    /// catalog's for the pair, or the catalog's to English and from
    /// English.
    fn route(&self) -> Result<Vec<(String, String, String)>, Error> {
        let (from, to) = (language(&self.from)?, language(&self.to)?);
        if let Some(name) = &self.model {
            return Ok(vec![(from, to, name.clone())]);
        }
        if let Some(name) = default_model(&from, &to, &self.load)? {
            return Ok(vec![(from, to, name)]);
        }
        let via = PIVOT_LANGUAGE;
        if from != via && to != via && from != to {
            if let (Some(first), Some(second)) = (
                default_model(&from, via, &self.load)?,
                default_model(via, &to, &self.load)?,
            ) {
                return Ok(vec![(from, via.into(), first), (via.into(), to, second)]);
            }
        }
        Err(Error::NoTranslator {
            from: self.from.clone(),
            to: self.to.clone(),
        })
    }

    /// Finds (downloading if allowed) and loads the model, or both models
    /// of a route through English.
    pub fn load(self) -> Result<Translator, Error> {
        let mut legs = self.route()?.into_iter();
        let (Some(first), second) = (legs.next(), legs.next()) else {
            return Err(Error::NoTranslator {
                from: self.from,
                to: self.to,
            });
        };
        match second {
            None => self.load_leg(first, self.from.clone(), self.to.clone()),
            Some(second) => {
                let via = first.1.clone();
                let first = self.load_leg(first, self.from.clone(), via.clone())?;
                let second = self.load_leg(second, via, self.to.clone())?;
                Translator::pivot(first, second)
            }
        }
    }

    /// Loads one model `name` from `from` to `to` (language codes as
    /// resolved, and as the caller wrote them for reports).
    fn load_leg(
        &self,
        (from_code, to_code, name): (String, String, String),
        from: String,
        to: String,
    ) -> Result<Translator, Error> {
        let located = locate(&name, &self.load)?;
        let mut pool = None;
        let inner: Arc<dyn Translate + Send + Sync> = match located.info.family {
            Family::Bergamot => {
                let translator = BergamotTranslator::load(&located.dir, located.info)?;
                check_pair(&located.dir, translator.pair(), &from_code, &to_code)?;
                Arc::new(
                    translator.with_workers(self.threads.unwrap_or_else(crate::default_threads)),
                )
            }
            Family::Marian => {
                pool = Some(Pool::new(self.threads)?);
                let options = OpusMtOptions {
                    target: to_code.clone(),
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
        let leg = Leg {
            from: from_code,
            to: to_code,
            model: inner.info().clone(),
        };
        Ok(Translator {
            inner,
            pool,
            from,
            to,
            legs: Arc::from([leg]),
        })
    }
}

/// Fails when a model folder's files name another language pair than
/// `from` → `to` (Firefox Translations names every file for its pair:
/// `model.enpt…`): swapped or misnamed folders would translate in the
/// wrong direction, or not at all, without an error.
fn check_pair(dir: &Path, pair: Option<&str>, from: &str, to: &str) -> Result<(), InferError> {
    let Some(pair) = pair else { return Ok(()) };
    let detail = if pair == format!("{from}{to}") {
        return Ok(());
    } else if pair == format!("{to}{from}") {
        format!("its files are named for {to} → {from} (`{pair}`), the opposite direction of the {from} → {to} it was loaded for")
    } else {
        format!("its files are named for the pair `{pair}`, not {from} → {to}")
    };
    Err(InferError::Mismatch {
        path: dir.to_path_buf(),
        detail,
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_named_for_another_pair_is_refused() {
        let dir = Path::new("models/bergamot-en-pt");
        assert!(check_pair(dir, Some("enpt"), "en", "pt").is_ok());
        assert!(check_pair(dir, None, "en", "pt").is_ok());
        let swapped = check_pair(dir, Some("pten"), "en", "pt").unwrap_err();
        assert!(matches!(swapped, InferError::Mismatch { .. }));
        assert!(
            swapped.to_string().contains("opposite direction"),
            "{swapped}"
        );
        let other = check_pair(dir, Some("ende"), "en", "pt").unwrap_err();
        assert!(other.to_string().contains("`ende`, not en → pt"), "{other}");
    }
}
