"""Import (admin, leder): existing agreements, courses, plans and evaluations from a
workbook, checked in a dry run before anything is written."""

from __future__ import annotations

import streamlit as st

from lib.domain.enums import MANAGER_ROLES
from views.components.forms import entry_page
from views.components.import_section import (
    checked_upload,
    dry_run_report,
    import_action,
    template_download,
)
from views.texts import admin as texts

scope, engine = entry_page("Import", texts.IMPORT_INTRO, MANAGER_ROLES)
template_download(engine)

checked = checked_upload(engine)
if checked is None:
    st.stop()
name, sheets, result = checked
dry_run_report(result)
import_action(engine, scope, name, sheets, result)
