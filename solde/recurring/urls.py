from django.urls import path

from solde.recurring import views

urlpatterns = [
    path("", views.recurring_list_page, name="recurring_list"),
    path("new", views.recurring_new, name="recurring_new"),
    path("<uuid:ref>/", views.recurring_detail, name="recurring_detail"),
    path("<uuid:ref>/edit", views.recurring_edit, name="recurring_edit"),
    path("<uuid:ref>/pause", views.recurring_pause, name="recurring_pause"),
    path("<uuid:ref>/resume", views.recurring_resume, name="recurring_resume"),
]
