"""C2PA: generated images signed with a throwaway CA chain made here, verified on read and on
upload; nothing signed without the settings."""

from __future__ import annotations

import io
import json

import pytest

from roost.ai import content_credentials, provenance
from roost.config import Settings
from tests.ai.generations import path_of, start
from tests.ai.images import chain_and_key, encode, photo

c2pa = pytest.importorskip("c2pa")


@pytest.fixture(scope="module")
def signing(tmp_path_factory) -> tuple[str, str]:
    return chain_and_key(tmp_path_factory.mktemp("c2pa"))


@pytest.fixture
def settings_overrides(signing) -> dict:
    cert, key = signing
    return {"ai_c2pa_cert": cert, "ai_c2pa_key": key}


def _values() -> dict[str, str]:
    return provenance.fields(generator="builtin-sketch", model="roost-sketch-1",
                             prompt="a red boat", seed=7, instance="roost.test")


def _signed(signing, data: bytes | None = None) -> bytes:  # noqa: ANN001
    settings = Settings.model_construct(ai_c2pa_cert=signing[0], ai_c2pa_key=signing[1])
    values = _values()
    return content_credentials.sign(provenance.write_png(data or encode(photo()), values),
                                    values, settings)


def test_sign_then_read_verifies(signing):
    signed = _signed(signing)
    creds = content_credentials.read(signed)
    assert creds is not None and creds.valid and creds.ai_generated
    assert creds.state in ("Valid", "Trusted")
    assert creds.generator == "builtin-sketch" and creds.signer == "roost.test signer"
    assert creds.digital_source_type == provenance.IPTC_TRAINED
    found = provenance.detect(signed)  # the PNG text and XMP survive signing
    assert found.source == "roost" and found.c2pa_manifest and found.seed == 7


def test_a_changed_image_does_not_verify(signing):
    signed = bytearray(_signed(signing))
    at = signed.find(b"IDAT") + 12
    signed[at] ^= 0xFF
    creds = content_credentials.read(bytes(signed))
    assert creds is not None and not creds.valid and not creds.ai_generated


def test_files_without_a_manifest_read_none(signing):
    assert content_credentials.read(encode(photo())) is None
    assert content_credentials.read(b"not an image") is None


def test_nothing_is_signed_without_the_settings(signing):
    assert not content_credentials.enabled(Settings.model_construct(ai_c2pa_cert="",
                                                                   ai_c2pa_key=""))
    assert not content_credentials.enabled(Settings.model_construct(ai_c2pa_cert=signing[0],
                                                                   ai_c2pa_key=""))


async def test_generated_images_carry_a_signed_manifest(api, make, run_jobs):
    alice = await make.account()
    gen = await start(api, alice, n="1", seed="3")
    await run_jobs()
    r = await api.get(f"/api/v1/roost/generations/{gen['id']}", headers=alice.headers)
    [cand] = r.json()["candidates"]
    data = (await api.get(path_of(cand["url"]))).content
    creds = content_credentials.read(data)
    assert creds is not None and creds.valid and creds.generator == "builtin-sketch"
    assert provenance.detect(data).source == "roost"


async def test_an_upload_signed_as_ai_is_labelled_c2pa(api, make, signing):
    alice = await make.account()
    settings = Settings.model_construct(ai_c2pa_cert=signing[0], ai_c2pa_key=signing[1])
    # a manifest only (no Roost text chunks): C2PA is what says it is AI-made
    signed = content_credentials.sign(encode(photo()), _values(), settings)
    assert provenance.detect(signed).source == "c2pa"
    r = await api.post("/api/v2/media", files={"file": ("a.png", signed, "image/png")},
                       headers=alice.headers)
    found = r.json()["roost"]["provenance"]
    assert found["source"] == "c2pa" and found["c2pa"]["valid"] is True
    assert found["generator"] == "builtin-sketch"


async def test_a_camera_manifest_is_not_a_label(api, make, signing):
    alice = await make.account()
    manifest = {"claim_generator_info": [{"name": "Camera"}], "title": "a.png", "assertions": [
        {"label": "c2pa.actions", "data": {"actions": [{
            "action": "c2pa.created",
            "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture"}]}}]}
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(
        alg="es256", sign_cert=open(signing[0], "rb").read(),
        private_key=open(signing[1], "rb").read(), ta_url=None))
    out = io.BytesIO()
    c2pa.Builder(json.dumps(manifest)).sign(signer, "image/png", io.BytesIO(encode(photo())), out)
    r = await api.post("/api/v2/media", files={"file": ("a.png", out.getvalue(), "image/png")},
                       headers=alice.headers)
    assert r.status_code == 200 and "roost" not in r.json()


def test_a_missing_certificate_file_is_a_configuration_error(tmp_path):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="ai_c2pa_cert"):
        Settings(ai_c2pa_cert=str(tmp_path / "missing.pem"))
