"""Who is acting and from where, for the audit trail, without threading it through every call."""

from contextvars import ContextVar

client_ip: ContextVar[str] = ContextVar("client_ip", default="")
