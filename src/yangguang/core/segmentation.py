"""Chinese text as search tokens (pure; rjieba is the jieba-rs binding).

Indexed text is the segmenter's search-mode words plus every two-character run of Chinese: a
two-character query (公开, 低保) is found even where the segmenter glued it into a longer word
(低保户). Latin letters and digits stay whole words and are lower-cased (ICP → icp)."""

from __future__ import annotations

import re

import rjieba

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def _words(text: str) -> list[str]:
    return [w for w in (t.strip().lower() for t in rjieba.cut_for_search(text)) if w and _WORD.fullmatch(w)]


def index_tokens(text: str) -> str:
    """Space-separated tokens for the full-text index."""
    if not text:
        return ""
    tokens = _words(text)
    for run in _CJK_RUN.findall(text):
        tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
    return " ".join(tokens)


def query_tokens(query: str) -> list[str]:
    """The distinct words of a query, in order; every one must match."""
    seen: list[str] = []
    for word in (t.strip().lower() for t in rjieba.cut(query or "")):
        if word and _WORD.fullmatch(word) and word not in seen:
            seen.append(word)
    return seen
