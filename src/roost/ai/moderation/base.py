"""What every moderation check returns, and the two kinds of checker: text and images."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal, Protocol, runtime_checkable

Decision = Literal["allowed", "sensitive", "refused"]
SubjectKind = Literal["prompt", "image", "text"]

_SUBJECT_WORDS = {"prompt": "This prompt", "image": "This image", "text": "This text"}


@dataclass(frozen=True)
class Verdict:
    """One check's outcome. `sensitive` content is allowed but shown blurred behind a warning.
    `categories` maps what was checked (e.g. "toxicity", "nsfw") to a score in [0, 1]; `cause`
    is the short why ("it contains abusive language") and `reason` the sentence a person reads."""

    allowed: bool
    sensitive: bool = False
    categories: dict[str, float] = field(default_factory=dict)
    reason: str = ""
    provider: str = ""
    cause: str = ""

    @property
    def decision(self) -> Decision:
        if not self.allowed:
            return "refused"
        return "sensitive" if self.sensitive else "allowed"

    def about(self, kind: SubjectKind) -> Verdict:
        """The same verdict with its reason worded for what was checked."""
        return replace(self, reason=explain(kind, self.decision, self.cause))


def explain(kind: SubjectKind, decision: Decision, cause: str) -> str:
    """"This prompt was refused: it contains abusive language." and the like."""
    subject = _SUBJECT_WORDS.get(kind, "This content")
    if decision == "refused":
        return f"{subject} was refused: {cause or 'it breaks this server’s rules'}."
    if decision == "sensitive":
        return f"{subject} is shown behind a warning: {cause or 'it may be sensitive'}."
    return ""


def allowed(provider: str, categories: dict[str, float]) -> Verdict:
    return Verdict(allowed=True, categories=categories, provider=provider)


def refused(provider: str, categories: dict[str, float], cause: str, kind: SubjectKind = "text") -> Verdict:
    return Verdict(allowed=False, categories=categories, provider=provider, cause=cause,
                   reason=explain(kind, "refused", cause))


def sensitive(provider: str, categories: dict[str, float], cause: str,
              kind: SubjectKind = "image") -> Verdict:
    return Verdict(allowed=True, sensitive=True, categories=categories, provider=provider,
                   cause=cause, reason=explain(kind, "sensitive", cause))


@runtime_checkable
class TextModerator(Protocol):
    name: str

    def check(self, text: str) -> Verdict: ...


@runtime_checkable
class ImageModerator(Protocol):
    name: str

    def check(self, image_bytes: bytes) -> Verdict: ...
