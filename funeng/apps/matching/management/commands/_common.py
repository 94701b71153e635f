"""Shared parts of the matchmaking import/export commands."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from funeng.apps.core.identity import User
from funeng.apps.matching.interchange import ImportRejected


def acting_user(username: str) -> User | None:
    """The user named with --user (recorded in the audit log); None = system."""
    if not username:
        return None
    try:
        user: User = get_user_model().objects.get_by_natural_key(username)
    except get_user_model().DoesNotExist:
        raise CommandError(f"no user {username!r}", returncode=1) from None
    return user


def report_rejection(command: BaseCommand, error: ImportRejected) -> CommandError:
    """Print every problem to stderr; the returned error ends the command with status 1."""
    for problem in error.problems:
        command.stderr.write(f"error: {problem}")
    return CommandError(
        f"{len(error.problems)} problem(s) found; nothing was imported. Fix the lines above and run again.",
        returncode=1,
    )
