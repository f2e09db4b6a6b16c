from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from .models import Group, GroupMember


@login_required
def group_list(request):
    groups = (
        Group.objects.select_related("cycle")
        .prefetch_related("leaders")
        .annotate(
            member_count=Count(
                "members", filter=Q(members__status=GroupMember.Status.ADMITTED)
            )
        )
        .order_by("-cycle__starts_on", "topic")
    )
    return render(request, "affinity/group_list.html", {"groups": groups})


@login_required
def group_detail(request, pk):
    group = get_object_or_404(
        Group.objects.select_related("cycle").prefetch_related("leaders"), pk=pk
    )
    return render(request, "affinity/group_detail.html", {"group": group})
