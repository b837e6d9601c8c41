"""Caregiver routing: plan a provider's day (issue 13 parts 3 and 4).

A pure-Python package (no Django models): the platform's planning and
`silvercare plan-routes` both call :func:`solve`. The JSON format of the problem and of the
plan is documented in docs/routing.md; :func:`verify` re-checks a plan independently.
"""

from __future__ import annotations

from typing import Any

from silvercare.homecare.routing.problem import RoutingInputError

__all__ = ["RoutingInputError", "solve", "verify"]


def solve(problem: dict[str, Any], *, time_limit: float = 5.0, seed: int = 1) -> dict[str, Any]:
    """Problem and plan in the JSON format of issue 13 part 4 (documented in docs/routing.md).

    Raises RoutingInputError(errors: list[str]) on bad input.
    """
    from silvercare.homecare.routing.solver import solve_problem

    return solve_problem(problem, time_limit=time_limit, seed=seed)


def verify(problem: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    """Every violation of the problem's constraints found in the plan (empty when valid)."""
    from silvercare.homecare.routing.verify import verify_plan

    return verify_plan(problem, plan)
