"""Template context for every page: the signed-in person's unread notifications, counted only
when a template shows them (the value is a callable, which templates call)."""

from yangguang.supervision.notify import unread_count


def notifications(request) -> dict:
    user = getattr(request, "user", None)
    return {"unread_notifications": lambda: unread_count(user)}
