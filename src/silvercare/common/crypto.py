"""Encryption at rest for personal fields (AES-256-GCM) and keyed hashes for exact lookup.

A ciphertext is stored as ``<key-id>$<base64(nonce || ciphertext+tag)>``: the key id makes
key rotation possible (new writes use the first configured key, every configured key reads).
The field's purpose is bound in as associated data, so a value cannot be moved between
columns unnoticed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings


class DecryptionError(Exception):
    pass


def _keys() -> dict[str, bytes]:
    keys: dict[str, bytes] = settings.SILVERCARE_FIELD_KEYS
    return keys


def encrypt(plaintext: str, *, purpose: str) -> str:
    if plaintext == "":
        return ""
    kid, key = next(iter(_keys().items()))
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode(), purpose.encode())
    return f"{kid}${base64.b64encode(nonce + sealed).decode()}"


def decrypt(token: str, *, purpose: str) -> str:
    if token == "":
        return ""
    kid, sep, body = token.partition("$")
    key = _keys().get(kid)
    if not sep or key is None:
        raise DecryptionError(f"no key {kid!r} configured for this ciphertext")
    raw = base64.b64decode(body)
    try:
        return AESGCM(key).decrypt(raw[:12], raw[12:], purpose.encode()).decode()
    except Exception as exc:  # cryptography raises InvalidTag
        raise DecryptionError("ciphertext does not verify") from exc


def key_id(token: str) -> str:
    return token.partition("$")[0]


def lookup_hash(value: str, *, purpose: str) -> str:
    """Keyed, deterministic hash of a normalised value, for exact-match search."""
    key: bytes = settings.SILVERCARE_HASH_KEY
    message = f"{purpose}:{value.strip().upper()}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
