"""A chart rendered for a document: what the Word report and the PowerPoint deck embed.

Neutral ground between the chart builders (lib.documents.presentation renders them) and
the document writers (lib.documents.word, lib.documents.powerpoint), so neither writer
depends on the other or on Altair.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class DocumentChart:
    """A chart ready for a document: its title, the question it belongs to, a PNG."""

    key: str
    question: str | None  # "q1".."q8" for an agreement chart, None for overview charts
    agreement_id: int | None
    title: str
    subtitle: str
    png: bytes
    alt_text: str = ""
    figures: list[str] = field(default_factory=list)  # published figures (speaker notes)
    definitions: list[str] = field(default_factory=list)
