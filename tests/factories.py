"""Test data through the real write paths (actions), never ad-hoc ORM writes."""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass, field
from queue import Empty
from typing import Any

import dramatiq
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context
from psycopg import sql

from aduan.db import tenant_db
from complaints.actions.intake import do_file_complaint
from complaints.models import Channel, Complaint
from routing import directory
from tenants import provisioning, regions
from tenants.actions.members import do_grant_role
from tenants.actions.onboarding import do_create_tenant, do_ensure_public_tenant
from tenants.models import Region, Role, SchemaTemplate, Tenant, TenantKind, User

# Regions the tests use: the demo regencies, and Cilacap's districts and villages.
REGION_SLICE = ("12.23", "61.03", "62.05", "33.01", "18.06.11")
_counter = itertools.count(1)


@dataclass
class PlatformData:
    """Reference data captured once per session and restored after a transactional flush."""

    template_state: str
    template_statements: list[str]
    relation_count: int


def ensure_reference_data(cached: PlatformData) -> None:
    if not SchemaTemplate.objects.filter(state=cached.template_state).exists():
        SchemaTemplate.objects.create(
            state=cached.template_state,
            statements=cached.template_statements,
            relation_count=cached.relation_count,
        )
    if not Region.objects.filter(code="33.01.09.2014").exists():
        # Parsed once per session: re-reading 83,763 villages per test cost about a second.
        regions.upsert_rows(_region_slice())
    do_ensure_public_tenant()
    directory.ensure_catalogue()


@functools.cache
def _region_slice() -> list[regions.Row]:
    return list(regions.parse_rows(prefixes=REGION_SLICE))


def capture_platform_data() -> PlatformData:
    template = provisioning.ensure_template()
    return PlatformData(template.state, list(template.statements), template.relation_count)


DEFAULT_PASSWORD = "rahasia-Aduan-2026"


def make_user(*, username: str | None = None, email: str | None = None) -> User:
    """A staff user with DEFAULT_PASSWORD and no role anywhere."""
    username = username or f"user{next(_counter)}"
    return User.objects.create_user(
        username=username, email=email or f"{username}@example.test", password=DEFAULT_PASSWORD
    )


def make_member(tenant: Tenant, *roles: Role | str, username: str | None = None) -> User:
    """A new user holding these roles in this tenant (through the real write path).

    For the platform operator pass the public tenant (`do_ensure_public_tenant()`); for a
    regency admin, the regency's PEMKAB tenant."""
    user = make_user(username=username)
    for role in roles:
        do_grant_role(user=user, tenant=tenant, role=role)
    return user


def sign_in(client: Client, user: User, *, two_factor: bool = True) -> None:
    """Log the test client in as this user. With `two_factor` (the default) the session has
    also passed the TOTP step, as it must for admins and heads (TWO_FACTOR_ROLES)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if two_factor:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def run_jobs(*actors: dramatiq.Actor[Any, Any]) -> int:
    """Run, here and now (this thread, this transaction), the jobs of these actors waiting on
    the test settings' stub broker; jobs of other actors stay queued. Returns how many ran.
    Pair it with pytest-django's `django_capture_on_commit_callbacks(execute=True)` so that
    `enqueue_on_commit` sends inside a test transaction."""
    ran = 0
    names = {actor.actor_name for actor in actors}
    for actor in actors:
        queue = actor.broker.queues[actor.queue_name]
        kept = []
        while True:
            try:
                data = queue.get_nowait()
            except Empty:
                break
            queue.task_done()
            message = dramatiq.Message.decode(data)
            if message.actor_name in names:
                actor.broker.get_actor(message.actor_name)(*message.args, **message.kwargs)
                ran += 1
            else:
                kept.append(data)
        for data in kept:
            queue.put(data)
    return ran


@dataclass
class TenantFactory:
    created: list[str] = field(default_factory=list)

    def __call__(
        self,
        *,
        kind: TenantKind = TenantKind.PEMDES,
        region_code: str | None = "33.01.09.2014",
        name: str | None = None,
        slug: str | None = None,
        parent: Tenant | None = None,
    ) -> Tenant:
        number = next(_counter)
        slug = slug or f"test-{kind.lower()}-{number}"
        tenant = do_create_tenant(
            slug=slug,
            name=name or f"Test {kind.label} {number}",
            kind=kind,
            region_code=region_code,
            parent=parent,
        )
        self.created.append(tenant.schema_name)
        return tenant

    def drop_all(self) -> None:
        """Transactional tests commit their schemas; a flush does not drop schemas."""
        tenant_db.set_schema_to_public()
        with connection.cursor() as cursor:
            # Deferred foreign-key checks still queued in this test's transaction would refuse
            # the drop ("pending trigger events"): run them now.
            if connection.in_atomic_block:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for schema in self.created:
                cursor.execute(
                    sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE")
                    .format(sql.Identifier(schema))
                    .as_string()
                )
        self.created.clear()


def file_complaint(tenant: Tenant, **overrides: Any) -> Complaint:
    """A complete complaint filed through the intake action, in the tenant's schema."""
    values: dict[str, Any] = {
        "channel": Channel.WEB,
        "name": "Siti Aminah",
        "address": "RT 02 RW 03, Desa Babakan",
        "phone": "0812-3456-7890",
        "subject": "Jalan desa berlubang",
        "description": "Jalan di depan balai desa berlubang sejak Senin, membahayakan pengendara.",
    }
    values.update(overrides)
    with schema_context(tenant.schema_name):
        return do_file_complaint(tenant=tenant, **values)
