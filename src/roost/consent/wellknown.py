"""/robots.txt and /ai.txt: what AI crawlers may fetch to train models (docs/subsystems/consent.md).

Known AI-training crawlers may fetch the profile and post pages of the people who consented, less
the posts they excluded; nothing else (no media files, no timelines, no other pages). Other crawlers
are not restricted here. Every page and media file also says it with X-Robots-Tag."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from roost.api.deps import DbSession
from roost.consent import repository as repo

router = APIRouter(tags=["consent"])

AI_CRAWLERS = ("GPTBot", "ChatGPT-User", "CCBot", "Google-Extended", "anthropic-ai", "ClaudeBot",
               "Claude-Web", "PerplexityBot", "Bytespider", "Applebot-Extended", "meta-externalagent",
               "cohere-ai", "Diffbot", "Omgilibot", "Amazonbot", "ImagesiftBot")
CACHE = "public, max-age=3600"


async def _rules(session: DbSession) -> list[str]:
    lines = []
    for username in await repo.consenting_usernames(session):
        lines += [f"Allow: /@{username}$", f"Allow: /@{username}/"]
    lines += [f"Disallow: /@{username}/{sid}" for username, sid in await repo.excluded_posts(session)]
    return [*lines, "Disallow: /"]


HEADER = ("# Content here may be used to train AI models only where its author said so\n"
          "# (Settings > Training data). Pages and media that may not be used also carry\n"
          "# X-Robots-Tag: noai, noimageai.\n")


@router.get("/robots.txt", include_in_schema=False)
async def robots_txt(session: DbSession) -> PlainTextResponse:
    rules = "\n".join(await _rules(session))
    agents = "\n".join(f"User-agent: {a}" for a in AI_CRAWLERS)
    body = f"{HEADER}\n{agents}\n{rules}\n\nUser-agent: *\nDisallow:\n"
    return PlainTextResponse(body, headers={"Cache-Control": CACHE})


@router.get("/ai.txt", include_in_schema=False)
async def ai_txt(session: DbSession) -> PlainTextResponse:
    rules = "\n".join(await _rules(session))
    return PlainTextResponse(f"{HEADER}\nUser-Agent: *\n{rules}\n", headers={"Cache-Control": CACHE})
