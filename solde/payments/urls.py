from django.urls import path

from solde.payments import views

urlpatterns = [
    path("", views.payment_list_page, name="payment_list"),
    path("new", views.payment_new, name="payment_new"),
    path("open-invoices", views.payment_open_invoices, name="payment_open_invoices"),
    path("<uuid:ref>/", views.payment_detail, name="payment_detail"),
    path("<uuid:ref>/allocate", views.payment_allocate, name="payment_allocate"),
    path("<uuid:ref>/cancel", views.payment_cancel, name="payment_cancel"),
    path("allocations/<uuid:ref>/undo", views.allocation_undo, name="payment_undo"),
]
