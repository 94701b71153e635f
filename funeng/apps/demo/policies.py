"""Demo policy activity: the Hangzhou official's 免申即享 runs, notices and a few review decisions."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone

from funeng.apps.policies.const import Decision, Track
from funeng.apps.policies.services import policy_notices_send, policy_run_create, review_decide

DEMO_PROGRAMMES = ("srdi-zhejiang", "srdi-national-little-giant")
DEMO_REASONS = {
    Decision.APPROVED: "主导产品在省内细分市场占有率居前列，提交的用户评价和检测报告可信。",
    Decision.REJECTED: "主导产品细分市场地位的证明材料不足，请补充第三方市场占有率数据后重新申请。",
}


def demo_policies_create() -> int:
    """Runs for the demo official's region (DEBUG demo only); returns the number of runs stored."""
    official = get_user_model().objects.filter(username="demo_official").first()
    if official is None:
        return 0
    today = timezone.localdate()
    runs = 0
    for programme_id in DEMO_PROGRAMMES:
        run = policy_run_create(programme_id=programme_id, as_of=today, acting_user=official)
        runs += 1
        policy_notices_send(
            run=run, tracks=[Track.ELIGIBLE, Track.REVIEW, Track.ALTERNATIVE], acting_user=official
        )
        # Decide a handful of cases of each kind so the queue shows both kinds of decision.
        cases = [
            *run.results.filter(track=Track.REVIEW).order_by("id")[:3],
            *run.results.filter(track=Track.ALTERNATIVE).order_by("id")[:2],
        ]
        for index, case in enumerate(cases):
            decision = Decision.APPROVED if index % 2 == 0 else Decision.REJECTED
            review_decide(result=case, decision=decision, reason=DEMO_REASONS[decision], acting_user=official)
    return runs
