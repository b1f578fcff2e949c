"""User text made safe to store and to show.

`clean_text` is applied at the write path (lib.commands.kit) and to every import: it drops
NUL and the other control characters, which PostgreSQL refuses (NUL) or which break Word
and PowerPoint files (e.g. U+000B). Newline and tab stay; Windows line ends become "\\n".

`inert` makes a user's string display as itself wherever Streamlit renders markdown
(markdown, captions, metrics, messages, radio/segmented-control labels, toasts, headers):
no link, image or HTML. `plain` is for the few places that show text as text already:
st.selectbox and st.multiselect option labels (checked in Chromium on Streamlit 1.67:
their options and chips show `**x**` literally, so an escape would show its backslash),
table cells, chart labels.
"""

from __future__ import annotations

import re
import unicodedata

# C0 and C1 controls except tab and newline, plus DEL; and the Unicode line/paragraph
# separators, which XML (Word, PowerPoint) accepts but readers show as stray breaks.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")


def clean_text(value: str) -> str:
    """Without control characters (newline and tab kept; CR LF and CR become LF)."""
    if not value:
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value)


def has_control_characters(value: str) -> bool:
    return bool(_CONTROL.search(value.replace("\r", "")))


# GFM turns bare addresses into links after escapes are resolved ("http://", "www.",
# "name@host"), so no backslash stops it; an invisible word joiner inside the pattern does.
_AUTOLINK = re.compile(r"(?i)(https?|ftp|mailto|www)(?=[:.])|(?<=[\w.+-])(?=@)")
WORD_JOINER = "\u2060"

# Characters with a meaning in Streamlit's markdown (CommonMark + GFM + its own :colour[]
# and :material/icon: directives and $math$), and HTML's angle brackets and ampersand.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>:$=^])")


def inert(value: object) -> str:
    """The string shown literally by Streamlit's markdown: HTML's < > & as entities
    (Streamlit renders no raw HTML there, but an entity cannot open a tag either way),
    every markdown character backslash-escaped, and line starts that would begin a list,
    heading or quote neutralised by that escaping; bare web and e-mail addresses broken
    by an invisible word joiner so they are not made links. Non-printing format characters
    that could reorder text (bidi overrides) are dropped."""
    text = "" if value is None else str(value)
    text = "".join(
        ch for ch in text if unicodedata.category(ch) != "Cf" or ch in "\u200d"
    )  # keep ZWJ (emoji); drop bidi overrides and the like
    text = clean_text(text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _AUTOLINK.sub(lambda m: (m.group(1) or "") + WORD_JOINER, text)
    # A line break stays a line break (markdown would join the lines).
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


def plain(value: object) -> str:
    """A user's string for a widget that shows text as text (selectbox and multiselect
    options): only control characters removed."""
    return clean_text("" if value is None else str(value))
