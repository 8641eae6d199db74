"""Real images made with Pillow for the media tests, and a BlurHash decoder to check our encoder."""

from __future__ import annotations

import io
import math
import struct
import zlib

from PIL import ExifTags, Image, ImageDraw, PngImagePlugin

from roost.media.blurhash import ALPHABET

GPS_LATITUDE = (48.0, 51.0, 29.0)


def two_tone(size: tuple[int, int] = (400, 200), left: str = "red", right: str = "white") -> Image.Image:
    """Left quarter `left`, the rest `right`: rotations and blurhash are easy to check."""
    im = Image.new("RGB", size, right)
    ImageDraw.Draw(im).rectangle([0, 0, size[0] // 4, size[1]], fill=left)
    return im


def jpeg_with_gps(orientation: int = 6, size: tuple[int, int] = (400, 200)) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "SpyCam"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 17.0, 40.0)
    buf = io.BytesIO()
    two_tone(size).save(buf, "JPEG", exif=exif, quality=95,
                        icc_profile=_srgb_icc(), comment=b"secret-comment")
    return buf.getvalue()


def _srgb_icc() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def png_with_text(size: tuple[int, int] = (120, 80), alpha: bool = True) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret-text-chunk")
    info.add_text("Location", "secret-ztxt", zip=True)
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>secret-xmp</x:xmpmeta>")
    im = two_tone(size).convert("RGBA")
    if alpha:
        im.putpixel((size[0] - 1, size[1] - 1), (0, 0, 0, 0))
    buf = io.BytesIO()
    im.save(buf, "PNG", pnginfo=info)
    return buf.getvalue()


def webp(size: tuple[int, int] = (300, 150)) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SpyCam"
    buf = io.BytesIO()
    two_tone(size).save(buf, "WEBP", exif=exif, quality=90)
    return buf.getvalue()


def gif(frames: int = 1, size: tuple[int, int] = (60, 40)) -> bytes:
    colours = ["red", "green", "blue", "yellow", "white"]
    ims = [Image.new("RGB", size, colours[i % len(colours)]) for i in range(frames)]
    buf = io.BytesIO()
    if frames == 1:
        ims[0].save(buf, "GIF", comment=b"secret-gif-comment")
    else:
        ims[0].save(buf, "GIF", save_all=True, append_images=ims[1:], duration=80, loop=0,
                    comment=b"secret-gif-comment")
    return buf.getvalue()


def noise_png(size: tuple[int, int]) -> bytes:
    """A PNG that does not compress: its size is about width*height*3 bytes."""
    buf = io.BytesIO()
    Image.merge("RGB", [Image.effect_noise(size, 90).convert("L") for _ in range(3)]) \
        .save(buf, "PNG", compress_level=0)
    return buf.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int, height: int) -> bytes:
    """A tiny file whose header declares width x height pixels (a decompression bomb)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


# ---- BlurHash decoding (independent of the encoder, from the spec) ------------------------------

def _b83(s: str) -> int:
    value = 0
    for ch in s:
        value = value * 83 + ALPHABET.index(ch)
    return value


def _to_linear(v: int) -> float:
    v = v / 255
    return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4


def _to_srgb(v: float) -> int:
    v = min(max(v, 0.0), 1.0)
    return round(v * 12.92 * 255) if v <= 0.0031308 else round((1.055 * v ** (1 / 2.4) - 0.055) * 255)


def blurhash_decode(hash_: str, width: int, height: int) -> list[list[tuple[int, int, int]]]:
    size_flag = _b83(hash_[0])
    nx, ny = size_flag % 9 + 1, size_flag // 9 + 1
    if len(hash_) != 4 + 2 * nx * ny:
        raise ValueError("bad blurhash length")
    max_ac = (_b83(hash_[1]) + 1) / 166
    dc = _b83(hash_[2:6])
    colours = [(_to_linear(dc >> 16), _to_linear((dc >> 8) & 255), _to_linear(dc & 255))]
    for i in range(1, nx * ny):
        v = _b83(hash_[4 + i * 2: 6 + i * 2])
        q = (v // 361, (v // 19) % 19, v % 19)
        colours.append(tuple(math.copysign(((c - 9) / 9) ** 2, c - 9) * max_ac for c in q))
    rows = []
    for y in range(height):
        row = []
        for x in range(width):
            rgb = [0.0, 0.0, 0.0]
            for j in range(ny):
                for i in range(nx):
                    basis = math.cos(math.pi * x * i / width) * math.cos(math.pi * y * j / height)
                    c = colours[i + j * nx]
                    for k in range(3):
                        rgb[k] += c[k] * basis
            row.append(tuple(_to_srgb(v) for v in rgb))
        rows.append(row)
    return rows


def open_bytes(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def animated(fmt: str, frames: int = 3, size: tuple[int, int] = (60, 40),
             durations: list[int] | None = None) -> bytes:
    """An animated WebP or APNG with EXIF / a text chunk that must not survive."""
    colours = ["red", "green", "blue", "yellow", "white"]
    ims = [Image.new("RGBA", size, colours[i % len(colours)]) for i in range(frames)]
    durations = durations or [80 + 10 * i for i in range(frames)]
    buf = io.BytesIO()
    if fmt == "webp":
        exif = Image.Exif()
        exif[ExifTags.Base.Make] = "SpyCam"
        ims[0].save(buf, "WEBP", save_all=True, append_images=ims[1:], duration=durations, loop=2,
                    exif=exif, lossless=True)
    else:
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", "secret-text-chunk")
        ims[0].save(buf, "PNG", save_all=True, append_images=ims[1:], duration=durations, loop=2,
                    pnginfo=info)
    return buf.getvalue()
