from __future__ import annotations

import pytest

import numpy as np

pytestmark = pytest.mark.no_database


def test_shape_and_norm(embedder):
    vecs = embedder.embed(["hello world", "a second, rather longer sentence about birds"])
    assert len(vecs) == 2 and all(len(v) == embedder.dim == 384 for v in vecs)
    assert np.allclose(np.linalg.norm(np.array(vecs), axis=1), 1.0, atol=1e-5)
    assert embedder.embed([]) == []


def test_similar_meanings_are_closer(embedder):
    cat, kitten, market = embedder.embed_array(
        ["a cat on a sofa", "a kitten sleeping on a couch", "stock market crash"])
    assert cat @ kitten > 0.5 > cat @ market
    sea, ocean, tax = embedder.embed_array(
        ["waves on the beach", "the ocean shore at low tide", "filing an income tax return"])
    assert sea @ ocean > sea @ tax + 0.3


def test_batch_equals_single(embedder):
    texts = [f"sentence number {i} about {w}" for i, w in
             enumerate(["cats", "the sea", "a long walk in the mountains at dawn", "x"] * 20)]
    batch = embedder.embed_array(texts)
    single = np.stack([embedder.embed_array([t])[0] for t in texts[:6]])
    assert np.allclose(batch[:6], single, atol=1e-4)
