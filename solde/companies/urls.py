from django.urls import path

from solde.companies import views, views_emails

urlpatterns = [
    path("", views.company_settings, name="company_settings"),
    path("series/", views.company_series, name="company_series"),
    path("series/<uuid:ref>/", views.company_series_edit, name="company_series_edit"),
    path("users/", views.company_users, name="company_users"),
    path("users/role", views.company_user_role, name="company_user_role"),
    path("users/remove", views.company_user_remove, name="company_user_remove"),
    path("emails/", views_emails.company_email_templates, name="company_email_templates"),
    path(
        "emails/<str:kind>/<str:language>/",
        views_emails.company_email_template_edit,
        name="company_email_template_edit",
    ),
    path(
        "emails/<str:kind>/<str:language>/reset",
        views_emails.company_email_template_reset,
        name="company_email_template_reset",
    ),
]
