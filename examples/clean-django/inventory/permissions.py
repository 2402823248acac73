"""Object-level permission: a user sees only the data of the organisations they belong to."""
from rest_framework.permissions import BasePermission


def organisation_ids(user):
    return list(user.organisations.values_list("id", flat=True))


class IsOrganisationMember(BasePermission):
    message = "You are not a member of this organisation."

    def has_object_permission(self, request, view, obj):
        organisation_id = getattr(obj, "organisation_id", None)
        if organisation_id is None and hasattr(obj, "product"):
            organisation_id = obj.product.organisation_id
        return organisation_id in organisation_ids(request.user)
