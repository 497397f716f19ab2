"""Boundaries as reference data: ward and local authority district outlines from the ONS
Open Geography Portal, as GeoJSON or TopoJSON.

Each file is checked (every feature a polygon in longitude/latitude, a GSS code and a
name; a file without codes has them filled from the cited local authority table by
name), simplified (neighbouring areas together, so borders stay shared) and stored with
its source and licence. When a file holds Cheshire East's wards, the three former
boroughs are dissolved from them, using the cited ward table. One import is one
transaction, like every other import (models/importers/runner.py)."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Iterator

import shapely

from .. import geography
from ..errors import DomainError
from .base import Context, Record
from .report import ValidationReport
from .sources import Source

FORMAT = "boundaries"
LABEL = "boundaries (GeoJSON or TopoJSON)"
TABLE = "boundary_areas"
MAX_BYTES = 150 * 1024 * 1024

CODE_PROPERTY = re.compile(r"^(wd|lad|ltla|utla|ctyua|lau1?|cmlad)\d{2}cd$", re.IGNORECASE)
NAME_PROPERTY = re.compile(r"^(wd|lad|ltla|utla|ctyua|lau1?|cmlad)\d{2}nm$", re.IGNORECASE)
PARENT_PROPERTY = re.compile(r"^(lad|ltla)\d{2}cd$", re.IGNORECASE)
PLAIN_CODE_NAMES = ("code", "gss_code", "gss", "areacode", "area_code", "geo_code")
PLAIN_NAME_NAMES = ("name", "areanm", "area_name", "geo_name")
GSS_CODE = re.compile(r"^[EWSN]\d{8}$")


def looks_like_boundaries(text: str) -> bool:
    """Whether the start of a JSON file is GeoJSON or TopoJSON (for format detection)."""
    return re.search(r'"type"\s*:\s*"(FeatureCollection|Topology)"', text) is not None


def read(source: Source, report: ValidationReport, context: Context) -> Iterator[list[Record]]:
    """The areas of a boundary file, checked and simplified, as one chunk of records."""
    features = _features(source, report)
    areas = []  # (where, level, code, name, parent, geometry)
    filled = 0
    repaired: list[str] = []
    for number, feature in enumerate(features, start=1):
        where = f"feature {number}"
        properties = feature.get("properties") or {} if isinstance(feature, dict) else {}
        code_key, name_key, parent_key = _keys(properties, CODE_PROPERTY, PLAIN_CODE_NAMES), _keys(properties, NAME_PROPERTY, PLAIN_NAME_NAMES), _keys(properties, PARENT_PROPERTY, ())
        code = str(properties.get(code_key) or "").strip().upper() if code_key else ""
        name = str(properties.get(name_key) or "").strip() if name_key else ""
        if not name:
            report.error(where, name_key or "name", "the area has no name; every area needs one (e.g. a WD24NM or LAD24NM property)")
            continue
        if not code:
            code = geography.code_for_name(name, "local_authority") or geography.code_for_name(name, "ward") or ""
            if not code:
                report.error(where, code_key or "code", (
                    f"'{name}' has no area code, and is not a local authority or Cheshire East ward this app knows by name; "
                    "use the ONS file with codes (e.g. LAD24CD, WD24CD)"))
                continue
            filled += 1
        if not GSS_CODE.match(code):
            report.error(where, code_key or "code", f"'{code}' is not an ONS GSS code (a letter and 8 digits, e.g. E05008610)")
            continue
        level = geography.code_level(code)
        if level is None:
            report.error(where, code_key or "code", (
                f"'{code}' ({name}) is neither a ward (E05...) nor a local authority district (E06-E09...); "
                "import ward or local authority district boundaries"))
            continue
        try:
            geometry = geography.read_geometry(feature.get("geometry"))
        except DomainError as error:
            report.error(where, "geometry", f"{name}: {error}")
            continue
        if geometry.is_empty:
            report.error(where, "geometry", f"{name}: the outline is empty")
            continue
        west, south, east, north = geometry.bounds
        low_west, low_south, high_east, high_north = geography.UK_BOUNDS
        if not (low_west <= west and east <= high_east and low_south <= south and north <= high_north):
            raise report.fatal(
                f"{where} ({name}): coordinates ({west:.0f}, {south:.0f}) are not longitude and latitude in the UK. "
                "The file may use British National Grid (EPSG:27700): download the GeoJSON in WGS84 (EPSG:4326) "
                "from the ONS Open Geography Portal", "geometry")
        if not geometry.is_valid:
            repaired.append(name)
            # 'structure' rebuilds rings as areas (5x faster than 'linework' here) and never yields lines
            geometry = geography.polygonal(shapely.make_valid(geometry, method="structure", keep_collapsed=False))
        parent = str(properties.get(parent_key) or "").strip().upper() if parent_key and level == "ward" else None
        areas.append((where, level, code, name, parent or None, geometry))
    if repaired:
        report.warning("", "geometry", (
            f"{len(repaired):,} outlines crossed themselves (usual in quantised TopoJSON and in some simplified files) "
            f"and were repaired: {', '.join(repaired[:5])}{' and others' if len(repaired) > 5 else ''}"))
    if filled:
        report.note(f"{filled:,} areas had no code; codes were filled from their names (cited local authority table)")
    if not areas and report.ok:
        raise report.fatal("the file holds no areas (no features with a polygon)")
    yield _records(areas, report, context)


def _features(source: Source, report: ValidationReport) -> list:
    if source.size > MAX_BYTES:
        raise report.fatal(
            f"the file is {source.size / 1024 / 1024:.0f} MB; boundaries over {MAX_BYTES // 1024 // 1024} MB are the full-resolution "
            "files. Download the generalised (BGC) or ultra-generalised (BUC) version instead")
    try:
        with source.open() as handle:
            data = json.load(handle)
    except (ValueError, UnicodeDecodeError) as error:
        raise report.fatal(f"the file is not valid JSON ({error}); download it again as GeoJSON or TopoJSON") from None
    if not isinstance(data, dict):
        raise report.fatal("the file is JSON but not GeoJSON (a FeatureCollection) or TopoJSON (a Topology)")
    crs = json.dumps(data.get("crs") or "")
    if "27700" in crs:
        raise report.fatal(
            "the file uses British National Grid (EPSG:27700); download the GeoJSON in WGS84 (EPSG:4326) from the ONS Open Geography Portal")
    if data.get("type") == "Topology":
        return geography.topojson_features(data)
    if data.get("type") == "FeatureCollection" and isinstance(data.get("features"), list):
        return data["features"]
    raise report.fatal("the file is JSON but not GeoJSON (a FeatureCollection with features) or TopoJSON (a Topology)")


def _keys(properties: dict, pattern: re.Pattern, plain: tuple[str, ...]) -> str | None:
    """The property holding a code or name: ONS style (WD24CD, LAD13NM) first, then plain."""
    for key in properties:
        if pattern.match(str(key)):
            return key
    lowered = {str(k).lower(): k for k in properties}
    for name in plain:
        if name in lowered:
            return lowered[name]
    return None


def _records(areas: list, report: ValidationReport, context: Context) -> list[Record]:
    """Simplify each level's areas together; dissolve Cheshire East's wards into the former
    boroughs; one record per area."""
    source = context.publisher or f"Boundary file {context.file_name}"
    by_level: dict[str, list] = defaultdict(list)
    for area in areas:
        by_level[area[1]].append(area)
    records = []
    table = {row["ward_code"]: row for row in geography.ward_former_borough()}
    by_name = {geography.normalise_place_name(row["ward_name"]): row for row in table.values()}
    for level, members in by_level.items():
        simplified = geography.simplify_all([m[5] for m in members], level)
        boroughs: dict[str, list] = defaultdict(list)
        for (where, _level, code, name, parent, _geometry), outline in zip(members, simplified):
            row = table.get(code) or (by_name.get(geography.normalise_place_name(name)) if level == "ward" else None)
            if row is not None:
                parent = row["former_borough_code"]
                boroughs[parent].append(outline)
            records.append(_record(level, code, name, parent, outline, where, source, context))
        if level == "ward" and boroughs:
            found = sum(len(v) for v in boroughs.values())
            if found < len(table):
                report.warning("", "", (
                    f"the file holds {found} of Cheshire East's {len(table)} wards in the cited ward table, so the former "
                    "boroughs were not built; import the complete ward file"))
                continue
            names = {row["former_borough_code"]: row["former_borough_name"] for row in table.values()}
            for borough, outlines in sorted(boroughs.items()):
                records.append(_record("former_borough", borough, names[borough], geography.CHESHIRE_EAST,
                                       geography.dissolve(outlines), "former boroughs (dissolved from wards)", source, context))
            report.note("Congleton, Crewe and Nantwich and Macclesfield were dissolved from their wards (data/reference/ward_former_borough.csv)")
    return records


def _record(level, code, name, parent, outline, where, source, context) -> Record:
    text, points = geography.to_geojson(outline, level)
    return Record(f"{level}:{code}", where, {
        "area_key": f"{level}:{code}", "level": level, "code": code, "name": name, "parent_code": parent,
        "geometry": text, "points": points, "source": source, "licence": geography.ONS_LICENCE,
        "source_file": context.file_name, "loaded_at": context.loaded_at,
    })
