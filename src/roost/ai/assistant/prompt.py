"""What the assistant reads and writes: the thread turned into chat messages, requests for an
image recognised, and the model's answer made fit to post."""

from __future__ import annotations

import re
from dataclasses import dataclass

from roost.ai.providers.base import ChatMessage
from roost.kit import text as textkit

SYSTEM = ("You are {name}, a helpful assistant on the social network {instance}. People mention "
          "you in posts. Answer the last post briefly and kindly, in plain text, in a few "
          "sentences, in the language it is written in.")
MAX_POST_CHARS_IN_CONTEXT = 1000

# "draw a cat", "please paint me a lighthouse at night", "make an image of three boats",
# "can you generate a picture of a fox?"
_IMAGE_RE = re.compile(
    r"^(?:(?:hey|hi|hello|ok|okay)[,!\s]+)?(?:(?:can|could|would|will)\s+you\s+)?(?:please\s+)?"
    r"(?:(?:draw|paint|sketch|illustrate)(?:\s+me)?(?:\s+(?:an?\s+)?(?:image|picture|drawing|"
    r"painting|illustration|sketch)\s+of)?"
    r"|(?:make|create|generate|produce|show)(?:\s+me)?\s+(?:an?\s+|some\s+)?(?:image|picture|"
    r"drawing|painting|illustration|sketch|art)s?\s+(?:of|showing|with))"
    r"\s+(?P<prompt>.+)$", re.IGNORECASE | re.DOTALL)
_MENTION_AT_RE = re.compile(r"@(?=[\w.-])")


@dataclass(frozen=True)
class ContextPost:
    author: str       # username
    text: str
    is_assistant: bool


def without_mentions(text: str) -> str:
    """The post's words with every @mention taken out."""
    return " ".join(textkit.MENTION_RE.sub(" ", text).split())


def image_prompt(text: str) -> str | None:
    """The picture asked for, when the post asks for one ("draw a cat at night" → "a cat at
    night"), else None."""
    words = without_mentions(text).strip()
    m = _IMAGE_RE.match(words)
    if m is None:
        return None
    prompt = m["prompt"].strip().rstrip("?!. ").strip()
    prompt = re.sub(r"^(?:for\s+me|please)[,\s]+", "", prompt, flags=re.IGNORECASE)
    prompt = re.sub(r"[,\s]+(?:for\s+me|please)$", "", prompt, flags=re.IGNORECASE)
    return prompt or None


def messages(name: str, instance: str, posts: list[ContextPost]) -> list[ChatMessage]:
    """The thread, oldest first, ending with the post that asks."""
    out = [ChatMessage("system", SYSTEM.format(name=name, instance=instance))]
    for p in posts:
        words = without_mentions(p.text)[:MAX_POST_CHARS_IN_CONTEXT]
        if not words:
            continue
        if p.is_assistant:
            out.append(ChatMessage("assistant", words))
        else:
            out.append(ChatMessage("user", f"@{p.author}: {words}"))
    return out


def fit_answer(answer: str, asker: str, limit: int) -> str:
    """The reply's text: "@asker " and the answer, with no mention of anyone else (an answer
    must not notify, or widen a direct thread to, people the model named), cut to the
    instance's character limit at a word."""
    from roost.posts.service import post_length

    body = _MENTION_AT_RE.sub("", answer).strip()
    body = re.sub(r"\n{3,}", "\n\n", body)
    head = f"@{asker} "
    text = head + body
    if post_length(text) <= limit:
        return text
    words = body.split(" ")
    while words and post_length(head + " ".join(words) + "…") > limit:
        words.pop()
    return head + (" ".join(words).rstrip(",;:") + "…" if words else "")
