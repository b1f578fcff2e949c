"""Import: the template download, the upload with its dry run (progress bar, counts per
sheet, every problem, the report as xlsx), and the import itself, offered only when the
dry run found no error."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

import streamlit as st
from sqlalchemy import Engine

from lib.domain.access import AccessDenied, Scope
from lib.imports.apply import ImportRefused, import_sheets
from lib.imports.dry_run import DryRun, check_upload
from lib.imports.limits import FileRefused, check_size
from lib.imports.reading import Sheet, read_upload
from lib.imports.report import counts_frame, problems_frame, report_xlsx
from lib.imports.template import template_xlsx
from views.components.downloads import file_download
from views.components.forms import confirm_on_next_run
from views.texts import admin as texts

STATE = "import_checked"
T = TypeVar("T")


def template_download(engine: Engine) -> None:
    file_download(
        st,
        "Hent skabelon",
        template_xlsx(engine),
        "forlobsmonitor_import_skabelon.xlsx",
        "xlsx",
        key="import_template",
        width="content",
    )


def _progress_bar(text: str):
    bar = st.progress(0.0, text=text)
    return lambda fraction, label: bar.progress(min(max(fraction, 0.0), 1.0), text=label)


def checked_upload(engine: Engine) -> tuple[str, dict[str, Sheet], DryRun] | None:
    """The uploaded file(s), read and dry-run once per upload (kept in the session)."""
    uploads = st.file_uploader(
        "Excel-fil (.xlsx) eller CSV-filer (ét ark pr. fil)",
        type=["xlsx", "csv"],
        accept_multiple_files=True,
        key="import_files",
        help=texts.IMPORT_LIMITS,
    )
    if not uploads:
        st.session_state.pop(STATE, None)
        return None
    try:
        for upload in uploads:
            check_size(upload.size)  # before the bytes are even read
        files = [(u.name, u.getvalue()) for u in uploads]
        return once_per_upload(STATE, files, lambda: _check(engine, files))
    except FileRefused as exc:
        st.error(str(exc), icon=":material/block:")
        return None


def _check(engine: Engine, files: list[tuple[str, bytes]]) -> tuple[str, dict[str, Sheet], DryRun]:
    sheets = read_upload(files)
    result = check_upload(engine, sheets, progress=_progress_bar("Kontrollerer filen …"))
    return ", ".join(n for n, _ in files), sheets, result


def once_per_upload(state_key: str, files: list[tuple[str, bytes]], check: Callable[[], T]) -> T:
    """`check()` once per upload (shared by every import): the result is kept in this
    browser session under `state_key` with the files' fingerprint, and every rerun of the
    page (each click) for the same names and bytes reuses it. A check that raises keeps
    nothing."""
    fingerprint = hashlib.sha256(b"".join(n.encode() + b"\0" + d for n, d in files)).hexdigest()
    kept = st.session_state.get(state_key)
    if kept is not None and kept[0] == fingerprint:
        return kept[1]
    result = check()
    st.session_state[state_key] = (fingerprint, result)
    return result


def dry_run_report(result: DryRun, key: str = "import_report") -> None:
    """The dry run as the importer reads it: counts per sheet, a verdict, every problem with
    sheet, row, column and value, and the same as an xlsx (shared by every import)."""
    st.markdown("**Hvad importen vil gøre**")
    st.dataframe(counts_frame(result), hide_index=True, width="stretch")
    errors, warnings = len(result.errors), len(result.warnings)
    if errors:
        st.error(f"{errors} fejl. {texts.IMPORT_HAS_ERRORS}", icon=":material/error:")
    elif warnings:
        st.warning(f"{warnings} advarsler – se dem nedenfor.", icon=":material/warning:")
    else:
        st.success(texts.IMPORT_NO_ERRORS, icon=":material/check_circle:")
    if result.problems:
        st.dataframe(
            problems_frame(result).astype(str),
            hide_index=True,
            width="stretch",
            height="auto" if len(result.problems) <= 10 else 400,
        )
    file_download(
        st,
        "Hent kontrolrapporten (.xlsx)",
        report_xlsx(result),
        "importkontrol.xlsx",
        "xlsx",
        key=key,
        width="content",
    )


def import_action(
    engine: Engine, scope: Scope, name: str, sheets: dict[str, Sheet], result: DryRun
) -> None:
    if result.errors:
        return
    if result.changes == 0:
        st.info(texts.IMPORT_NOTHING_TO_DO, icon=":material/info:")
        return
    accepted = True
    if result.warnings:
        accepted = st.checkbox(texts.ACCEPT_WARNINGS, key="import_accept")
    if not st.button("Importér", type="primary", disabled=not accepted, key="import_go"):
        return
    try:
        done = import_sheets(
            engine,
            scope,
            sheets,
            name,
            accept_warnings=accepted,
            progress=_progress_bar("Importerer …"),
        )
    except ImportRefused as exc:
        st.session_state[STATE] = (None, (name, sheets, exc.result))
        st.error(
            f"{exc} Databasen er ændret siden kontrollen; se rapporten.", icon=":material/error:"
        )
        return
    except AccessDenied as exc:
        st.error(str(exc))
        return
    st.session_state.pop(STATE, None)
    st.session_state.pop("import_files", None)
    added = sum(a for a, _, _ in done.counts.values())
    updated = sum(u for _, u, _ in done.counts.values())
    confirm_on_next_run(f"Importeret fra {name}: {added} nye og {updated} opdaterede rækker.")
    st.rerun()
