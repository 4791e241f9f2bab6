"""The web pages come with the web issue; for now a landing page and a health check."""

from django.db import connection
from django.http import HttpResponse, JsonResponse


def home(request):
    return HttpResponse(
        "<!doctype html><html lang=fr><title>Solde</title><h1>Solde</h1>"
        '<p>API : <a href="/api/v1/">/api/v1/</a> — documentation : '
        '<a href="/api/docs/">/api/docs/</a></p></html>'
    )


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
