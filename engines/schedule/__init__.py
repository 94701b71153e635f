"""Scheduling engine: flexible job shops across factories, solved with CP-SAT or greedily, and checked.

- `instance`: the problem and the answer as plain data; `readers`: `.fjs` and JSPLIB files;
- `greedy.plan`: dispatching rules, no solver needed; `cpsat.solve`: CP-SAT with hints, redundant
  constraints and an LNS loop (OR-Tools is the optional `schedule` extra, imported on first use);
- `check.check` / `check.check_frame`: the independent checker, one operation at a time or over a
  Polars frame; `reschedule.reschedule`: re-planning after a disruption, moving as little as it can;
- `explain.explain`: factory shares, transport legs and lateness in English and Chinese;
- `synthetic.synthetic_instance`: the seeded three-factory instance of the tests and the benchmark.
"""

from engines.schedule.check import Violation, check, check_frame
from engines.schedule.errors import InstanceError, ScheduleInputError, SolverUnavailableError
from engines.schedule.explain import Explanation, explain
from engines.schedule.greedy import plan as greedy_plan
from engines.schedule.instance import (
    DEFAULT_WEIGHTS,
    FOREVER,
    Alternative,
    Assignment,
    Factory,
    Instance,
    Job,
    Machine,
    Operation,
    Schedule,
    Weights,
)
from engines.schedule.readers import read_fjs, read_instance, read_jsplib
from engines.schedule.reschedule import Change, Disruption, Downtime, Replan, reschedule

__all__ = [
    "DEFAULT_WEIGHTS",
    "FOREVER",
    "Alternative",
    "Assignment",
    "Change",
    "Disruption",
    "Downtime",
    "Explanation",
    "Factory",
    "Instance",
    "InstanceError",
    "Job",
    "Machine",
    "Operation",
    "Replan",
    "Schedule",
    "ScheduleInputError",
    "SolverUnavailableError",
    "Violation",
    "Weights",
    "check",
    "check_frame",
    "explain",
    "greedy_plan",
    "read_fjs",
    "read_instance",
    "read_jsplib",
    "reschedule",
]
