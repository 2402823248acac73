"""Stock levels per warehouse, and the movements that change them."""
from django.conf import settings
from django.db import models


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="organisations")

    def __str__(self):
        return self.name


class Warehouse(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="warehouses")
    name = models.CharField(max_length=120)
    city = models.CharField(max_length=120, blank=True)

    class Meta:
        unique_together = [("organisation", "name")]

    def __str__(self):
        return self.name


class Product(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="products")
    sku = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    reorder_level = models.PositiveIntegerField(default=0)
    archived = models.BooleanField(default=False)

    class Meta:
        unique_together = [("organisation", "sku")]
        indexes = [models.Index(fields=["organisation", "archived"])]

    def __str__(self):
        return f"{self.sku} {self.name}"


class StockMovement(models.Model):
    class Kind(models.TextChoices):
        RECEIPT = "receipt", "Receipt"
        SHIPMENT = "shipment", "Shipment"
        ADJUSTMENT = "adjustment", "Adjustment"

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="movements")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    quantity = models.IntegerField()
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
