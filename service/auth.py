"""Passwords (argon2) and bearer tokens (HMAC-SHA256 signed, expiring)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, hashed: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def issue_token(username: str, secret: str, minutes: int) -> str:
    """A signed token for ``username``: expires after ``minutes``; ``iat`` (ms) lets a logout
    end every token issued before it (``User.sessions_valid_from``)."""
    claims = {"sub": username, "exp": int(time.time()) + minutes * 60, "iat": now_ms()}
    payload = _b64(json.dumps(claims).encode())
    sig = _b64(hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest())
    return f"{payload}.{sig}"


def read_claims(token: str, secret: str) -> tuple[str, int] | None:
    """(username, issued-at in ms) of a valid, unexpired token; None otherwise."""
    try:
        payload, sig = token.split(".")
        expected = _b64(hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(sig, expected):
            return None
        data = json.loads(_unb64(payload))
        if int(data["exp"]) < time.time():
            return None
        return str(data["sub"]), int(data.get("iat", 0))
    except (ValueError, KeyError, TypeError, json.JSONDecodeError):
        return None
