import base64

import pytest
from django.test import override_settings

from silvercare.common import crypto
from silvercare.common.masking import mask_address, mask_id_number, mask_phone

KEY_A = base64.b64decode(base64.b64encode(b"a" * 32))
KEY_B = b"b" * 32


def test_roundtrip_and_randomised_ciphertext() -> None:
    one = crypto.encrypt("440304194503081234", purpose="elder.id_number")
    two = crypto.encrypt("440304194503081234", purpose="elder.id_number")
    assert one != two  # fresh nonce every time: equal values do not look equal at rest
    assert "440304" not in one
    assert crypto.decrypt(one, purpose="elder.id_number") == "440304194503081234"


def test_ciphertext_is_bound_to_its_column() -> None:
    token = crypto.encrypt("13800138000", purpose="elder.phone")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, purpose="elder.address")


def test_tampering_is_detected() -> None:
    token = crypto.encrypt("secret", purpose="p")
    kid, _, body = token.partition("$")
    raw = bytearray(base64.b64decode(body))
    raw[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(f"{kid}${base64.b64encode(bytes(raw)).decode()}", purpose="p")


def test_key_rotation_reads_old_and_writes_new() -> None:
    with override_settings(SILVERCARE_FIELD_KEYS={"old": KEY_A}):
        old_token = crypto.encrypt("深圳市福田区", purpose="elder.address")
    with override_settings(SILVERCARE_FIELD_KEYS={"new": KEY_B, "old": KEY_A}):
        assert crypto.decrypt(old_token, purpose="elder.address") == "深圳市福田区"
        assert crypto.key_id(crypto.encrypt("x", purpose="p")) == "new"
    with (
        override_settings(SILVERCARE_FIELD_KEYS={"new": KEY_B}),
        pytest.raises(crypto.DecryptionError),
    ):
        crypto.decrypt(old_token, purpose="elder.address")


def test_lookup_hash_is_keyed_and_normalised() -> None:
    a = crypto.lookup_hash("11010519491231002x", purpose="id_number")
    assert a == crypto.lookup_hash(" 11010519491231002X ", purpose="id_number")
    assert a != crypto.lookup_hash("11010519491231002X", purpose="phone")
    with override_settings(SILVERCARE_HASH_KEY=b"z" * 32):
        assert a != crypto.lookup_hash("11010519491231002X", purpose="id_number")


def test_masks() -> None:
    assert mask_id_number("440304194503081234") == "44***************4"
    assert mask_phone("13800138000") == "138****8000"
    assert mask_address("深圳市福田区园岭街道1栋101") == "深圳市福田区****"
    assert mask_address("") == ""
