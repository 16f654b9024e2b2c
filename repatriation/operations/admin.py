from django.contrib import admin

from repatriation.admin_site import AuditedModelAdmin

from .models import Location


@admin.register(Location)
class LocationAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "country", "region"]
    list_filter = ["kind", "country"]
    search_fields = ["name"]
