"""Tracking codes and secrets for things the public follows without an account (an application for
disclosure, a service case): the code is shown and printed, the secret only once; only a keyed hash
(HMAC-SM3) of the secret is stored."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings

from yangguang.core import gmcrypto

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud over the phone
CODE_LENGTH = 10
SECRET_LENGTH = 8


def new_code(choice=secrets.choice) -> str:
    """A random code; the demo passes a seeded ``choice`` to get the same codes on every run."""
    return "".join(choice(ALPHABET) for _ in range(CODE_LENGTH))


def secret_digest(secret: str, *, purpose: str) -> str:
    key = gmcrypto.derive_key(settings.PII_KEY, purpose)
    return gmcrypto.hmac_sm3(key, (secret or "").strip().upper().encode()).hex()


def secret_matches(stored_digest: str, secret: str, *, purpose: str) -> bool:
    return bool(stored_digest) and secrets.compare_digest(stored_digest, secret_digest(secret, purpose=purpose))


def new_secret(submission_key: uuid.UUID | None = None, *, purpose: str) -> str:
    """Random; or, when the client sent a submission key, derived from it with a server key, so
    that a repeated submission (a double click whose second response is the one the browser
    shows) can show the same secret again without the secret being stored anywhere."""
    if submission_key is None:
        return "".join(secrets.choice(ALPHABET) for _ in range(SECRET_LENGTH))
    key = gmcrypto.derive_key(settings.PII_KEY, purpose + "-from-submission-key")
    digest = gmcrypto.hmac_sm3(key, submission_key.bytes)
    return "".join(ALPHABET[b % len(ALPHABET)] for b in digest[:SECRET_LENGTH])
