"""Exact and near-duplicate detection for texts: MinHash signatures and LSH banding.

Texts are normalised (lower case, URLs and mentions dropped, whitespace collapsed), cut into
character 5-gram shingles (CRC-32 of each), and each gets a MinHash signature of PERMUTATIONS 32-bit hashes
((a * x + b) mod p over the shingles' 32-bit hashes, with fixed a and b: deterministic across
runs and machines). LSH with BANDS bands of ROWS rows makes two texts candidates when one band
matches: likely from a Jaccard similarity of about (1/BANDS)^(1/ROWS) ≈ 0.42; a candidate pair
is a duplicate when its estimated Jaccard similarity is at least THRESHOLD (0.8). Exact duplicates
(the same normalised text) are found by hash first. Of each group the first text given is kept."""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Sequence

import numpy as np

PERMUTATIONS = 128
BANDS, ROWS = 32, 4
THRESHOLD = 0.8
SHINGLE = 5
PRIME = np.uint64(4294967291)  # the largest prime below 2^32: (a * x + b) stays below 2^64

_rng = np.random.default_rng(20261205)
_A = _rng.integers(1, int(PRIME), size=PERMUTATIONS, dtype=np.uint64)
_B = _rng.integers(0, int(PRIME), size=PERMUTATIONS, dtype=np.uint64)
_DROP = re.compile(r"https?://\S+|(?<!\w)@[\w.@-]+")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _SPACE.sub(" ", _DROP.sub(" ", text.lower())).strip()


def shingles(text: str) -> np.ndarray:
    """32-bit hashes of the text's character 5-grams (the whole text when shorter)."""
    grams = {text[i:i + SHINGLE] for i in range(max(1, len(text) - SHINGLE + 1))}
    return np.fromiter((zlib.crc32(g.encode()) for g in grams), dtype=np.uint64, count=len(grams))


def signature(text: str) -> np.ndarray:
    """The MinHash signature (PERMUTATIONS values) of a normalised text."""
    x = shingles(text)
    return ((np.outer(x, _A) + _B) % PRIME).min(axis=0)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.count_nonzero(a == b)) / PERMUTATIONS


def duplicates(texts: Sequence[str], *, threshold: float = THRESHOLD) -> set[int]:
    """Indexes of the texts that duplicate an earlier one (exactly, or near: estimated Jaccard
    similarity at least `threshold`). Empty texts are never duplicates."""
    dropped: set[int] = set()
    exact: dict[str, int] = {}
    kept = np.empty((len(texts), PERMUTATIONS), dtype=np.uint64)  # signatures of kept texts
    n_kept = 0
    buckets: dict[tuple[int, bytes], list[int]] = {}
    needed = int(np.ceil(threshold * PERMUTATIONS))
    for i, raw in enumerate(texts):
        text = normalise(raw)
        if not text:
            continue
        digest = hashlib.sha256(text.encode()).hexdigest()
        if digest in exact:
            dropped.add(i)
            continue
        exact[digest] = i
        sig = signature(text)
        keys = [(band, sig[band * ROWS:(band + 1) * ROWS].tobytes()) for band in range(BANDS)]
        candidates = {j for key in keys for j in buckets.get(key, ())}
        if candidates:
            same = (kept[np.fromiter(candidates, dtype=np.int64)] == sig).sum(axis=1)
            if same.max() >= needed:
                dropped.add(i)
                continue
        kept[n_kept] = sig
        for key in keys:
            buckets.setdefault(key, []).append(n_kept)
        n_kept += 1
    return dropped
