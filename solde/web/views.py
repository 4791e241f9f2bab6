"""Sign-in, the start page that picks a company, the home page, and the health check."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render

from solde.core import clock
from solde.invoicing.queries import receivable_summary
from solde.web.company import company_page, user_companies


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


@company_page()
def home(request):
    summary = receivable_summary(company=request.company, today=clock.today())
    return render(request, "web/home.html", {"summary": summary, "today": clock.today()})


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
