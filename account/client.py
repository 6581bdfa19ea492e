"""An HTTP client of the Castwise service that signs in, keeps its tokens in the keyring and
refreshes the access token by itself.

Refresh tokens rotate: each is good for one refresh, and presenting a used one signs the whole
session out (the service assumes it was stolen). So a refresh here is serialized across threads
*and* processes (a lock file next to the library), and re-reads the keyring first: when another
process (the GUI while the CLI runs) rotated already, its new tokens are used instead of
presenting the old refresh token again.

The access token is refreshed shortly before it expires (by this machine's clock) and, should the
clocks disagree, once more when the service answers 401.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx
from pydantic import ValidationError

from account.errors import (
    AccountExistsError,
    NotSignedInError,
    RateLimitedError,
    RequestRefusedError,
    ServiceUnavailableError,
    SessionExpiredError,
    SignUpDetailsError,
    WrongCredentialsError,
)
from account.session import SessionStore, StoredSession
from library.redact import redact_text
from library.secrets import SecretStore
from protocol.accounts import SessionPublic, TokenPair, UserCreate, UserPublic

log = logging.getLogger(__name__)

REFRESH_MARGIN_S = 30.0
"""Refresh when the access token has less than this many seconds left."""
DEFAULT_TIMEOUT_S = 15.0
_SIGN_UP_RULES = {
    "email": "Enter a valid e-mail address.",
    "username": "A username is 3 to 40 letters, digits, '.', '-' or '_', starting and ending with a letter or digit.",
    "password": "A password needs at least 10 characters.",
}
"""What each sign-up field must look like (matches :class:`protocol.accounts.UserCreate`)."""


def _detail(response: httpx.Response) -> str:
    """The service's ``detail`` message (a string, or the first validation problem)."""
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        return f"HTTP {response.status_code}"
    if isinstance(detail, list) and detail and isinstance(detail[0], dict):
        where = ".".join(str(part) for part in detail[0].get("loc", ())[1:])
        return f"{where}: {detail[0].get('msg', 'invalid')}" if where else str(detail[0].get("msg", "invalid"))
    return str(detail) if detail else f"HTTP {response.status_code}"


class _FileLock:
    """An advisory lock on a file, held across processes (POSIX ``flock``; a no-op elsewhere)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        if self.path is None:
            yield
            return
        try:
            import fcntl
        except ImportError:  # Windows: the in-process lock still serializes this app's threads
            yield
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class ServiceClient:
    """Requests to one Castwise service, signed in as this machine's session when there is one.

    ``lock_file`` (normally ``Paths.data / "account.lock"``) serializes token refreshes across
    processes. ``transport`` lets a caller supply an httpx transport. Every method raises the
    typed errors of :mod:`account.errors`; none lets an ``httpx`` exception escape.
    """

    def __init__(self, service_url: str, *, secrets: SecretStore | None = None, lock_file: Path | None = None,
                 timeout_s: float = DEFAULT_TIMEOUT_S, transport: httpx.BaseTransport | None = None) -> None:
        self.service_url = service_url.rstrip("/")
        self.sessions = SessionStore(secrets if secrets is not None else SecretStore())
        self._lock = threading.Lock()
        self._file_lock = _FileLock(lock_file)
        self._http = httpx.Client(base_url=self.service_url, timeout=timeout_s, transport=transport,
                                  trust_env=False, headers={"User-Agent": "Castwise"})

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ServiceClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing --------------------------------------------------------------------------------

    def send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request; transport failures and 5xx become :class:`ServiceUnavailableError`."""
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TransportError as error:
            raise ServiceUnavailableError(
                f"The Castwise service at {self.service_url} cannot be reached "
                f"({redact_text(type(error).__name__)}). Check the address and your connection.") from None
        if response.status_code >= 500:
            raise ServiceUnavailableError(
                f"The Castwise service at {self.service_url} had a problem (HTTP {response.status_code}); "
                "try again later.")
        return response

    @staticmethod
    def check(response: httpx.Response) -> httpx.Response:
        """``response`` when it succeeded, else the matching typed error."""
        if response.status_code < 400:
            return response
        if response.status_code == 429:
            retry = response.headers.get("retry-after", "")
            raise RateLimitedError(f"Too many attempts: {_detail(response)}.",
                                   retry_after_s=int(retry) if retry.isdigit() else None)
        if response.status_code == 401:
            raise SessionExpiredError(f"Your Castwise session ended ({_detail(response)}); sign in again.")
        raise RequestRefusedError(f"The service refused the request: {_detail(response)}.",
                                  status=response.status_code)

    @property
    def session(self) -> StoredSession | None:
        """This machine's stored session for the service, or ``None``."""
        return self.sessions.load(self.service_url)

    def _require_session(self, *, fresh: bool = False) -> StoredSession:
        stored = self.sessions.load(self.service_url, fresh=fresh)
        if stored is None:
            raise NotSignedInError(f"Not signed in to {self.service_url}; run `castwise account signin`.")
        return stored

    def _refresh(self, used: StoredSession) -> StoredSession:
        """Rotate the tokens unless another thread or process did since ``used`` was read."""
        with self._lock, self._file_lock.held():
            current = self._require_session(fresh=True)
            if current.refresh_token != used.refresh_token:
                return current  # rotated meanwhile: never present the old refresh token again
            response = self.send("POST", "/api/v1/auth/refresh", json={"refresh_token": current.refresh_token})
            if response.status_code == 401:
                self.sessions.forget(self.service_url)
                raise SessionExpiredError(
                    f"Your Castwise session ended ({_detail(response)}); sign in again with "
                    "`castwise account signin`.")
            pair = TokenPair.model_validate(self.check(response).json())
            rotated = current.rotated(access_token=pair.access_token, refresh_token=pair.refresh_token,
                                      expires_in_s=pair.expires_in_s, session_id=pair.session_id)
            self.sessions.save(rotated)
            log.info("refreshed the access token of session %s", rotated.session_id)
            return rotated

    def access_token(self) -> str:
        """A current access token, refreshed first when it is about to expire."""
        stored = self._require_session()
        if stored.expires_within(REFRESH_MARGIN_S):
            stored = self._refresh(stored)
        return stored.access_token

    def request(self, method: str, path: str, *, headers: Mapping[str, str] | None = None,
                **kwargs: Any) -> httpx.Response:
        """An authenticated request; 401 once triggers a refresh and one retry.

        Returns the response whatever its 4xx status (callers map them); raises
        :class:`NotSignedInError`, :class:`SessionExpiredError` or :class:`ServiceUnavailableError`.
        """
        stored = self._require_session()
        if stored.expires_within(REFRESH_MARGIN_S):
            stored = self._refresh(stored)
        response = self.send(method, path, headers={**(headers or {}),
                                                     "Authorization": f"Bearer {stored.access_token}"}, **kwargs)
        if response.status_code != 401:
            return response
        stored = self._refresh(stored)
        response = self.send(method, path, headers={**(headers or {}),
                                                     "Authorization": f"Bearer {stored.access_token}"}, **kwargs)
        if response.status_code == 401:
            raise SessionExpiredError("The service no longer accepts this session; sign in again.")
        return response

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """:meth:`request`, checked, returning the decoded JSON body (``None`` for 204)."""
        response = self.check(self.request(method, path, **kwargs))
        return None if response.status_code == 204 or not response.content else response.json()

    def get_json(self, path: str, *, params: Mapping[str, Any] | None = None) -> Any:
        """A GET of a public resource: signed in when this machine has a session (the service may
        then show more, such as poll results after voting), anonymous otherwise."""
        if self.session is not None:
            return self.call("GET", path, params=params)
        return self.check(self.send("GET", path, params=params)).json()

    @contextlib.contextmanager
    def stream(self, path: str, *, headers: Mapping[str, str] | None = None, read_timeout_s: float = 60.0,
               authenticated: bool = True) -> Iterator[httpx.Response]:
        """A streaming GET (server-sent events), signed in unless ``authenticated`` is False; the
        response is open inside the ``with`` block."""
        timeout = httpx.Timeout(DEFAULT_TIMEOUT_S, read=read_timeout_s)
        for attempt in range(2):
            sent = {**(headers or {}), "Accept": "text/event-stream"}
            if authenticated:
                sent["Authorization"] = f"Bearer {self.access_token()}"
            request = self._http.build_request("GET", path, timeout=timeout, headers=sent)
            try:
                response = self._http.send(request, stream=True)
            except httpx.TransportError as error:
                raise ServiceUnavailableError(f"The live stream of {self.service_url} cannot be reached "
                                              f"({type(error).__name__}).") from None
            try:
                if response.status_code == 401 and attempt == 0 and authenticated:
                    stored = self.session
                    if stored is not None:
                        self._refresh(stored)
                    continue
                if response.status_code >= 500:
                    raise ServiceUnavailableError(f"The live stream answered HTTP {response.status_code}.")
                if response.status_code >= 400:
                    response.read()
                    self.check(response)
                yield response
                return
            finally:
                response.close()
        raise SessionExpiredError("The service no longer accepts this session; sign in again.")

    # -- account operations ----------------------------------------------------------------------

    def sign_up(self, email: str, username: str, password: str) -> UserPublic:
        """Create an account on the service (it is not signed in: call :meth:`sign_in` next).

        The details are checked here first with the service's own rules
        (:class:`protocol.accounts.UserCreate`), so an obviously wrong form costs no request and
        works offline. Raises :class:`SignUpDetailsError` (with ``field``) for unacceptable
        details, :class:`AccountExistsError` when the e-mail address or username is taken,
        :class:`RateLimitedError` after too many sign-ups from this address and
        :class:`ServiceUnavailableError` when the service cannot be reached. The password is sent
        once and kept nowhere.
        """
        fields = {"email": email.strip(), "username": username.strip(), "password": password}
        try:
            body = UserCreate.model_validate(fields)
        except ValidationError as error:
            problem = error.errors()[0]
            field = str(problem["loc"][0]) if problem.get("loc") else None
            raise SignUpDetailsError(_SIGN_UP_RULES.get(field or "", "Check the new account's details."),
                                     field=field) from None
        response = self.send("POST", "/api/v1/auth/signup", content=body.model_dump_json().encode("utf-8"),
                             headers={"Content-Type": "application/json"})
        if response.status_code == 409:
            raise AccountExistsError("That e-mail address or username already has an account; sign in instead.")
        if response.status_code == 422:
            detail = _detail(response)
            field = detail.split(":", 1)[0] if ":" in detail else None
            raise SignUpDetailsError(_SIGN_UP_RULES.get(field or "", f"The service refused the details: {detail}."),
                                     field=field if field in _SIGN_UP_RULES else None)
        return UserPublic.model_validate(self.check(response).json())

    def sign_in(self, login: str, password: str, *, device_name: str) -> StoredSession:
        """Open a session for this device and keep its tokens in the keyring.

        Raises :class:`WrongCredentialsError` for a wrong login or password and
        :class:`RateLimitedError` after too many failures. The password is sent once and kept
        nowhere.
        """
        response = self.send("POST", "/api/v1/auth/signin",
                              json={"login": login, "password": password, "device_name": device_name})
        if response.status_code == 401:
            raise WrongCredentialsError("Wrong e-mail address or password.")
        if response.status_code == 422:
            raise WrongCredentialsError("Enter your e-mail address (or username) and password.")
        pair = TokenPair.model_validate(self.check(response).json())
        stored = StoredSession(service_url=self.service_url, login=login, access_token=pair.access_token,
                               refresh_token=pair.refresh_token, access_expires_at_s=0.0,
                               session_id=pair.session_id)
        stored = stored.rotated(access_token=pair.access_token, refresh_token=pair.refresh_token,
                                expires_in_s=pair.expires_in_s, session_id=pair.session_id)
        self.sessions.save(stored)
        account_id = self.me().id
        stored = dataclasses.replace(self._require_session(), account_id=account_id)
        self.sessions.save(stored)
        return stored

    def sign_out(self) -> bool:
        """End this device's session and forget its tokens (and the cached entitlement list and sync
        app password) here, whatever the service says.

        Returns True when the service confirmed; False when it could not be told (unreachable,
        or the session had already ended there).
        """
        if self.session is None:
            return False
        told = False
        try:
            told = self.request("POST", "/api/v1/auth/signout").status_code == 204
        except (ServiceUnavailableError, SessionExpiredError):
            told = False
        finally:
            self.sessions.forget_account(self.service_url)
        return told

    def me(self) -> UserPublic:
        """The signed-in account."""
        return UserPublic.model_validate(self.call("GET", "/api/v1/account"))

    def device_sessions(self) -> list[SessionPublic]:
        """Every signed-in device of the account (``current`` marks this one)."""
        return [SessionPublic.model_validate(item) for item in self.call("GET", "/api/v1/sessions")]

    def revoke_session(self, session_id: int) -> None:
        """Sign out device session ``session_id``; revoking this device's own also forgets it here."""
        self.call("DELETE", f"/api/v1/sessions/{int(session_id)}")
        stored = self.session
        if stored is not None and stored.session_id == session_id:
            self.sessions.forget(self.service_url)
