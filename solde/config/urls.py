from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("solde.api.urls")),
    path("", include("solde.web.urls")),
]
