"""Who may delete a saved record (Slet): its author, within a day of saving it. Later, or
for anyone else, a correction (Ret) is the way, so the audit log shows what changed.

The author and the time of saving come from the record's "create" row in the audit log
(db/audit.py writes it in the same transaction as the record), so every record type has
them without a column of its own. No Streamlit and no database here."""

from __future__ import annotations

import datetime as dt

DELETE_WITHIN = dt.timedelta(hours=24)


def may_delete(
    saved_by: str | None, saved_at: dt.datetime | None, username: str, now: dt.datetime
) -> bool:
    """True for the user who saved the record, within DELETE_WITHIN of saving it (a naive
    time, as SQLite gives it, is UTC). Unknown author or time: False."""
    if saved_by is None or saved_at is None or saved_by != username:
        return False
    if saved_at.tzinfo is None:
        saved_at = saved_at.replace(tzinfo=dt.UTC)
    return dt.timedelta(0) <= now - saved_at <= DELETE_WITHIN


def delete_refused(what: str) -> str:
    """The Danish refusal for `what` ("pausen", "beviset", ...)."""
    return (
        f"Kun den, der gemte {what}, kan slette, og kun inden for et døgn efter. Brug Ret i stedet."
    )
