from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def preferences(request):
    return render(request, "notifications/preferences.html", {})
