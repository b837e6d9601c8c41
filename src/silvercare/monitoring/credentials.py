"""Per-device secrets: made once, shown once, stored only as hashes.

Two hashes of the same secret are kept. ``secret_hash`` is Django's password hash (argon2,
PBKDF2 fallback) and serves the HTTPS ingest. ``mqtt_hash`` is Mosquitto's own password-file
form — ``$7$<iterations>$<base64 salt>$<base64 PBKDF2-SHA512>`` — so ``silvercare
mqtt-passwd`` writes the broker's password file from the registry without ever knowing a
secret (format checked against ``mosquitto_passwd`` 2.0.11 in the tests)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from django.contrib.auth.hashers import check_password, make_password

# mosquitto_passwd defaults to 101 iterations; the broker reads the count from the hash.
MQTT_ITERATIONS = 10_000
MQTT_SALT_BYTES = 12
SERIAL_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$")


def new_secret() -> str:
    return secrets.token_urlsafe(24)


def mqtt_hash(secret: str, *, salt: bytes | None = None, iterations: int = MQTT_ITERATIONS) -> str:
    salt = salt if salt is not None else secrets.token_bytes(MQTT_SALT_BYTES)
    digest = hashlib.pbkdf2_hmac("sha512", secret.encode(), salt, iterations)
    return f"$7${iterations}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def mqtt_check(secret: str, encoded: str) -> bool:
    try:
        _, version, iterations, salt, digest = encoded.split("$")
        if version != "7":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.pbkdf2_hmac(
            "sha512", secret.encode(), base64.b64decode(salt), int(iterations)
        )
    except ValueError:
        return False
    return hmac.compare_digest(expected, actual)


def hash_pair(secret: str) -> tuple[str, str]:
    """(Django hash, Mosquitto hash) of a secret."""
    return make_password(secret), mqtt_hash(secret)


def secret_matches(secret: str, encoded: str) -> bool:
    return bool(secret) and check_password(secret, encoded)
