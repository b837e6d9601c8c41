"""Writes of the subsidies capability, split by sub-domain. Other capabilities call these:
``check_eligibility``, ``quote``, ``reserve``, ``delivery_record``, ``commit``, ``release``,
``claim_*``, ``voucher_*``, ``tradein_record``."""

from silvercare.subsidies.services.claims import (
    claim_approve,
    claim_prepare,
    claim_reconcile,
    claim_reject,
    claim_settle,
)
from silvercare.subsidies.services.deliveries import (
    delivery_correct,
    delivery_record,
    delivery_reverse,
)
from silvercare.subsidies.services.eligibility import (
    EvaluationSummary,
    eligibility_evaluate_version,
    entitlements_refresh,
)
from silvercare.subsidies.services.programmes import (
    VersionValues,
    budget_save,
    payer_create,
    programme_create,
    require,
    rule_field_errors,
    version_create,
    version_publish,
    version_update,
    version_values_of,
)
from silvercare.subsidies.services.quotes import (
    Item,
    Outcome,
    TestRun,
    check_eligibility,
    quote,
    rule_test_run,
    version_test_run,
)
from silvercare.subsidies.services.reservations import commit, release, reserve
from silvercare.subsidies.services.tradeins import tradein_record
from silvercare.subsidies.services.vouchers import (
    VoucherCheck,
    voucher_batch_create,
    voucher_batch_issue,
    voucher_check,
    voucher_code_issue,
    voucher_redeem,
    vouchers_expire,
)

__all__ = [
    "EvaluationSummary",
    "Item",
    "Outcome",
    "TestRun",
    "VersionValues",
    "VoucherCheck",
    "budget_save",
    "check_eligibility",
    "claim_approve",
    "claim_prepare",
    "claim_reconcile",
    "claim_reject",
    "claim_settle",
    "commit",
    "delivery_correct",
    "delivery_record",
    "delivery_reverse",
    "eligibility_evaluate_version",
    "entitlements_refresh",
    "payer_create",
    "programme_create",
    "quote",
    "release",
    "require",
    "reserve",
    "rule_field_errors",
    "rule_test_run",
    "tradein_record",
    "version_create",
    "version_publish",
    "version_test_run",
    "version_update",
    "version_values_of",
    "voucher_batch_create",
    "voucher_batch_issue",
    "voucher_check",
    "voucher_code_issue",
    "voucher_redeem",
    "vouchers_expire",
]
