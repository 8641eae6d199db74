"""Links shared in posts, and the preview card Roost can honestly give them without fetching the
page: the URL, its host as provider, its readable form as title, nothing made up."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from roost.kit import text as textkit


def normalise(url: str) -> str | None:
    """The form links are counted under: scheme and host lower-cased, fragment dropped."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    netloc = parts.netloc.lower()
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def links_in(text: str, *, local_domain: str) -> set[str]:
    out = set()
    for raw in textkit.parse(text).urls:
        url = normalise(raw)
        if url and urlsplit(url).netloc != local_domain.lower():
            out.add(url)
    return out


def card(url: str) -> dict:
    """A PreviewCard of type link with only what the URL itself says."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    readable = (host.removeprefix("www.") + (parts.path if parts.path != "/" else "")
                + (f"?{parts.query}" if parts.query else ""))
    return {"url": url, "title": readable[:200], "description": "", "type": "link",
            "author_name": "", "author_url": "", "provider_name": host.removeprefix("www."),
            "provider_url": "", "html": "", "width": 0, "height": 0, "image": None,
            "image_description": "", "embed_url": "", "blurhash": None, "published_at": None,
            "authors": []}
