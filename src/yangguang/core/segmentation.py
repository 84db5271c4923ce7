"""Chinese text as search tokens (pure; rjieba is the jieba-rs binding).

Index side: every two-character run of Chinese (bigram), the first and last character of each run
of Chinese, and every run of Latin letters and digits, lower-cased (ICP → icp), with a word that
mixes letters and digits also split into its parts (icp123 → icp, 123). Full-width letters and
digits are folded to ASCII first (ＩＣＰ → icp).

Query side: rjieba segments the query into words; a Chinese word is looked up as its bigrams,
all of which must be present. So a two-character query (公开, 低保) is found even where it sits
inside a longer word (低保户, 城乡低保), and a longer word is found whatever a segmenter would
have made of the document around it. Segmentation decides what the query's words are: 城乡低保
asks for 城乡 and 低保, not for the accidental bigram 乡低.

The index holds no segmenter words: no query ever looks one up (queries become bigrams), and they
would add about a third more tokens to every record, which the full-text index pays for on every
insert (see docs/benchmarks.md).

A single Chinese character cannot be a bigram. In a query it is dropped when the query has other
words (the 年 of "2026年 预算"); alone, it is matched as the start of a token (``prefixes``),
which finds every occurrence: either a bigram starts with it, or it ends its run and is indexed
on its own.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass

import rjieba

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_NOT_CJK = re.compile(f"[^{_CJK}]+")
_ALNUM = re.compile(r"[0-9a-z]+")
_LETTERS_OR_DIGITS = re.compile(r"[a-z]+|[0-9]+")
# A token is a run of one script: Chinese, or Latin letters and digits (punctuation splits them).
_PIECE = re.compile(f"[0-9a-z]+|[{_CJK}]+")
_FULL_WIDTH = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_TO_ASCII = {c: c - 0xFEE0 for lo, hi in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A)) for c in range(lo, hi + 1)}
_SPACE = ord(" ")

# A query longer than this is cut, not refused: people paste whole sentences into search boxes.
QUERY_MAX_LENGTH = 100


def normalise(text: str) -> str:
    """Full-width letters and digits to ASCII, then lower case. Each character stays one character
    (offsets in the result are offsets in the original, which highlighting relies on)."""
    text = text or ""
    if _FULL_WIDTH.search(text):
        text = text.translate(_TO_ASCII)
    return text.lower()


def _pairs(text: str) -> str:
    """``c0c1 c1c2 c2c3 …`` for every neighbouring pair of characters, built in C (array slices)
    rather than one Python string per bigram: this is most of the indexing time otherwise."""
    if len(text) < 2:
        return text
    chars = array("I")
    chars.frombytes(text.encode("utf-32-le"))
    out = array("I", [_SPACE]) * (3 * (len(chars) - 1))
    out[0::3] = chars[:-1]
    out[1::3] = chars[1:]
    return out.tobytes().decode("utf-32-le")


def index_tokens(text: str) -> str:
    """Space-separated tokens for the full-text index."""
    text = normalise(text)
    if not text:
        return ""
    tokens = _ALNUM.findall(text)
    tokens += [part for word in tokens if not (word.isdigit() or word.isalpha()) for part in _LETTERS_OR_DIGITS.findall(word)]
    # Padded with spaces, the pairs of "…，城乡低保。" are " 城", "城乡", "乡低", "低保", "保 ":
    # the bigrams, and the first and last character of the run on their own.
    chinese = _pairs(" " + _NOT_CJK.sub(" ", text) + " ").split()
    return " ".join(tokens + chinese)


@dataclass(frozen=True)
class ParsedQuery:
    """What a query asks the index for. ``terms`` must all be present; ``prefixes`` (single
    Chinese characters, only when the query has nothing else) must each start some token;
    ``words`` are the query's words as typed (normalised), for highlighting."""

    text: str
    terms: tuple[str, ...]
    prefixes: tuple[str, ...]
    words: tuple[str, ...]
    truncated: bool

    @property
    def is_empty(self) -> bool:
        return not self.terms and not self.prefixes


def parse_query(query: str) -> ParsedQuery:
    text = " ".join((query or "").split())
    truncated = len(text) > QUERY_MAX_LENGTH
    text = text[:QUERY_MAX_LENGTH]
    words: list[str] = []
    for word in (piece for w in rjieba.cut(normalise(text)) for piece in _PIECE.findall(w)):
        if word not in words:
            words.append(word)
    terms: list[str] = []
    singles: list[str] = []
    for word in words:
        if not _CJK_RUN.fullmatch(word):
            candidates = [word]
        elif len(word) == 1:
            singles.append(word)
            continue
        else:
            candidates = [word[i : i + 2] for i in range(len(word) - 1)]
        terms.extend(t for t in candidates if t not in terms)
    return ParsedQuery(
        text=text, terms=tuple(terms), prefixes=() if terms else tuple(singles), words=tuple(words), truncated=truncated
    )


def query_tokens(query: str) -> list[str]:
    """The index tokens a query needs, in order; every one must match."""
    return list(parse_query(query).terms)
