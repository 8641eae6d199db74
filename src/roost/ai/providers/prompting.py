"""What the text-to-image providers share: Roost's style names as prompt words, and sizes."""

from __future__ import annotations

from roost.ai.providers.base import ImageRequest

# Roost's styles (base.STYLES) said the way image models understand them.
STYLE_WORDS = {
    "flat": "flat vector illustration, clean shapes",
    "watercolour": "watercolour painting, soft washes on paper",
    "line-art": "line art, ink drawing",
    "pixel": "pixel art",
    "poster": "screen-printed poster, bold colours",
}


def styled_prompt(request: ImageRequest) -> str:
    if request.style is None:
        return request.prompt
    return f"{request.prompt}, {STYLE_WORDS[request.style]}"


def dimensions(request: ImageRequest, multiple: int = 8) -> tuple[int, int]:
    """The request's (width, height) rounded to a multiple of `multiple` (diffusion models work
    in 8-pixel latent cells)."""
    w, h = request.dimensions()
    return (max(multiple, round(w / multiple) * multiple),
            max(multiple, round(h / multiple) * multiple))
