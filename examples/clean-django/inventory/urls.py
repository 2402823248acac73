from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from .views import DashboardView, LowStockReportView, ProductViewSet, StockMovementViewSet

app_name = "inventory"

router = DefaultRouter()
router.register(r"products", ProductViewSet, basename="product")
router.register(r"movements", StockMovementViewSet, basename="movement")

urlpatterns = [
    path("", DashboardView.as_view(), name="dashboard"),
    path("api/", include(router.urls)),
    path("api/auth/token/", obtain_auth_token, name="api-token"),
    path("api/reports/low-stock/", LowStockReportView.as_view(), name="low-stock"),
]
