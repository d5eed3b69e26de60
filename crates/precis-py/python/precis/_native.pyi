"""Type stubs of the extension module `precis._native` (crates/precis-py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from .errors import PrecisError

InputKind = Literal["auto", "text", "html", "clean"]
Article = str | bytes

__version__: str

class Document:
    """A cleaned article; pickles."""

    @property
    def source(self) -> str: ...
    @property
    def title(self) -> str | None: ...
    @property
    def headings(self) -> list[str]: ...
    @property
    def paragraphs(self) -> list[str]: ...
    @property
    def metadata(self) -> dict[str, Any]: ...
    @property
    def removed(self) -> list[dict[str, str]]: ...
    @property
    def warnings(self) -> list[str]: ...
    @property
    def text(self) -> str: ...
    def to_dict(self) -> dict[str, Any]:
        """The document as `precis clean --format json` prints it."""

class Summarizer:
    @staticmethod
    def load(
        name: str | None = None,
        *,
        offline: bool = False,
        threads: int | None = None,
        precision: Literal["f32", "q8"] = "f32",
        max_length: int | None = None,
        min_length: int | None = None,
        num_beams: int | None = None,
        do_sample: bool | None = None,
        temperature: float | None = None,
        top_k: int | None = None,
        top_p: float | None = None,
        seed: int | None = None,
        length_penalty: float | None = None,
        no_repeat_ngram_size: int | None = None,
    ) -> Summarizer: ...
    @property
    def model(self) -> dict[str, Any]: ...
    def summarize(self, document: Document | str) -> dict[str, Any]:
        """`{"text", "lines", "model", "chunks", "warnings"}`: a record's `summary`
        and its warnings; releases the GIL."""

class Translator:
    @staticmethod
    def load(
        from_: str = "auto",
        to: str = "pt",
        model: str | None = None,
        *,
        offline: bool = False,
        threads: int | None = None,
    ) -> Translator: ...
    @property
    def model(self) -> dict[str, Any]: ...
    def translate(
        self, lines: str | Sequence[str], unit: Literal["sentence", "line"] = "sentence"
    ) -> dict[str, Any]:
        """`{"text", "lines", "model", "warnings"}`, one line per input line; releases the GIL."""

class Pipeline:
    def __init__(
        self,
        summarizer: str | Summarizer | None = None,
        *,
        to: str | None = None,
        from_: str = "auto",
        translation_model: str | None = None,
        input: InputKind = "auto",
        translate_article: bool = False,
        timeout: float | None = None,
        offline: bool = False,
        threads: int | None = None,
    ) -> None: ...
    def run(self, article: Article, source: str = "<stdin>") -> dict[str, Any]:
        """The record `precis run --format json` prints; releases the GIL."""
    def run_batch(
        self, articles: Sequence[tuple[str, Article]]
    ) -> list[dict[str, Any] | PrecisError]: ...
    def process(self, document: Document) -> dict[str, Any]: ...

def clean(article: Article, input: InputKind = "auto", source: str = "<stdin>") -> Document: ...
def clean_batch(
    articles: Sequence[tuple[str, Article]], input: InputKind = "auto"
) -> list[Document | PrecisError]: ...
def _failed_record(source: str, kind: str, message: str) -> dict[str, Any]: ...
def _document_from_json(source: str, json: str, clean_ms: float | None = None) -> Document: ...
