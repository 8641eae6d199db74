"""Matching statuses against a person's filters: pure functions over compiled rules.

Keywords match case-insensitively anywhere in the status's text, or, with `whole_word`, only
at word boundaries: a `\\b` is put before the keyword when it starts with a word character and
after it when it ends with one (Mastodon's rule), so "#tag" or "c++" still work. `\\w` and
`\\b` are Unicode-aware. The text is the spoiler text, the content as plain text, the poll
options and the media descriptions, joined by blank lines (Mastodon's searchable text)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

CONTEXTS = ("home", "notifications", "public", "thread", "account")
ACTIONS = ("warn", "hide", "blur")

_WORD_START = re.compile(r"\A\w")
_WORD_END = re.compile(r"\w\Z")


def keyword_pattern(keyword: str, whole_word: bool) -> str:
    escaped = re.escape(keyword)
    if not whole_word:
        return escaped
    start = r"\b" if _WORD_START.search(keyword) else ""
    end = r"\b" if _WORD_END.search(keyword) else ""
    return f"{start}{escaped}{end}"


@dataclass(frozen=True)
class Keyword:
    id: int
    keyword: str
    whole_word: bool


@dataclass(frozen=True)
class FilteredStatus:
    id: int
    status_id: int


@dataclass
class FilterRules:
    """A filter with its keywords and statuses, as loaded in one query."""

    id: int
    title: str
    context: list[str]
    action: str
    expires_at: datetime | None
    keywords: list[Keyword] = field(default_factory=list)
    statuses: list[FilteredStatus] = field(default_factory=list)


@dataclass(frozen=True)
class CompiledFilter:
    rules: FilterRules
    any_keyword: re.Pattern | None
    keywords: tuple[tuple[str, re.Pattern], ...]
    status_ids: frozenset[int]


@dataclass(frozen=True)
class Match:
    filter: FilterRules
    keyword_matches: tuple[str, ...]
    status_matches: tuple[int, ...]


def compile_filter(rules: FilterRules) -> CompiledFilter:
    parts = [(k.keyword, keyword_pattern(k.keyword, k.whole_word)) for k in rules.keywords if k.keyword]
    return CompiledFilter(
        rules=rules,
        any_keyword=re.compile("|".join(p for _, p in parts), re.IGNORECASE) if parts else None,
        keywords=tuple((kw, re.compile(p, re.IGNORECASE)) for kw, p in parts),
        status_ids=frozenset(s.status_id for s in rules.statuses),
    )


def searchable_text(spoiler_text: str, plain_content: str, poll_options: Iterable[str],
                    media_descriptions: Iterable[str | None]) -> str:
    parts = [spoiler_text, plain_content, "\n\n".join(poll_options),
             "\n\n".join(d for d in media_descriptions if d)]
    return "\n\n".join(p for p in parts if p)


def match(filters: Sequence[CompiledFilter], text: str, status_ids: Iterable[int],
          context: str | None = None) -> list[Match]:
    """The filters (of `context`, or all when it is None) that `text` or one of `status_ids`
    (a status and the post it reblogs) matches."""
    ids = [i for i in status_ids if i]
    out = []
    for f in filters:
        if context is not None and context not in f.rules.context:
            continue
        words: tuple[str, ...] = ()
        if f.any_keyword is not None and f.any_keyword.search(text):
            words = tuple(kw for kw, pattern in f.keywords if pattern.search(text))
        hits = tuple(i for i in ids if i in f.status_ids)
        if words or hits:
            out.append(Match(f.rules, words, hits))
    return out
