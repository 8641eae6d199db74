"""AI provenance in image files: written into the PNGs Roost generates, read from uploads.

Written (PNG): tEXt chunks `ai_generated`, `generator`, `model`, `prompt_sha256`, `seed`,
`created`, `instance`, and an XMP packet (iTXt `XML:com.adobe.xmp`) with the IPTC digital source
type `trainedAlgorithmicMedia` and the same fields. The prompt itself is not written, only its
SHA-256: the post that carries the image shows the prompt.

Read (`detect`): our own chunks; the IPTC digital source type in XMP (PNG iTXt, JPEG APP1, WebP
`XMP ` chunk); Automatic1111/Forge `parameters` and ComfyUI `prompt`/`workflow` PNG text chunks;
a C2PA manifest (PNG `caBX`, JPEG APP11 JUMBF, WebP `C2PA`). All of these are claims made by
whoever wrote the file: nothing here verifies a signature, and a file stripped of its metadata
reads as None. Run detect() on the uploaded bytes before the media pipeline strips metadata."""

from __future__ import annotations

import hashlib
import json
import re
import struct
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from html import escape, unescape

IPTC_TRAINED = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
AI_SOURCE_TYPES = {  # IPTC digital source types that say "made by a generative model"
    IPTC_TRAINED,
    "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia",
    "http://cv.iptc.org/newscodes/digitalsourcetype/algorithmicMedia",
}
ROOST_NS = "urn:roost:provenance:1"
XMP_KEY = "XML:com.adobe.xmp"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Provenance:
    """What a file claims about how it was made (never verified)."""

    source: str                       # roost, iptc, automatic1111, comfyui, c2pa
    generator: str | None = None
    model: str | None = None
    prompt: str | None = None         # only where the file states it in clear (Automatic1111)
    prompt_sha256: str | None = None
    seed: int | None = None
    created: str | None = None
    instance: str | None = None
    digital_source_type: str | None = None
    c2pa_manifest: bool = False       # a C2PA manifest is present; its signature is not checked

    @property
    def label(self) -> str:
        return "claims AI generation"


def prompt_hash(prompt: str) -> str:
    return hashlib.sha256(prompt.encode("utf-8")).hexdigest()


# Writing ----------------------------------------------------------------------------------

def fields(*, generator: str, model: str, prompt: str, seed: int, instance: str,
           created: datetime | None = None) -> dict[str, str]:
    created = (created or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return {"ai_generated": "true", "generator": generator, "model": model,
            "prompt_sha256": prompt_hash(prompt), "seed": str(seed),
            "created": created.isoformat(timespec="seconds"), "instance": instance}


def xmp_packet(values: dict[str, str]) -> str:
    attrs = "\n".join(f'    roost:{_camel(k)}="{escape(v)}"' for k, v in values.items())
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '  <rdf:Description rdf:about=""\n'
        '    xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"\n'
        '    xmlns:xmp="http://ns.adobe.com/xap/1.0/"\n'
        f'    xmlns:roost="{ROOST_NS}"\n'
        f'    Iptc4xmpExt:DigitalSourceType="{IPTC_TRAINED}"\n'
        f'    xmp:CreatorTool="{escape(values["generator"])} ({escape(values["model"])})"\n'
        f'    xmp:CreateDate="{escape(values["created"])}"\n'
        f'{attrs}/>\n'
        ' </rdf:RDF>\n'
        '</x:xmpmeta>\n'
        '<?xpacket end="w"?>')


def write_png(png: bytes, values: dict[str, str]) -> bytes:
    """The PNG with tEXt chunks for `values` and an XMP iTXt chunk, inserted before the first
    IDAT; the image data is not re-encoded."""
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG")
    chunks = b"".join(_chunk(b"tEXt", k.encode("latin-1") + b"\0" + v.encode("latin-1", "replace"))
                      for k, v in values.items())
    chunks += _chunk(b"iTXt", XMP_KEY.encode() + b"\0\0\0\0\0" + xmp_packet(values).encode())
    at = png.find(b"IDAT") - 4
    return png[:at] + chunks + png[at:]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(p.capitalize() for p in rest)


# Reading ----------------------------------------------------------------------------------

def detect(data: bytes) -> Provenance | None:
    """The AI provenance an image file claims, or None."""
    if data.startswith(PNG_SIGNATURE):
        texts, c2pa = _png(data)
    elif data.startswith(b"\xff\xd8"):
        texts, c2pa = _jpeg(data)
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        texts, c2pa = _webp(data)
    else:
        return None
    return _interpret(texts, c2pa)


def _interpret(texts: dict[str, str], c2pa: bool) -> Provenance | None:
    xmp = _xmp_values(texts.get(XMP_KEY, ""))
    source_type = xmp.get("DigitalSourceType")
    if texts.get("ai_generated") == "true" or xmp.get("aiGenerated") == "true":
        get = lambda k: texts.get(k) or xmp.get(_camel(k))  # noqa: E731
        return Provenance("roost", get("generator"), get("model"), None, get("prompt_sha256"),
                          _int(get("seed")), get("created"), get("instance"), source_type, c2pa)
    if "parameters" in texts and re.search(r"\b(Steps|Sampler|Seed): ", texts["parameters"]):
        return _automatic1111(texts["parameters"], source_type, c2pa)
    if _comfyui(texts):
        return Provenance("comfyui", "ComfyUI", digital_source_type=source_type, c2pa_manifest=c2pa)
    if source_type in AI_SOURCE_TYPES:
        return Provenance("iptc", xmp.get("CreatorTool"), created=xmp.get("CreateDate"),
                          digital_source_type=source_type, c2pa_manifest=c2pa)
    if c2pa:
        return Provenance("c2pa", c2pa_manifest=True)
    return None


def _automatic1111(params: str, source_type: str | None, c2pa: bool) -> Provenance:
    lines = params.strip().split("\n")
    settings = lines[-1]
    prompt_lines = []
    for line in lines[:-1]:
        if line.startswith("Negative prompt:"):
            break
        prompt_lines.append(line)
    prompt = "\n".join(prompt_lines).strip() or None
    found = dict(re.findall(r"(\w[\w ]*?): ([^,]+)(?:,|$)", settings))
    return Provenance("automatic1111", "Automatic1111", found.get("Model"), prompt,
                      prompt_hash(prompt) if prompt else None, _int(found.get("Seed")),
                      digital_source_type=source_type, c2pa_manifest=c2pa)


def _comfyui(texts: dict[str, str]) -> bool:
    for key in ("prompt", "workflow"):
        try:
            graph = json.loads(texts.get(key, ""))
        except ValueError:
            continue
        nodes = graph.get("nodes", []) if isinstance(graph, dict) and "nodes" in graph else \
            (graph.values() if isinstance(graph, dict) else [])
        if any(isinstance(n, dict) and ("class_type" in n or "type" in n) for n in nodes):
            return True
    return False


def _xmp_values(xmp: str) -> dict[str, str]:
    """Attribute and simple element values in an XMP packet, by local name."""
    if not xmp:
        return {}
    out = {}
    for m in re.finditer(r"\b[\w-]+:(\w+)=\"([^\"]*)\"", xmp):
        out.setdefault(m.group(1), unescape(m.group(2)))
    for m in re.finditer(r"<[\w-]+:(\w+)(?:\s[^>]*)?>([^<]+)</[\w-]+:\1>", xmp):
        out.setdefault(m.group(1), unescape(m.group(2).strip()))
    return out


def _int(v: str | None) -> int | None:
    try:
        return int(v) if v is not None else None
    except ValueError:
        return None


def _png(data: bytes) -> tuple[dict[str, str], bool]:
    texts: dict[str, str] = {}
    c2pa = False
    pos = 8
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"tEXt" and b"\0" in body:
            k, v = body.split(b"\0", 1)
            texts[k.decode("latin-1")] = v.decode("latin-1")
        elif kind == b"zTXt" and b"\0" in body:
            k, v = body.split(b"\0", 1)
            texts[k.decode("latin-1")] = _inflate(v[1:]).decode("latin-1")
        elif kind == b"iTXt" and body.count(b"\0") >= 3:
            k, rest = body.split(b"\0", 1)
            compressed, rest = rest[0], rest[2:]
            _lang, _translated, text = rest.split(b"\0", 2)
            texts[k.decode("latin-1")] = (_inflate(text) if compressed else text).decode(
                "utf-8", "replace")
        elif kind == b"caBX":
            c2pa = True
        elif kind == b"IEND":
            break
        pos += 12 + length
    return texts, c2pa


def _inflate(b: bytes) -> bytes:
    try:
        return zlib.decompress(b)
    except zlib.error:
        return b""


def _jpeg(data: bytes) -> tuple[dict[str, str], bool]:
    texts: dict[str, str] = {}
    c2pa = False
    pos = 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker in (0xD9, 0xDA):  # end, or start of scan: no metadata after it
            break
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        body = data[pos + 4:pos + 2 + length]
        if marker == 0xE1 and body.startswith(b"http://ns.adobe.com/xap/1.0/\0"):
            texts[XMP_KEY] = body[29:].decode("utf-8", "replace")
        elif marker == 0xEB and body.startswith(b"JP") and b"jumb" in body and b"c2pa" in body:
            c2pa = True
        pos += 2 + length
    return texts, c2pa


def _webp(data: bytes) -> tuple[dict[str, str], bool]:
    texts: dict[str, str] = {}
    c2pa = False
    pos = 12
    while pos + 8 <= len(data):
        kind, length = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        if kind == b"XMP ":
            texts[XMP_KEY] = data[pos + 8:pos + 8 + length].decode("utf-8", "replace")
        elif kind == b"C2PA":
            c2pa = True
        pos += 8 + length + (length & 1)
    return texts, c2pa


def stamp(png: bytes, *, generator: str, model: str, prompt: str, seed: int, instance: str,
          created: datetime | None = None) -> bytes:
    """A generated PNG with Roost's provenance written in."""
    return write_png(png, fields(generator=generator, model=model, prompt=prompt, seed=seed,
                                 instance=instance, created=created))
