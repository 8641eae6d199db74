"""C2PA manifests ("Content Credentials"): signed into generated images, verified on upload.

Signing needs ROOST_AI_C2PA_CERT (a PEM chain, leaf first, issued by a CA: C2PA refuses
self-signed leaves) and ROOST_AI_C2PA_KEY (its PEM private key, EC P-256 → ES256, P-384 → ES384,
Ed25519 → Ed25519, RSA → PS256), and the optional `c2pa-python` package. Without all three nothing
is signed and generated images carry only the PNG text/XMP provenance (provenance.py).

Reading uses c2pa's Reader, which checks the claim signature and the hash of the image data:
`valid` is True for the states "Valid" and "Trusted" (whether the signer's CA is on a trust list
is reported in `state`, not required: Roost has no trust list). Without `c2pa-python`, read()
returns None and provenance.detect() still notes that a manifest is present, unverified."""

from __future__ import annotations

import importlib.util
import io
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from roost.ai.provenance import AI_SOURCE_TYPES, IPTC_TRAINED
from roost.config import Settings

MIME = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg", b"RIFF": "image/webp"}


@dataclass(frozen=True)
class ContentCredentials:
    """What a C2PA manifest in a file says, and whether its signature holds."""

    valid: bool
    state: str                        # c2pa's validation state: Trusted, Valid or Invalid
    digital_source_type: str | None
    generator: str | None             # the software agent of the created action, else the claim's
    signer: str | None                # the signing certificate's common name
    issuer: str | None

    @property
    def ai_generated(self) -> bool:
        return self.valid and self.digital_source_type in AI_SOURCE_TYPES


def available() -> bool:
    return importlib.util.find_spec("c2pa") is not None


def enabled(settings: Settings) -> bool:
    return bool(settings.ai_c2pa_cert and settings.ai_c2pa_key) and available()


def mime_of(data: bytes) -> str | None:
    for magic, mime in MIME.items():
        if data.startswith(magic):
            return mime
    return None


# Signing ----------------------------------------------------------------------------------

@lru_cache(maxsize=4)
def _pem(cert_path: str, key_path: str) -> tuple[bytes, bytes, str]:
    cert, key = Path(cert_path).read_bytes(), Path(key_path).read_bytes()
    return cert, key, _algorithm(key)


def _algorithm(key_pem: bytes) -> str:
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    key = load_pem_private_key(key_pem, password=None)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return {"secp256r1": "es256", "secp384r1": "es384", "secp521r1": "es512"}[key.curve.name]
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return "ed25519"
    if isinstance(key, rsa.RSAPrivateKey):
        return "ps256"
    raise ValueError("ROOST_AI_C2PA_KEY must be an EC, Ed25519 or RSA private key")


def manifest(values: dict[str, str], title: str) -> dict[str, Any]:
    """The manifest for a generated image: who made it (generator, model, instance), when,
    the prompt's SHA-256 and seed, and the trainedAlgorithmicMedia digital source type."""
    return {
        "claim_generator_info": [{"name": "Roost", "version": _version()}],
        "title": title,
        "assertions": [
            {"label": "c2pa.actions", "data": {"actions": [{
                "action": "c2pa.created", "digitalSourceType": IPTC_TRAINED,
                "when": values["created"],
                "softwareAgent": {"name": values["generator"], "version": values["model"]},
            }]}},
            {"label": "org.roost.generation", "data": {
                k: values[k] for k in ("generator", "model", "prompt_sha256", "seed", "created",
                                       "instance")}},
        ],
    }


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("roost")
    except PackageNotFoundError:
        return "dev"


def sign(data: bytes, values: dict[str, str], settings: Settings, *,
         title: str = "generated.png") -> bytes:
    """The image with a signed C2PA manifest embedded (synchronous; run it off the loop)."""
    import c2pa

    mime = mime_of(data)
    if mime is None:
        raise ValueError("only PNG, JPEG and WebP can carry a C2PA manifest here")
    cert, key, alg = _pem(settings.ai_c2pa_cert, settings.ai_c2pa_key)
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(alg=alg, sign_cert=cert, private_key=key,
                                                      ta_url=None))
    try:
        builder = c2pa.Builder(json.dumps(manifest(values, title)))
        out = io.BytesIO()
        builder.sign(signer, mime, io.BytesIO(data), out)
        return out.getvalue()
    finally:
        signer.close()


# Reading ----------------------------------------------------------------------------------

def read(data: bytes) -> ContentCredentials | None:
    """The file's active C2PA manifest, verified; None without one (or without c2pa-python)."""
    mime = mime_of(data)
    if mime is None or not available():
        return None
    import c2pa

    try:
        reader = c2pa.Reader(mime, io.BytesIO(data))
    except c2pa.C2paError:
        return None  # no manifest, or one too broken to parse
    try:
        active = reader.get_active_manifest() or {}
        state = reader.get_validation_state() or "Invalid"
    except c2pa.C2paError:
        return ContentCredentials(False, "Invalid", None, None, None, None)
    finally:
        reader.close()
    source, agent = None, None
    for assertion in active.get("assertions", []):
        if str(assertion.get("label", "")).startswith("c2pa.actions"):
            for action in assertion.get("data", {}).get("actions", []):
                if action.get("digitalSourceType"):
                    source = source or action["digitalSourceType"]
                    sw = action.get("softwareAgent")
                    agent = agent or (sw.get("name") if isinstance(sw, dict) else sw)
    if agent is None:
        info = active.get("claim_generator_info") or [{}]
        agent = info[0].get("name") or active.get("claim_generator")
    sig = active.get("signature_info") or {}
    return ContentCredentials(state in ("Valid", "Trusted"), state, source, agent,
                              sig.get("common_name"), sig.get("issuer"))
