"""Characters are counted as Mastodon counts them: extended grapheme clusters (a flag, an emoji
ZWJ sequence, a letter with combining marks is one), links as 23, a mention without its domain;
a post's content warning and text share one limit. Poll options and the bio count graphemes
too; the display name counts code points, as Mastodon's does."""

from __future__ import annotations

import pytest

from roost.kit.text import length

FAMILY = "\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466"  # 7 code points
FLAG = "\U0001F1F3\U0001F1FF"  # regional indicators N + Z
RAINBOW = "\U0001F3F3\uFE0F\u200D\U0001F308"
THUMBS = "\U0001F44D\U0001F3FD"  # with a skin tone
E_ACUTE = "e\u0301"  # e + combining acute accent
ZALGO = "a\u0300\u0301\u0302\u0303"


@pytest.mark.parametrize(("text", "expected"), [
    ("", 0), ("abc", 3), (FAMILY, 1), (FLAG, 1), (FLAG + FLAG, 2), (RAINBOW, 1), (THUMBS, 1),
    (E_ACUTE, 1), (ZALGO, 1), ("\r\n", 1), ("\u1100\u1161\u11A8", 1), ("日本語", 3),
])
def test_length_counts_grapheme_clusters(text, expected):
    assert length(text) == expected


async def _post(api, person, **body):  # noqa: ANN001
    return await api.post("/api/v1/statuses", json=body, headers=person.headers)


async def test_a_post_of_500_emoji_sequences_fits(api, make):
    alice = await make.account()
    for unit in (FAMILY, FLAG, E_ACUTE, RAINBOW):
        r = await _post(api, alice, status=unit * 500)
        assert r.status_code == 200, (unit, r.text)
        assert (await _post(api, alice, status=unit * 501)).status_code == 422


async def test_content_warning_and_text_share_the_limit(api, make):
    alice = await make.account()
    r = await _post(api, alice, status=FLAG * 490, spoiler_text=FAMILY * 10)
    assert r.status_code == 200, r.text
    r = await _post(api, alice, status=FLAG * 490, spoiler_text=FAMILY * 11)
    assert r.status_code == 422
    assert r.json()["error"] == "Validation failed: Text character limit of 500 exceeded"


async def test_links_count_23_and_mentions_lose_their_domain(api, make):
    alice = await make.account()
    link = "https://example.com/" + "a" * 200
    text = link + " " + "x" * (500 - 23 - 1)
    assert (await _post(api, alice, status=text)).status_code == 200
    assert (await _post(api, alice, status=text + "x")).status_code == 422
    mention = "@someone@far.away.example"  # counts as "@someone": 8
    assert (await _post(api, alice, status=mention + " " + "y" * 491)).status_code == 200
    assert (await _post(api, alice, status=mention + " " + "y" * 492)).status_code == 422


async def test_poll_options_count_graphemes(api, make):
    alice = await make.account()
    ok = await _post(api, alice, status="which?", poll={
        "options": [FAMILY * 50, E_ACUTE * 50], "expires_in": 3600})
    assert ok.status_code == 200, ok.text
    assert [o["title"] for o in ok.json()["poll"]["options"]] == [FAMILY * 50, E_ACUTE * 50]
    r = await _post(api, alice, status="which?", poll={
        "options": [FLAG * 51, "no"], "expires_in": 3600})
    assert r.status_code == 422
    assert r.json()["error"] == ("Validation failed: Poll options cannot be longer than 50 "
                                 "characters each")


async def test_bio_counts_graphemes_and_display_name_code_points(api, make):
    alice = await make.account()

    async def update(**body):  # noqa: ANN202
        return await api.patch("/api/v1/accounts/update_credentials", json=body,
                               headers=alice.headers)

    r = await update(note=RAINBOW * 500)
    assert r.status_code == 200, r.text
    assert r.json()["source"]["note"] == RAINBOW * 500
    assert (await update(note=RAINBOW * 501)).status_code == 422
    assert (await update(note=E_ACUTE * 250 + " https://example.com/" + "p" * 100)).status_code == 200
    # the display name: 30 code points, as Mastodon's Rails length validation counts
    assert (await update(display_name="a" * 30)).status_code == 200
    assert (await update(display_name=E_ACUTE * 15)).status_code == 200
    assert (await update(display_name=E_ACUTE * 16)).status_code == 422
