"""The REST API's plumbing shared by the apps: permissions, pagination and ids.

Settings import this module, so it must not import rest_framework.views
(which reads those settings): the exception handler lives in errors.py.
"""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissions

# Primary keys are 64-bit; a larger id is bad input, not a database error.
MAX_ID = 2**63 - 1


class ReadAuthenticatedWriteWithModelPermission(DjangoModelPermissions):
    """Any signed-in user may read; writes need the model's add/change/delete permission."""

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        return super().has_permission(request, view)


class ChangePermission(ReadAuthenticatedWriteWithModelPermission):
    """For actions that change a row through POST (e.g. toggle-active)."""

    perms_map = {**DjangoModelPermissions.perms_map, "POST": ["%(app_label)s.change_%(model_name)s"]}


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
