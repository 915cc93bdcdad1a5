"""The SPARQL 1.1 Protocol over HTTP, for :class:`graph.remote.RemoteStore`: where requests go,
credentials, timeouts, retries and one-line errors.

- Queries are sent as URL-encoded POST forms (``query=...``; SPARQL 1.1 Protocol 2.1.2), which
  every server accepts (Oxigraph, Virtuoso, Fuseki, GraphDB; Virtuoso 7 never answers a query
  sent as a bare ``application/sparql-query`` body). Updates are ``application/sparql-update``
  bodies sent to the update URL.
- Credentials come from the environment only, never from the command line or the URL (both show
  in process lists and shell history): ``COMPUTEKG_SPARQL_USER`` and ``COMPUTEKG_SPARQL_PASSWORD``,
  answered to the server's challenge with HTTP Digest or Basic authentication. They are never
  printed.
- Every request has a timeout. Reads (queries, which change nothing) are tried again, at most
  :data:`ATTEMPTS` times in all, with a doubling pause, when the server cannot be reached, drops
  the connection, or answers 429/502/503/504; updates are sent once and never repeated.
- Errors are one line naming the endpoint (credentials removed) and the HTTP status.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Sequence

from .errors import BadValue, QueryError, StoreError

USER_VAR = "COMPUTEKG_SPARQL_USER"
PASSWORD_VAR = "COMPUTEKG_SPARQL_PASSWORD"
ATTEMPTS = 3  # a read is sent at most this many times
BACKOFF_S = 0.25  # pause before the first retry; doubled each time
RETRY_STATUSES = frozenset({429, 502, 503, 504})  # busy or restarting, not a wrong request
CREDENTIALS_HINT = f"set {USER_VAR} and {PASSWORD_VAR} in the environment"


def shown(url: str) -> str:
    """A URL fit to print: without any user name or password."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def check_url(url: str, option: str = "--store") -> str:
    """An endpoint URL as given, refused when it carries credentials (they belong in the environment)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        raise BadValue(f"{option} {shown(url)} is not a valid URL: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadValue(f"{option} {shown(url)} is not an http(s) URL", "give the endpoint's full URL, e.g. "
                       "http://127.0.0.1:7878/query")
    if "@" in parts.netloc:
        raise BadValue(f"{option} {shown(url)} has credentials in the URL, where process lists and shell "
                       "history show them", CREDENTIALS_HINT + " instead")
    return url


@dataclass
class Answer:
    content_type: str
    body: bytes
    headers: dict[str, str]


class Endpoint:
    """One SPARQL service: a query URL, an update URL, and the credentials in the environment."""

    def __init__(self, url: str, *, update_url: str | None = None, timeout: float = 60,
                 attempts: int = ATTEMPTS, backoff: float = BACKOFF_S):
        self.url = check_url(url)
        self.update_url = check_url(update_url, "--update-url") if update_url else url
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self._opener = None

    @property
    def shown_url(self) -> str:
        return shown(self.url)

    @property
    def has_credentials(self) -> bool:
        return bool(os.environ.get(USER_VAR))

    def opener(self):
        """urllib's opener, answering Digest and Basic challenges when credentials are set."""
        if self._opener is None:
            import urllib.request

            handlers: list = []
            user = os.environ.get(USER_VAR)
            if user:
                passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
                passwords.add_password(None, [self.url, self.update_url], user, os.environ.get(PASSWORD_VAR, ""))
                # Digest is tried first (urllib orders it before Basic), then Basic.
                handlers = [urllib.request.HTTPDigestAuthHandler(passwords),
                            urllib.request.HTTPBasicAuthHandler(passwords)]
            self._opener = urllib.request.build_opener(*handlers)
        return self._opener

    def read(self, params: Sequence[tuple[str, str]], accept: str, *, timeout: float | None = None) -> Answer:
        """A query: ``params`` (``query`` and the dataset) as a URL-encoded POST form, tried again
        on a failure that a later try may not meet."""
        from urllib.parse import urlencode

        body = urlencode(list(params)).encode("utf-8")
        pause = self.backoff
        for attempt in range(1, self.attempts + 1):
            try:
                return self._send(self.url, body, "application/x-www-form-urlencoded", accept, timeout, "query")
            except _Transient as exc:
                if attempt == self.attempts:
                    raise exc.error from None
                time.sleep(pause)
                pause *= 2
        raise AssertionError("unreachable")  # pragma: no cover

    def write(self, sparql: str, *, timeout: float | None = None) -> Answer:
        """An update, sent once: a failed update is reported, never repeated."""
        try:
            return self._send(self.update_url, sparql.encode("utf-8"), "application/sparql-update; charset=utf-8",
                              "*/*", timeout, "update")
        except _Transient as exc:
            raise exc.error from None

    def _send(self, url: str, body: bytes, content_type: str, accept: str, timeout: float | None,
              what: str) -> Answer:
        import socket
        import urllib.error
        import urllib.request

        req = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": content_type, "Accept": accept})
        wait = timeout or self.timeout
        try:
            with self.opener().open(req, timeout=wait) as resp:
                return Answer(resp.headers.get("Content-Type", ""), resp.read(),
                              {k.lower(): v for k, v in resp.headers.items()})
        except urllib.error.HTTPError as exc:
            error = _status_error(shown(url), what, exc, self.has_credentials)
            if exc.code in RETRY_STATUSES:
                raise _Transient(error) from None
            raise error from None
        except (socket.timeout, TimeoutError):
            raise _timeout(shown(url), what, wait) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, (socket.timeout, TimeoutError)):
                raise _timeout(shown(url), what, wait) from None
            raise _Transient(StoreError(f"cannot reach the SPARQL endpoint {shown(url)}: {reason}",
                                        "start the server, or check the --store URL")) from None
        except ValueError as exc:  # urllib: an authentication scheme it cannot answer
            raise StoreError(f"the SPARQL endpoint {shown(url)} asks for credentials computekg cannot give: {exc}",
                             "use an endpoint with HTTP Basic or Digest authentication") from None


def _timeout(url: str, what: str, wait: float) -> QueryError:
    """No answer in time: not tried again (a query that slow would be as slow the next time)."""
    hint = "narrow the query, or give a larger --timeout" if what == "query" else \
        "the server may still apply it; a load can be run again (it stages its triples first)"
    return QueryError(f"the SPARQL endpoint {url} gave no answer to the {what} within {wait:g} s", hint)


class _Transient(Exception):
    """A failure worth another try (for reads): carries the error to report if none is left."""

    def __init__(self, error: Exception):
        super().__init__(str(error))
        self.error = error


def _status_error(url: str, what: str, exc, has_credentials: bool) -> Exception:
    """An HTTP error status as one line: the endpoint, the status, the server's first line."""
    try:
        detail = [ln.strip() for ln in exc.read().decode("utf-8", "replace").splitlines() if ln.strip()]
    except OSError:
        detail = []
    reason = str(exc.reason or "").strip()
    status = f"HTTP {exc.code}" + (f" {reason}" if reason and not reason.isdigit() else "")
    message = f"the SPARQL endpoint {url} refused the {what} ({status})"
    if detail and not detail[0].lstrip().startswith("<"):  # text, not an HTML error page
        message += ": " + detail[0][:300]
    if exc.code == 401:  # no credentials, or wrong ones (never shown)
        hint = ("check the credentials in " + USER_VAR + " and " + PASSWORD_VAR) if has_credentials \
            else CREDENTIALS_HINT
        return StoreError(message, hint)
    if exc.code == 403:  # not allowed, whoever asks (a read-only endpoint refusing an update)
        return QueryError(message, "send updates to an endpoint that takes them (--update-url), with credentials "
                          f"in {USER_VAR} and {PASSWORD_VAR} if it asks" if what == "update" else "")
    if 400 <= exc.code < 500:
        return QueryError(message)
    hint = "try again later" if exc.code in RETRY_STATUSES else ""
    if what == "update" and "SECURITY" in message:  # Virtuoso: the endpoint does not take updates from this user
        hint = (f"send updates to an endpoint that allows them (Virtuoso: --update-url .../sparql-auth, "
                f"with {USER_VAR} and {PASSWORD_VAR})")
    return StoreError(message.replace("refused the", "failed on the", 1), hint)
