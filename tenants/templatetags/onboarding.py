"""`{% governs_tenants as flag %}`: whether the signed-in user is a regency admin or the
platform operator, so the front door shows the onboarding console links only to them."""

from __future__ import annotations

from typing import Any

from django import template

from tenants import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def governs_tenants(context: dict[str, Any]) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return permissions.is_platform_operator(user) or permissions.is_regency_admin(user)
