"""Where the resources of /api/v1/ are put on the router.

``api/`` is the top layer of the portal: it reads every app, and no app
imports it (the import-linter contracts in ``pyproject.toml``). So the
resources of an app added later are written here too, in a module of their
own (viewsets built on ``api.views.ReadViewSet``, so that the token, scope,
rate limit, role rules and cursor pagination are the same; the peer network's
profiles in ``views.py`` are the example), and registered in ``urls.py``::

    register("peers", views.CollaborationProfileViewSet, basename="peer")

The route then answers at ``/api/v1/<prefix>/``, appears in the OpenAPI
document, the documentation page and the schemathesis run, and its URL names
(``api:<basename>-list``, ``api:<basename>-detail``) must be added to
``API_ROUTES`` in ``tests/test_permission_matrix.py``, which fails until they
are.
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
