"""Personal data (个人信息): one field type that stores SM4-GCM ciphertext, fills a keyed lookup hash,
and hands templates a value that prints masked. Only ``reveal()`` gives the clear text, and the one
staff view that calls it logs who looked (see ``services.personal_data_reveal``)."""

from __future__ import annotations

import base64

from django import forms
from django.conf import settings
from django.db import models

from yangguang.core import gmcrypto
from yangguang.core.masking import MASKERS, NORMALISERS


def _cipher_key() -> bytes:
    return settings.PII_KEY


def blind_index(kind: str, value: str) -> str:
    """The keyed hash used to find a record by its personal data without decrypting anything."""
    normalised = NORMALISERS[kind](value)
    key = gmcrypto.derive_key(settings.PII_KEY, f"blind-index:{kind}")
    return gmcrypto.hmac_sm3(key, normalised.encode()).hex()


class PersonalValue:
    """A piece of personal data. Printing it (``str``, templates, ``repr``) shows the masked form."""

    __slots__ = ("kind", "_clear")

    def __init__(self, kind: str, clear: str) -> None:
        self.kind = kind
        self._clear = clear

    @property
    def masked(self) -> str:
        return MASKERS[self.kind](self._clear)

    def reveal(self) -> str:
        return self._clear

    def __str__(self) -> str:
        return self.masked

    __html__ = __str__

    def __repr__(self) -> str:
        return f"<PersonalValue {self.kind} {self.masked}>"

    def __bool__(self) -> bool:
        return bool(self._clear)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PersonalValue):
            return self.kind == other.kind and self._clear == other._clear
        if isinstance(other, str):
            return self._clear == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.kind, self._clear))


class PersonalDataFormField(forms.CharField):
    """Never renders the stored value; an empty submission keeps what is stored."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "已保存的内容不予显示；留空表示不修改。")
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        return ""

    def has_changed(self, initial, data) -> bool:
        return bool(data)


class EncryptedField(models.TextField):
    """Stores ``kind`` personal data encrypted; fills ``<name>_hash`` on the model when it exists."""

    def __init__(self, *args, kind: str, **kwargs):
        if kind not in MASKERS:
            raise ValueError(f"unknown personal data kind {kind!r}")
        self.kind = kind
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        return name, path, args, kwargs

    def _wrap(self, clear: str) -> PersonalValue:
        return PersonalValue(self.kind, clear)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return self._wrap("")
        blob = base64.b64decode(value)
        return self._wrap(gmcrypto.sm4_gcm_decrypt(_cipher_key(), blob, associated_data=self.kind.encode()).decode())

    def to_python(self, value):
        if isinstance(value, PersonalValue) or value is None:
            return value
        return self._wrap(NORMALISERS[self.kind](str(value)))

    def get_prep_value(self, value):
        if value is None:
            return ""
        clear = value.reveal() if isinstance(value, PersonalValue) else NORMALISERS[self.kind](str(value))
        if not clear:
            return ""
        blob = gmcrypto.sm4_gcm_encrypt(_cipher_key(), clear.encode(), associated_data=self.kind.encode())
        return base64.b64encode(blob).decode()

    def pre_save(self, model_instance, add):
        value = self.to_python(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        hash_name = f"{self.attname}_hash"
        if hasattr(model_instance, hash_name):
            setattr(model_instance, hash_name, blind_index(self.kind, value.reveal()) if value else "")
        return value

    def get_lookup(self, lookup_name):
        # Ciphertext is randomised: equality on it can never match. Search through <name>_hash.
        if lookup_name in ("isnull",):
            return super().get_lookup(lookup_name)
        return None

    def formfield(self, **kwargs):
        return PersonalDataFormField(label=self.verbose_name, max_length=200)

    def save_form_data(self, instance, data):
        if data:
            setattr(instance, self.attname, data)

    def value_to_string(self, obj):
        return str(self.value_from_object(obj))


def lookup_hash_field(**kwargs) -> models.CharField:
    return models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False, **kwargs)
