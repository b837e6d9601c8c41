"""Machine codes of portal errors."""

PHONE_INVALID = "phone_invalid"
CODE_WRONG = "code_wrong"
CODE_EXPIRED = "code_expired"
TOO_MANY_REQUESTS = "too_many_requests"
NOT_OWN_RECORD = "not_own_record"
NO_ACCOUNT = "no_account"
CHOICE_INVALID = "choice_invalid"
