"""Import (admin, leder): existing agreements, courses, plans and evaluations from a
workbook, checked in a dry run before anything is written."""

from __future__ import annotations

from lib.domain.enums import MANAGER_ROLES
from views.components.forms import entry_page
from views.texts import admin as texts

scope, engine = entry_page("Import", texts.IMPORT_INTRO, MANAGER_ROLES)
