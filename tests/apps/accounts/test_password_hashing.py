"""Passwords are hashed with Argon2 in the real settings (the test settings use a fast hasher)."""

from django.contrib.auth.hashers import check_password, make_password
from django.test import override_settings

from funeng import settings as production_settings


def test_it_hashes_new_passwords_with_argon2():
    with override_settings(PASSWORD_HASHERS=production_settings.PASSWORD_HASHERS):
        hashed = make_password("correct horse battery staple")
        assert hashed.startswith("argon2$")
        assert check_password("correct horse battery staple", hashed)
        assert not check_password("wrong", hashed)
