"""Plan: the baseline plan and later revisions, made with the participant."""

from __future__ import annotations

from lib.queries.courses import evaluation_context
from views.components.forms import entry_page, picked_course
from views.components.plan_form import plan_section
from views.components.runtime import cached_query
from views.texts import entry as texts

scope, engine = entry_page("Plan", texts.PLAN_INTRO)
row = picked_course(scope, "plan_forlob")
# The current plan, its due date and the latest scores (a revision starts from them).
ctx = cached_query(evaluation_context, scope, row.id)
plan_section(scope, engine, row, ctx)
