"""Timer: planned and attended hours, illness absence and ordinary paid hours, several
weeks at once in one grid and one submit."""

from __future__ import annotations

from views.components.forms import entry_page, picked_course
from views.components.hours_grid import hours_grid
from views.texts import entry as texts

scope, engine = entry_page("Timer", texts.TIMER_INTRO)
row = picked_course(scope, "timer_forlob")
hours_grid(scope, engine, row)
