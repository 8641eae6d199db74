"""What the server says about itself: /api/v1/instance (also with the trailing slash that
Mastodon.py sends), /api/v2/instance, rules, activity, descriptions, custom emojis."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession

from roost import MASTODON_API_VERSION, __version__
from roost.api.deps import AppSettings, DbSession
from roost.api.mastodon import serializers as ser
from roost.auth.ratelimit import per_ip
from roost.config import Settings
from roost.instance import repository as repo
from roost.instance import site as site_settings
from roost.instance import wellknown
from roost.instance.languages import LANGUAGES
from roost.instance.site import Site

api = APIRouter(dependencies=[Depends(per_ip)])  # counted per IP; included into `router` below

# Strict semver with build metadata, like forks ("4.3.0+glitch", "4.3.0+hometown-1.1.1"): apps
# that compare versions (Phanpy's compare-versions, Mastodon.py) read it as Mastodon 4.3.0.
VERSION = f"{MASTODON_API_VERSION}+roost-{__version__}"
IMAGE_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"]


def _streaming(settings: Settings) -> str:
    return f"{'wss' if settings.https else 'ws'}://{settings.domain}"


def _media(settings: Settings) -> dict:
    return {"supported_mime_types": IMAGE_TYPES, "image_size_limit": settings.max_upload_bytes,
            "image_matrix_limit": settings.max_image_pixels, "video_size_limit": 0,
            "video_frame_rate_limit": 0, "video_matrix_limit": 0, "description_limit": 1500}


def _polls(settings: Settings) -> dict:
    return {"max_options": settings.poll_max_options,
            "max_characters_per_option": settings.poll_max_characters_per_option,
            "min_expiration": settings.poll_min_expiration,
            "max_expiration": settings.poll_max_expiration}


def _statuses(settings: Settings) -> dict:
    return {"max_characters": settings.max_post_chars,
            "max_media_attachments": settings.max_media_per_post, "characters_reserved_per_url": 23}


async def _contact(session: AsyncSession, site: Site) -> dict | None:
    account = await repo.contact_account(session, site.contact_username)
    return ser.account(account) if account else None


async def _contact_email(session: AsyncSession, site: Site) -> str:
    """The configured address, else the oldest admin's; empty (as Mastodon) when there is neither."""
    return site.contact_email or await repo.admin_email(session) or ""


async def _site(session: AsyncSession, settings: Settings) -> Site:
    return await site_settings.load(session, settings)


@api.get("/api/v2/instance")
async def instance_v2(session: DbSession, settings: AppSettings) -> dict:
    site = await _site(session, settings)
    base = settings.base_url
    return {
        "domain": site.domain,
        "title": site.title,
        "version": VERSION,
        "source_url": settings.source_url or base,
        "description": site.description,
        "usage": {"users": {"active_month": await repo.active_users(session, 30)}},
        "thumbnail": {"url": site.thumbnail_url, "blurhash": None, "versions": {}},
        "icon": [],
        "languages": site.languages,
        "configuration": {
            "urls": {"streaming": _streaming(settings), "status": None, "about": f"{base}/about",
                     "privacy_policy": f"{base}/privacy-policy", "terms_of_service": None},
            "vapid": {"public_key": ""},
            "accounts": {"max_featured_tags": 10, "max_pinned_statuses": 5},
            "statuses": _statuses(settings),
            "media_attachments": _media(settings),
            "polls": _polls(settings),
            "translation": {"enabled": False},
        },
        "registrations": {"enabled": site.registrations_open,
                          "approval_required": site.approval_required,
                          "reason_required": False, "message": site.registrations_message,
                          "url": None},
        "api_versions": {"mastodon": 2},
        "contact": {"email": await _contact_email(session, site),
                    "account": await _contact(session, site)},
        "rules": site.rules,
    }


async def _instance_v1(session: AsyncSession, settings: Settings) -> dict:
    site = await _site(session, settings)
    return {
        "uri": site.domain,
        "title": site.title,
        "short_description": site.description,
        "description": site.description,
        "email": await _contact_email(session, site),
        "version": VERSION,
        "urls": {"streaming_api": _streaming(settings)},
        "stats": {"user_count": await repo.user_count(session),
                  "status_count": await repo.status_count(session), "domain_count": 0},
        "thumbnail": site.thumbnail_url,
        "languages": site.languages,
        "registrations": site.registrations_open,
        "approval_required": site.approval_required,
        "invites_enabled": False,
        "configuration": {
            "accounts": {"max_featured_tags": 10},
            "statuses": _statuses(settings),
            "media_attachments": _media(settings),
            "polls": _polls(settings),
        },
        "contact_account": await _contact(session, site),
        "rules": site.rules,
    }


@api.get("/api/v1/instance")
async def instance_v1(session: DbSession, settings: AppSettings) -> dict:
    return await _instance_v1(session, settings)


@api.get("/api/v1/instance/", include_in_schema=False)
async def instance_v1_slash(session: DbSession, settings: AppSettings) -> dict:
    return await _instance_v1(session, settings)


@api.get("/api/v1/instance/rules")
async def rules(session: DbSession, settings: AppSettings) -> list[dict]:
    return (await _site(session, settings)).rules


@api.get("/api/v1/instance/peers")
async def peers() -> list[str]:
    return []


@api.get("/api/v1/instance/domain_blocks")
async def domain_blocks() -> list[dict]:
    return []


@api.get("/api/v1/instance/translation_languages")
async def translation_languages() -> dict:
    return {}


@api.get("/api/v1/instance/languages")
async def languages() -> list[dict]:
    return [{"code": code, "name": name} for code, name in LANGUAGES.items()]


@api.get("/api/v1/instance/activity")
async def activity(session: DbSession) -> list[dict]:
    return await repo.weekly_activity(session)


def _document(site: Site, key: str, html: str) -> dict:
    updated = site.updated_at.get(key)
    return {"updated_at": ser.iso(updated) if updated else "1970-01-01T00:00:00.000Z", "content": html}


@api.get("/api/v1/instance/extended_description")
async def extended_description(session: DbSession, settings: AppSettings) -> dict:
    site = await _site(session, settings)
    return _document(site, "extended_description", site.extended_description)


@api.get("/api/v1/instance/privacy_policy")
async def privacy_policy(session: DbSession, settings: AppSettings) -> dict:
    site = await _site(session, settings)
    return _document(site, "privacy_policy", site.privacy_policy)


@api.get("/api/v1/custom_emojis")
async def custom_emojis(session: DbSession, settings: AppSettings) -> list[dict]:
    from roost.emojis import render
    from roost.emojis import repository as emojis

    return [render.entity(e, settings.base_url) for e in await emojis.listed(session)]


router = APIRouter(tags=["instance"])
router.include_router(api)
router.include_router(wellknown.router)
