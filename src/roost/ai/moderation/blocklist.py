"""Terms and patterns this server refuses whatever the model thinks: the built-in few that the
toxicity model misses, plus an operator's file (ROOST_AI_MODERATION_BLOCKLIST).

File format: one entry a line; `#` starts a comment; a plain entry is a word or phrase matched
as whole words, ignoring case; `re:` starts a regular expression (Python syntax, ignoring case)."""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import regex

# Dehumanising words and self-harm taunts that alt-profanity-check scores as harmless.
BUILTIN = ("subhuman", "untermensch", "re:\\bkys\\b", "re:\\bkill\\s+your\\s*self\\b")

_lock = threading.Lock()
_loaded: dict[tuple[str, float], Blocklist] = {}


@dataclass(frozen=True)
class Blocklist:
    entries: tuple[str, ...]
    pattern: regex.Pattern | None

    def find(self, text: str) -> str | None:
        """The first blocked term in `text`, or None."""
        if self.pattern is None:
            return None
        found = self.pattern.search(normalise(text))
        return found.group(0) if found else None


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def compile_entries(entries: list[str] | tuple[str, ...]) -> Blocklist:
    parts = []
    for entry in entries:
        entry = entry.strip()
        if not entry or entry.startswith("#"):
            continue
        if entry.startswith("re:"):
            regex.compile(entry[3:])  # a bad pattern names itself here
            parts.append(f"(?:{entry[3:]})")
        else:
            words = normalise(entry).split()
            parts.append(r"(?<!\w)" + r"\s+".join(regex.escape(w) for w in words) + r"(?!\w)")
    pattern = regex.compile("|".join(parts), regex.IGNORECASE) if parts else None
    return Blocklist(tuple(entries), pattern)


def load(path: str | Path | None) -> Blocklist:
    """The built-in entries plus those in `path` (read again when the file changes)."""
    if not path:
        key = ("", 0.0)
    else:
        p = Path(path)
        try:
            key = (str(p), p.stat().st_mtime)
        except FileNotFoundError:
            raise ValueError(f"ROOST_AI_MODERATION_BLOCKLIST: no file at {p}") from None
    with _lock:
        found = _loaded.get(key)
        if found is None:
            lines = Path(key[0]).read_text(encoding="utf-8").splitlines() if key[0] else []
            found = _loaded[key] = compile_entries(list(BUILTIN) + lines)
        return found
