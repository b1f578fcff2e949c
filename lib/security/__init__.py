"""Sign-in, sessions and the cookie key.

For other parts of the app: `revoke_sessions_for(engine, user_id, actor=...)` ends every
session of a user; call it when an admin deactivates a user, resets or changes a password,
or presses "Log alle enheder ud". `set_password(engine, user_id, password, actor)` changes
a password and ends the user's sessions in one transaction.
"""

from lib.security.sessions import live_sessions, revoke_sessions_for, set_password

__all__ = ["live_sessions", "revoke_sessions_for", "set_password"]
