"""The power planner's figures for the pilot form and page: pairs needed and power for
a one-arm pilot, people per arm for a randomised comparison (ANCOVA)."""

from crossover.analysis import paired_n_for_power, paired_power, two_arm_n_for_power, two_arm_power
from crossover.web.forms import checked, decimal_number, whole_number

NO_PLAN = {"needed": None, "power": None}
NO_TWO_ARM_PLAN = {"per_arm": None, "total": None, "power": None}
# The planner's pre-post correlation until the owner gives one: a cautious value for a
# questionnaire re-measured a few months later (ANCOVA gains more the higher it is).
DEFAULT_RHO = 0.5


def paired_planner(min_dz: float, alpha: float, direction: str, planned_n: int) -> dict:
    """Server-side figures for the power planner (the page updates them live)."""
    try:
        needed = paired_n_for_power(min_dz, alpha, 0.8, direction).pairs_needed
        power = paired_power(planned_n, min_dz, alpha, direction).power if planned_n >= 2 else None
        return {"needed": needed, "power": power}
    except (ValueError, TypeError):
        return NO_PLAN


def _two_arm_planner(d: float, rho: float, alpha: float, direction: str, per_arm: int) -> dict:
    """People per arm for a randomised pilot analysed by ANCOVA, and the planned n's power."""
    try:
        needed = two_arm_n_for_power(d, rho, alpha, 0.8, direction)
        power = two_arm_power(per_arm, d, rho, alpha, direction).power if per_arm >= 2 else None
        return {"per_arm": needed.per_arm_needed, "total": needed.total_needed, "power": power}
    except (ValueError, TypeError):
        return NO_TWO_ARM_PLAN


def _randomised_comparison(form) -> bool:
    """The two-arm figure applies to a comparison arm drawn by lot (the default allocation)."""
    return checked(form, "has_comparison") and form.get("allocation") != "assigned"


def form_planner(form) -> dict:
    """The planner for a form as typed; an unreadable number leaves the figures blank."""
    min_dz = decimal_number(form.get("min_dz") or "0.2")
    alpha = decimal_number(form.get("alpha") or "0.05")
    planned_n = whole_number(form.get("planned_n") or "0")
    rho = decimal_number(form.get("rho") or str(DEFAULT_RHO))
    if min_dz is None or alpha is None or planned_n is None:
        plan = dict(NO_PLAN, two_arm=NO_TWO_ARM_PLAN)
    else:
        direction = form.get("direction") or "increase"
        plan = dict(paired_planner(min_dz, alpha, direction, planned_n))
        plan["two_arm"] = (
            NO_TWO_ARM_PLAN
            if rho is None
            else _two_arm_planner(min_dz, rho, alpha, direction, planned_n)
        )
    return dict(plan, show_two_arm=_randomised_comparison(form))
