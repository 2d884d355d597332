"""`aduan citus prepare|status|move` on a database that is not a Citus coordinator: one clear
error, nothing changed. (On a real cluster they run in tests/citus/test_citus.py.)"""

from __future__ import annotations

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from aduan import citus, cli
from aduan.errors import AduanError


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("enabled", "code"), [(False, "aduan.citus_off"), (True, "aduan.citus_missing")]
)
def test_prepare_and_status_refuse_a_plain_postgresql_database(
    settings: SettingsWrapper, enabled: bool, code: str
) -> None:
    # Given plain PostgreSQL, with ADUAN_CITUS off and (wrongly) on
    settings.ADUAN_CITUS = enabled
    lines: list[str] = []
    # When prepare or status run, then each refuses with the reason, printing nothing
    for run in (lambda: citus.prepare(out=lines.append), citus.status):
        with pytest.raises(AduanError) as refused:
            run()
        assert refused.value.code == code
    assert lines == []


def test_move_names_its_target_worker_as_host_and_port() -> None:
    args = cli.build_parser().parse_args(["citus", "move", "desa-babakan", "10.0.0.7:5432"])
    assert (args.citus_step, args.tenant, args.node, args.mode) == (
        "move", "desa-babakan", "10.0.0.7:5432", "block_writes"
    )  # fmt: skip
    with pytest.raises(AduanError) as refused:
        citus.move(slug="desa-babakan", to="10.0.0.7", out=print)
    assert refused.value.code == "aduan.citus_node"
