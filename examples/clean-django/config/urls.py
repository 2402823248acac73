"""Root URL configuration."""
from django.contrib import admin
from django.urls import include, path

from inventory.views import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("healthz/", healthz, name="healthz"),
    path("", include("inventory.urls")),
]
