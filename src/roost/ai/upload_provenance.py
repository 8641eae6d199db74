"""Whether an uploaded image says it was AI-generated: read from the original bytes, before the
media pipeline strips their metadata.

Labelled: Roost's own stamp, IPTC trainedAlgorithmicMedia (and its composite/algorithmic kin)
in XMP, Automatic1111 `parameters` and ComfyUI graphs in PNG text, and a C2PA manifest whose
signature holds and whose created action names an AI digital source type. A manifest alone
(a camera's, say), or one that does not verify, is not a label. All of it is what the file
claims: anyone can strip it, and the PNG/XMP kinds can be forged (C2PA's cannot, but its signer is
not checked against a trust list)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from roost.ai import content_credentials, provenance

AI_SUFFIX = "(AI-generated)"
AI_DEFAULT = "AI-generated image"


@dataclass(frozen=True)
class UploadClaim:
    source: str              # roost, iptc, automatic1111, comfyui, c2pa
    details: dict[str, Any]  # stored as the attachment's ai_provenance


def examine(data: bytes) -> UploadClaim | None:
    """The AI claim an uploaded file makes (synchronous; cheap unless it has a C2PA manifest)."""
    found = provenance.detect(data)
    if found is None:
        return None
    creds = content_credentials.read(data) if found.c2pa_manifest else None
    if found.source == "c2pa" and not (creds and creds.ai_generated):
        return None
    details = {k: v for k, v in asdict(found).items()
               if v not in (None, False) and k not in ("prompt", "source")}
    if creds is not None:
        details["c2pa"] = {"valid": creds.valid, "state": creds.state,
                           "digital_source_type": creds.digital_source_type,
                           "generator": creds.generator, "signer": creds.signer,
                           "issuer": creds.issuer}
        if found.source == "c2pa":
            details["generator"] = creds.generator
            details["digital_source_type"] = creds.digital_source_type
    return UploadClaim(found.source, details)


def labelled_description(description: str | None) -> str:
    """The description Mastodon apps show for a labelled upload: the person's own text with a
    short suffix (once), or a plain label when there is none."""
    if not description:
        return AI_DEFAULT
    if "AI-generated" in description:
        return description
    return f"{description} {AI_SUFFIX}"
