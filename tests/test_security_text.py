"""The one escaping function (lib.domain.text.inert) and the write path's cleaning
(clean_text): properties over generated text, and the payloads of the review."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from lib.domain.text import WORD_JOINER, clean_text, has_control_characters, inert, plain

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@given(st.text())
def test_clean_text_leaves_no_control_character_but_newline_and_tab(value):
    cleaned = clean_text(value)
    assert not CONTROL.search(cleaned) and "\r" not in cleaned
    assert not has_control_characters(cleaned)
    assert clean_text(cleaned) == cleaned  # idempotent


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Cf"))))
def test_inert_only_adds_escapes(value):
    """Removing the escapes gives back the text: nothing is lost, only made literal."""
    shown = inert(value)
    unescaped = re.sub(r"\\(.)", r"\1", shown.replace("  \n", "\n").replace(WORD_JOINER, ""))
    unescaped = unescaped.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert unescaped == value.replace("\u2028", "").replace("\u2029", "")


@given(st.text())
def test_inert_leaves_no_unescaped_markdown_or_html(value):
    shown = inert(value)
    assert "<" not in shown and ">" not in shown
    # Every markdown character is preceded by a backslash.
    for match in re.finditer(r"[\[\]()!*_`#|~:$]", shown):
        assert shown[match.start() - 1] == "\\", (shown, match.start())


def test_review_payloads():
    assert inert("![p](http://host/img.png)") == (
        f"\\!\\[p\\]\\(http{WORD_JOINER}\\://host/img\\.png\\)"
    )
    assert inert('=HYPERLINK("http://x.io","D-9")').startswith("\\=HYPERLINK\\(")
    assert "<" not in inert("<script>alert(1)</script>")
    assert WORD_JOINER in inert("se www.x.dk") and WORD_JOINER in inert("a@b.dk")
    assert plain("Ole *Hansen*\x00") == "Ole *Hansen*"
