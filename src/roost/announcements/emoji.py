"""Is a reaction name a single unicode emoji? (Custom emoji shortcodes are checked against the
table by the service.)"""

from __future__ import annotations

import unicodedata

JOINERS = {0x200D, 0xFE0E, 0xFE0F, 0x20E3}
KEYCAP_BASES = set("0123456789#*")
PICTOGRAPHIC = [(0x1F000, 0x1FAFF), (0x2600, 0x27BF), (0x2300, 0x23FF), (0x2B00, 0x2BFF),
                (0x2190, 0x21FF), (0x3030, 0x303D), (0x3297, 0x3299), (0x00A9, 0x00AE),
                (0x203C, 0x2049), (0x2122, 0x2139), (0x24C2, 0x24C2), (0x25AA, 0x25FE)]


def _pictographic(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in PICTOGRAPHIC)


def is_unicode_emoji(name: str) -> bool:
    if not name or len(name) > 16:
        return False
    if name[0] in KEYCAP_BASES:  # keycaps: 1️⃣, #️⃣
        return name[1:] in ("\u20e3", "\ufe0f\u20e3")
    seen_picture = False
    for ch in name:
        cp = ord(ch)
        if cp in JOINERS or 0xE0020 <= cp <= 0xE007F:  # joiners, variation selectors, tag flags
            continue
        if _pictographic(cp) or unicodedata.category(ch) in ("So", "Sk"):
            seen_picture = True
            continue
        return False
    return seen_picture
