"""Image processing with Pillow: identify from the bytes, refuse bombs, orient, strip metadata,
downscale, thumbnail, blurhash. Pure functions of bytes; CPU-bound, so callers run them in a thread.

Every stored image is a fresh encode of pixels only: no EXIF, GPS, XMP, ICC profile (pixels are
converted to sRGB first) or text chunks survive. Animated GIFs are the exception that is not
re-encoded: their blocks are copied without metadata (see gif.py). Animated WebP and APNG are
re-encoded frame by frame (animation.py)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from roost.kit.errors import Invalid
from roost.media import animation, blurhash, gif

FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
MAX_SIDE = 3840
THUMB_SIDE = 640
BLURHASH_SIDE = 32
MAX_GIF_FRAMES = animation.MAX_FRAMES

CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "gif": "image/gif"}

UNSUPPORTED = "File type not supported"
UNREADABLE = "Image could not be read"

_SRGB = ImageCms.createProfile("sRGB")
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_90,
}


@dataclass
class Encoded:
    data: bytes
    ext: str
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.ext]


@dataclass
class Processed:
    original: Encoded
    thumbnail: Encoded
    blurhash: str
    type: str = "image"


def pixel_limit(max_pixels: int) -> int:
    """Our limit, never above the point where Pillow itself warns about a decompression bomb."""
    return min(max_pixels, Image.MAX_IMAGE_PIXELS or max_pixels)


def animation_budget(max_pixels: int) -> int:
    """Pixels of all frames of an animated WebP/APNG together: four full-size stills' worth."""
    return 4 * pixel_limit(max_pixels)


def open_image(data: bytes, *, max_pixels: int) -> Image.Image:
    """Identify the image from its bytes and check its size from the header, before decoding."""
    try:
        im = Image.open(io.BytesIO(data), formats=FORMATS)
    except Image.DecompressionBombError as exc:
        raise Invalid("Image dimensions are too large") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise Invalid(UNSUPPORTED) from exc
    w, h = im.size
    if w < 1 or h < 1:
        raise Invalid(UNREADABLE)
    if w * h > pixel_limit(max_pixels):
        raise Invalid(f"Image dimensions are too large ({w}x{h}; at most "
                      f"{pixel_limit(max_pixels):,} pixels)")
    return im


def _decode(im: Image.Image, icc: bytes | None = None) -> Image.Image:
    """Decode the current frame into a detached image with no metadata but the ICC profile
    (which is applied to the pixels and then dropped; `icc` overrides the frame's own)."""
    try:
        im.load()
        orientation = im.getexif().get(0x0112) if im.format in ("JPEG", "WEBP", "PNG") else None
        icc = icc or im.info.get("icc_profile")
        transparency = "transparency" in im.info
        frame = im.copy()
    except Image.DecompressionBombError as exc:
        raise Invalid("Image dimensions are too large") from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise Invalid(UNREADABLE) from exc
    frame = _to_rgb(frame, icc=icc, transparency=transparency)
    method = _TRANSPOSE.get(orientation) if isinstance(orientation, int) else None
    if method is not None:
        frame = frame.transpose(method)
    frame.info = {}
    return frame


def _to_rgb(im: Image.Image, *, icc: bytes | None, transparency: bool) -> Image.Image:
    """RGB or RGBA pixels in sRGB."""
    if im.mode in ("I", "F") or im.mode.startswith("I;"):
        im = im.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    alpha = im.mode in ("RGBA", "LA", "PA", "La", "RGBa") or transparency
    if im.mode == "CMYK" and not icc:
        im = im.convert("RGB")
    if icc:
        try:
            src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if im.mode in ("P", "PA", "1"):
                im = im.convert("RGBA" if alpha else "RGB")
            out_mode = "RGBA" if alpha and im.mode == "RGBA" else "RGB"
            converted = ImageCms.profileToProfile(im, src, _SRGB, outputMode=out_mode)
            if converted is not None:
                im = converted
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # a broken profile: keep the pixels as they are
    im = im.convert("RGBA" if alpha else "RGB")
    if im.mode == "RGBA" and im.getchannel("A").getextrema() == (255, 255):
        im = im.convert("RGB")
    return im


def _fit(im: Image.Image, side: int) -> Image.Image:
    w, h = im.size
    if max(w, h) <= side:
        return im
    scale = side / max(w, h)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return im.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def encode(im: Image.Image, fmt: str) -> Encoded:
    buf = io.BytesIO()
    if fmt == "jpg":
        im.convert("RGB").save(buf, "JPEG", quality=88, optimize=True, progressive=True)
    elif fmt == "png":
        im.save(buf, "PNG", compress_level=6)
    elif fmt == "webp":
        im.save(buf, "WEBP", quality=88, method=4)
    else:
        raise ValueError(fmt)
    return Encoded(buf.getvalue(), fmt, im.width, im.height)


def _still_format(source: str) -> str:
    if source == "JPEG":
        return "jpg"
    if source == "WEBP":
        return "webp"
    return "png"  # PNG, and GIF stills (full colour, lossless from the palette)


def blurhash_of(im: Image.Image) -> str:
    small = im.copy()
    small.thumbnail((BLURHASH_SIDE, BLURHASH_SIDE), Image.Resampling.BILINEAR)
    if small.mode == "RGBA":
        bg = Image.new("RGB", small.size, (255, 255, 255))
        bg.paste(small, mask=small.getchannel("A"))
        small = bg
    raw = small.convert("RGB").tobytes()
    pixels = list(zip(raw[0::3], raw[1::3], raw[2::3], strict=True))
    return blurhash.encode(pixels, small.width, small.height, 4, 3)


def _thumbnail(im: Image.Image) -> Encoded:
    thumb = _fit(im, THUMB_SIDE)
    return encode(thumb, "png" if thumb.mode == "RGBA" else "jpg")


def process_attachment(data: bytes, *, max_pixels: int) -> Processed:
    """The original (at most MAX_SIDE on its long side), a thumbnail and a blurhash."""
    im = open_image(data, max_pixels=max_pixels)
    source = im.format or ""
    animated_gif = source == "GIF" and getattr(im, "is_animated", False)
    animated = animation.is_animated(im)
    if animated:
        animation.check(im, pixel_budget=animation_budget(max_pixels))
    icc = im.info.get("icc_profile")
    still = _decode(im)  # for animations: the first frame, for the preview
    thumb = _thumbnail(still)
    hash_ = blurhash_of(still)
    if animated_gif:
        original = _animated_gif(data, im)
    elif animated:
        try:
            raw, ext = animation.reencode(im, lambda frame: _decode(frame, icc))
        except (OSError, ValueError, EOFError) as exc:
            raise Invalid(UNREADABLE) from exc
        original = Encoded(raw, ext, im.width, im.height)
    else:
        original = encode(_fit(still, MAX_SIDE), _still_format(source))
    return Processed(original=original, thumbnail=thumb, blurhash=hash_)


def _animated_gif(data: bytes, im: Image.Image) -> Encoded:
    try:
        stripped = gif.strip(data)
    except gif.GifError as exc:
        raise Invalid(UNREADABLE) from exc
    if max(stripped.width, stripped.height) > MAX_SIDE:
        raise Invalid(f"Animated GIFs may be at most {MAX_SIDE} pixels on a side")
    if stripped.frames > MAX_GIF_FRAMES:
        raise Invalid(f"Animated GIFs may have at most {MAX_GIF_FRAMES} frames")
    return Encoded(stripped.data, "gif", stripped.width, stripped.height)


def process_profile_image(data: bytes, *, max_pixels: int, size: tuple[int, int]) -> Encoded:
    """A still cropped to fill `size` exactly (avatars 400x400, headers 1500x500)."""
    im = open_image(data, max_pixels=max_pixels)
    still = _decode(im)
    fitted = ImageOps.fit(still, size, Image.Resampling.LANCZOS)
    fitted.info = {}
    return encode(fitted, "png" if fitted.mode == "RGBA" else "jpg")


EMOJI_SIDE = 256
EMOJI_FORMATS = ("PNG", "GIF", "WEBP")


def process_emoji(data: bytes, *, max_pixels: int) -> tuple[Encoded, Encoded]:
    """A custom emoji: (the image to show, a still PNG). Animated GIFs keep their animation
    (metadata stripped); every other image becomes a PNG at most EMOJI_SIDE on a side."""
    im = open_image(data, max_pixels=max_pixels)
    if im.format not in EMOJI_FORMATS:
        raise Invalid("Custom emojis must be PNG, GIF or WebP images")
    still = encode(_fit(_decode(im), EMOJI_SIDE), "png")
    if im.format == "GIF" and getattr(im, "is_animated", False):
        return _animated_gif(data, im), still
    return still, still
