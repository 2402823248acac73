"""API (Django REST framework) and HTML views for stock levels."""
import logging

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import connection
from django.db.models import Sum
from django.http import JsonResponse
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Organisation, Product, StockMovement
from .permissions import IsOrganisationMember, organisation_ids
from .serializers import ProductSerializer, StockMovementSerializer, WarehouseStockSerializer, stock_by_warehouse

logger = logging.getLogger(__name__)

LOW_STOCK_SQL = """
    SELECT p.sku, p.name, p.reorder_level, COALESCE(SUM(m.quantity), 0) AS on_hand
    FROM inventory_product p
    LEFT JOIN inventory_stockmovement m ON m.product_id = p.id
    WHERE p.organisation_id = %s AND NOT p.archived
    GROUP BY p.id
    HAVING COALESCE(SUM(m.quantity), 0) <= p.reorder_level
    ORDER BY on_hand ASC
"""


@require_GET
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def current_organisation(user):
    organisation = user.organisations.order_by("id").first()
    if organisation is None:
        raise ValidationError("Your account does not belong to an organisation yet.")
    return organisation


class ProductViewSet(viewsets.ModelViewSet):
    serializer_class = ProductSerializer
    permission_classes = [IsAuthenticated, IsOrganisationMember]

    def get_queryset(self):
        queryset = Product.objects.filter(organisation_id__in=organisation_ids(self.request.user))
        if self.request.query_params.get("archived") != "true":
            queryset = queryset.filter(archived=False)
        search = self.request.query_params.get("search")
        if search:
            queryset = queryset.filter(name__icontains=search)
        return queryset.order_by("sku")

    def perform_create(self, serializer):
        serializer.save(organisation=current_organisation(self.request.user))

    def perform_destroy(self, instance):
        # Products with history are archived, not deleted, so movements keep their product.
        instance.archived = True
        instance.save(update_fields=["archived"])

    @action(detail=True, methods=["get"])
    def stock(self, request, pk=None):
        product = self.get_object()
        serializer = WarehouseStockSerializer(stock_by_warehouse(product), many=True)
        return Response(serializer.data)


class StockMovementViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = StockMovementSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        queryset = StockMovement.objects.select_related("product", "warehouse").filter(
            product__organisation_id__in=organisation_ids(self.request.user)
        )
        product_id = self.request.query_params.get("product")
        if product_id and product_id.isdigit():
            queryset = queryset.filter(product_id=int(product_id))
        return queryset

    def perform_create(self, serializer):
        movement = serializer.save(created_by=self.request.user)
        logger.info("stock movement %s recorded by user %s", movement.id, self.request.user.pk)


class LowStockReportView(APIView):
    """Products at or below their reorder level, for one organisation. Staff only."""

    permission_classes = [IsAdminUser]

    def get(self, request):
        organisation_id = request.query_params.get("organisation")
        if not organisation_id or not organisation_id.isdigit():
            return Response({"detail": "organisation is required"}, status=status.HTTP_400_BAD_REQUEST)
        with connection.cursor() as cursor:
            cursor.execute(LOW_STOCK_SQL, [int(organisation_id)])
            columns = [col[0] for col in cursor.description]
            rows = [dict(zip(columns, row)) for row in cursor.fetchall()]
        return Response({"organisation": int(organisation_id), "products": rows})


class DashboardView(LoginRequiredMixin, TemplateView):
    template_name = "inventory/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ids = organisation_ids(self.request.user)
        context["organisations"] = Organisation.objects.filter(id__in=ids).order_by("name")
        context["recent_movements"] = (
            StockMovement.objects.select_related("product", "warehouse")
            .filter(product__organisation_id__in=ids)
            .order_by("-created_at")[:20]
        )
        context["units_on_hand"] = (
            StockMovement.objects.filter(product__organisation_id__in=ids).aggregate(total=Sum("quantity"))["total"] or 0
        )
        return context
