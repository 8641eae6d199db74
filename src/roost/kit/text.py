"""Plain text in, safe HTML out: escape everything, then link URLs, @mentions and #hashtags."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

import nh3
import regex

USERNAME_RE = r"[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?"
MENTION_RE = re.compile(
    rf"(?<![A-Za-z0-9_/@])@(?P<user>{USERNAME_RE})(?:@(?P<domain>[A-Za-z0-9.-]+\.[A-Za-z]{{2,}}|localhost(?::\d+)?))?",
)
HASHTAG_RE = re.compile(r"(?<![\w/#&])#(?P<tag>\w*[^\W\d_]\w*)", re.UNICODE)
URL_RE = re.compile(r"(?<![\w/])(?P<url>https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]}])", re.IGNORECASE)

TOKEN_RE = re.compile(f"{URL_RE.pattern}|{MENTION_RE.pattern}|{HASHTAG_RE.pattern}", re.IGNORECASE | re.UNICODE)
GRAPHEME_RE = regex.compile(r"\X")  # an extended grapheme cluster (Unicode UAX #29)
URL_WEIGHT = 23


def length(text: str) -> int:
    """Characters as a reader sees them, as Mastodon counts them: extended grapheme clusters, so
    a flag, an emoji ZWJ sequence or a letter with combining marks is one."""
    return len(GRAPHEME_RE.findall(text))


def countable(text: str) -> str:
    """The text Mastodon measures for a post or a bio: each link as 23 characters, a mention
    without its domain."""
    text = URL_RE.sub("x" * URL_WEIGHT, text)
    return MENTION_RE.sub(lambda m: "@" + m["user"], text)


@dataclass
class Parsed:
    mentions: list[str]  # lower-cased local usernames, in order, unique
    tags: list[str]  # as written (case kept), unique case-insensitively
    urls: list[str]


def parse(text: str, *, local_domain: str = "") -> Parsed:
    mentions: list[str] = []
    tags: list[str] = []
    urls: list[str] = []
    for m in TOKEN_RE.finditer(text):
        if m.group("url"):
            urls.append(m.group("url"))
        elif m.group("user"):
            dom = (m.group("domain") or "").lower()
            if dom and dom != local_domain.lower():
                continue  # remote accounts are not known here yet
            u = m.group("user").lower()
            if u not in mentions:
                mentions.append(u)
        elif m.group("tag"):
            t = m.group("tag")
            if t.lower() not in [x.lower() for x in tags]:
                tags.append(t)
    return Parsed(mentions, tags, urls)


def _display_url(url: str) -> str:
    bare = re.sub(r"^https?://(www\.)?", "", url, flags=re.IGNORECASE)
    return bare if len(bare) <= 30 else bare[:30] + "…"


def render(text: str, *, base_url: str, known_accounts: dict[str, str] | None = None,
           local_domain: str = "") -> str:
    """Render post or bio text to HTML. `known_accounts` maps lower-cased username -> profile URL;
    only those mentions become links."""
    known = known_accounts or {}
    out: list[str] = []
    pos = 0
    for m in TOKEN_RE.finditer(text):
        out.append(html.escape(text[pos:m.start()], quote=False))
        pos = m.end()
        raw = m.group(0)
        if m.group("url"):
            url = m.group("url")
            out.append(
                f'<a href="{html.escape(url)}" rel="nofollow noopener noreferrer" target="_blank">'
                f"{html.escape(_display_url(url), quote=False)}</a>"
            )
        elif m.group("user"):
            dom = (m.group("domain") or "").lower()
            user = m.group("user")
            href = known.get(user.lower()) if not dom or dom == local_domain.lower() else None
            if href:
                out.append(
                    f'<span class="h-card"><a href="{html.escape(href)}" class="u-url mention">'
                    f"@<span>{html.escape(user, quote=False)}</span></a></span>"
                )
            else:
                out.append(html.escape(raw, quote=False))
        else:
            tag = m.group("tag")
            href = f"{base_url}/tags/{tag.lower()}"
            out.append(
                f'<a href="{html.escape(href)}" class="mention hashtag" rel="tag">'
                f"#<span>{html.escape(tag, quote=False)}</span></a>"
            )
    out.append(html.escape(text[pos:], quote=False))
    body = "".join(out)
    paragraphs = [p for p in re.split(r"\n{2,}", body.strip()) if p]
    return "".join(f"<p>{p.replace(chr(10), '<br />')}</p>" for p in paragraphs)


ALLOWED_TAGS = {"p", "br", "span", "a", "del", "pre", "code", "em", "strong", "b", "i", "u", "ul",
                "ol", "li", "blockquote"}
ALLOWED_ATTRS = {"a": {"href", "rel", "class", "target"}, "span": {"class"}}


def sanitize(fragment: str) -> str:
    """For HTML that did not come from render() (e.g. imported content): keep a safe subset."""
    return nh3.clean(fragment, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRS,
                     url_schemes={"http", "https", "mailto"}, link_rel=None)


def html_to_text(fragment: str) -> str:
    text = re.sub(r"<br\s*/?>", "\n", fragment)
    text = re.sub(r"</p>\s*<p>", "\n\n", text)
    text = re.sub(r"<[^>]+>", "", text)
    return html.unescape(text)


Linkifier = Callable[[str], str]
