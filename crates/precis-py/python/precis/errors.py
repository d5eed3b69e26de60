"""The exceptions precis raises, one per kind of problem.

Messages are the library's (what went wrong, with its causes), the same the
CLI prints before its fix hints. Defined in Python so they pickle by name
across processes (Dask workers, process pools).
"""


class PrecisError(Exception):
    """Anything precis could not do."""


class InputError(PrecisError):
    """The article cannot be used: empty, binary, nothing kept, timed out."""


class UsageError(PrecisError, ValueError):
    """Settings that cannot work (together, or with this model)."""


class ModelError(PrecisError):
    """A model cannot be found, fetched, loaded or run."""
