"""Creating an account from the client against the real service: the new account can sign in,
and unacceptable details, a taken name, too many sign-ups and an unreachable service are clear,
typed errors that create nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from account.client import ServiceClient
from account.errors import AccountExistsError, RateLimitedError, ServiceUnavailableError, SignUpDetailsError
from service.models import User
from tests.account.helpers import PASSWORD, client_for
from tests.account.liveservice import LiveService, free_port


def _accounts(service: LiveService) -> int:
    with service.context.sessions() as db:
        return int(db.scalar(select(func.count()).select_from(User)) or 0)


def test_a_new_account_is_created_and_can_sign_in(service: LiveService, memory_keyring) -> None:
    with client_for(service) as client:
        created = client.sign_up("  ada@example.org ", "ada", PASSWORD)
        assert (created.email, created.username, created.email_verified) == ("ada@example.org", "ada", False)
        assert client.session is None  # creating an account does not sign in by itself
        assert memory_keyring.store == {}
        client.sign_in("ada@example.org", PASSWORD, device_name="Ada's laptop")
        assert client.me().id == created.id


@pytest.mark.parametrize(("email", "username", "password", "field"), [
    ("not an address", "ada", PASSWORD, "email"),
    ("ada@example.org", "a", PASSWORD, "username"),
    ("ada@example.org", "ada/../root", PASSWORD, "username"),
    ("ada@example.org", "ada", "short", "password"),
])
def test_unacceptable_details_are_refused_before_sending(service: LiveService, email: str, username: str,
                                                         password: str, field: str) -> None:
    with client_for(service) as client, pytest.raises(SignUpDetailsError) as caught:
        client.sign_up(email, username, password)
    assert caught.value.field == field and caught.value.kind == "bad-input"
    assert caught.value.message  # a sentence for the listener
    assert _accounts(service) == 0


def test_unacceptable_details_are_refused_offline_too() -> None:
    with ServiceClient(f"http://127.0.0.1:{free_port()}") as client, \
            pytest.raises(SignUpDetailsError, match="at least 10 characters"):
        client.sign_up("ada@example.org", "ada", "short")


def test_a_taken_address_or_username_is_a_clear_error(service: LiveService) -> None:
    with client_for(service) as client:
        client.sign_up("ada@example.org", "ada", PASSWORD)
        with pytest.raises(AccountExistsError, match="already has an account") as caught:
            client.sign_up("ADA@example.org", "someone-else", PASSWORD)
        assert caught.value.status == 409
        with pytest.raises(AccountExistsError):
            client.sign_up("other@example.org", "ada", PASSWORD)
    assert _accounts(service) == 1


def test_too_many_sign_ups_are_rate_limited(service: LiveService) -> None:
    limit = service.context.settings.signup_limit
    with client_for(service) as client:
        for number in range(limit):
            client.sign_up(f"user{number}@example.org", f"user{number}", PASSWORD)
        with pytest.raises(RateLimitedError) as caught:
            client.sign_up("one-more@example.org", "one-more", PASSWORD)
    assert caught.value.retry_after_s is not None and caught.value.retry_after_s > 0
    assert _accounts(service) == limit


def test_an_unreachable_service_is_a_temporary_error() -> None:
    with ServiceClient(f"http://127.0.0.1:{free_port()}") as client, \
            pytest.raises(ServiceUnavailableError, match="cannot be reached") as caught:
        client.sign_up("ada@example.org", "ada", PASSWORD)
    assert caught.value.kind == "temporary"
