"""Personal data in text: emails, phone numbers and secrets become placeholders, mentions of people
who did not consent become "@user", and accounts become per-build salted pseudonyms.

Pure functions; the patterns are documented in docs/subsystems/datasets.md."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

EMAIL, PHONE, SECRET = "[EMAIL]", "[PHONE]", "[SECRET]"
ANONYMOUS_MENTION = "@user"

# @name or @name@domain (Mastodon's mention syntax); not inside a word or an email address
MENTION = re.compile(r"(?<![\w@/.])@([A-Za-z0-9_]{1,30})"
                     r"(?:@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+))?(?![\w@])")
EMAIL_RE = re.compile(r"(?<![\w@.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@"
                      r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")

_SECRET_PATTERNS = [
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)",
    r"\bAKIA[0-9A-Z]{16}\b",                                   # AWS access key id
    r"\bgh[pousr]_[A-Za-z0-9]{30,}\b",                         # GitHub tokens
    r"\bgithub_pat_[A-Za-z0-9_]{30,}\b",
    r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b",                      # Slack
    r"\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}\b",               # OpenAI / Anthropic style keys
    r"\bAIza[0-9A-Za-z_-]{35}\b",                              # Google API keys
    r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b",  # JWTs
    r"\b[Bb](?i:earer)\s+[A-Za-z0-9._~+/=-]{16,}",                 # Authorization: Bearer ...
    r"\b[a-z][a-z0-9+.-]*://[^\s:/@]+:[^\s/@]+@",              # credentials in URLs
]
SECRET_RE = re.compile("|".join(f"(?:{p})" for p in _SECRET_PATTERNS), re.DOTALL)
# password=..., api_key: ..., token "..." : the name stays, the value goes
ASSIGNED_SECRET = re.compile(
    r"(?i)\b(pass(?:word|wd|phrase)?|pwd|secret|api[_-]?key|access[_-]?key|auth[_-]?token|token)"
    r"(\s*(?:[:=]|\bis\b)\s*)(\"[^\"\n]{3,}\"|'[^'\n]{3,}'|[^\s\"',;]{3,})")
# a long run of letters and digits mixing both (hex or base64 keys): 32+ characters
OPAQUE = re.compile(r"(?<![\w/.-])(?=[A-Za-z0-9+/_-]{32,}={0,2}(?![\w/.-]))"
                    r"(?=[^\s]*\d)(?=[^\s]*[A-Za-z])[A-Za-z0-9+/_-]{32,}={0,2}")
# a phone number: 9 to 15 digits, with optional +, spaces, dots, dashes and brackets between them
PHONE_RE = re.compile(r"(?<![\w+(])(?:\+|00)?\(?\d(?:[\s.()-]{0,2}\d){8,14}(?![\w])")


def scrub(text: str, mention: Callable[[str, str | None], str] | None = None) -> str:
    """The text with secrets, emails and phone numbers replaced by placeholders, and each
    @mention passed through `mention(name, domain)` (None: every mention becomes "@user")."""
    if not text:
        return text
    text = SECRET_RE.sub(SECRET, text)
    text = ASSIGNED_SECRET.sub(lambda m: f"{m.group(1)}{m.group(2)}{SECRET}", text)
    text = MENTION.sub(lambda m: (mention or _anonymous)(m.group(1), m.group(2)), text)
    text = EMAIL_RE.sub(EMAIL, text)
    text = OPAQUE.sub(SECRET, text)
    return PHONE_RE.sub(PHONE, text)


def _anonymous(_name: str, _domain: str | None) -> str:
    return ANONYMOUS_MENTION


def mentioned_names(text: str) -> set[str]:
    """The local usernames (lower case) mentioned in `text` (remote mentions are left out)."""
    return {m.group(1).lower() for m in MENTION.finditer(text or "") if m.group(2) is None}


def pseudonym(salt: str, account_id: int) -> str:
    """The account's name in one build: the same within the build, unrelated across builds, and
    not reversible without the salt (kept only in the database)."""
    return hashlib.sha256(f"{salt}:{account_id}".encode()).hexdigest()[:20]
