"""National algorithms (国密) from ``cryptography``: SM3 for integrity, SM4-GCM for confidentiality.

Plain functions over bytes; the keys are passed in, never read from settings here, so tests can
drive them with their own keys."""

import functools
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

NONCE_BYTES = 12
TAG_BYTES = 16
# Version byte in front of every ciphertext, so keys or algorithms can be rotated later.
FORMAT_V1 = b"\x01"


class DecryptionError(Exception):
    pass


def hmac_sm3(key: bytes, message: bytes) -> bytes:
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(message)
    return mac.finalize()


def sm4_gcm_encrypt(key: bytes, plaintext: bytes, *, associated_data: bytes = b"") -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(associated_data)
    body = encryptor.update(plaintext) + encryptor.finalize()
    return FORMAT_V1 + nonce + body + encryptor.tag


def sm4_gcm_decrypt(key: bytes, blob: bytes, *, associated_data: bytes = b"") -> bytes:
    if len(blob) < 1 + NONCE_BYTES + TAG_BYTES or blob[:1] != FORMAT_V1:
        raise DecryptionError("unknown ciphertext format")
    nonce = blob[1 : 1 + NONCE_BYTES]
    body, tag = blob[1 + NONCE_BYTES : -TAG_BYTES], blob[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(associated_data)
    try:
        return decryptor.update(body) + decryptor.finalize()
    except InvalidTag:
        raise DecryptionError("ciphertext does not authenticate") from None


@functools.lru_cache(maxsize=64)
def derive_key(key: bytes, label: str, length: int = 32) -> bytes:
    """A sub-key for one purpose, so the lookup hash never shares a key with the cipher. Cached:
    the same few labels are derived on every request."""
    return hmac_sm3(key, b"yangguang:" + label.encode())[:length]
