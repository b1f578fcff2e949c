"""Evaluering: the bi-monthly evaluation in one form and one submit, and corrections of
earlier evaluations with their history."""

from __future__ import annotations

import streamlit as st

from lib.queries.courses import evaluation_context
from views.components.evaluation_form import (
    earlier_evaluations,
    evaluation_basis,
    new_evaluation,
)
from views.components.forms import entry_page, picked_course
from views.components.runtime import cached_query
from views.texts import entry as texts

scope, engine = entry_page("Evaluering", texts.EVALUERING_INTRO)
row = picked_course(scope, "evaluering_forlob")
ctx = cached_query(evaluation_context, scope, row.id)
evaluation_basis(ctx)
if ctx.plan is None:
    st.warning(texts.NO_PLAN_YET, icon=":material/assignment:")
    st.stop()

new_evaluation(scope, engine, row, ctx, ctx.plan)
earlier_evaluations(scope, engine, row, ctx, ctx.plan)
