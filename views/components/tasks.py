"""Mine opgaver's lists: each task names the participant and what is due, and opens the
form for it with the course chosen (the entry pages read ?forlob=<id>, see
views/components/forms.participant_picker)."""

from __future__ import annotations

import streamlit as st

from lib.domain.format import fmt_date
from lib.domain.text import inert
from lib.queries.tasks import MyTasks, Task, TaskKind
from views.components.layout import empty_state
from views.texts import course as texts

COURSE_PAGE = "views/forlobsside.py"

# Which form each kind of task opens (page script, link text). Meetings and deliverables
# have their own forms on Forløb (tabs under the chosen course).
FORM_FOR: dict[str, tuple[str, str]] = {
    TaskKind.PLAN: ("views/plan.py", "Lav planen"),
    TaskKind.EVALUATION: ("views/evaluering.py", "Skriv evalueringen"),
    TaskKind.MEETING: ("views/forlob.py", "Registrér mødet"),
    TaskKind.DELIVERABLE: ("views/forlob.py", "Registrér leverancen"),
    TaskKind.MENTOR: ("views/mentorkontakt.py", "Registrér kontakt"),
    TaskKind.PAST_END: ("views/forlob.py", "Forlæng eller afslut"),
}


def task_lists(tasks: MyTasks) -> None:
    """Overdue first (oldest first), then what falls due within the coming days."""
    if not tasks.courses:
        empty_state(texts.NO_ACTIVE_COURSES)
        return
    st.subheader(f"{texts.OVERDUE_HEADING} ({len(tasks.overdue)})")
    _rows(tasks.overdue, texts.NOTHING_OVERDUE, "overdue")
    st.subheader(f"{texts.DUE_SOON_HEADING} ({len(tasks.due_soon)})")
    _rows(tasks.due_soon, texts.NOTHING_DUE_SOON, "soon")


def _days(n: int) -> str:
    return "1 dag" if n == 1 else f"{n} dage"


def due_text(task: Task) -> str:
    if task.overdue:
        return f"Frist {fmt_date(task.due)} · {_days(task.days)} over"
    if task.days == 0:
        return f"Frist i dag ({fmt_date(task.due)})"
    return f"Frist {fmt_date(task.due)} · om {_days(task.days)}"


def _rows(tasks: list[Task], nothing: str, key: str) -> None:
    if not tasks:
        st.caption(nothing)
        return
    for n, task in enumerate(tasks):
        with st.container(border=True, key=f"task_{key}_{n}"):
            who, what, link, page = st.columns([3, 3, 2, 1.4], vertical_alignment="center")
            who.markdown(
                f"**{inert(task.case_code)}** ({inert(task.initials)})  \n{inert(task.agreement)}"
            )
            what.markdown(f"{inert(task.what)}  \n{due_text(task)}")
            path, label = FORM_FOR[task.kind]
            link.page_link(path, label=label, icon=":material/edit_note:",
                           query_params={"forlob": str(task.enrolment_id)})  # fmt: skip
            page.page_link(COURSE_PAGE, label="Forløbsside", icon=":material/timeline:",
                           query_params={"forlob": str(task.enrolment_id)})  # fmt: skip
