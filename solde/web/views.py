"""Sign-in, the start page that picks a company, and the health check (the company's home
page is the receivables dashboard: solde.reports.views.dashboard)."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render

from solde.web.company import user_companies


class EmailAuthenticationForm(AuthenticationForm):
    """Users sign in with their email, stored lower-case as the user name."""

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class SignInView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


@login_required
def start(request):
    companies = user_companies(request.user)
    if len(companies) == 1:
        return redirect("home", companies[0].slug)
    return render(request, "web/start.html", {"companies": companies})


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
