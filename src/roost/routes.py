"""Every router the app serves."""

from __future__ import annotations

from fastapi import FastAPI


def include_all(app: FastAPI) -> None:
    from roost.ai.captions.endpoints import router as ai_captions
    from roost.ai.generations.endpoints import router as ai_generations
    from roost.ai.moderation.endpoints import router as ai_moderation
    from roost.api.mastodon import router as mastodon
    from roost.archives.endpoints import router as archives
    from roost.auth.routes import router as oauth
    from roost.auth.session_pages import router as session_pages
    from roost.capture.endpoints import router as capture
    from roost.consent.endpoints import router as consent
    from roost.consent.wellknown import router as consent_files
    from roost.datasets.endpoints import router as datasets
    from roost.media.routes import router as media_files
    from roost.notes.endpoints import router as notes
    from roost.realtime.endpoints import router as firehose
    from roost.web import routes as web

    app.include_router(oauth)
    app.include_router(session_pages)
    app.include_router(mastodon)
    app.include_router(ai_moderation)
    app.include_router(ai_generations)
    app.include_router(ai_captions)
    app.include_router(consent)
    app.include_router(archives)
    app.include_router(consent_files)
    app.include_router(notes)
    app.include_router(capture)
    app.include_router(datasets)
    app.include_router(media_files)
    app.include_router(firehose)
    web.include(app)  # last: its pages never shadow an API or OAuth route
