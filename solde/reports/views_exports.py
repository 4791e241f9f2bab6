"""Downloads of the aged balance: /c/<slug>/reports/aging.csv|.xlsx|.pdf?as_of=YYYY-MM-DD.

Open to every member (reading, like the report pages). A download has no page to show a
message on, so a day that is not a date, or is in the future, is refused with 400 rather
than silently replaced by today.
"""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _

from solde.core import clock
from solde.reports.exports import aging_export
from solde.reports.queries import aging
from solde.web.company import company_page
from solde.web.pages import day_param


def _refused(message: str) -> HttpResponseBadRequest:
    # Plain text: the message quotes what was typed, which must not be read as HTML.
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


@company_page()
def aging_download(request, extension: str):
    today = clock.today()
    text = request.GET.get("as_of", "").strip()
    as_of = day_param(text, today)
    if text and day_param(text) is None:
        return _refused(_("“%(text)s” is not a date (YYYY-MM-DD).") % {"text": text})
    if as_of > today:
        return _refused(_("Figures cannot be as of a future date."))
    export = aging_export(aging(company=request.company, as_of=as_of), request.company, extension)
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response
