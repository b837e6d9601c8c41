"""Every write of the rental capability (see each module)."""

from silvercare.rental.services.leases import (
    add_months,
    lease_bill_month,
    lease_buy_out,
    lease_extend,
    lease_open,
    lease_periods,
    lease_return,
    leases_bill_due,
)
from silvercare.rental.services.recalls import (
    affected_units,
    order_close,
    recall_create,
    recall_notify,
)
from silvercare.rental.services.reminders import leases_remind
from silvercare.rental.services.units import (
    check_transition,
    cleaning_record,
    fault_report_by_holder,
    incident_report,
    point_create,
    repair_close,
    repair_open,
    transition_allowed,
    unit_register,
    unit_transition,
)
from silvercare.rental.services.waitlist import (
    rank,
    waitlist_add,
    waitlist_allocate,
    waitlist_cancel,
    waitlist_ranked,
)

__all__ = [
    "add_months",
    "affected_units",
    "check_transition",
    "cleaning_record",
    "fault_report_by_holder",
    "incident_report",
    "lease_bill_month",
    "lease_buy_out",
    "lease_extend",
    "lease_open",
    "lease_periods",
    "lease_return",
    "leases_bill_due",
    "leases_remind",
    "order_close",
    "point_create",
    "rank",
    "recall_create",
    "recall_notify",
    "repair_close",
    "repair_open",
    "transition_allowed",
    "unit_register",
    "unit_transition",
    "waitlist_add",
    "waitlist_allocate",
    "waitlist_cancel",
    "waitlist_ranked",
]
