from django.db.models import Sum
from rest_framework import serializers

from .models import Product, StockMovement, Warehouse
from .permissions import organisation_ids


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "sku", "name", "reorder_level", "archived"]


class WarehouseStockSerializer(serializers.Serializer):
    warehouse = serializers.CharField()
    on_hand = serializers.IntegerField()


class StockMovementSerializer(serializers.ModelSerializer):
    class Meta:
        model = StockMovement
        fields = ["id", "product", "warehouse", "kind", "quantity", "note", "created_at"]
        read_only_fields = ["id", "created_at"]

    def validate(self, attrs):
        allowed = organisation_ids(self.context["request"].user)
        if attrs["product"].organisation_id not in allowed or attrs["warehouse"].organisation_id not in allowed:
            raise serializers.ValidationError("Unknown product or warehouse.")
        if attrs["product"].organisation_id != attrs["warehouse"].organisation_id:
            raise serializers.ValidationError("Product and warehouse belong to different organisations.")
        if attrs["kind"] == StockMovement.Kind.SHIPMENT and attrs["quantity"] > 0:
            attrs["quantity"] = -attrs["quantity"]
        return attrs


def stock_by_warehouse(product):
    rows = (
        StockMovement.objects.filter(product=product)
        .values("warehouse__name")
        .annotate(on_hand=Sum("quantity"))
        .order_by("warehouse__name")
    )
    return [{"warehouse": row["warehouse__name"], "on_hand": row["on_hand"] or 0} for row in rows]


def warehouses_for(user):
    return Warehouse.objects.filter(organisation_id__in=organisation_ids(user))
