from django.contrib import admin

from .models import Organisation, Product, StockMovement, Warehouse


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name"]
    filter_horizontal = ["members"]


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "city"]
    list_filter = ["organisation"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "organisation", "reorder_level", "archived"]
    list_filter = ["organisation", "archived"]
    search_fields = ["sku", "name"]


@admin.register(StockMovement)
class StockMovementAdmin(admin.ModelAdmin):
    list_display = ["created_at", "product", "warehouse", "kind", "quantity", "created_by"]
    list_filter = ["kind", "warehouse"]
    readonly_fields = ["created_by", "created_at"]
