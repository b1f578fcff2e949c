"""A real OpenID Connect provider on 127.0.0.1 for the single sign-on tests.

oidc-provider-mock (a dev dependency, locked in uv.lock) is a complete provider built on
Authlib's server: discovery, authorization form, token endpoint with signed ID tokens,
JWKS, userinfo and end-session. It runs here in a thread of the test process; its
authorization form has one button per predefined user (named by subject), as a person
would choose an account.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import werkzeug.serving

# Authlib warns (with an "always" filter of its own) about its deprecated modules that the
# provider imports; not this project's code.
with warnings.catch_warnings():
    import authlib.deprecate  # noqa: F401 - adds that filter; the one below goes before it

    warnings.simplefilter("ignore", DeprecationWarning)
    from oidc_provider_mock import User, app

CLIENT_ID = "forlobsmonitor"
CLIENT_SECRET = "test-client-secret-0123456789"


@dataclass(frozen=True)
class Provider:
    url: str

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"


def person(subject: str, email: str, name: str) -> User:
    return User(sub=subject, claims={"email": email, "email_verified": True, "name": name})


@contextmanager
def running_provider(*users: User) -> Iterator[Provider]:
    """The provider on a free port of 127.0.0.1 until the block ends."""
    server = werkzeug.serving.make_server(
        "127.0.0.1", 0, app(require_nonce=True, user_claims=users), threaded=True
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield Provider(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


def auth_secrets(provider: Provider, cookie_secret: str) -> str:
    """The [auth] section of .streamlit/secrets.toml for this provider ({port}: the app's)."""
    return (
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{cookie_secret}"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "{provider.metadata_url}"\n'
    )
