"""`funeng create_token USERNAME [--name NAME]`: print a new personal access token, and only it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from funeng.apps.api.services import token_create


class Command(BaseCommand):
    help = "Create a personal access token for USERNAME and print its secret (shown only this once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="what the token is for")

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(options["username"])
        except User.DoesNotExist:
            raise CommandError(f"no user {options['username']!r}", returncode=2) from None
        if not user.is_active:
            raise CommandError(f"user {options['username']!r} is inactive", returncode=2)
        _token, secret = token_create(user=user, name=options["name"])
        # Stdout carries the secret alone so scripts can capture it: TOKEN=$(funeng create_token bob)
        self.stdout.write(secret)
