"""`aduan.tenancy.tenant_reverse`: `reverse()`'s answer under a tenant's path prefix, without
a regex compiled per tenant."""

from __future__ import annotations

import re

import pytest
from django.urls import NoReverseMatch, get_script_prefix, reverse, set_script_prefix

from aduan.tenancy import tenant_reverse


@pytest.fixture
def prefix_restored() -> object:
    before = get_script_prefix()
    yield
    set_script_prefix(before)


@pytest.mark.parametrize("prefix", ["/", "/t/desa-babakan/", "/aduan/t/desa-sukamaju/"])
def test_it_answers_what_reverse_answers_and_keeps_the_prefix(
    prefix: str, prefix_restored: object
) -> None:
    set_script_prefix(prefix)
    kwargs = {"code": "ABCD23EFGH"}
    assert tenant_reverse("complaints:track", kwargs=kwargs) == reverse(
        "complaints:track", kwargs=kwargs
    )
    assert tenant_reverse("complaints:track", kwargs=kwargs).startswith(prefix)
    assert get_script_prefix() == prefix


def test_a_name_that_does_not_reverse_fails_and_keeps_the_prefix(prefix_restored: object) -> None:
    set_script_prefix("/t/desa-babakan/")
    with pytest.raises(NoReverseMatch):
        tenant_reverse("complaints:no-such-page")
    assert get_script_prefix() == "/t/desa-babakan/"


def test_a_new_tenant_prefix_compiles_no_regex(prefix_restored: object) -> None:
    # Given the route reversed once (its regex compiled and cached)
    set_script_prefix("/t/desa-0/")
    tenant_reverse("complaints:track", kwargs={"code": "ABCD23EFGH"})
    re.purge()
    set_script_prefix("/t/desa-1/")
    tenant_reverse("complaints:track", kwargs={"code": "ABCD23EFGH"})
    compiled = len(re._cache)  # type: ignore[attr-defined]  # the module's regex cache
    # When 300 more tenants' links are made
    for n in range(2, 302):
        set_script_prefix(f"/t/desa-{n}/")
        tenant_reverse("complaints:track", kwargs={"code": "ABCD23EFGH"})
    # Then no regex more was compiled (reverse() compiles one per prefix)
    assert len(re._cache) == compiled  # type: ignore[attr-defined]
