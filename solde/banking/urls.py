from django.urls import path

from solde.banking import views

urlpatterns = [
    path("", views.bank_queue, name="bank_queue"),
    path("upload", views.bank_upload, name="bank_upload"),
    path("lines/<uuid:ref>/", views.bank_line_detail, name="bank_line_detail"),
    path("lines/<uuid:ref>/accept", views.bank_line_accept, name="bank_line_accept"),
    path("lines/<uuid:ref>/allocate", views.bank_line_allocate, name="bank_line_allocate"),
    path("lines/<uuid:ref>/ignore", views.bank_line_ignore, name="bank_line_ignore"),
    path("lines/<uuid:ref>/undo", views.bank_line_undo, name="bank_line_undo"),
]
