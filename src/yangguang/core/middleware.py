from django.conf import settings

from yangguang.core import context

# Everything is served from the project itself (no CDN), so the policy can be strict.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The Django admin ships inline scripts and styles; it is staff-only and on the same origin.
        if not request.path.startswith("/admin/") and not request.path.startswith("/api/v1/docs"):
            response.setdefault("Content-Security-Policy", CSP)
        return response


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.trust_forwarded = getattr(settings, "USE_X_FORWARDED_FOR", False)

    def __call__(self, request):
        ip = request.META.get("REMOTE_ADDR", "")
        if self.trust_forwarded and request.META.get("HTTP_X_FORWARDED_FOR"):
            ip = request.META["HTTP_X_FORWARDED_FOR"].split(",")[0].strip()
        token = context.client_ip.set(ip)
        try:
            return self.get_response(request)
        finally:
            context.client_ip.reset(token)
