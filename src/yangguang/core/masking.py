"""How personal data is shown to anyone who has not asked, with a logged reason, for the clear value."""

import re

_NON_DIGIT = re.compile(r"[\s\-]")


def normalise_id_number(value: str) -> str:
    return value.strip().upper()


def normalise_phone(value: str) -> str:
    value = _NON_DIGIT.sub("", value.strip())
    if value.startswith("+86"):
        value = value[3:]
    return value


def mask_id_number(value: str) -> str:
    """``330102199001011234`` → ``3301**********1234``."""
    if not value:
        return ""
    if len(value) <= 8:
        return value[:1] + "*" * (len(value) - 1)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678``; landlines keep their last four digits."""
    if not value:
        return ""
    if len(value) == 11 and value.startswith("1"):
        return value[:3] + "****" + value[-4:]
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]


def mask_address(value: str) -> str:
    """Keep the first six characters (province/city/district level), hide the rest."""
    if not value:
        return ""
    keep = 6 if len(value) > 9 else max(1, len(value) // 2)
    return value[:keep] + "*" * 6


def mask_email(value: str) -> str:
    """``zhangsan@example.com`` → ``z*******@example.com``."""
    if not value:
        return ""
    local, at, domain = value.partition("@")
    return local[:1] + "*" * max(1, len(local) - 1) + at + domain


def mask_name(value: str) -> str:
    if not value:
        return ""
    return value[:1] + "*" * max(1, len(value) - 1)


MASKERS = {
    "id_number": mask_id_number,
    "phone": mask_phone,
    "address": mask_address,
    "name": mask_name,
    "email": mask_email,
}
NORMALISERS = {
    "id_number": normalise_id_number,
    "phone": normalise_phone,
    "address": str.strip,
    "name": str.strip,
    "email": lambda value: value.strip().lower(),
}
