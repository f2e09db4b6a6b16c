"""Where the resources of /api/v1/ are listed, for this app and for others.

The resources of the apps that existed when the API was made live in this
app (``views.py``). An app added later keeps its own: it writes its viewsets
in ``<app>/api.py`` (building on ``api.views.ReadViewSet``, so that the token,
scope, rate limit, role rules and cursor pagination are the same) and
registers them from its ``AppConfig.ready()``::

    def ready(self):
        from api.registry import register
        from . import api

        register("peers", api.PeerViewSet, basename="peer")

The route then answers at ``/api/v1/peers/``, appears in the OpenAPI document
and in the documentation page, and its URL names (``api:peer-list``,
``api:peer-detail``) must be added to ``tests/test_permission_matrix.py``,
which fails until they are.
"""

from rest_framework import routers


class Router(routers.DefaultRouter):
    include_format_suffixes = False


router = Router()


def register(prefix: str, viewset, *, basename: str) -> None:
    """Serve ``viewset`` at ``/api/v1/<prefix>/`` (once, whatever calls twice)."""
    if any(existing == prefix for existing, _v, _b in router.registry):
        return
    router.register(prefix, viewset, basename=basename)
