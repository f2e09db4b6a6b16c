from django.contrib import admin

from .models import Cycle, Group

admin.site.register(Cycle)


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["topic", "cycle", "capacity"]
    list_filter = ["cycle"]
    filter_horizontal = ["leaders", "support_staff"]
