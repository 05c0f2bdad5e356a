"""WordPiece ids of sentences through a per-word cache, identical to the tokenizer's own.

The static encoder spends most of its time in ``tokenizers``' ``encode_batch``: news text
repeats a small vocabulary, and BERT's WordPiece maps each word to the same ids wherever it
stands, so the ids of a word are computed once by the tokenizer itself and looked up after.

Only sentences whose normalisation is plain are split here: after BERT's accent stripping
and lower-casing, every character is an ASCII letter or digit, whitespace, or punctuation
(ASCII punctuation or a Unicode ``P*`` character, which BERT splits off one by one) or a
space separator.
Anything else (control and format characters, symbols, CJK, letters that do not decompose
to ASCII) goes to the tokenizer unchanged. ``tests/test_wordpiece.py`` checks that both
paths agree.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tokenizers import Tokenizer

__all__ = ["CachedWordPiece"]

_WORDS = re.compile(r"[a-z0-9]+|[^a-z0-9\s]")
# Control characters that BERT removes (Python's \s counts \x1c-\x1f, \x0b and \x0c as
# whitespace, BERT does not) and the C1 range.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Words seen before the cache is emptied; bounds memory on a crawl's long tail of names.
MAX_CACHED_WORDS = 200_000


def _plain(text: str) -> str | None:
    """``text`` as BERT's normaliser leaves it, if that is plain (see the module doc)."""
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFD", text)
                       if unicodedata.category(c) != "Mn")
        if not text.isascii() and any(
            not unicodedata.category(c).startswith("P") and unicodedata.category(c) != "Zs"
            for c in _NON_ASCII.findall(text)
        ):
            return None
    if _CONTROL.search(text):
        return None
    return text.lower()


class CachedWordPiece:
    """``tokenize(sentences)`` with the result of ``fallback`` (model2vec's ``tokenize``:
    ids without special tokens, truncated as the tokenizer is set, unknown ids removed)."""

    def __init__(
        self,
        tokenizer: Tokenizer,
        unk_id: int | None,
        fallback: Callable[[Sequence[str]], list[list[int]]],
    ) -> None:
        self._tokenizer = tokenizer
        self._unk_id = unk_id
        self._fallback = fallback
        self._ids: dict[str, list[int]] = {}

    def _word(self, word: str) -> list[int]:
        ids = self._ids.get(word)
        if ids is None:
            if len(self._ids) >= MAX_CACHED_WORDS:
                self._ids.clear()
            ids = self._tokenizer.encode(word, add_special_tokens=False).ids
            self._ids[word] = ids
        return ids

    def tokenize(self, sentences: Sequence[str]) -> list[list[int]]:
        truncation = self._tokenizer.truncation
        limit = truncation["max_length"] if truncation else None
        out: list[list[int] | None] = []
        slow: list[int] = []
        cached = self._ids.get
        word = self._word
        for i, sentence in enumerate(sentences):
            text = _plain(sentence)
            if text is None:
                out.append(None)
                slow.append(i)
                continue
            ids: list[int] = []
            for w in _WORDS.findall(text):
                found = cached(w)  # inline: a call per word was a third of the cost
                ids += found if found is not None else word(w)
            if limit is not None:
                del ids[limit:]
            if self._unk_id is not None and self._unk_id in ids:
                ids = [t for t in ids if t != self._unk_id]
            out.append(ids)
        if slow:
            for i, ids in zip(slow, self._fallback([sentences[i] for i in slow]), strict=True):
                out[i] = ids
        return [ids if ids is not None else [] for ids in out]
