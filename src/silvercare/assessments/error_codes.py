"""Machine codes of the assessment capability. The scorer's own codes (unknown_instrument,
missing_item, unknown_item, invalid_score, invalid_field) are reused as they are, so the
command, the API and the form report the same problem the same way."""

ASSESSMENT_COMPLETED = "assessment_completed"
WRONG_STATUS = "assessment_wrong_status"
NOT_ASSESSOR = "not_an_assessor"
NOT_QUALIFIED = "assessor_not_qualified"
SAME_ASSESSOR = "same_assessor_twice"
SECOND_ASSESSOR_REQUIRED = "second_assessor_required"
SIGNATURE_MISSING = "signature_missing"
CORRECTION_REASON_REQUIRED = "correction_reason_required"
CORRECTS_INVALID = "corrects_invalid"
ELDER_NOT_ACTIVE = "elder_not_active"
FORM_FIELD_UNKNOWN = "form_field_unknown"
FORM_VALUE_INVALID = "form_value_invalid"
DATE_INVALID = "date_invalid"
