"""precis: clean, summarize and translate news articles on a local CPU.

>>> import precis
>>> document = precis.clean(open("article.html", "rb").read())
>>> summary = precis.Summarizer.load("textrank").summarize(document)
>>> precis.Translator.load("en", "pt").translate(summary["text"])["lines"]

`Pipeline` (and `run`, its one-shot form) returns the record
`precis run --format json` prints. Long calls release the GIL: one loaded
model serves a thread pool. Errors are `precis.errors` exceptions.
"""

from __future__ import annotations

import os
from typing import Any

# Before the native module loads: candle runs large element-wise ops on a
# process-wide pool of its own, one call at a time, outside each model's
# `threads`; with one thread that pool is empty and every op runs on the
# calling model's pool, so Python threads sharing a Pipeline overlap (the
# `precis` binary does the same). A user's own setting wins.
os.environ.setdefault("CANDLE_NUM_THREADS", "1")

from . import errors  # noqa: E402
from ._native import (  # noqa: E402
    Document,
    _failed_record,
    Pipeline,
    Summarizer,
    Translator,
    __version__,
    clean,
    clean_batch,
)
from .errors import InputError, ModelError, PrecisError, UsageError  # noqa: E402

__all__ = [
    "Document",
    "InputError",
    "ModelError",
    "Pipeline",
    "PrecisError",
    "Summarizer",
    "Translator",
    "UsageError",
    "__version__",
    "clean",
    "clean_batch",
    "errors",
    "failed_record",
    "run",
]


def failed_record(source: str, error: PrecisError) -> dict[str, Any]:
    """The record `precis run --format json` writes for an article that
    failed with `error`: every stage `None`, `error` its kind and message."""
    if isinstance(error, ModelError):
        kind = "model"
    elif isinstance(error, UsageError):
        kind = "usage"
    else:
        kind = "input"
    return _failed_record(source, kind, str(error))


def run(
    article: str | bytes,
    to: str | None = None,
    summarizer: str | Summarizer | None = None,
    *,
    source: str = "<stdin>",
    from_: str = "auto",
    translation_model: str | None = None,
    input: str = "auto",
    translate_article: bool = False,
    timeout: float | None = None,
    offline: bool = False,
    threads: int | None = None,
) -> dict[str, Any]:
    """Cleans, summarizes and (with `to`) translates one article: the record
    `precis run --format json` prints. Loads the models on every call; build
    a `Pipeline` once to run many articles."""
    pipeline = Pipeline(
        summarizer,
        to=to,
        from_=from_,
        translation_model=translation_model,
        input=input,
        translate_article=translate_article,
        timeout=timeout,
        offline=offline,
        threads=threads,
    )
    return pipeline.run(article, source=source)
