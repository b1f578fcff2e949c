"""Settings from the environment, secrets and the app_setting table."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from db.audit import SESSION_ACTIONS
from db.models import AppSetting, AuditLog


def get_setting(engine: Engine, key: str, default: str | None = None) -> str | None:
    with engine.connect() as conn:
        value = conn.scalar(select(AppSetting.value).where(AppSetting.key == key))
    return default if value is None else value


def is_demo(engine: Engine) -> bool:
    return get_setting(engine, "demo") == "1"


def suppression_threshold(engine: Engine) -> int:
    return int(get_setting(engine, "suppression_threshold", "5") or 5)


def data_version(engine: Engine) -> int:
    """Changes whenever anyone saves (every write adds audit rows): pass it to cached
    queries so a save shows on the dashboards on the next run, in every process. Signing
    in or out does not change it: with it, every sign-in made every page cold for every
    user (measured by bench.load with 50 people signing in)."""
    with engine.connect() as conn:
        return (
            conn.scalar(
                select(func.coalesce(func.max(AuditLog.id), 0)).where(
                    AuditLog.action.not_in(SESSION_ACTIONS)
                )
            )
            or 0
        )
