from django.contrib import admin

from .models import Event, PersonnelChange, WorkPlan

admin.site.register(WorkPlan)
admin.site.register(Event)
admin.site.register(PersonnelChange)
