"""Splitting long Telegram HTML (``handlers.telegram.common.split_message``).

Every part must be HTML that Telegram parses on its own (checked with the offline Bot API's
parser), fit the limit in UTF-16 units, and the parts' visible texts must together be the
whole visible text (only a line break where a part ends may be dropped).
"""

from __future__ import annotations

import html
import random

import pytest
from offline import html_to_plain

from handlers.telegram.common import split_message


def e(text: str) -> str:
    return html.escape(text, quote=False)


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def check(markup: str, limit: int) -> list[str]:
    """Split, then check every property; the parts' visible texts."""
    parts = split_message(markup, limit)
    whole = html_to_plain(markup)
    shown = [html_to_plain(part) for part in parts]  # raises where Telegram would refuse
    assert all(units(text) <= limit for text in shown), [units(t) for t in shown]
    assert all(text.strip() for text in shown)
    position = 0
    for text in shown:
        if not whole.startswith(text, position) and whole[position : position + 1] == "\n":
            position += 1  # the line break at a cut
        while not whole.startswith(text, position) and whole[position : position + 1].isspace():
            position += 1  # a part of nothing but blanks is not sent (Telegram refuses it)
        assert whole.startswith(text, position), (position, text[:40])
        position += len(text)
    assert whole[position:].strip() == ""
    return shown


def test_a_short_message_is_one_part_unchanged() -> None:
    assert split_message("<b>Halo</b> &amp; selamat") == ["<b>Halo</b> &amp; selamat"]


def test_a_long_line_of_escaped_characters_is_never_cut_inside_an_entity() -> None:
    text = "<&>" * 3000  # 9,000 characters, 39,000 of markup: no line break, no space
    # Telegram's limit is on the parsed text: &lt; is one character of the 4,096.
    shown = check(e(text), 4096)
    assert "".join(shown) == text
    assert [len(t) for t in shown] == [4096, 4096, 808]


def test_bold_text_split_across_parts_is_closed_and_reopened() -> None:
    markup = "<b>" + e("kata & <tag> ") * 1000 + "</b>\n<i>akhir</i>"
    parts = split_message(markup, 4096)
    assert len(parts) > 1
    assert all(p.startswith("<b>") for p in parts[:-1])
    assert all(p.endswith("</b>") for p in parts[:-1])
    shown = check(markup, 4096)
    assert "".join(shown).replace("\n", "") == html_to_plain(markup).replace("\n", "")


def test_parts_break_at_line_ends_when_there_are_lines() -> None:
    lines = [f"<b>{i:04d}</b> {e('Satker <A> & B')}" for i in range(600)]
    markup = "\n".join(lines)
    parts = split_message(markup, 4096)
    assert len(parts) > 1
    for part in parts:  # whole lines only
        assert part.startswith("<b>") and part.endswith(e("Satker <A> & B"))
    check(markup, 4096)


def test_emoji_outside_the_bmp_count_twice() -> None:
    markup = "📌" * 5000
    shown = check(markup, 4096)
    assert [len(t) for t in shown] == [2048, 2048, 904]


def test_a_link_and_a_pre_block_survive_a_cut() -> None:
    markup = (
        '<a href="tg://user?id=42">'
        + "Ayu " * 50
        + "</a>\n<pre>"
        + e("x < y && z\n") * 40
        + "</pre>"
    )
    for limit in (60, 100, 250):
        check(markup, limit)


@pytest.mark.parametrize("seed", range(150))
def test_random_html_splits_into_valid_parts_with_all_the_text(seed: int) -> None:
    rng = random.Random(seed)
    alphabet = "ab <&>\n é😀\"'"

    def fragment(depth: int) -> str:
        pieces = []
        for _ in range(rng.randint(1, 6)):
            if depth < 3 and rng.random() < 0.3:
                tag = rng.choice(["b", "i", "u", "s", "code", "tg-spoiler"])
                pieces.append(f"<{tag}>{fragment(depth + 1)}</{tag}>")
            else:
                pieces.append(e("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))))
        return "".join(pieces)

    markup = fragment(0)
    if not html_to_plain(markup).strip():
        markup += "x"
    check(markup, rng.choice([8, 40, 100, 300]))


def test_tags_do_not_count_but_stay_balanced_even_for_tiny_limits() -> None:
    markup = "<b><i><u>" + "x" * 50 + "</u></i></b>"
    assert [html_to_plain(p) for p in split_message(markup, 20)] == ["x" * 20, "x" * 20, "x" * 10]


def test_a_limit_too_small_for_one_character_is_an_error_not_a_loop() -> None:
    with pytest.raises(ValueError):
        split_message("😀" * 10, 1)
