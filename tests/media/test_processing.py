"""Processing as pure functions of bytes: identification, bombs, orientation, stripping, blurhash."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from roost.kit.errors import Invalid
from roost.media import blurhash, gif, processing
from tests.media import images

LIMIT = 40_000_000


def _pixels(im: Image.Image) -> list[tuple[int, int, int]]:
    raw = im.convert("RGB").tobytes()
    return list(zip(raw[0::3], raw[1::3], raw[2::3], strict=True))


def test_blurhash_of_a_solid_colour_matches_the_reference():
    # The reference encoder gives this for black with 4x3 components; white's DC is 0xFFFFFF.
    assert blurhash.encode(_pixels(Image.new("RGB", (8, 8), "black")), 8, 8) == \
        "L00000fQfQfQfQfQfQfQfQfQfQfQ"
    assert blurhash.encode(_pixels(Image.new("RGB", (8, 8), "white")), 8, 8)[2:6] == "TSUA"


def test_blurhash_decodes_back_to_the_image():
    im = images.two_tone((64, 32), left="blue", right="yellow")
    hash_ = blurhash.encode(_pixels(im), 64, 32, 4, 3)
    assert len(hash_) == 28 and all(c in blurhash.ALPHABET for c in hash_)
    assert hash_[0] == blurhash.ALPHABET[3 + 2 * 9]  # size flag for 4x3
    decoded = images.blurhash_decode(hash_, 64, 32)
    left, right = decoded[16][2], decoded[16][60]
    assert left[2] > left[0] + 60, left     # blue-ish on the left
    assert right[0] > 180 and right[1] > 180 and right[2] < 120, right  # yellow on the right


def test_blurhash_component_counts_are_encoded():
    px = _pixels(images.two_tone((16, 16)))
    assert len(blurhash.encode(px, 16, 16, 1, 1)) == 6
    assert len(blurhash.encode(px, 16, 16, 9, 9)) == 4 + 2 * 81
    with pytest.raises(ValueError):
        blurhash.encode(px, 16, 16, 10, 1)


def test_jpeg_is_rotated_and_stripped_of_exif_gps_icc_and_comments():
    data = images.jpeg_with_gps(orientation=6)
    assert b"SpyCam" in data and b"secret-comment" in data
    done = processing.process_attachment(data, max_pixels=LIMIT)
    out = images.open_bytes(done.original.data)
    assert out.format == "JPEG"
    assert out.size == (200, 400)  # orientation 6: turned a quarter clockwise
    assert (done.original.width, done.original.height) == (200, 400)
    assert out.getpixel((100, 10))[0] > 200 and out.getpixel((100, 10))[1] < 60  # red now on top
    assert out.getpixel((100, 390)) >= (240, 240, 240)
    for blob in (done.original.data, done.thumbnail.data):
        assert b"Exif" not in blob and b"SpyCam" not in blob and b"secret-comment" not in blob
        assert b"ICC_PROFILE" not in blob
        im = images.open_bytes(blob)
        assert not im.getexif() and "icc_profile" not in im.info and "exif" not in im.info


def test_png_text_chunks_are_stripped_and_alpha_kept():
    data = images.png_with_text()
    assert b"secret-text-chunk" in data
    done = processing.process_attachment(data, max_pixels=LIMIT)
    out = images.open_bytes(done.original.data)
    assert out.format == "PNG" and out.mode == "RGBA"
    assert out.getpixel((119, 79))[3] == 0
    assert not set(out.info) & {"Comment", "Location", "XML:com.adobe.xmp", "exif", "icc_profile"}
    for chunk in (b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"iCCP"):
        assert chunk not in done.original.data and chunk not in done.thumbnail.data
    assert images.open_bytes(done.thumbnail.data).format == "PNG"  # transparent thumbnails stay PNG


def test_webp_is_reencoded_without_exif():
    data = images.webp()
    assert b"SpyCam" in data
    done = processing.process_attachment(data, max_pixels=LIMIT)
    assert done.original.content_type == "image/webp"
    assert b"SpyCam" not in done.original.data and b"EXIF" not in done.original.data
    assert images.open_bytes(done.original.data).size == (300, 150)


def test_still_gif_becomes_png_and_animated_gif_keeps_its_frames_without_comments():
    still = processing.process_attachment(images.gif(1), max_pixels=LIMIT)
    assert still.original.ext == "png" and still.type == "image"
    animated_src = images.gif(3)
    assert b"secret-gif-comment" in animated_src
    animated = processing.process_attachment(animated_src, max_pixels=LIMIT)
    assert animated.original.content_type == "image/gif" and animated.type == "image"
    assert b"secret-gif-comment" not in animated.original.data
    out = images.open_bytes(animated.original.data)
    assert out.n_frames == 3 and out.info.get("loop") == 0 and out.info.get("duration") == 80
    assert "comment" not in out.info
    assert images.open_bytes(animated.thumbnail.data).format == "JPEG"  # a still preview


def test_gif_stripper_refuses_broken_files():
    with pytest.raises(gif.GifError):
        gif.strip(b"GIF89a" + b"\x01\x00\x01\x00\x00\x00\x00" + b"\x99")
    with pytest.raises(gif.GifError):
        gif.strip(b"not a gif at all")


def test_large_images_are_downscaled_and_thumbnailed():
    buf = io.BytesIO()
    images.two_tone((5000, 1000)).save(buf, "PNG")
    done = processing.process_attachment(buf.getvalue(), max_pixels=LIMIT)
    assert (done.original.width, done.original.height) == (3840, 768)
    assert (done.thumbnail.width, done.thumbnail.height) == (640, 128)


@pytest.mark.parametrize("data", [
    b"hello, I am text pretending to be a JPEG",
    b"<svg xmlns='http://www.w3.org/2000/svg'></svg>",
    b"%PDF-1.4 not an image",
    b"\xff\xd8\xff\xe0 truncated jpeg",
])
def test_other_bytes_are_refused(data):
    with pytest.raises(Invalid) as err:
        processing.process_attachment(data, max_pixels=LIMIT)
    assert err.value.status == 422


def test_bmp_and_tiff_are_not_accepted_even_though_pillow_reads_them():
    for fmt in ("BMP", "TIFF"):
        buf = io.BytesIO()
        Image.new("RGB", (10, 10)).save(buf, fmt)
        with pytest.raises(Invalid, match="File type not supported"):
            processing.process_attachment(buf.getvalue(), max_pixels=LIMIT)


@pytest.mark.parametrize("size", [(8000, 6000), (100_000, 100_000), (2**31 - 1, 2**31 - 1)])
def test_decompression_bombs_are_refused_before_decoding(size):
    data = images.bomb_png(*size)
    assert len(data) < 200
    with pytest.raises(Invalid, match="dimensions are too large"):
        processing.process_attachment(data, max_pixels=LIMIT)


def test_pixel_limit_never_exceeds_pillows_bomb_warning_threshold():
    assert processing.pixel_limit(10**12) == Image.MAX_IMAGE_PIXELS
    assert processing.pixel_limit(1000) == 1000


def test_profile_images_are_cropped_to_size():
    data = images.jpeg_with_gps(orientation=1, size=(1000, 600))
    avatar = processing.process_profile_image(data, max_pixels=LIMIT, size=(400, 400))
    header = processing.process_profile_image(data, max_pixels=LIMIT, size=(1500, 500))
    assert images.open_bytes(avatar.data).size == (400, 400)
    assert images.open_bytes(header.data).size == (1500, 500)
    assert b"SpyCam" not in avatar.data and b"SpyCam" not in header.data


def _palette_with_hole() -> Image.Image:
    im = Image.new("P", (40, 30), 1)
    im.putpalette([0, 0, 0, 255, 0, 0])
    im.paste(0, (0, 0, 10, 10))
    return im


def _encoded(im: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


@pytest.mark.parametrize("data,mode,ext", [
    (_encoded(Image.new("CMYK", (40, 30), (0, 255, 255, 0)), "JPEG"), "RGB", "jpg"),
    (_encoded(Image.new("L", (40, 30), 128), "JPEG"), "RGB", "jpg"),
    (_encoded(Image.new("I;16", (40, 30), 40000), "PNG"), "RGB", "png"),
    (_encoded(Image.new("LA", (40, 30), (90, 0)), "PNG"), "RGBA", "png"),
    (_encoded(_palette_with_hole(), "PNG", transparency=0), "RGBA", "png"),
    (_encoded(Image.new("1", (40, 30), 1), "PNG"), "RGB", "png"),
    (_encoded(Image.new("RGB", (40, 30), "red"), "JPEG", icc_profile=b"not a real profile"), "RGB", "jpg"),
])
def test_unusual_modes_and_broken_profiles_still_process(data, mode, ext):
    done = processing.process_attachment(data, max_pixels=LIMIT)
    out = images.open_bytes(done.original.data)
    assert out.mode == mode and done.original.ext == ext and out.size == (40, 30)
    assert "icc_profile" not in out.info


def test_cmyk_is_converted_to_matching_rgb():
    data = _encoded(Image.new("CMYK", (40, 30), (0, 255, 255, 0)), "JPEG", quality=95)
    r, g, b = images.open_bytes(processing.process_attachment(data, max_pixels=LIMIT).original.data) \
        .getpixel((20, 15))
    assert r > 200 and g < 60 and b < 60  # cyan 0, magenta + yellow full: red


@pytest.mark.parametrize("fmt", ["webp", "png"])
def test_animated_webp_and_apng_keep_frames_and_durations_without_metadata(fmt):
    src = images.animated(fmt, frames=4, durations=[50, 120, 200, 90])
    done = processing.process_attachment(src, max_pixels=LIMIT)
    assert done.type == "image" and done.original.ext == fmt
    out = images.open_bytes(done.original.data)
    assert out.n_frames == 4 and out.info.get("loop") == 2
    seen = []
    for i in range(out.n_frames):
        out.seek(i)
        out.load()  # WebP fills in the frame's duration on load
        seen.append(out.info.get("duration"))
        colour = out.convert("RGB").getpixel((5, 5))
        want = [(255, 0, 0), (0, 128, 0), (0, 0, 255), (255, 255, 0)][i]
        assert max(abs(a - b) for a, b in zip(colour, want, strict=True)) <= 8  # WebP is lossy
    assert seen == [50, 120, 200, 90]
    assert b"SpyCam" not in done.original.data and b"secret-text-chunk" not in done.original.data
    assert getattr(images.open_bytes(done.thumbnail.data), "n_frames", 1) == 1  # a still preview


@pytest.mark.parametrize("fmt", ["webp", "png"])
def test_animation_bombs_are_refused_before_decoding(fmt, monkeypatch):
    from roost.media import animation

    monkeypatch.setattr(animation, "MAX_FRAMES", 5)
    with pytest.raises(Invalid, match="at most 5 frames"):
        processing.process_attachment(images.animated(fmt, frames=6), max_pixels=LIMIT)
    # 5 frames of 70x70 = 24,500 pixels: each frame fits 5,000, all together exceed 4 x 5,000
    with pytest.raises(Invalid, match="all frames together"):
        processing.process_attachment(images.animated(fmt, frames=5, size=(70, 70)),
                                      max_pixels=5_000)
