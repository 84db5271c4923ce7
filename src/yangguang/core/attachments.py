"""Accepting uploaded files: type and size limits checked before anything is stored."""

from __future__ import annotations

import hashlib
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from yangguang.core.models import Attachment

MAX_BYTES = 20 * 1024 * 1024
ALLOWED = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ofd": "application/ofd",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".txt": "text/plain",
}
# A few signatures, so a renamed executable is not accepted as a PDF.
MAGIC = {
    ".pdf": (b"%PDF",),
    ".png": (b"\x89PNG",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".ofd": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
}


def check_upload(*, name: str, content: bytes, max_bytes: int = MAX_BYTES) -> str:
    """Return the extension when the file is acceptable; otherwise a Chinese error naming the file."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in ALLOWED:
        allowed = "、".join(sorted(s.lstrip(".") for s in ALLOWED))
        raise ValidationError({"attachments": f"附件“{name}”的类型不允许，只接受：{allowed}"})
    if len(content) == 0:
        raise ValidationError({"attachments": f"附件“{name}”是空文件"})
    if len(content) > max_bytes:
        raise ValidationError({"attachments": f"附件“{name}”超过大小上限 {max_bytes // (1024 * 1024)} MB"})
    signatures = MAGIC.get(suffix)
    if signatures and not content.startswith(signatures):
        raise ValidationError({"attachments": f"附件“{name}”的内容与扩展名 {suffix} 不符"})
    return suffix


def attachment_store(*, actor, name: str, content: bytes) -> Attachment:
    suffix = check_upload(name=name, content=content)
    digest = hashlib.sha256(content).hexdigest()
    attachment = Attachment(
        original_name=PurePath(name).name[:200],
        content_type=ALLOWED[suffix],
        size=len(content),
        sha256=digest,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    # Stored under its digest, never under the uploader's file name.
    attachment.file.save(f"{digest}{suffix}", ContentFile(content), save=False)
    attachment.save()
    return attachment
