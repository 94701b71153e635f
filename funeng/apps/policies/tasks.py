"""Background work of the policy app: a region-wide 免申即享 evaluation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from funeng.apps.policies.services import policy_run_create
from funeng.apps.tasks.models import TaskRun
from funeng.apps.tasks.progress import Progress
from funeng.apps.tasks.registry import register
from funeng.apps.tasks.services import TaskFailure

POLICY_RUN = "policies.run"


@register(POLICY_RUN, _("Proactive-benefit evaluation of a region"))
def policy_run_task(run: TaskRun, progress: Progress) -> dict[str, Any]:
    """Evaluate the programme over the starter's region and store the results in one transaction."""
    if run.started_by is None:
        raise TaskFailure(gettext_noop("The person who started this evaluation no longer has an account."))
    try:
        policy_run = policy_run_create(
            programme_id=run.params["programme"],
            as_of=dt.date.fromisoformat(run.params["as_of"]),
            acting_user=run.started_by,
            progress=progress,
        )
    except ValidationError as error:
        raise TaskFailure("; ".join(error.messages)) from None
    return {
        "url": reverse("policies:run", args=[policy_run.pk]),
        "policy_run": policy_run.pk,
        "enterprises": policy_run.enterprises,
    }
