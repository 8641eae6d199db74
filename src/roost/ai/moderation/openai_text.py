"""The remote text check (ROOST_AI_TEXT_MODERATION=openai): an OpenAI-compatible
POST {base}/moderations, plus the same blocklist as the built-in check.

A text the server flags is refused, naming its flagged categories; the server's category scores
are logged with the decision. When the server cannot be asked (down, timed out, refusing the
key), the built-in check decides instead and the logged provider says so: moderation never
stops working, and never lets text through unchecked."""

from __future__ import annotations

import logging

from roost.ai.moderation.base import Verdict, allowed, refused
from roost.ai.moderation.blocklist import Blocklist
from roost.ai.moderation.text import BLOCKED, BuiltinTextModerator
from roost.ai.providers.base import ProviderError
from roost.ai.providers.http import JsonClient

log = logging.getLogger(__name__)


class OpenAITextModerator:
    def __init__(self, client: JsonClient, *, model: str = "",
                 blocklist: Blocklist | None = None,
                 fallback: BuiltinTextModerator | None = None) -> None:
        self.client = client
        self.model = model
        self.blocklist = blocklist
        self.fallback = fallback or BuiltinTextModerator(blocklist=blocklist)
        self.name = f"openai-moderation {model or 'default'} + blocklist"

    def check(self, text: str) -> Verdict:
        return self.check_many([text])[0]

    def check_many(self, texts: list[str]) -> list[Verdict]:
        if not texts:
            return []
        payload: dict = {"input": texts}
        if self.model:
            payload["model"] = self.model
        try:
            body = self.client.post("/moderations", payload)
            results = body.get("results") if isinstance(body, dict) else None
            if not (isinstance(results, list) and len(results) == len(texts)
                    and all(isinstance(r, dict) for r in results)):
                raise ProviderError("The moderation server answered in an unexpected shape")
        except ProviderError as exc:
            log.warning("remote moderation unavailable, using the built-in check: %s", exc)
            return [self._fell_back(v) for v in self.fallback.check_many(texts)]
        return [self._verdict(t, r) for t, r in zip(texts, results, strict=True)]

    def _fell_back(self, verdict: Verdict) -> Verdict:
        from dataclasses import replace

        return replace(verdict, provider=f"{verdict.provider} (remote moderation unavailable)")

    def _verdict(self, text: str, result: dict) -> Verdict:
        scores = result.get("category_scores") or {}
        categories = {str(k): round(float(v), 4) for k, v in scores.items()
                      if isinstance(v, (int, float))}
        if self.blocklist is not None and self.blocklist.find(text) is not None:
            return refused(self.name, {**categories, "blocklist": 1.0}, BLOCKED)
        if result.get("flagged"):
            flags = result.get("categories") or {}
            named = sorted(str(k) for k, v in flags.items() if v is True)
            words = ", ".join(n.replace("/", " or ").replace("-", " ") for n in named[:3])
            return refused(self.name, categories,
                           f"it was flagged for {words}" if words else "it was flagged")
        return allowed(self.name, categories)
