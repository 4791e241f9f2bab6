from django.urls import path

from solde.reminders import views, views_follow, views_plans

urlpatterns = [
    path("", views.reminder_home, name="reminder_home"),
    path("settings/", views.company_reminders, name="company_reminders"),
    path("plans/", views_plans.reminder_plans, name="reminder_plans"),
    path("plans/new", views_plans.reminder_plan_new, name="reminder_plan_new"),
    path("plans/<uuid:plan>/", views_plans.reminder_plan_edit, name="reminder_plan_edit"),
    path("plans/<uuid:plan>/delete", views_plans.reminder_plan_delete, name="reminder_plan_delete"),
    path(
        "plans/<uuid:plan>/default", views_plans.reminder_plan_default, name="reminder_plan_default"
    ),
    path("plans/<uuid:plan>/steps/new", views_plans.reminder_step_new, name="reminder_step_new"),
    path(
        "plans/<uuid:plan>/steps/<int:step>/",
        views_plans.reminder_step_edit,
        name="reminder_step_edit",
    ),
    path(
        "plans/<uuid:plan>/steps/<int:step>/delete",
        views_plans.reminder_step_delete,
        name="reminder_step_delete",
    ),
    path(
        "customers/<uuid:ref>/settings",
        views_follow.reminder_customer_set,
        name="reminder_customer_set",
    ),
    path("customers/<uuid:ref>/promise", views_follow.reminder_promise, name="reminder_promise"),
    path(
        "customers/<uuid:ref>/payment-plan",
        views_follow.reminder_payment_plan,
        name="reminder_payment_plan",
    ),
    path(
        "invoices/<uuid:ref>/dispute",
        views_follow.reminder_dispute_open,
        name="reminder_dispute_open",
    ),
    path(
        "disputes/<uuid:ref>/resolve",
        views_follow.reminder_dispute_resolve,
        name="reminder_dispute_resolve",
    ),
    path("<uuid:ref>/", views.reminder_detail, name="reminder_detail"),
    path("<uuid:ref>/letter.pdf", views.reminder_letter, name="reminder_letter"),
    path("<uuid:ref>/done", views.reminder_done, name="reminder_done"),
    path(
        "<uuid:ref>/latefee-invoice",
        views.reminder_latefee_invoice,
        name="reminder_latefee_invoice",
    ),
]
