"""Imported once by the worker processes' fork server (orchestration.workers.preload): the
stages' code, the vocabulary and jieba's dictionary are loaded there, so each worker forked from
it starts ready, instead of spending seconds loading them per worker and per stage."""

import contextlib

from orchestration import stages  # noqa: F401  (the functions the workers run)
from orchestration.metrics.vocabulary import vocabulary

vocabulary()
with contextlib.suppress(Exception):  # jieba's cache folder may be read-only; it then builds in memory
    import jieba

    jieba.setLogLevel(60)  # its "Building prefix dict" lines would print once per build
    jieba.initialize()
