"""Geography: boundaries (checked, simplified, stored), the cited reference tables (wards
to former boroughs, local authorities with population) and spend placed on a map.

Three levels of area: ``ward`` (Cheshire East's wards), ``former_borough`` (Congleton,
Crewe and Nantwich, Macclesfield: abolished in 2009, dissolved here from their wards) and
``local_authority`` (district or unitary councils, for national data).

A spend row is placed twice, at the finest level its source allows:
- where the benefit lands: the 360Giving beneficiary location code, else its name, else
  the row's district (for council spend, the council's own area);
- where the recipient is based: the recipient's location code as published.
Spend recorded only for a coarser area is never spread over finer ones: on a ward map,
spend known only by former borough is shown as such, and Cheshire East-wide spend as
county-wide. Every figure is summed in integer pence, so a map reconciles with the spend
table to the penny. Never imports streamlit."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.polygon import orient

from . import store
from .errors import DomainError

REFERENCE_DIR = store.PROJECT_ROOT / "data" / "reference"
WARD_TABLE = REFERENCE_DIR / "ward_former_borough.csv"
AUTHORITY_TABLE = REFERENCE_DIR / "local_authorities.csv"
WARD_POPULATION_TABLE = REFERENCE_DIR / "ward_population.csv"

LEVELS = {
    "ward": "Ward",
    "former_borough": "Former borough (before 2009)",
    "local_authority": "Local authority",
}
LEVEL_ORDER = {"ward": 0, "former_borough": 1, "local_authority": 2}
BASES = {"benefit": "Where the benefit lands", "recipient": "Where the recipient is based"}
CHESHIRE_EAST = "E06000049"
COUNTY_WIDE_NAMES = {"cheshire east-wide", "cheshire east wide", "cheshire-wide"}

# What a row of an area table is: an area on the map, or spend that cannot be drawn on
# this map (said in words, never spread).
KIND_LABELS = {
    "area": "Area on the map",
    "coarser": "Recorded only for a larger area",
    "county_wide": "Cheshire East-wide (county-wide)",
    "outside": "Outside Cheshire East",
    "not_placed": "Place not known",
}

# Where to get boundaries (the ONS Open Geography Portal); named on the page and in README.
ONS_PORTAL = "https://geoportal.statistics.gov.uk/"
ONS_WARDS = "https://geoportal.statistics.gov.uk/search?q=BDY_WD%20Boundaries%20UK%20BGC"
ONS_DISTRICTS = "https://geoportal.statistics.gov.uk/search?q=BDY_LAD%20Boundaries%20UK%20BUC"
ONS_LICENCE = (
    "Source: Office for National Statistics licensed under the Open Government Licence v3.0. "
    "Contains OS data © Crown copyright and database right."
)

# Simplification tolerance in degrees (about 50 m for wards, 500 m for districts): the
# outlines stay recognisable at the size a page draws them and the page stays light.
TOLERANCE = {"ward": 0.0005, "former_borough": 0.0005, "local_authority": 0.005}
DECIMALS = {"ward": 5, "former_borough": 5, "local_authority": 4}
# Longitude/latitude box around the United Kingdom, with room to spare.
UK_BOUNDS = (-11.0, 49.0, 3.5, 61.5)


@dataclass(frozen=True)
class Place:
    """An area a spend row can be placed in: level, GSS code, name and its parent's code."""

    level: str
    code: str
    name: str
    parent: str | None = None


# ---------------------------------------------------------------- reference tables


@lru_cache(maxsize=1)
def ward_former_borough() -> tuple[dict, ...]:
    """The cited ward -> former borough table (data/reference/ward_former_borough.csv)."""
    with open(WARD_TABLE, newline="", encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


@lru_cache(maxsize=1)
def local_authorities() -> tuple[dict, ...]:
    """The cited local authority table: GSS code, name, other names and mid-2020
    population (data/reference/local_authorities.csv)."""
    with open(AUTHORITY_TABLE, newline="", encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


@lru_cache(maxsize=1)
def ward_population() -> tuple[dict, ...]:
    """The cited population of each Cheshire East ward: ONS mid-2020 ward-level estimates
    (data/reference/ward_population.csv, built by scripts/derive_ward_population.py)."""
    with open(WARD_POPULATION_TABLE, newline="", encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


WARD_CITATION = "ONS mid-2020 ward-level estimate (Open Government Licence v3)"
BOROUGH_CITATION = "sum of its wards' ONS mid-2020 ward-level estimates (Open Government Licence v3)"
POPULATION_CREDIT = (
    "Population: ONS mid-2020 estimates (Open Government Licence v3): local authorities via mySociety "
    "(CC BY 4.0), data/reference/local_authorities.csv; Cheshire East wards from the ONS ward-level "
    "estimates, data/reference/ward_population.csv; a former borough's population is the sum of its wards'."
)


def population() -> dict[str, tuple[int, str]]:
    """GSS code -> (population, citation) for every area with a cited population: local
    authorities (mid-2020), Cheshire East's wards (mid-2020) and the three former boroughs,
    whose population is derived as the sum of their wards' (the wards tile each borough)."""
    people = {
        row["gss_code"]: (int(row["population_2020"]), "ONS mid-2020 estimate via mySociety (" + row["licence"] + ")")
        for row in local_authorities()
        if row["population_2020"]
    }
    wards = {row["ward_code"]: int(row["population"]) for row in ward_population()}
    people.update({code: (count, WARD_CITATION) for code, count in wards.items()})
    boroughs: dict[str, int] = {}
    for row in ward_former_borough():
        boroughs[row["former_borough_code"]] = boroughs.get(row["former_borough_code"], 0) + wards[row["ward_code"]]
    people.update({code: (count, BOROUGH_CITATION) for code, count in boroughs.items()})
    return people


def normalise_place_name(name: str) -> str:
    """A name made comparable: case, '&' and punctuation, and council words ignored."""
    text = (name or "").lower().replace("&", " and ")
    text = re.sub(r"\b(ua|council|borough|district|metropolitan|city of|county of|county)\b", " ", text)
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


@lru_cache(maxsize=1)
def _reference_places() -> tuple[dict[str, Place], dict[tuple[str, str], str]]:
    """Places known from the reference tables: code -> Place, and (level, normalised
    name) -> code."""
    places: dict[str, Place] = {}
    names: dict[tuple[str, str], str] = {}
    for row in local_authorities():
        places[row["gss_code"]] = Place("local_authority", row["gss_code"], row["name"])
        if not row["end_date"]:  # a current council's name wins over an abolished one's
            for name in [row["name"], *row["other_names"].split(";")]:
                if name.strip():
                    names.setdefault(("local_authority", normalise_place_name(name)), row["gss_code"])
    for row in local_authorities():
        names.setdefault(("local_authority", normalise_place_name(row["name"])), row["gss_code"])
    for row in ward_former_borough():
        places[row["former_borough_code"]] = Place(
            "former_borough", row["former_borough_code"], row["former_borough_name"], CHESHIRE_EAST
        )
        names[("former_borough", normalise_place_name(row["former_borough_name"]))] = row["former_borough_code"]
        places[row["ward_code"]] = Place("ward", row["ward_code"], row["ward_name"], row["former_borough_code"])
        names[("ward", normalise_place_name(row["ward_name"]))] = row["ward_code"]
    return places, names


def code_for_name(name: str, level: str) -> str | None:
    """The GSS code of a ward, former borough or local authority from its name, or None."""
    return _reference_places()[1].get((level, normalise_place_name(name)))


def code_level(code: str) -> str | None:
    """'ward' or 'local_authority' from a GSS code's entity prefix; None for others."""
    prefix = (code or "")[:3].upper()
    if prefix in ("E05", "W05", "S13", "N08"):
        return "ward"
    if prefix in ("E06", "E07", "E08", "E09", "W06", "S12", "N09"):
        return "former_borough" if code in FORMER_BOROUGH_CODES else "local_authority"
    return None


FORMER_BOROUGH_CODES = frozenset({"E07000014", "E07000015", "E07000017"})


class Gazetteer:
    """Every place a spend row can be put in: the reference tables plus imported
    boundaries. Finds places by code or name and rolls them up to a level."""

    def __init__(self, extra: list[Place] = ()):
        reference, names = _reference_places()
        self.places = dict(reference)
        self.names = dict(names)
        for place in extra:
            known = self.places.get(place.code)
            self.places[place.code] = Place(place.level, place.code, place.name, place.parent or (known.parent if known else None))
            self.names.setdefault((place.level, normalise_place_name(place.name)), place.code)

    @classmethod
    def load(cls, db: store.Database) -> "Gazetteer":
        rows = (db.execute("SELECT level, code, name, parent_code FROM boundary_areas ORDER BY area_key").fetchall()
                if store.table_exists(db, "boundary_areas") else [])
        return cls([Place(*row) for row in rows])

    def find(self, code: str = "", name: str = "") -> tuple[Place | None, bool]:
        """(place, county_wide) for a code or a name; (None, False) when neither is known.
        'Cheshire East-wide' is Cheshire East, marked county-wide."""
        code = (code or "").strip().upper()
        if code and code in self.places:
            return self.places[code], False
        key = normalise_place_name(name)
        if not key:
            return None, False
        if (name or "").strip().lower() in COUNTY_WIDE_NAMES:
            return self.places.get(CHESHIRE_EAST), True
        for level in ("ward", "former_borough", "local_authority"):
            found = self.names.get((level, key))
            if found:
                return self.places[found], found == CHESHIRE_EAST
        return None, False

    def ancestor(self, place: Place, level: str) -> Place | None:
        """The area of ``level`` that contains ``place`` (itself if of that level)."""
        seen = 0
        while place is not None and seen < 5:
            if place.level == level:
                return place
            place = self.places.get(place.parent or "")
            seen += 1
        return None

    def roll_up(self, place: Place | None, county_wide: bool, level: str) -> tuple[str, str, str]:
        """(kind, code, name) of the row ``place`` lands in on a map of ``level``: an area
        of that level, or what it is when it cannot be drawn there (never spread)."""
        if place is None:
            return "not_placed", "", KIND_LABELS["not_placed"]
        target = self.ancestor(place, level)
        if target is not None:
            return "area", target.code, target.name
        if LEVEL_ORDER[place.level] > LEVEL_ORDER[level]:
            council = self.ancestor(place, "local_authority")
            if county_wide or place.code == CHESHIRE_EAST:
                return "county_wide", CHESHIRE_EAST, KIND_LABELS["county_wide"]
            if place.level == "former_borough":
                return "coarser", place.code, f"{place.name} (former borough as a whole, not by ward)"
            if council is not None and council.code != CHESHIRE_EAST:
                return "outside", "", KIND_LABELS["outside"]
        return "not_placed", "", KIND_LABELS["not_placed"]


# ---------------------------------------------------------------- boundary geometry


def topojson_features(topology: dict) -> list[dict]:
    """GeoJSON features from a TopoJSON topology (arcs delta-decoded and transformed),
    from the object with the most geometries."""
    transform = topology.get("transform")
    scale, translate = (transform["scale"], transform["translate"]) if transform else ((1, 1), (0, 0))
    arcs = []
    for arc in topology.get("arcs", []):
        x = y = 0
        points = []
        for position in arc:
            if transform:
                x, y = x + position[0], y + position[1]
                points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
            else:
                points.append((position[0], position[1]))
        arcs.append(points)

    def ring(indexes: list[int]) -> list:
        coords: list = []
        for index in indexes:
            points = arcs[index] if index >= 0 else arcs[~index][::-1]
            coords.extend(points if not coords else points[1:])
        return [list(p) for p in coords]

    def geometry(item: dict) -> dict | None:
        kind = item.get("type")
        if kind == "Polygon":
            return {"type": "Polygon", "coordinates": [ring(r) for r in item["arcs"]]}
        if kind == "MultiPolygon":
            return {"type": "MultiPolygon", "coordinates": [[ring(r) for r in polygon] for polygon in item["arcs"]]}
        return None if kind is None else {"type": kind, "coordinates": []}

    objects = topology.get("objects") or {}
    if not objects:
        return []
    largest = max(objects.values(), key=lambda o: len(o.get("geometries", [])))
    return [
        {"type": "Feature", "properties": item.get("properties") or {}, "geometry": geometry(item)}
        for item in largest.get("geometries", [])
    ]


def to_geojson(geometry, level: str) -> tuple[str, int]:
    """(GeoJSON text, vertex count) of a polygonal geometry, exterior rings clockwise
    (what the browser's d3 projection expects) and coordinates rounded for ``level``."""
    parts = [orient(p, sign=-1.0) for p in getattr(geometry, "geoms", [geometry]) if p.geom_type == "Polygon" and not p.is_empty]
    geometry = parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)
    data = mapping(shapely.set_precision(geometry, 10 ** -DECIMALS[level], mode="pointwise"))
    return json.dumps(data, separators=(",", ":")), int(shapely.get_num_coordinates(geometry))


def polygonal(geometry):
    """The polygons of ``geometry`` (a GeometryCollection from make_valid may hold lines)."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    polygons = [g for g in getattr(geometry, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polygons) if polygons else shapely.Polygon()


def simplify_all(geometries: list, level: str) -> list:
    """Simplify a set of neighbouring areas together, so shared borders stay shared (no
    gaps or overlaps); areas that do not form a clean coverage are simplified one by one."""
    tolerance = TOLERANCE[level]
    if not geometries:
        return []
    try:
        simplified = list(shapely.coverage_simplify(geometries, tolerance))
        if all(g.is_valid and not g.is_empty for g in simplified):
            return simplified
    except shapely.errors.GEOSException:
        pass
    return [g.simplify(tolerance, preserve_topology=True) for g in geometries]


def dissolve(geometries: list):
    """One outline from neighbouring areas (a former borough from its wards)."""
    try:
        merged = shapely.coverage_union_all(geometries)
        if merged.is_valid and not merged.is_empty:
            return merged
    except shapely.errors.GEOSException:
        pass
    return shapely.union_all(geometries)


def read_geometry(data: dict):
    """A shapely geometry from a GeoJSON geometry dict; DomainError when it is not a polygon."""
    if not isinstance(data, dict) or data.get("type") not in ("Polygon", "MultiPolygon"):
        kind = data.get("type") if isinstance(data, dict) else "nothing"
        raise DomainError(f"the geometry is {kind}; an area needs a Polygon or MultiPolygon")
    try:
        return shape(data)
    except (ValueError, TypeError, IndexError, AttributeError, shapely.errors.GEOSException) as error:
        raise DomainError(f"the geometry's coordinates cannot be read ({error})") from None


# ---------------------------------------------------------------- stored boundaries


def boundary_summary(db: store.Database) -> pd.DataFrame:
    """Per level: how many areas are stored, their vertices, source and licence."""
    rows = db.execute(
        "SELECT level, COUNT(*), SUM(points), MAX(loaded_at) FROM boundary_areas GROUP BY level ORDER BY level"
    ).fetchall()
    credits = db.execute("SELECT DISTINCT level, source, licence FROM boundary_areas").fetchall()

    def joined(level: str, position: int) -> str | None:
        return ",".join(sorted({c[position] for c in credits if c[0] == level and c[position] is not None})) or None

    return pd.DataFrame([(level, areas, points, joined(level, 1), joined(level, 2), loaded)
                         for level, areas, points, loaded in rows],
                        columns=["level", "areas", "points", "source", "licence", "loaded_at"])


def boundaries(db: store.Database, level: str) -> pd.DataFrame:
    """The stored areas of ``level``: code, name, parent_code, geometry (GeoJSON text),
    source and licence. For wards, only Cheshire East's (those in a former borough)."""
    _check_level(level)
    sql = "SELECT code, name, parent_code, geometry, source, licence FROM boundary_areas WHERE level = :level"
    params = {"level": level}
    if level == "ward":
        sql += " AND parent_code IN :boroughs"
        params["boroughs"] = sorted(FORMER_BOROUGH_CODES)
    return pd.DataFrame(db.execute(sql + " ORDER BY name, code", params).fetchall(),
                        columns=["code", "name", "parent_code", "geometry", "source", "licence"])


def _check_level(level: str) -> None:
    if level not in LEVELS:
        raise DomainError(f"Unknown geography '{level}': choose from {', '.join(LEVELS)}")


def _check_basis(basis: str) -> None:
    if basis not in BASES:
        raise DomainError(f"Unknown basis '{basis}': choose 'benefit' (where the benefit lands) or 'recipient' (where the recipient is based)")


# ---------------------------------------------------------------- spend on the map

# The columns that place a row, per basis (NULLs made '' so they group and compare).
PLACE_COLUMNS = {
    "benefit": ["COALESCE(beneficiary_code, '')", "COALESCE(beneficiary_location, '')", "district"],
    "recipient": ["COALESCE(recipient_area_code, '')"],
}


def _place_of(gazetteer: Gazetteer, basis: str, key: tuple) -> tuple[Place | None, bool]:
    """The place of a row from its place columns (see PLACE_COLUMNS)."""
    if basis == "recipient":
        return gazetteer.find(code=key[0])
    code, location, district = key
    place, county_wide = gazetteer.find(code=code, name=location)
    if place is None:
        place, county_wide = gazetteer.find(name=district)
    return place, county_wide


def _positions(columns: list[str]) -> str:
    """'1, 2, 3': the selected columns by position (to group and order by expressions)."""
    return ", ".join(str(i + 1) for i in range(len(columns)))


def _among(db, columns: list[str], keys: list[tuple], params: dict) -> tuple[str, dict]:
    """SQL that ``columns`` (place expressions, text) equal one of ``keys``, and ``params``
    with the keys added as one JSON parameter: one query reads the table once, however many
    keys (tens of thousands for the local authorities' differences on national data; a
    list of parameters would need a query, and a scan of the spend table, per few
    thousand)."""
    picks = ", ".join(f"CAST(place_key ->> {position} AS TEXT)" for position in range(len(columns)))
    if db.dialect == "postgresql":
        listed = "jsonb_array_elements(CAST(:place_keys AS jsonb)) AS keys (place_key)"
    else:
        listed = "(SELECT value AS place_key FROM json_each(:place_keys))"
    keyed = {**params, "place_keys": json.dumps([list(key) for key in keys])}
    return f"({', '.join(columns)}) IN (SELECT {picks} FROM {listed})", keyed


def place_totals(db, spend_filter) -> tuple[tuple, ...]:
    """Spend under ``spend_filter`` summed by every column that places it: (recipient's area
    code, beneficiary code, beneficiary location, district, pence, records), NULLs as ''. One
    read of the spend table that serves the map on either basis, an area's records and the
    differences between the two places (``totals=`` of each; the app caches it per filter)."""
    where, params = spend_filter.where()
    places = PLACE_COLUMNS["recipient"] + PLACE_COLUMNS["benefit"]
    sql = (f"SELECT {', '.join(places)}, SUM(amount_pence), COUNT(*) FROM spend WHERE {where} "
           f"GROUP BY {_positions(places)} ORDER BY {_positions(places)}")
    return tuple((*record[:4], int(record[4] or 0), int(record[5])) for record in db.execute(sql, params).fetchall())


def _area_of_keys(db, level: str, basis: str, spend_filter, totals=None) -> tuple[pd.DataFrame, Gazetteer]:
    """Spend grouped by the place columns of ``basis``, each group labelled with the map row
    it lands in (kind, code, name). Summed from ``place_totals``, in pence."""
    _check_level(level)
    _check_basis(basis)
    grouped: dict[tuple, list[int]] = {}
    for record in place_totals(db, spend_filter) if totals is None else totals:
        key = tuple(record[:1]) if basis == "recipient" else tuple(record[1:4])
        sums = grouped.setdefault(key, [0, 0])
        sums[0] += record[4]
        sums[1] += record[5]
    gazetteer = Gazetteer.load(db)
    rows = []
    for key in sorted(grouped):
        place, county_wide = _place_of(gazetteer, basis, key)
        kind, code, name = gazetteer.roll_up(place, county_wide, level)
        rows.append((key, kind, code, name, *grouped[key]))
    return pd.DataFrame(rows, columns=["key", "kind", "code", "name", "amount_pence", "records"]), gazetteer


def spend_by_area(db: store.Database, level: str, spend_filter, basis: str = "benefit", totals=None) -> pd.DataFrame:
    """Spend under ``spend_filter`` by area of ``level`` (ward, former_borough,
    local_authority), placed by ``basis`` ('benefit' or 'recipient').

    Columns: kind (see KIND_LABELS), code, name, amount_pence, records, population
    (cited, or missing), per_head_pence (float, or missing). Areas come first (for wards
    and former boroughs every Cheshire East area, with 0 where nothing was spent), then
    the spend that cannot be drawn on this map, each in one row. The amounts add up to
    the spend table's total for the same filter, to the penny. ``totals``: ``place_totals``
    for the same filter, if already read."""
    keyed, _ = _area_of_keys(db, level, basis, spend_filter, totals)
    grouped = (
        keyed.groupby(["kind", "code", "name"], as_index=False, sort=False)[["amount_pence", "records"]].sum()
        if not keyed.empty else pd.DataFrame(columns=["kind", "code", "name", "amount_pence", "records"])
    )
    every = _areas_of_level(db, level)
    missing = [a for a in every if a[0] not in set(grouped.loc[grouped["kind"] == "area", "code"])]
    if missing:
        grouped = pd.concat(
            [grouped, pd.DataFrame([("area", code, name, 0, 0) for code, name in missing], columns=grouped.columns)],
            ignore_index=True,
        )
    order = {kind: position for position, kind in enumerate(KIND_LABELS)}
    grouped["_order"] = grouped["kind"].map(order)
    grouped = grouped.sort_values(["_order", "name"], kind="stable").drop(columns="_order").reset_index(drop=True)
    grouped["amount_pence"] = grouped["amount_pence"].astype("int64")
    grouped["records"] = grouped["records"].astype("int64")
    people = population()
    grouped["population"] = pd.array([people[c][0] if k == "area" and c in people else None for k, c in zip(grouped["kind"], grouped["code"])], dtype="Int64")
    grouped["per_head_pence"] = [
        (None if pd.isna(p) or not p else amount / p) for amount, p in zip(grouped["amount_pence"], grouped["population"])
    ]
    return grouped


def _areas_of_level(db, level: str) -> list[tuple[str, str]]:
    """(code, name) of every area a map of ``level`` always lists: Cheshire East's wards
    or former boroughs from the cited table; for local authorities, none (only those with
    spend are listed; the map draws the rest at £0)."""
    if level == "ward":
        return [(r["ward_code"], r["ward_name"]) for r in ward_former_borough()]
    if level == "former_borough":
        return sorted({(r["former_borough_code"], r["former_borough_name"]) for r in ward_former_borough()})
    return []


def area_records(
    db: store.Database, level: str, spend_filter, basis: str, kind: str, code: str = "", limit: int = 5000,
    totals=None,
) -> tuple[pd.DataFrame, int, int]:
    """The spend rows behind one row of ``spend_by_area`` (an area, or e.g. the county-wide
    row): (up to ``limit`` rows, how many rows in all, their total in pence)."""
    keyed, _ = _area_of_keys(db, level, basis, spend_filter, totals)
    chosen = keyed[(keyed["kind"] == kind) & (keyed["code"] == (code or ""))]
    columns = ["financial_year", "date", "authority", "department", "funding_type", "recipient",
               "COALESCE(beneficiary_location, district)", "beneficiary_code", "recipient_area_code", "amount_pence", "source"]
    names = ["financial_year", "date", "authority", "department", "funding_type", "recipient", "benefit_place",
             "beneficiary_code", "recipient_area_code", "amount_pence", "source"]
    if chosen.empty:
        return pd.DataFrame(columns=names), 0, 0
    total_rows, total_pence = int(chosen["records"].sum()), int(chosen["amount_pence"].sum())
    where, params = spend_filter.where()
    place = PLACE_COLUMNS[basis]
    among, among_params = _among(db, place, list(chosen["key"]), params)
    rows = db.execute(f"SELECT {', '.join(columns)} FROM spend WHERE {where} AND {among} "
                      f"ORDER BY amount_pence DESC, id LIMIT {int(limit)}", among_params).fetchall()
    frame = pd.DataFrame(rows, columns=names)
    frame["amount_pence"] = frame["amount_pence"].astype("int64")
    return frame, total_rows, total_pence


def differences(db: store.Database, level: str, spend_filter, totals=None) -> tuple[pd.DataFrame, dict]:
    """Where the recipient is based and where the benefit lands, side by side, for spend
    whose two places differ at ``level``. Returns (rows: recipient, recipient_place,
    benefit_place, amount_pence, records; counts: rows and pence with both places known,
    with them different, and with the recipient's place unknown).

    Spend summed by its place columns (``place_totals``, or ``totals`` if already read: on
    national data tens of thousands of groups, each distinct place looked up once); only
    the rows of the places that differ are then summed by recipient, in one more read of
    the table."""
    _check_level(level)
    where, params = spend_filter.where()
    places = PLACE_COLUMNS["recipient"] + PLACE_COLUMNS["benefit"]
    gazetteer = Gazetteer.load(db)
    counts = {"both_rows": 0, "both_pence": 0, "differ_rows": 0, "differ_pence": 0, "unknown_rows": 0, "unknown_pence": 0}
    differing: dict[tuple, tuple[str, str]] = {}  # place columns -> (recipient's place, benefit's place)

    @lru_cache(maxsize=None)
    def area(basis: str, key: tuple) -> tuple[str, str, str]:
        return gazetteer.roll_up(*_place_of(gazetteer, basis, key), level)

    for record in place_totals(db, spend_filter) if totals is None else totals:
        amount, count = record[4], record[5]
        based, lands = area("recipient", (record[0],)), area("benefit", tuple(record[1:4]))
        if based[0] == "not_placed" or lands[0] == "not_placed":
            counts["unknown_rows"] += count
            counts["unknown_pence"] += amount
            continue
        counts["both_rows"] += count
        counts["both_pence"] += amount
        if (based[0], based[1]) != (lands[0], lands[1]):
            counts["differ_rows"] += count
            counts["differ_pence"] += amount
            differing[tuple(record[:4])] = (based[2], lands[2])
    rows = []
    if differing:
        among, among_params = _among(db, places, list(differing), params)
        by_recipient = (f"SELECT COALESCE(recipient, ''), {', '.join(places)}, SUM(amount_pence), COUNT(*) FROM spend "
                        f"WHERE {where} AND {among} GROUP BY {_positions(['', *places])}")
        for record in db.execute(by_recipient, among_params).fetchall():
            based, lands = differing[tuple(record[1:5])]
            rows.append((record[0], based, lands, int(record[-2] or 0), int(record[-1])))
    frame = pd.DataFrame(rows, columns=["recipient", "recipient_place", "benefit_place", "amount_pence", "records"])
    if not frame.empty:
        frame = frame.groupby(["recipient", "recipient_place", "benefit_place"], as_index=False)[["amount_pence", "records"]].sum()
        frame = frame.sort_values("amount_pence", ascending=False, kind="stable").reset_index(drop=True)
    return frame, counts
