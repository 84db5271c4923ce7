import json

from django.http import HttpResponseBadRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import CeilingRow


@csrf_exempt  # like the public FOI endpoint: an anonymous JSON API, no session, no CSRF token
@require_POST
def ceiling(request):
    """The reference: parse the same JSON body, one INSERT in autocommit, answer 201."""
    try:
        data = json.loads(request.body)
        row = CeilingRow.objects.create(name=data["name"][:50], description=data["description"])
    except (ValueError, KeyError, TypeError):
        return HttpResponseBadRequest()
    return JsonResponse({"id": row.pk}, status=201)
