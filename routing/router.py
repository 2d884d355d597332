"""The router ("no wrong door"): which body should handle a complaint, and why.

It proposes an authority from three things, each explained in the stored reason:
- the category: the one given, or a keyword classifier over the subject and description
  (the longest keywords win their words; the category with the most keywords is chosen; it is
  sure when it has two or more, or when no other category matched at all);
- the place: a village code; else the address text matched against the names of the villages
  (and districts, to tell two villages of one name apart) of the regency in scope (with none
  in scope, the regency the address names); else the coordinates, placed in their village or
  regency by the boundaries the operator loaded (routing.boundaries; without them the reason
  says the point was not placed);
- the directory (routing.directory): the tenants declaring that category and covering that
  village, the narrowest coverage first.

Outcomes: ROUTE to a tenant (sure of both), TRIAGE at the regency government (unsure), or
LAPOR when no body on Aduan can take it. A body that is not on Aduan hands up the hierarchy
(village → regency government → province) before SP4N-LAPOR!. What a caller then does with
the proposal is the disposition (routing.disposition.dispose).
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

from aduan.db import RowReader, fetch
from routing import boundaries
from routing.models import Authority, Category, CategoryLevel
from routing.selectors import catalogue
from tenants.models import Region, RegionLevel, Tenant, TenantKind, TenantStatus
from tenants.regions import REGION_ROWS, keep_region, region_at


class Outcome(enum.StrEnum):
    ROUTE = "route"
    TRIAGE = "triage"
    LAPOR = "lapor"


@dataclass
class Proposal:
    outcome: Outcome
    target: Tenant | None
    category: Category | None
    village: Region | None
    regency_code: str
    reasons: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)

    def unknown_village(self, village_code: str) -> bool:
        """A village code was given and it names no village (the router found none by it):
        a door refuses it rather than file or refer a complaint under a code that is not."""
        return bool(village_code) and (self.village is None or self.village.code != village_code)

    def as_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome.value,
            "target": self.target.slug if self.target else None,
            "category": self.category.key if self.category else None,
            "village_code": self.village.code if self.village else None,
            "regency_code": self.regency_code,
            "reason": self.reason,
        }


@dataclass
class Classification:
    category: Category | None
    sure: bool
    matched: list[str]
    reason: str


def _pattern(keyword: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(keyword) + r"(?!\w)", re.IGNORECASE)


_WORD = re.compile(r"\w+")


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.casefold()))


@lru_cache(maxsize=1)
def _compiled(
    signature: tuple[tuple[str, tuple[str, ...]], ...],
) -> list[tuple[str, str, re.Pattern[str], frozenset[str]]]:
    found = [(key, kw, _pattern(kw), _words(kw)) for key, keywords in signature for kw in keywords]
    # Longest first: "jalan desa" claims its words before "jalan" can.
    return sorted(found, key=lambda item: -len(item[1]))


def classify(text: str, categories: list[Category] | None = None) -> Classification:
    """The category whose keywords the text holds most, with the words that decided it."""
    categories = categories if categories is not None else list(catalogue())
    by_key = {c.key: c for c in categories}
    signature = tuple((c.key, tuple(c.keywords)) for c in categories)
    taken: list[tuple[int, int]] = []
    found: dict[str, list[tuple[int, str]]] = {}
    # A keyword matches only where each of its words is a word of the text: the others'
    # patterns (most of the catalogue's) are not run over the text at all.
    words = _words(text)
    for key, _keyword, pattern, needed in _compiled(signature):
        if not needed <= words:
            continue
        for match in pattern.finditer(text):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            taken.append(span)
            found.setdefault(key, []).append((span[0], match.group(0)))
    hits: dict[str, list[str]] = {}
    for key, spans in found.items():
        # The words in the order the text has them, each once.
        hits[key] = list(dict.fromkeys(word for _start, word in sorted(spans)))
    if not hits:
        return Classification(None, False, [], _("tidak ada kata kunci kategori"))
    scores = Counter({key: len(words) for key, words in hits.items()})
    ranked = scores.most_common()
    best_key, best = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0
    category = by_key[best_key]
    quoted = ", ".join(f"'{w}'" for w in hits[best_key])
    if best == second:
        tied = ", ".join(sorted(by_key[k].name for k, s in ranked if s == best))
        return Classification(
            None,
            False,
            hits[best_key],
            _("kata kunci seimbang antara: %(names)s") % {"names": tied},
        )
    sure = best >= 2 or second == 0
    reason = _("kata kunci: %(words)s → %(category)s") % {
        "words": quoted,
        "category": category.name,
    }
    if not sure:
        reason += " " + _("(belum yakin)")
    return Classification(category, sure, hits[best_key], reason)


def resolve_village(
    *, village_code: str = "", address_text: str = "", regency_code: str = "", named: str = ""
) -> tuple[Region | None, str]:
    """The village of the complaint and how it was found (or why it was not). `named`: the
    regency's name as the address gave it, which is not a village's (Kelurahan Cilacap)."""
    if village_code:
        village = region_at(village_code, RegionLevel.VILLAGE)
        if village is not None:
            return village, _("desa %(code)s (%(name)s)") % {
                "code": village.code,
                "name": village.name,
            }
        return None, _("kode desa %(code)s tidak dikenal") % {"code": village_code}
    if address_text and len(regency_code) == 5:
        text = _pattern(named).sub(" ", address_text) if named else address_text
        villages = _named_in(text, regency_code, RegionLevel.VILLAGE)
        if len(villages) > 1:
            districts = _named_in(text, regency_code, RegionLevel.DISTRICT)
            codes = {d.code for d in districts}
            names = {d.name.lower() for d in districts}
            # "Babakan, Kawunganten": Kawunganten is the district here, not its namesake village.
            narrowed = [v for v in villages if v.code[:8] in codes and v.name.lower() not in names]
            villages = narrowed or villages
        if len(villages) == 1:
            village = villages[0]
            return village, _("alamat '%(text)s' → desa %(code)s (%(name)s)") % {
                "text": address_text,
                "code": village.code,
                "name": village.name,
            }
        if villages:
            return None, _("alamat cocok dengan %(count)s desa") % {"count": len(villages)}
        return None, _("alamat tidak cocok dengan desa mana pun di kabupaten ini")
    return None, _("lokasi desa tidak diketahui")


def _named_in(text: str, regency_code: str, level: str) -> list[Region]:
    # One regency holds a few hundred villages: matching their names in Python is cheap.
    regions = Region.objects.filter(level=level, code__startswith=regency_code + ".")
    return [r for r in regions if _pattern(r.name).search(text)]


REGENCY_PREFIX = re.compile(r"^(kabupaten|kota)\s+", re.IGNORECASE)


def regency_named_in(text: str) -> Region | None:
    """The one regency an address names ("Kabupaten Cilacap", "Cilacap"), else None. Used
    when nothing else gives the regency in scope (a front door that was not told it)."""
    found = []
    for regency in Region.objects.filter(level=RegionLevel.REGENCY):
        bare = REGENCY_PREFIX.sub("", regency.name)
        if _pattern(bare).search(text):
            found.append((bool(_pattern(regency.name).search(text)), regency))
    # "Kota Bogor" names the city, not the regency of Bogor: the full name wins.
    named = [r for full, r in found if full] or [r for _full, r in found]
    return named[0] if len(named) == 1 else None


@dataclass(frozen=True)
class Place:
    village: Region | None
    regency_code: str
    reasons: tuple[str, ...]


def resolve_place(
    *,
    village_code: str = "",
    address_text: str = "",
    latitude: Any = None,
    longitude: Any = None,
    regency_code: str = "",
) -> Place:
    """The village (or at least the regency) of a complaint, and how it was found: a village
    code; else the address text inside the regency in scope (or the regency it names); else
    the coordinates, where boundaries are loaded."""
    reasons: list[str] = []
    regency_code = regency_code[:5]
    named_as = ""
    if not village_code and address_text and len(regency_code) != 5:
        named = regency_named_in(address_text)
        if named is not None:
            regency_code = named.code
            full = _pattern(named.name).search(address_text)
            named_as = full.group(0) if full else REGENCY_PREFIX.sub("", named.name)
            reasons.append(
                _("alamat '%(text)s' → %(name)s") % {"text": address_text, "name": named.name}
            )
    village, where = resolve_village(
        village_code=village_code,
        address_text=address_text,
        regency_code=regency_code,
        named=named_as,
    )
    reasons.append(where)
    if village is None and latitude not in (None, "") and longitude not in (None, ""):
        region = boundaries.locate(latitude, longitude)
        if region is None:
            reasons.append(
                _("koordinat tidak dipetakan ke desa: tidak ada batas wilayah yang memuatnya")
            )
        elif region.level == RegionLevel.VILLAGE:
            village = region
            reasons.append(
                _("koordinat → desa %(code)s (%(name)s)")
                % {"code": region.code, "name": region.name}
            )
        else:
            reasons.append(_("koordinat → %(name)s") % {"name": region.name})
            regency_code = regency_code or region.code[:5]
    if village is not None:
        regency_code = village.code[:5]
    return Place(village, regency_code, tuple(reasons))


def _active(tenants: Any) -> Any:
    return tenants.filter(status=TenantStatus.ACTIVE)


# Read on every front-door filing: written once as SQL (the ORM compiled this join of the
# declarations, their categories and the tenants anew on every call, ~1 ms of a filing's CPU).
_TENANTS = RowReader(Tenant)
_DECLARED = (
    f"SELECT {_TENANTS.columns('t')}, a.coverage_code FROM {Authority._meta.db_table} AS a"  # noqa: S608 (our names)
    f" JOIN {Authority.categories.through._meta.db_table} AS ac ON ac.authority_id = a.id"
    f" JOIN {Tenant._meta.db_table} AS t ON t.id = a.tenant_id"
    " WHERE ac.category_id = %s AND a.coverage_code IN (%s, %s, %s, %s) AND t.status = %s"
    " ORDER BY a.coverage_code DESC, a.tenant_id"
)


# A village named by its code, with its declarations of the category: at thousands of villages
# a worker has rarely kept the village (tenants.regions), so the front door asked for it in a
# statement of its own before the declarations. One row per declaring tenant, or one row of
# the village alone (its tenant columns NULL); none when there is no such village.
_VILLAGE_DECLARED = (
    f"SELECT {REGION_ROWS.columns('r')}, {_TENANTS.columns('t')}, a.coverage_code"  # noqa: S608 (our names)
    f" FROM {Region._meta.db_table} AS r LEFT JOIN ({Authority._meta.db_table} AS a"
    f" JOIN {Authority.categories.through._meta.db_table} AS ac"
    " ON ac.authority_id = a.id AND ac.category_id = %s"
    f" JOIN {Tenant._meta.db_table} AS t ON t.id = a.tenant_id AND t.status = %s)"
    " ON a.coverage_code IN (%s, %s, %s, %s)"
    " WHERE r.code = %s AND r.level = %s"
    " ORDER BY a.coverage_code DESC, a.tenant_id"
)
_REGION_WIDTH = len(Region._meta.concrete_fields)


# A village code's levels: province, regency, district, village.
_LEVELS = 4


def _prefixes(village_code: str) -> list[str]:
    """The codes a declaration may cover this village by, always four (the last repeated for
    a shorter code): the statements above take them as four parameters, not `= ANY(array)`,
    because the public connection keeps one generic plan, which cannot know an array's length
    and at a few hundred tenants planned a scan of every declaration and every tenant
    (measured at 1,000 tenants: 566 against 266 µs a read)."""
    parts = village_code.split(".")
    found = [".".join(parts[: i + 1]) for i in range(min(len(parts), _LEVELS))]
    return found + found[-1:] * (_LEVELS - len(found))


def _narrowest(found: list[tuple[Tenant, str]]) -> list[Tenant]:
    if not found:
        return []
    narrowest = len(found[0][1])
    return [tenant for tenant, coverage in found if len(coverage) == narrowest]


def declared_authority(category: Category, village_code: str) -> list[Tenant]:
    """Active tenants declaring `category` for this village, narrowest coverage first."""
    found = _TENANTS.read(
        _DECLARED, [category.pk, *_prefixes(village_code), TenantStatus.ACTIVE], public=True
    )
    return _narrowest([(tenant, coverage) for tenant, (coverage,) in found])


def village_and_declared(
    category: Category, village_code: str
) -> tuple[Region | None, list[Tenant]]:
    """The village of this code (None when there is none) and, as `declared_authority`, the
    active tenants declaring `category` for it: one statement. The village is kept as
    `region_at` keeps what it reads."""
    rows = fetch(
        _VILLAGE_DECLARED,
        [category.pk, TenantStatus.ACTIVE, *_prefixes(village_code), village_code,
         RegionLevel.VILLAGE],
        public=True,
    )  # fmt: skip
    village = REGION_ROWS.make(rows[0][:_REGION_WIDTH]) if rows else None
    keep_region(village_code, RegionLevel.VILLAGE, village)
    found = [
        (_TENANTS.make(row[_REGION_WIDTH:-1]), str(row[-1])) for row in rows if row[-1] is not None
    ]
    return village, _narrowest(found)


def regency_government(regency_code: str) -> Tenant | None:
    found: Tenant | None = (
        _active(Tenant.objects.filter(kind=TenantKind.PEMKAB, region_id=regency_code))
        .order_by("pk")
        .first()
    )
    return found


def province_government(province_code: str) -> Tenant | None:
    found: Tenant | None = (
        _active(Tenant.objects.filter(kind=TenantKind.PROVINSI, region_id=province_code))
        .order_by("pk")
        .first()
    )
    return found


def up_the_hierarchy(category: Category | None, region_code: str) -> tuple[Tenant | None, str]:
    """Who takes a matter whose own body is not on Aduan: the regency government, then the
    province (a province matter skips the regency)."""
    if len(region_code) >= 5 and (category is None or category.level != CategoryLevel.PROVINCE):
        regency = regency_government(region_code[:5])
        if regency is not None:
            return regency, _("naik ke %(name)s") % {"name": regency.name}
    if len(region_code) >= 2:
        province = province_government(region_code[:2])
        if province is not None:
            return province, _("naik ke %(name)s") % {"name": province.name}
    return None, _("tidak ada instansi di atasnya di Aduan: diteruskan ke SP4N-LAPOR!")


def propose(
    *,
    subject: str = "",
    description: str = "",
    category_key: str = "",
    village_code: str = "",
    address_text: str = "",
    latitude: Any = None,
    longitude: Any = None,
    regency_code: str = "",
    excluding: Tenant | None = None,
) -> Proposal:
    """Where a complaint should go. `regency_code` is the regency in scope (the front door's
    choice, or the receiving tenant's regency): address text is matched inside it.
    `excluding` is a body that said "not ours": never proposed as the handler."""
    reasons: list[str] = []
    categories = list(catalogue())
    category: Category | None = None
    sure_of_category = False
    if category_key:
        category = next((c for c in categories if c.key == category_key), None)
        if category is not None:
            sure_of_category = True
            reasons.append(_("kategori dipilih: %(name)s") % {"name": category.name})
    if category is None:
        found = classify(f"{subject}\n{description}", categories)
        category, sure_of_category = found.category, found.sure
        reasons.append(found.reason)

    # A village named by code comes with its declarations (one statement, and the village kept
    # for resolve_place below).
    declared: list[Tenant] | None = None
    if category is not None and sure_of_category and village_code:
        _village, declared = village_and_declared(category, village_code)
    place = resolve_place(
        village_code=village_code,
        address_text=address_text,
        latitude=latitude,
        longitude=longitude,
        regency_code=regency_code,
    )
    reasons.extend(place.reasons)
    village, regency_code = place.village, place.regency_code

    if category is not None and sure_of_category and village is not None:
        if declared is None or village.code != village_code:
            declared = declared_authority(category, village.code)
        holders = [t for t in declared if excluding is None or t.pk != excluding.pk]
        if len(holders) == 1:
            reasons.append(f"→ {holders[0].name}")
            return Proposal(Outcome.ROUTE, holders[0], category, village, regency_code, reasons)
        if len(holders) > 1:
            names = ", ".join(t.name for t in holders)
            reasons.append(_("lebih dari satu instansi: %(names)s") % {"names": names})
        else:
            target, why = up_the_hierarchy(category, village.code)
            reasons.append(
                _("belum ada instansi %(category)s untuk desa ini di Aduan")
                % {"category": category.name}
            )
            reasons.append(why)
            outcome = Outcome.ROUTE if target is not None else Outcome.LAPOR
            return Proposal(outcome, target, category, village, regency_code, reasons)

    # Unsure: the regency government sorts it (triage); without one, up or to SP4N-LAPOR!.
    triage = regency_government(regency_code) if regency_code else None
    if triage is not None:
        reasons.append(_("ke antrean pemilahan %(name)s") % {"name": triage.name})
        return Proposal(Outcome.TRIAGE, triage, category, village, regency_code, reasons)
    target, why = up_the_hierarchy(category, regency_code)
    reasons.append(why)
    outcome = Outcome.TRIAGE if target is not None else Outcome.LAPOR
    return Proposal(outcome, target, category, village, regency_code, reasons)
