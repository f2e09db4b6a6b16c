"""The documentation page: Swagger UI from the drf-spectacular-sidecar wheel,
served by the portal (no CDN, works offline). Its start-up script is a file
of its own (``?script``), so the page runs under the portal's
Content-Security-Policy, which forbids inline script."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularSwaggerSplitView


class SwaggerView(SpectacularSwaggerSplitView):
    title = _("DASH Mentor Portal API")
