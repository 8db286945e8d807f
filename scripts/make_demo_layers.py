#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Build the sitescreen layer pack.

Default action: generate the DEMONSTRATION layers (synthetic, NOT real data)
into layers/demo/:

  china_ecrl_demo.gpkg            ecological conservation red lines (schema china_ecrl)
  china_nature_reserves_demo.gpkg nature reserves, core/buffer/experimental zones
  china_wetlands_demo.gpkg        important wetlands
  china_water_stress_demo.gpkg    Aqueduct-4.0-schema basin x province units

(The synthetic land-cover raster of earlier versions is gone: the pack ships the
real NASA MODIS MCD12C1 2019 land cover, layers/landcover/, built by --real-from.)

Everything is derived from a fixed seed (SEED below) and the real province
polygons in layers/admin/china_provinces.gpkg, so a re-run gives the same
features.  Every demo name carries "(示例)" (= "example") and every layer
description starts with "DEMO".

Optional actions:
  --real-from DIR     rebuild the REAL layers and copies (layers/admin, layers/protected,
                      sample_sites, tests/data/real, tests/data/rasters) from a folder laid
                      out like the project's shared source-data folder (admin/, sites/,
                      protected_areas/, rasters_test/).  Run this before the demo step.
  --fixtures          rebuild the preset fixtures in tests/data/presets/.
  --check-candidates  print, for each site of sample_sites/candidates.csv, what it hits.
  --skip-demo         do not regenerate the demo layers.

Needs Python 3 with the GDAL bindings and numpy (Debian: python3-gdal python3-numpy).
All paths are relative to the repository root unless given on the command line.

Usage:
  python3 scripts/make_demo_layers.py [--out layers/demo]
"""

import argparse
import csv
import json
import math
import os
import shutil
import sys
from pathlib import Path

import numpy as np
from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()

SEED = 20261128
DEMO_DATE = "2026-11-28"
REPO = Path(__file__).resolve().parent.parent

# Deterministic GeoPackage timestamps (gpkg_contents.last_change).
gdal.SetConfigOption("OGR_CURRENT_DATE", DEMO_DATE + "T00:00:00.000Z")

KM_PER_DEG_LAT = 110.574
KM_PER_DEG_LON_EQ = 111.320

# ---------------------------------------------------------------------------
# Province table: GB/T 2260 code -> (English name, ISO 3166-2:CN suffix,
# GADM-3.6-style gid_1, GADM name_1).  Written for this project.
# ---------------------------------------------------------------------------
PROVINCES = {
    "110000": ("Beijing", "BJ", "CHN.2_1", "Beijing"),
    "120000": ("Tianjin", "TJ", "CHN.27_1", "Tianjin"),
    "130000": ("Hebei", "HE", "CHN.10_1", "Hebei"),
    "140000": ("Shanxi", "SX", "CHN.25_1", "Shanxi"),
    "150000": ("Inner Mongolia", "NM", "CHN.19_1", "Nei Mongol"),
    "210000": ("Liaoning", "LN", "CHN.18_1", "Liaoning"),
    "220000": ("Jilin", "JL", "CHN.17_1", "Jilin"),
    "230000": ("Heilongjiang", "HL", "CHN.11_1", "Heilongjiang"),
    "310000": ("Shanghai", "SH", "CHN.24_1", "Shanghai"),
    "320000": ("Jiangsu", "JS", "CHN.15_1", "Jiangsu"),
    "330000": ("Zhejiang", "ZJ", "CHN.31_1", "Zhejiang"),
    "340000": ("Anhui", "AH", "CHN.1_1", "Anhui"),
    "350000": ("Fujian", "FJ", "CHN.4_1", "Fujian"),
    "360000": ("Jiangxi", "JX", "CHN.16_1", "Jiangxi"),
    "370000": ("Shandong", "SD", "CHN.23_1", "Shandong"),
    "410000": ("Henan", "HA", "CHN.12_1", "Henan"),
    "420000": ("Hubei", "HB", "CHN.13_1", "Hubei"),
    "430000": ("Hunan", "HN", "CHN.14_1", "Hunan"),
    "440000": ("Guangdong", "GD", "CHN.6_1", "Guangdong"),
    "450000": ("Guangxi", "GX", "CHN.7_1", "Guangxi"),
    "460000": ("Hainan", "HI", "CHN.9_1", "Hainan"),
    "500000": ("Chongqing", "CQ", "CHN.3_1", "Chongqing"),
    "510000": ("Sichuan", "SC", "CHN.26_1", "Sichuan"),
    "520000": ("Guizhou", "GZ", "CHN.8_1", "Guizhou"),
    "530000": ("Yunnan", "YN", "CHN.30_1", "Yunnan"),
    "540000": ("Xizang (Tibet)", "XZ", "CHN.29_1", "Xizang"),
    "610000": ("Shaanxi", "SN", "CHN.22_1", "Shaanxi"),
    "620000": ("Gansu", "GS", "CHN.5_1", "Gansu"),
    "630000": ("Qinghai", "QH", "CHN.21_1", "Qinghai"),
    "640000": ("Ningxia", "NX", "CHN.20_1", "Ningxia Hui"),
    "650000": ("Xinjiang", "XJ", "CHN.28_1", "Xinjiang Uygur"),
    "710000": ("Taiwan", "TW", "", ""),
    "810000": ("Hong Kong", "HK", "", ""),
    "820000": ("Macao", "MO", "", ""),
}
NOT_MAINLAND = {"710000", "810000", "820000"}


# ---------------------------------------------------------------------------
# Geometry helpers
# ---------------------------------------------------------------------------
def srs4326():
    s = osr.SpatialReference()
    s.ImportFromEPSG(4326)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


def poly_only(g):
    """Return the polygonal part of g as a MultiPolygon (possibly empty)."""
    out = ogr.Geometry(ogr.wkbMultiPolygon)

    def add(x):
        if x is None or x.IsEmpty():
            return
        t = ogr.GT_Flatten(x.GetGeometryType())
        if t == ogr.wkbPolygon:
            out.AddGeometry(x)
        elif t in (ogr.wkbMultiPolygon, ogr.wkbGeometryCollection):
            for i in range(x.GetGeometryCount()):
                add(x.GetGeometryRef(i))

    add(g)
    return out


def clean(g):
    """Valid MultiPolygon: MakeValid, keep polygons, merge touching parts."""
    if g is None or g.IsEmpty():
        return ogr.Geometry(ogr.wkbMultiPolygon)
    if not g.IsValid():
        try:
            g = g.MakeValid()
        except RuntimeError:
            g = drop_degenerate_rings(g).MakeValid()
    m = poly_only(g)
    if m.GetGeometryCount() > 1:
        m = poly_only(m.UnionCascaded())
    if not m.IsValid():
        m = poly_only(m.MakeValid())
    return m


def drop_degenerate_rings(g):
    """Rebuild a (multi)polygon without rings of fewer than 4 points (which GEOS rejects)."""
    out = ogr.Geometry(ogr.wkbMultiPolygon)
    for p in poly_only(g):
        q = ogr.Geometry(ogr.wkbPolygon)
        for i in range(p.GetGeometryCount()):
            r = p.GetGeometryRef(i)
            if r.GetPointCount() >= 4:
                q.AddGeometry(r.Clone())
            elif i == 0:
                break
        if q.GetGeometryCount() > 0:
            out.AddGeometry(q)
    return out


def ring_jumps_antimeridian(pts):
    """True when consecutive vertices of the ring are more than 180 degrees of longitude apart."""
    return any(abs(b[0] - a[0]) > 180 for a, b in zip(pts, pts[1:]))


def split_at_antimeridian(g):
    """g's polygons as planar parts within [-180, 180] of longitude.

    world-atlas stitches Natural Earth's cuts at +-180 so that d3 draws the polygons on the
    sphere: Russia's Chukotka and Wrangel Island, a Fiji island and Antarctica come as rings whose
    consecutive vertices jump from 179.9 to -180. Read as planar lon/lat (as GIS tools and
    sitescreen read a layer), such a ring crosses the whole map; MakeValid then made bands of it
    (a Russia part covered lon -180 to 29 between lat 65 and 69, so Greenland and Alaska were "in
    Russia"). Here each ring is unwrapped (a vertex more than 180 degrees from the one before is
    moved by 360), a ring that still goes once round the globe (Antarctica's coast) is closed along
    its pole, a ring wholly within 0.01 degree of a pole (the stitched cap) is dropped, and the
    polygon is cut at every multiple of 180 degrees east and west and its pieces moved back."""
    def jumps(p):
        return any(ring_jumps_antimeridian(p.GetGeometryRef(i).GetPoints()) for i in range(p.GetGeometryCount()))

    if not any(jumps(p) for p in poly_only(g)):
        return g  # the other countries, unchanged
    out = ogr.Geometry(ogr.wkbMultiPolygon)
    for p in poly_only(g):
        rings = [p.GetGeometryRef(i).GetPoints() for i in range(p.GetGeometryCount())]
        if not jumps(p):
            out.AddGeometry(p.Clone())
            continue
        q = ogr.Geometry(ogr.wkbPolygon)
        for pts in rings:
            if all(abs(y) > 89.99 for _, y, *_ in pts):
                continue
            ring = [(pts[0][0], pts[0][1])]
            for x, y, *_ in pts[1:]:
                px = ring[-1][0]
                while x - px > 180:
                    x -= 360
                while x - px < -180:
                    x += 360
                ring.append((x, y))
            if abs(ring[-1][0] - ring[0][0]) > 180:  # once round the globe: close it along the pole
                pole = -90.0 if sum(y for _, y in ring) < 0 else 90.0
                east, west = ring[-1][0], ring[0][0]
                steps = math.ceil(abs(east - west) / 10)  # vertices every 10 degrees, no edge of 360
                ring += [(east + (west - east) * i / steps, pole) for i in range(steps + 1)] + [ring[0]]
            r = ogr.Geometry(ogr.wkbLinearRing)
            for x, y in ring:
                r.AddPoint_2D(x, y)
            q.AddGeometry(r)
        if q.GetGeometryCount() == 0:
            continue
        q = clean(q)
        env = q.GetEnvelope()
        for k in range(math.floor((env[0] + 180) / 360), math.floor((env[1] + 180) / 360) + 1):
            piece = q.Intersection(rect(-180 + 360 * k, -90, 180 + 360 * k, 90))
            if piece is None or piece.IsEmpty():
                continue
            for part in parts(piece):
                if k != 0:
                    part = shifted(part, -360 * k)
                out.AddGeometry(part)
    return clean(out)


def shifted(g, dx):
    """g moved dx degrees east."""
    out = g.Clone()
    for i in range(out.GetGeometryCount()):
        r = out.GetGeometryRef(i)
        for j in range(r.GetPointCount()):
            r.SetPoint_2D(j, r.GetX(j) + dx, r.GetY(j))
    return out


def parts(g):
    m = poly_only(g)
    return [m.GetGeometryRef(i).Clone() for i in range(m.GetGeometryCount())]


def union_all(geoms):
    m = ogr.Geometry(ogr.wkbMultiPolygon)
    for g in geoms:
        for p in parts(g):
            m.AddGeometry(p)
    if m.GetGeometryCount() == 0:
        return m
    return clean(m.UnionCascaded())


_AEA = {}


def area_km2(g):
    """Area in km2 of a lon/lat geometry, in an Albers equal-area projection for China."""
    if "ct" not in _AEA:
        t = osr.SpatialReference()
        t.ImportFromProj4("+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +datum=WGS84 +units=m +no_defs")
        _AEA["ct"] = osr.CoordinateTransformation(srs4326(), t)
    h = g.Clone()
    h.Transform(_AEA["ct"])
    return h.GetArea() / 1e6


def ring_coords(ring):
    return [(ring.GetX(i), ring.GetY(i)) for i in range(ring.GetPointCount())]


def make_polygon(rings):
    p = ogr.Geometry(ogr.wkbPolygon)
    for pts in rings:
        r = ogr.Geometry(ogr.wkbLinearRing)
        for x, y in pts:
            r.AddPoint_2D(float(x), float(y))
        if pts[0] != pts[-1]:
            r.AddPoint_2D(float(pts[0][0]), float(pts[0][1]))
        p.AddGeometry(r)
    return p


def chaikin(pts, iterations=2):
    """Chaikin corner cutting of a closed ring given as a list without the closing point."""
    for _ in range(iterations):
        n = len(pts)
        out = []
        for i in range(n):
            x0, y0 = pts[i]
            x1, y1 = pts[(i + 1) % n]
            out.append((0.75 * x0 + 0.25 * x1, 0.75 * y0 + 0.25 * y1))
            out.append((0.25 * x0 + 0.75 * x1, 0.25 * y0 + 0.75 * y1))
        pts = out
    return pts


def smooth_polygon(poly, iterations=2):
    rings = []
    for i in range(poly.GetGeometryCount()):
        pts = ring_coords(poly.GetGeometryRef(i))[:-1]
        if len(pts) < 3:
            continue
        rings.append(chaikin(pts, iterations))
    if not rings:
        return ogr.Geometry(ogr.wkbPolygon)
    return make_polygon(rings)


def km_offset(lon, lat, dx_km, dy_km):
    return (lon + dx_km / (KM_PER_DEG_LON_EQ * math.cos(math.radians(lat))), lat + dy_km / KM_PER_DEG_LAT)


def star_radii(rng, n=96, harmonics=5, rough=0.28):
    """Radius multipliers r(theta) > 0 of an irregular star-shaped outline."""
    th = np.linspace(0.0, 2.0 * math.pi, n, endpoint=False)
    r = np.ones(n)
    for k in range(2, harmonics + 2):
        a = rough * rng.uniform(0.3, 1.0) / (k - 0.6)
        r += a * np.cos(k * th + rng.uniform(0, 2 * math.pi))
    r = np.maximum(r, 0.45)
    return th, r


def star_polygon(lon, lat, rx_km, ry_km, rot_deg, th, r, scale=1.0):
    c, s = math.cos(math.radians(rot_deg)), math.sin(math.radians(rot_deg))
    pts = []
    for t, rr in zip(th, r):
        x = rx_km * rr * scale * math.cos(t)
        y = ry_km * rr * scale * math.sin(t)
        xr, yr = x * c - y * s, x * s + y * c
        pts.append(km_offset(lon, lat, xr, yr))
    return make_polygon([pts])


def point(lon, lat):
    p = ogr.Geometry(ogr.wkbPoint)
    p.AddPoint_2D(float(lon), float(lat))
    return p


# ---------------------------------------------------------------------------
# Output helpers
# ---------------------------------------------------------------------------
OFT = {"str": ogr.OFTString, "int": ogr.OFTInteger, "int64": ogr.OFTInteger64, "real": ogr.OFTReal,
       "date": ogr.OFTDate}


def write_gpkg(path, layer_name, geom_type, fields, rows, description=""):
    """fields: list of (name, kind); rows: list of (geometry, dict)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    drv = ogr.GetDriverByName("GPKG")
    ds = drv.CreateDataSource(str(path))
    opts = ["FID=fid", "SPATIAL_INDEX=YES", "IDENTIFIER=" + layer_name]
    if description:
        opts.append("DESCRIPTION=" + description)
    lyr = ds.CreateLayer(layer_name, srs4326(), geom_type, options=opts)
    for name, kind in fields:
        fd = ogr.FieldDefn(name, OFT[kind])
        lyr.CreateField(fd)
    defn = lyr.GetLayerDefn()
    lyr.StartTransaction()
    for geom, attrs in rows:
        f = ogr.Feature(defn)
        for name, kind in fields:
            v = attrs.get(name)
            if v is None:
                continue
            if kind == "date":
                y, m, d = (int(x) for x in str(v).split("-"))
                f.SetField(name, y, m, d, 0, 0, 0, 0)
            else:
                f.SetField(name, v)
        if geom is not None:
            if geom_type == ogr.wkbMultiPolygon:
                geom = ogr.ForceToMultiPolygon(geom)
            f.SetGeometry(geom)
        lyr.CreateFeature(f)
    lyr.CommitTransaction()
    ds = None
    return path


def read_layer(path, layer=None):
    ds = ogr.Open(str(path))
    lyr = ds.GetLayerByName(layer) if layer else ds.GetLayer(0)
    out = []
    for f in lyr:
        g = f.GetGeometryRef()
        out.append((g.Clone() if g else None, f.items()))
    return out


def rel(p):
    try:
        return str(Path(p).resolve().relative_to(REPO))
    except ValueError:
        return str(p)


# ---------------------------------------------------------------------------
# Noise
# ---------------------------------------------------------------------------
def _smooth(t):
    return t * t * (3.0 - 2.0 * t)


def value_noise_grid(rng, ny, nx, cell):
    """Smooth value noise in [0,1] on an ny x nx grid, lattice spacing `cell` pixels."""
    gy, gx = ny // cell + 3, nx // cell + 3
    lat = rng.random_sample((gy, gx))
    yy = np.arange(ny) / cell
    xx = np.arange(nx) / cell
    y0 = np.floor(yy).astype(int)
    x0 = np.floor(xx).astype(int)
    ty = _smooth(yy - y0)[:, None]
    tx = _smooth(xx - x0)[None, :]
    a = lat[np.ix_(y0, x0)]
    b = lat[np.ix_(y0, x0 + 1)]
    c = lat[np.ix_(y0 + 1, x0)]
    d = lat[np.ix_(y0 + 1, x0 + 1)]
    top = a + (b - a) * tx
    bot = c + (d - c) * tx
    return top + (bot - top) * ty


def fbm_grid(rng, ny, nx, base_cell, octaves=4, gain=0.5):
    tot = np.zeros((ny, nx))
    amp, norm, cell = 1.0, 0.0, base_cell
    for _ in range(octaves):
        tot += amp * value_noise_grid(rng, ny, nx, max(2, int(cell)))
        norm += amp
        amp *= gain
        cell /= 2.0
    tot /= norm
    lo, hi = np.percentile(tot, [0.5, 99.5])
    return np.clip((tot - lo) / (hi - lo), 0.0, 1.0)


class LatticeNoise:
    """Continuous value noise f(x, y) in [-1, 1] with lattice spacing `step` (degrees)."""

    def __init__(self, rng, x0, y0, x1, y1, step):
        self.x0, self.y0, self.step = x0, y0, step
        self.v = rng.uniform(-1.0, 1.0, (int((y1 - y0) / step) + 3, int((x1 - x0) / step) + 3))

    def __call__(self, x, y):
        fx = (np.asarray(x) - self.x0) / self.step
        fy = (np.asarray(y) - self.y0) / self.step
        ix = np.clip(np.floor(fx).astype(int), 0, self.v.shape[1] - 2)
        iy = np.clip(np.floor(fy).astype(int), 0, self.v.shape[0] - 2)
        tx = _smooth(np.clip(fx - ix, 0, 1))
        ty = _smooth(np.clip(fy - iy, 0, 1))
        a = self.v[iy, ix]
        b = self.v[iy, ix + 1]
        c = self.v[iy + 1, ix]
        d = self.v[iy + 1, ix + 1]
        return (a + (b - a) * tx) + ((c + (d - c) * tx) - (a + (b - a) * tx)) * ty


# ---------------------------------------------------------------------------
# Raster helpers
# ---------------------------------------------------------------------------
class Grid:
    def __init__(self, west, south, east, north, res):
        self.west, self.south, self.east, self.north, self.res = west, south, east, north, res
        self.nx = int(round((east - west) / res))
        self.ny = int(round((north - south) / res))
        self.gt = (west, res, 0.0, north, 0.0, -res)
        self.lon = west + (np.arange(self.nx) + 0.5) * res
        self.lat = north - (np.arange(self.ny) + 0.5) * res

    def mem(self, dtype=gdal.GDT_Byte, init=0):
        ds = gdal.GetDriverByName("MEM").Create("", self.nx, self.ny, 1, dtype)
        ds.SetGeoTransform(self.gt)
        ds.SetProjection(srs4326().ExportToWkt())
        ds.GetRasterBand(1).Fill(init)
        return ds

    def rasterize(self, geoms_values, dtype=gdal.GDT_Byte, init=0, all_touched=False):
        """geoms_values: list of (geometry, burn value), burnt in order (later wins)."""
        ds = self.mem(dtype, init)
        mds = ogr.GetDriverByName("Memory").CreateDataSource("")
        lyr = mds.CreateLayer("x", srs4326(), ogr.wkbUnknown)
        lyr.CreateField(ogr.FieldDefn("v", ogr.OFTReal))
        for g, v in geoms_values:
            f = ogr.Feature(lyr.GetLayerDefn())
            f.SetField("v", float(v))
            f.SetGeometry(g)
            lyr.CreateFeature(f)
        opts = ["ATTRIBUTE=v"]
        if all_touched:
            opts.append("ALL_TOUCHED=TRUE")
        gdal.RasterizeLayer(ds, [1], lyr, options=opts)
        return ds.GetRasterBand(1).ReadAsArray()

    def polygonize(self, arr):
        """Polygons of the non-zero classes of an integer array: list of (polygon, value)."""
        ds = self.mem(gdal.GDT_Int32)
        b = ds.GetRasterBand(1)
        b.WriteArray(arr.astype(np.int32))
        mds = self.mem(gdal.GDT_Byte)
        mb = mds.GetRasterBand(1)
        mb.WriteArray((arr != 0).astype(np.uint8))
        vds = ogr.GetDriverByName("Memory").CreateDataSource("")
        lyr = vds.CreateLayer("p", srs4326(), ogr.wkbPolygon)
        lyr.CreateField(ogr.FieldDefn("v", ogr.OFTInteger))
        gdal.Polygonize(b, mb, lyr, 0, [], callback=None)
        return [(f.GetGeometryRef().Clone(), f.GetField("v")) for f in lyr]


def lonlat_mesh(grid):
    return np.meshgrid(grid.lon, grid.lat)


def dist_to_polyline(lon2, lat2, pts):
    """Distance in degrees-of-latitude units (lon scaled by cos lat) from grid to polyline."""
    coslat = np.cos(np.radians(lat2))
    best = np.full(lon2.shape, np.inf)
    if len(pts) == 1:
        x0, y0 = pts[0]
        return np.hypot((lon2 - x0) * coslat, lat2 - y0)
    for (x0, y0), (x1, y1) in zip(pts[:-1], pts[1:]):
        px = (lon2 - x0) * coslat
        py = lat2 - y0
        vx = (x1 - x0) * coslat
        vy = np.full(lon2.shape, y1 - y0)
        vv = vx * vx + vy * vy
        t = np.clip((px * vx + py * vy) / np.maximum(vv, 1e-12), 0.0, 1.0)
        d = np.hypot(px - t * vx, py - t * vy)
        best = np.minimum(best, d)
    return best


# ===========================================================================
# REAL LAYERS (from the source-data folder)
# ===========================================================================
def build_real(src, repo):
    src = Path(src)
    gdal.PushErrorHandler("CPLQuietErrorHandler")
    try:
        _build_real(src, repo)
    finally:
        gdal.PopErrorHandler()


def _build_real(src, repo):
    admin = repo / "layers" / "admin"
    prot = repo / "layers" / "protected"

    # --- provinces -----------------------------------------------------------
    rows = []
    prov_geoms = {}
    for g, a in read_layer(src / "admin/china_echarts/china_provinces_echarts.geojson"):
        code = str(a["id"])
        en, iso, _, _ = PROVINCES[code]
        geom = clean(g)
        prov_geoms[code] = (geom, a["name"])
        rows.append((geom, {"name": a["name"], "id": code, "name_en": en, "iso_3166_2": "CN-" + iso,
                            "mainland": 0 if code in NOT_MAINLAND else 1}))
    rows.sort(key=lambda r: r[1]["id"])
    write_gpkg(admin / "china_provinces.gpkg", "china_provinces", ogr.wkbMultiPolygon,
               [("name", "str"), ("id", "str"), ("name_en", "str"), ("iso_3166_2", "str"), ("mainland", "int")],
               rows, "Provinces of China (Apache ECharts 4.9.0 map/json/china.json, decoded; made valid)")
    print("provinces:", len(rows))

    # --- prefecture cities ---------------------------------------------------
    rows = []
    for g, a in read_layer(src / "admin/china_echarts/china_prefecture_cities_echarts.geojson"):
        code = str(a["id"])
        pcode = code[:2] + "0000"
        geom = clean(clean(g).SimplifyPreserveTopology(0.001))
        rows.append((geom, {"name": a["name"], "id": code, "prov_id": pcode,
                            "prov_name": prov_geoms[pcode][1], "prov_name_en": PROVINCES[pcode][0]}))
    rows.sort(key=lambda r: r[1]["id"])
    write_gpkg(admin / "china_prefectures.gpkg", "china_prefectures", ogr.wkbMultiPolygon,
               [("name", "str"), ("id", "str"), ("prov_id", "str"), ("prov_name", "str"), ("prov_name_en", "str")],
               rows, "Prefecture-level cities of China (Apache ECharts 4.9.0 china-cities.json; "
                     "made valid, simplified 0.001 deg)")
    print("prefectures:", len(rows))

    # --- national outline: dissolve of all 34 echarts provinces ---------------
    outline = union_all([g for g, _ in prov_geoms.values()])
    outline = drop_small_holes(outline, 0.05)
    write_gpkg(admin / "china_outline.gpkg", "china_outline", ogr.wkbMultiPolygon,
               [("name", "str"), ("name_en", "str"), ("iso_a3", "str")],
               [(outline, {"name": "中国", "name_en": "China", "iso_a3": "CHN"})],
               "China national outline: dissolve of the 34 ECharts provinces (sliver holes < 0.05 deg2 filled)")
    print("outline parts:", outline.GetGeometryCount())

    # --- world countries (Natural Earth 1:50m via world-atlas TopoJSON) --------
    rows = []
    for g, a in read_layer(src / "admin/world_natural_earth/countries-50m.json", "countries"):
        if g is None:
            continue
        geom = clean(split_at_antimeridian(g))
        if geom.IsEmpty():
            continue
        iso = a.get("id")
        rows.append((geom, {"name": a.get("name"), "iso_n3": iso if iso else None}))
    rows.sort(key=lambda r: (r[1]["iso_n3"] or "999", r[1]["name"] or ""))
    write_gpkg(admin / "world_countries.gpkg", "world_countries", ogr.wkbMultiPolygon,
               [("name", "str"), ("iso_n3", "str")], rows,
               "World countries, Natural Earth 1:50m (world-atlas 2.0.2 countries-50m.json)")
    print("world countries:", len(rows))

    # --- UNESCO natural + mixed World Heritage sites (points) -----------------
    rows = []
    for g, a in read_layer(src / "protected_areas/unesco_world_heritage/whc_sites_2018_natural_mixed.geojson"):
        rows.append((g, {"name": a["name"], "category": a["category"], "year": a["year"],
                         "states": a["state"], "region": a["region"], "iso": a["iso"],
                         "area_hectares": a["area_hectares"]}))
    write_gpkg(prot / "whc_natural_mixed.gpkg", "whc_natural_mixed", ogr.wkbPoint,
               [("name", "str"), ("category", "str"), ("year", "int"), ("states", "str"), ("region", "str"),
                ("iso", "str"), ("area_hectares", "real")], rows,
               "UNESCO World Heritage List 2018, natural and mixed sites, as POINTS with reported area")
    print("whc sites:", len(rows))

    # --- land cover: NASA MODIS MCD12C1 2019 (IGBP), values unchanged ---------------
    # The file names a Clarke 1866 datum; the product is a plain 0.05 degree geographic
    # grid, so it is written as EPSG:4326, tiled 256 x 256 for block reads.
    lc_dir = repo / "layers" / "landcover"
    lc_dir.mkdir(parents=True, exist_ok=True)
    gdal.Translate(str(lc_dir / "modis_mcd12c1_2019_igbp_0p05.tif"),
                   str(src / "landcover_modis/MCD12C1.A2019001.006.igbp_global_0p05.tif"),
                   outputSRS="EPSG:4326",
                   creationOptions=["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE",
                                    "ZLEVEL=9", "PREDICTOR=1"])
    print("land cover: MODIS MCD12C1 2019 re-tiled")

    # --- copies for tests ---------------------------------------------------------
    real = repo / "tests" / "data" / "real"
    rast = repo / "tests" / "data" / "rasters"
    real.mkdir(parents=True, exist_ok=True)
    rast.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src / "protected_areas/ramsar_ukraine_osm/ramsar_ukraine_7sites.geojson",
                    real / "ramsar_ukraine_7sites.geojson")
    for n in ("gppd_wri_china_power_plants.csv", "gppd_wri_china_power_plants.geojson"):
        shutil.copyfile(src / "sites/china_power_plants_gppd" / n, real / n)
    for n in ("luxembourg_elev_srtm30s.tif", "olinda_dem_utm25s.tif", "puerto_rico_landcover_3km.tif",
              "puerto_rico_landcover_3km.tif.aux.xml"):
        shutil.copyfile(src / "rasters_test" / n, rast / n)

    # --- sample sites -------------------------------------------------------------
    ss = repo / "sample_sites"
    ss.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src / "sites/china_power_plants_gppd/gppd_wri_china_power_plants.geojson",
                    ss / "china_power_plants_gppd.geojson")
    make_plant_sample(src / "sites/china_power_plants_gppd/gppd_wri_china_power_plants.csv",
                      ss / "china_power_plants_sample.csv")
    with open(src / "sites/shenzhen_ev_charging/shenzhen_ev_charging_stations.csv", newline="",
              encoding="utf-8") as fh:
        rd = csv.DictReader(fh)
        cols = rd.fieldnames + ["type"]
        recs = [dict(r, type="charger") for r in rd]
    with open(ss / "shenzhen_ev_chargers_gcj02.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, cols, lineterminator="\n")
        w.writeheader()
        w.writerows(recs)
    print("chargers:", len(recs))


def drop_small_holes(mp, min_area):
    out = ogr.Geometry(ogr.wkbMultiPolygon)
    for p in parts(mp):
        q = ogr.Geometry(ogr.wkbPolygon)
        q.AddGeometry(p.GetGeometryRef(0).Clone())
        for i in range(1, p.GetGeometryCount()):
            r = p.GetGeometryRef(i)
            hole = ogr.Geometry(ogr.wkbPolygon)
            hole.AddGeometry(r.Clone())
            if hole.GetArea() >= min_area:
                q.AddGeometry(r.Clone())
        out.AddGeometry(q)
    return clean(out)


def make_plant_sample(src_csv, dst_csv, target=300):
    """Deterministic ~300-row subset of the GPPD China plants: every fuel represented.

    Fuels with <= 12 plants are taken whole; larger fuels get a share proportional to
    their size (at least 12), taking every k-th plant in Power Plant ID order."""
    with open(src_csv, newline="", encoding="utf-8") as fh:
        rd = csv.DictReader(fh)
        cols = rd.fieldnames
        recs = [r for r in rd if r["Latitude"] and r["Longitude"]]
    by_fuel = {}
    for r in recs:
        by_fuel.setdefault(r["Fuel"], []).append(r)
    small = {f: v for f, v in by_fuel.items() if len(v) <= 12}
    big = {f: v for f, v in by_fuel.items() if len(v) > 12}
    n_small = sum(len(v) for v in small.values())
    n_big = sum(len(v) for v in big.values())
    chosen = []
    for f, v in small.items():
        chosen.extend(v)
    left = target - n_small
    # fuels whose proportional share would be < 12 get 12; the others share the rest
    quota = {}
    floor_fuels = set()
    while True:
        pool = sum(len(v) for f, v in big.items() if f not in floor_fuels)
        rest = left - 12 * len(floor_fuels)
        new = {f for f, v in big.items() if f not in floor_fuels and rest * len(v) / pool < 12}
        if not new:
            break
        floor_fuels |= new
    for f, v in big.items():
        quota[f] = 12 if f in floor_fuels else int(round(rest * len(v) / pool))
    for f in sorted(big):
        v = sorted(big[f], key=lambda r: int(r["Power Plant ID"]))
        k = quota[f]
        step = len(v) / k
        chosen.extend(v[int(i * step)] for i in range(k))
    chosen.sort(key=lambda r: int(r["Power Plant ID"]))
    with open(dst_csv, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, cols + ["type"], lineterminator="\n")
        w.writeheader()
        for r in chosen:
            w.writerow(dict(r, type="plant"))
    print("plant sample:", len(chosen), "rows,", len(by_fuel), "fuels")


# ===========================================================================
# DEMO LAYERS
# ===========================================================================
ECRL_TYPES = ["水源涵养", "生物多样性维护", "水土保持", "防风固沙", "海岸生态稳定"]

# (name, hx_type, polyline [(lon, lat)...], sigma_deg, weight)
ECRL_REGIONS = [
    ("秦岭", "水源涵养", [(104.5, 34.0), (106.5, 33.8), (108.5, 33.9), (110.5, 33.8), (111.8, 33.6)], 0.50, 1.00),
    ("大巴山", "水源涵养", [(106.5, 32.2), (108.5, 32.0), (110.0, 31.7)], 0.42, 0.85),
    ("三峡库区", "水土保持", [(108.0, 30.8), (109.5, 31.0), (110.5, 30.9), (111.2, 30.8)], 0.32, 0.90),
    ("神农架", "生物多样性维护", [(110.4, 31.6)], 0.40, 1.00),
    ("大兴安岭", "水源涵养", [(121.5, 53.0), (122.5, 51.0), (121.8, 49.5), (120.8, 47.5), (119.5, 46.0)], 0.95, 1.00),
    ("小兴安岭", "水源涵养", [(126.5, 49.8), (128.5, 48.5), (129.8, 47.5)], 0.65, 0.90),
    ("长白山", "生物多样性维护", [(126.0, 41.2), (127.8, 42.0), (129.0, 43.0), (130.5, 44.0)], 0.60, 1.00),
    ("张广才岭-完达山", "水源涵养", [(128.5, 45.0), (129.5, 46.0), (132.5, 46.3)], 0.42, 0.75),
    ("武夷山", "生物多样性维护", [(116.3, 26.0), (117.3, 27.2), (118.2, 28.0), (118.6, 28.6)], 0.48, 1.00),
    ("南岭", "水源涵养", [(110.0, 25.5), (111.8, 25.2), (113.5, 25.0), (115.0, 24.8), (116.0, 24.6)], 0.42, 0.95),
    ("横断山", "生物多样性维护", [(98.5, 32.5), (99.5, 30.0), (100.5, 28.0), (100.0, 26.0), (99.0, 24.5)], 1.05, 1.00),
    ("岷山-邛崃山", "生物多样性维护", [(103.5, 33.0), (103.3, 31.5), (102.8, 30.0), (102.7, 29.0)], 0.55, 1.00),
    ("祁连山", "水源涵养", [(94.5, 39.0), (97.0, 39.0), (99.5, 38.3), (101.5, 37.6), (103.0, 37.0)], 0.65, 1.00),
    ("三江源", "水源涵养", [(91.5, 34.0), (94.0, 34.5), (96.5, 34.3), (98.5, 34.0), (100.5, 34.5)], 1.55, 1.10),
    ("羌塘", "生物多样性维护", [(80.5, 34.5), (84.0, 35.0), (88.0, 35.0), (91.5, 34.5)], 1.45, 1.10),
    ("藏东南", "生物多样性维护", [(92.5, 29.5), (95.0, 29.8), (97.5, 29.0)], 0.90, 1.00),
    ("喜马拉雅", "水源涵养", [(80.5, 30.8), (84.0, 29.2), (88.0, 28.2), (91.5, 28.0)], 0.60, 0.85),
    ("昆仑山-阿尔金山", "生物多样性维护", [(77.0, 36.5), (82.0, 36.0), (87.0, 36.7), (91.0, 37.5)], 0.65, 0.85),
    ("天山", "水源涵养", [(76.0, 41.0), (80.0, 42.2), (84.0, 43.2), (87.5, 43.5), (91.0, 43.2), (94.0, 43.0)], 0.55, 1.00),
    ("阿尔泰山", "水源涵养", [(86.5, 48.8), (88.5, 47.8), (90.5, 46.8)], 0.50, 0.90),
    ("塔里木河", "防风固沙", [(79.0, 40.6), (83.0, 41.2), (86.5, 41.0), (88.0, 40.2)], 0.32, 0.80),
    ("准噶尔盆地", "防风固沙", [(88.0, 45.3)], 0.85, 0.70),
    ("阿拉善", "防风固沙", [(100.5, 40.5), (103.5, 40.0), (105.5, 39.0)], 0.75, 0.75),
    ("浑善达克-科尔沁", "防风固沙", [(114.5, 42.7), (116.5, 43.0), (119.0, 43.3), (121.5, 43.5), (122.8, 43.9)], 0.55, 0.85),
    ("呼伦贝尔", "防风固沙", [(118.5, 49.0)], 0.95, 0.70),
    ("毛乌素", "防风固沙", [(108.7, 38.5)], 0.65, 0.70),
    ("黄土高原", "水土保持", [(105.5, 35.5), (107.5, 36.5), (109.5, 37.0), (110.8, 37.5)], 0.45, 0.75),
    ("太行山", "水土保持", [(113.5, 35.2), (113.8, 36.5), (114.0, 38.0), (114.8, 39.5), (115.5, 40.2)], 0.40, 0.85),
    ("燕山", "水源涵养", [(115.5, 40.5), (117.0, 40.6), (118.5, 40.4), (119.5, 40.2)], 0.38, 0.80),
    ("大别山", "水土保持", [(114.0, 31.6), (115.5, 31.2), (116.6, 30.9)], 0.38, 0.90),
    ("黄山-天目山", "生物多样性维护", [(117.8, 30.0), (118.5, 30.2), (119.5, 30.4)], 0.33, 0.85),
    ("武陵山", "生物多样性维护", [(108.5, 29.5), (109.5, 28.5), (110.5, 29.2)], 0.48, 0.85),
    ("雪峰山", "水源涵养", [(110.0, 26.8), (110.8, 27.8), (111.3, 28.5)], 0.33, 0.70),
    ("罗霄山", "生物多样性维护", [(113.8, 25.9), (114.1, 26.6), (114.0, 27.5)], 0.30, 0.75),
    ("西双版纳", "生物多样性维护", [(100.0, 21.8), (101.0, 21.9), (101.8, 22.3)], 0.42, 1.00),
    ("滇桂喀斯特", "水土保持", [(104.5, 23.2), (106.0, 23.0), (107.5, 22.8)], 0.42, 0.85),
    ("乌蒙山", "水土保持", [(103.5, 27.0), (104.8, 26.5), (106.5, 25.8)], 0.42, 0.70),
    ("海南中部山区", "生物多样性维护", [(109.75, 19.0)], 0.35, 1.00),
    ("鄱阳湖", "生物多样性维护", [(116.2, 29.1)], 0.28, 0.90),
    ("洞庭湖", "生物多样性维护", [(112.9, 29.3)], 0.28, 0.80),
    ("沂蒙山", "水土保持", [(117.3, 36.2), (118.1, 35.9)], 0.28, 0.60),
    ("浙南山地", "生物多样性维护", [(119.6, 27.8), (120.3, 28.4)], 0.33, 0.65),
    ("若尔盖", "水源涵养", [(102.8, 33.6)], 0.48, 0.90),
    ("贺兰山", "防风固沙", [(105.8, 38.3), (106.2, 39.2)], 0.25, 0.70),
    ("阴山", "防风固沙", [(108.0, 41.0), (110.5, 41.0), (112.5, 41.2)], 0.33, 0.60),
    ("三江平原", "生物多样性维护", [(133.5, 47.5)], 0.48, 0.70),
    ("松嫩湿地", "生物多样性维护", [(124.0, 47.2), (123.5, 45.9), (122.3, 44.9)], 0.30, 0.60),
]

# Coastal stretches (west, south, east, north) where the "海岸生态稳定" strip is drawn.
COAST_BOXES = [
    ("辽东湾", (119.8, 39.6, 122.6, 41.3)),
    ("渤海湾-黄河口", (117.4, 37.0, 119.6, 39.4)),
    ("苏北沿海", (119.2, 32.0, 121.6, 35.0)),
    ("浙闽沿海", (118.8, 24.4, 122.2, 30.2)),
    ("粤西-北部湾", (107.9, 20.2, 112.3, 22.2)),
    ("海南沿海", (108.5, 18.0, 111.2, 20.2)),
]

ECRL_TARGET_SHARE = 0.30
ECRL_GRID_RES = 0.05


def load_admin(admin_dir):
    provs = []
    for g, a in read_layer(Path(admin_dir) / "china_provinces.gpkg"):
        provs.append((str(a["id"]), a["name"], clean(g)))
    provs.sort()
    mainland = union_all([g for c, _, g in provs if c not in NOT_MAINLAND])
    mainland = drop_small_holes(mainland, 0.05)
    # Non-overlapping province pieces (sequential difference in code order), clipped to the mainland.
    tiled = []
    acc = None
    for code, name, g in provs:
        if code in NOT_MAINLAND:
            continue
        piece = g if acc is None else clean(g.Difference(acc))
        piece = clean(piece.Intersection(mainland))
        tiled.append((code, name, piece))
        acc = g.Clone() if acc is None else clean(acc.Union(g))
    # Slivers between neighbouring provinces (filled in the mainland outline) go to the
    # province sharing the most boundary with them, so that the pieces tile the mainland.
    gaps = clean(mainland.Difference(union_all([t[2] for t in tiled])))
    extra = {}
    for gp in parts(gaps):
        ring = gp.Buffer(0.005, 2)
        best = max(range(len(tiled)), key=lambda k: ring.Intersection(tiled[k][2]).GetArea()
                   if ring.Intersects(tiled[k][2]) else 0.0)
        extra.setdefault(best, []).append(gp)
    for k, gps in extra.items():
        code, name, piece = tiled[k]
        tiled[k] = (code, name, union_all([piece] + gps))
    world = []
    wpath = Path(admin_dir) / "world_countries.gpkg"
    if wpath.exists():
        world = [g for g, _ in read_layer(wpath)]
    return provs, tiled, mainland, world


class Demo:
    def __init__(self, admin_dir, out_dir):
        self.out = Path(out_dir)
        self.out.mkdir(parents=True, exist_ok=True)
        self.rng = np.random.RandomState(SEED)
        gdal.PushErrorHandler("CPLQuietErrorHandler")
        self.provs, self.tiled, self.mainland, self.world = load_admin(admin_dir)
        self.mainland_km2 = area_km2(self.mainland)

    def province_of(self, lon, lat):
        p = point(lon, lat)
        for code, name, g in self.tiled:
            if g.Contains(p):
                return code, name
        # nearest
        best = min(self.tiled, key=lambda t: t[2].Distance(p))
        return best[0], best[1]

    # ------------------------------------------------------------------ ECRL
    def ecrl(self):
        rng = np.random.RandomState(SEED + 1)
        grid = Grid(73.0, 17.5, 135.5, 54.0, ECRL_GRID_RES)
        self.egrid = grid
        lon2, lat2 = lonlat_mesh(grid)
        land = grid.rasterize([(self.mainland, 1)]) == 1
        # Ocean = not inside any country (world 1:50m) nor the China outline.
        anyland = grid.rasterize([(g, 1) for g in self.world] + [(self.mainland, 1)], all_touched=True) == 1
        sea = ~anyland
        # coast strip: land cells within 3 cells of the sea
        near_sea = np.zeros_like(sea)
        k = 3
        for dy in range(-k, k + 1):
            for dx in range(-k, k + 1):
                near_sea |= np.roll(np.roll(sea, dy, 0), dx, 1)
        coast = land & near_sea

        score = np.full(lon2.shape, -np.inf)
        label = np.zeros(lon2.shape, dtype=np.int32)
        strength = np.zeros(lon2.shape)
        for i, (name, typ, pts, sigma, w) in enumerate(ECRL_REGIONS):
            d = dist_to_polyline(lon2, lat2, pts)
            s = math.log(w) - (d / sigma) ** 2
            better = s > score
            score = np.where(better, s, score)
            label = np.where(better, i + 1, label)
        strength = np.exp(score)  # = max_i w_i exp(-(d_i/sigma_i)^2)
        n_mod = fbm_grid(rng, grid.ny, grid.nx, 40, octaves=5, gain=0.55)   # varies range width
        n_hill = fbm_grid(rng, grid.ny, grid.nx, 10, octaves=3, gain=0.5)   # scattered hill patches
        n_edge = fbm_grid(rng, grid.ny, grid.nx, 4, octaves=2, gain=0.5)    # ragged edges
        plain = soft_mask(lon2, lat2, PLAINS)
        south = np.clip((33.5 - lat2) / 3.0, 0.0, 1.0) * (lon2 > 104.0)
        field = (strength * (0.35 + 1.1 * n_mod)
                 + 1.3 * np.clip(n_hill - 0.58, 0.0, None) * (1.0 - plain) * (0.4 + n_mod) * (1.0 + south)
                 + 0.12 * (n_edge - 0.5) - 0.25 * plain)
        noise2 = n_hill

        # coastal strips
        ncoast0 = len(ECRL_REGIONS)
        coast_label = np.zeros(lon2.shape, dtype=np.int32)
        for j, (name, (w_, s_, e_, n_)) in enumerate(COAST_BOXES):
            inbox = (lon2 >= w_) & (lon2 <= e_) & (lat2 >= s_) & (lat2 <= n_)
            coast_label[coast & inbox & (noise2 > 0.38)] = ncoast0 + j + 1

        weight = np.cos(np.radians(lat2)) * land
        # threshold at the weighted quantile giving the target share (coast strips counted too)
        coast_w = weight[(coast_label > 0)].sum()
        target = ECRL_TARGET_SHARE * weight.sum() - coast_w * 0.6
        vals = field[land & (coast_label == 0)]
        ws = weight[land & (coast_label == 0)]
        order = np.argsort(-vals)
        cum = np.cumsum(ws[order])
        thr = vals[order][min(np.searchsorted(cum, target), len(order) - 1)]
        sel = land & (field >= thr)
        lab = np.where(sel, label, 0)
        lab = np.where(coast_label > 0, coast_label, lab)
        lab[~land] = 0
        self.ecrl_field = field  # reused by the land-cover raster
        self.ecrl_thr = thr

        # polygonize per label, smooth, clip per province
        polys = {}
        for g, v in grid.polygonize(lab):
            polys.setdefault(v, []).append(g)
        accepted = []
        feats = []
        for v in sorted(polys):
            if v <= ncoast0:
                rname, rtype = ECRL_REGIONS[v - 1][0], ECRL_REGIONS[v - 1][1]
            else:
                rname, rtype = COAST_BOXES[v - ncoast0 - 1][0], "海岸生态稳定"
            merged = union_all(polys[v])
            sm = ogr.Geometry(ogr.wkbMultiPolygon)
            for p in parts(merged):
                sp = smooth_polygon(p, 3)
                if sp.IsEmpty():
                    continue
                # big patches keep their dense outline (several thousand vertices: exercises
                # subdivision in the screening code); small ones are simplified
                if p.GetArea() < 3.0:
                    sp = sp.SimplifyPreserveTopology(0.0015)
                for q in parts(clean(sp)):
                    sm.AddGeometry(q)
            geom = clean(sm)
            geom = clean(geom.Intersection(self.mainland))
            for a in accepted:
                if geom.Intersects(a):
                    geom = clean(geom.Difference(a))
            if geom.IsEmpty():
                continue
            accepted.append(geom)
            for code, pname, pg in self.tiled:
                if not geom.Intersects(pg):
                    continue
                inter = clean(geom.Intersection(pg))
                for part in parts(inter):
                    a_km2 = area_km2(part)
                    if a_km2 < 25.0:
                        continue
                    c = part.Centroid()
                    feats.append((code, pname, rname, rtype, part, a_km2, c.GetX(), c.GetY()))
        # ids: per province, ordered by region then west->east
        feats.sort(key=lambda f: (f[0], f[2], round(f[6], 3), round(f[7], 3)))
        rows = []
        counters = {}
        for code, pname, rname, rtype, part, a_km2, cx, cy in feats:
            counters[code] = counters.get(code, 0) + 1
            iso = PROVINCES[code][1]
            rows.append((part, {
                "hx_id": "ECRL-%s-%04d" % (iso, counters[code]),
                "hx_name": "%s%s生态保护红线(示例)" % (rname, rtype),
                "hx_type": rtype,
                "province": pname,
                "area_km2": round(a_km2, 2),
            }))
        path = write_gpkg(self.out / "china_ecrl_demo.gpkg", "china_ecrl_demo", ogr.wkbMultiPolygon,
                          [("hx_id", "str"), ("hx_name", "str"), ("hx_type", "str"), ("province", "str"),
                           ("area_km2", "real")], rows,
                          "DEMO - synthetic ecological conservation red lines, NOT official data; "
                          "generated by scripts/make_demo_layers.py seed %d" % SEED)
        self.ecrl_rows = rows
        tot = sum(r[1]["area_km2"] for r in rows)
        nv = [count_vertices(r[0]) for r in rows]
        print("ECRL: %d polygons, %.0f km2 = %.1f%% of mainland land (%.0f km2); vertices max %d, median %d"
              % (len(rows), tot, 100 * tot / self.mainland_km2, self.mainland_km2, max(nv), int(np.median(nv))))
        by_type = {}
        for r in rows:
            by_type[r[1]["hx_type"]] = by_type.get(r[1]["hx_type"], 0) + r[1]["area_km2"]
        print("  by type:", ", ".join("%s %.0f%%" % (k, 100 * v / tot) for k, v in sorted(by_type.items())))
        self.ecrl_union = union_all([r[0] for r in rows])
        return path

    # ------------------------------------------------------------ reserves
    def reserves(self):
        rng = np.random.RandomState(SEED + 2)
        placed = []  # outer polygons
        rows = []
        seq = {}

        def try_place(name_cn, lon, lat, r_km, level, fixed):
            th, rr = star_radii(rng, n=96, harmonics=5, rough=0.22)
            aspect = rng.uniform(0.7, 1.3)
            rot = rng.uniform(0, 180)
            rx, ry = r_km * aspect, r_km / aspect
            k_buf = rng.uniform(1.45, 1.7)
            k_exp = k_buf + rng.uniform(0.6, 0.9)
            outer = star_polygon(lon, lat, rx, ry, rot, th, rr, k_exp)
            for o in placed:
                if outer.Intersects(o):
                    return False
            core = clean(star_polygon(lon, lat, rx, ry, rot, th, rr, 1.0).Intersection(self.mainland))
            bo = star_polygon(lon, lat, rx, ry, rot, th, rr, k_buf)
            buf = clean(clean(bo.Difference(star_polygon(lon, lat, rx, ry, rot, th, rr, 1.0))).Intersection(self.mainland))
            exp = clean(clean(outer.Difference(bo)).Intersection(self.mainland))
            if core.IsEmpty() or area_km2(core) < 0.3 * math.pi * rx * ry:
                if not fixed:
                    return False
            placed.append(outer)
            code, pname = self.province_of(lon, lat)
            iso = PROVINCES[code][1]
            seq[iso] = seq.get(iso, 0) + 1
            nr_id = "NR-%s-%03d" % (iso, seq[iso])
            full = "%s%s自然保护区(示例)" % (name_cn, level)
            for zone, zone_en, g in (("核心区", "core", core), ("缓冲区", "buffer", buf), ("实验区", "experimental", exp)):
                if g.IsEmpty():
                    continue
                rows.append((g, {"nr_id": nr_id, "nr_name": full, "nr_level": level, "zone": zone,
                                 "zone_en": zone_en, "province": pname, "area_km2": round(area_km2(g), 2),
                                 "center_lon": round(lon, 4), "center_lat": round(lat, 4)}))
            return True

        for name_cn, lon, lat, r_km, level in NAMED_RESERVES:
            ok = try_place(name_cn, lon, lat, r_km, level, True)
            if not ok:
                ok = try_place(name_cn, lon, lat, r_km * 0.7, level, True)
            if not ok:
                print("  reserve %s could not be placed" % name_cn)
        # extra provincial reserves inside the ECRL polygons
        ecrl_parts = [r[0] for r in self.ecrl_rows if r[1]["area_km2"] > 400]
        attempts = 0
        extra = 0
        while extra < N_EXTRA_RESERVES and attempts < 4000:
            attempts += 1
            g = ecrl_parts[rng.randint(len(ecrl_parts))]
            xmin, xmax, ymin, ymax = g.GetEnvelope()
            lon, lat = rng.uniform(xmin, xmax), rng.uniform(ymin, ymax)
            if lon < 97 and rng.uniform() < 0.6:  # fewer in the far west
                continue
            if not g.Contains(point(lon, lat)):
                continue
            name = RESERVE_NAME_PARTS[0][rng.randint(len(RESERVE_NAME_PARTS[0]))] + \
                RESERVE_NAME_PARTS[1][rng.randint(len(RESERVE_NAME_PARTS[1]))]
            r_km = float(rng.uniform(3, 9)) * (2.0 if lon < 100 else 1.0)
            if try_place(name, lon, lat, r_km, "省级", False):
                extra += 1
        path = write_gpkg(self.out / "china_nature_reserves_demo.gpkg", "china_nature_reserves_demo",
                          ogr.wkbMultiPolygon,
                          [("nr_id", "str"), ("nr_name", "str"), ("nr_level", "str"), ("zone", "str"),
                           ("zone_en", "str"), ("province", "str"), ("area_km2", "real"),
                           ("center_lon", "real"), ("center_lat", "real")], rows,
                          "DEMO - synthetic nature reserves (core/buffer/experimental zones), NOT official "
                          "boundaries; generated by scripts/make_demo_layers.py seed %d" % SEED)
        self.reserve_rows = rows
        n = len({r[1]["nr_id"] for r in rows})
        print("reserves: %d reserves, %d zone polygons (%d named, %d extra)" % (n, len(rows), n - extra, extra))
        return path

    # ------------------------------------------------------------ wetlands
    def wetlands(self):
        rng = np.random.RandomState(SEED + 3)
        rows = []
        placed = []
        seq = {}
        for name_cn, lon, lat, rx, ry, rot, wtype, ramsar in NAMED_WETLANDS:
            th, rr = star_radii(rng, n=120, harmonics=6, rough=0.30 if wtype in ("lake", "marsh") else 0.2)
            g = clean(star_polygon(lon, lat, rx, ry, rot, th, rr).Intersection(self.mainland))
            if g.IsEmpty():
                print("  wetland %s is off land" % name_cn)
                continue
            for o in placed:
                if g.Intersects(o):
                    g = clean(g.Difference(o))
            placed.append(g)
            code, pname = self.province_of(lon, lat)
            iso = PROVINCES[code][1]
            seq[iso] = seq.get(iso, 0) + 1
            rows.append((g, {"wet_id": "WL-%s-%03d" % (iso, seq[iso]), "wet_name": name_cn + "湿地(示例)"
                             if not name_cn.endswith(("湿地", "湖", "海", "错", "淀", "港", "滩", "洲")) else name_cn + "(示例)",
                             "wet_type": WET_TYPE_CN[wtype], "wet_type_en": wtype, "ramsar": ramsar,
                             "province": pname, "area_km2": round(area_km2(g), 2)}))
        path = write_gpkg(self.out / "china_wetlands_demo.gpkg", "china_wetlands_demo", ogr.wkbMultiPolygon,
                          [("wet_id", "str"), ("wet_name", "str"), ("wet_type", "str"), ("wet_type_en", "str"),
                           ("ramsar", "str"), ("province", "str"), ("area_km2", "real")], rows,
                          "DEMO - synthetic important-wetland polygons at real wetland locations, NOT official "
                          "boundaries; generated by scripts/make_demo_layers.py seed %d" % SEED)
        self.wetland_rows = rows
        print("wetlands: %d polygons (%d flagged ramsar=yes)" % (len(rows), sum(r[1]["ramsar"] == "yes" for r in rows)))
        return path

    # -------------------------------------------------------- water stress
    def water_stress(self):
        rng = np.random.RandomState(SEED + 4)
        xmin, xmax, ymin, ymax = self.mainland.GetEnvelope()
        x0, y0, x1, y1 = xmin - 2, ymin - 2, xmax + 2, ymax + 2
        # Poisson-disc-like seeds: denser in the east (smaller basins), sparser in the west.
        seeds = []
        near = clean(self.mainland.Buffer(0.3, 4))
        tries = 0
        while tries < 60000 and len(seeds) < 420:
            tries += 1
            x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
            mind = 1.05 if x > 104 else (1.5 if x > 95 else 2.0)
            if not near.Contains(point(x, y)):
                continue
            if any((x - sx) ** 2 + (y - sy) ** 2 < mind * mind for sx, sy in seeds):
                continue
            seeds.append((x, y))
        # add a ring of far seeds so that border cells stay bounded
        pts = np.array(seeds)
        cells = voronoi_cells(pts, (x0 - 5, y0 - 5, x1 + 5, y1 + 5))
        wx = LatticeNoise(rng, x0 - 8, y0 - 8, x1 + 8, y1 + 8, 2.5)
        wy = LatticeNoise(rng, x0 - 8, y0 - 8, x1 + 8, y1 + 8, 2.5)
        wx2 = LatticeNoise(rng, x0 - 8, y0 - 8, x1 + 8, y1 + 8, 0.7)
        wy2 = LatticeNoise(rng, x0 - 8, y0 - 8, x1 + 8, y1 + 8, 0.7)

        def warp(xs, ys):
            return (xs + 0.45 * wx(xs, ys) + 0.09 * wx2(xs, ys), ys + 0.45 * wy(xs, ys) + 0.09 * wy2(xs, ys))

        bws_noise = rng.normal(0.0, 0.12, len(seeds))
        units = []
        for i, cell in enumerate(cells):
            wc = warp_polygon(cell, warp, 0.08)
            wc = clean(wc.Intersection(self.mainland))
            if wc.IsEmpty():
                continue
            sx, sy = pts[i]
            wsx, wsy = warp(np.array([sx]), np.array([sy]))
            raw, arid = bws_model(float(wsx[0]), float(wsy[0]), bws_noise[i])
            for code, pname, pg in self.tiled:
                if not wc.Intersects(pg):
                    continue
                piece = clean(wc.Intersection(pg))
                if piece.IsEmpty():
                    continue
                units.append((i, code, piece, raw, arid))
        # pfaf ids: 6 digits, "4" (Asia) + synthetic digits ordered west -> east per cell
        order = sorted(range(len(seeds)), key=lambda i: (round(pts[i][0], 3), round(pts[i][1], 3)))
        pfaf = {i: 400000 + 1000 + 211 * k for k, i in enumerate(order)}
        rows = []
        units.sort(key=lambda u: (pfaf[u[0]], u[1]))
        for n, (i, code, piece, raw, arid) in enumerate(units):
            cat, label, score = bws_classify(raw, arid)
            _, _, gid1, name1 = PROVINCES[code]
            aqid = 3000 + (int(pfaf[i]) // 211) % 997
            rows.append((piece, {
                "string_id": "%d-%s-%d" % (pfaf[i], gid1, aqid),
                "aq30_id": n + 1, "pfaf_id": pfaf[i], "gid_1": gid1, "aqid": aqid, "gid_0": "CHN",
                "name_0": "China", "name_1": name1, "area_km2": round(area_km2(piece), 2),
                "bws_raw": round(raw, 4), "bws_score": round(score, 4), "bws_cat": cat, "bws_label": label,
            }))
        path = write_gpkg(self.out / "china_water_stress_demo.gpkg", "china_water_stress_demo", ogr.wkbMultiPolygon,
                          [("string_id", "str"), ("aq30_id", "int"), ("pfaf_id", "int"), ("gid_1", "str"),
                           ("aqid", "int"), ("gid_0", "str"), ("name_0", "str"), ("name_1", "str"),
                           ("area_km2", "real"), ("bws_raw", "real"), ("bws_score", "real"), ("bws_cat", "int"),
                           ("bws_label", "str")], rows,
                          "DEMO - synthetic baseline water stress in the WRI Aqueduct 4.0 baseline-annual schema, "
                          "NOT WRI data; generated by scripts/make_demo_layers.py seed %d" % SEED)
        self.ws_rows = rows
        cats = {}
        for r in rows:
            c = r[1]["bws_cat"]
            cats[c] = cats.get(c, 0) + r[1]["area_km2"]
        tot = sum(cats.values())
        print("water stress: %d basins -> %d units; area share by bws_cat: %s; coverage %.2f%% of mainland"
              % (len(seeds), len(rows), ", ".join("%d: %.0f%%" % (k, 100 * v / tot) for k, v in sorted(cats.items())),
                 100 * tot / self.mainland_km2))
        return path


def soft_mask(lon2, lat2, ellipses, edge=0.35):
    """1 inside the ellipses (lon, lat, semi-axis lon deg, semi-axis lat deg), fading to 0 outside."""
    m = np.zeros(lon2.shape)
    for x, y, a, b in ellipses:
        r = np.sqrt(((lon2 - x) / a) ** 2 + ((lat2 - y) / b) ** 2)
        m = np.maximum(m, np.clip((1.0 + edge - r) / edge, 0.0, 1.0))
    return m


# Major plains / basins (lon, lat, semi-axis lon, semi-axis lat): few red lines, mostly cropland.
PLAINS = [
    (116.0, 36.0, 3.3, 2.6), (116.8, 39.2, 1.2, 0.8), (117.5, 33.5, 2.0, 1.2), (119.5, 31.8, 1.8, 1.0),
    (113.2, 30.3, 1.3, 0.6), (112.5, 29.2, 0.8, 0.5), (116.0, 28.6, 0.6, 0.6), (105.5, 30.2, 1.8, 1.3),
    (108.7, 34.5, 1.5, 0.35), (113.3, 22.9, 0.8, 0.6), (108.5, 40.7, 1.3, 0.35), (106.3, 38.4, 0.4, 0.7),
    (124.8, 45.0, 2.6, 3.0), (122.5, 41.6, 1.3, 0.9), (131.5, 47.0, 1.5, 1.0), (100.5, 38.9, 0.6, 0.3),
    (112.6, 37.6, 0.6, 0.4), (111.0, 35.2, 0.7, 0.4),
]


def count_vertices(g):
    n = 0
    for p in parts(g):
        for i in range(p.GetGeometryCount()):
            n += p.GetGeometryRef(i).GetPointCount()
    return n


def densify_line(pts, step):
    out = []
    for (x0, y0), (x1, y1) in zip(pts[:-1], pts[1:]):
        n = max(1, int(math.ceil(math.hypot(x1 - x0, y1 - y0) / step)))
        for k in range(n):
            out.append((x0 + (x1 - x0) * k / n, y0 + (y1 - y0) * k / n))
    out.append(pts[-1])
    return out


def voronoi_cells(pts, bbox):
    """Voronoi cell of each seed (in lon/lat degrees) by half-plane clipping, bounded by bbox."""
    bx0, by0, bx1, by1 = bbox
    box = make_polygon([[(bx0, by0), (bx1, by0), (bx1, by1), (bx0, by1)]])
    cells = []
    big = 400.0
    for i, (px, py) in enumerate(pts):
        d2 = (pts[:, 0] - px) ** 2 + (pts[:, 1] - py) ** 2
        order = np.argsort(d2)[1:60]
        cell = box.Clone()
        for j in order:
            qx, qy = pts[j]
            mx, my = (px + qx) / 2.0, (py + qy) / 2.0
            nx, ny = qx - px, qy - py
            ln = math.hypot(nx, ny)
            nx, ny = nx / ln, ny / ln
            # half plane {x: (x - m).n <= 0}: a big rectangle on the seed side of the bisector
            tx, ty = -ny, nx
            hp = make_polygon([[(mx + tx * big, my + ty * big), (mx - tx * big, my - ty * big),
                                (mx - tx * big - nx * big, my - ty * big - ny * big),
                                (mx + tx * big - nx * big, my + ty * big - ny * big)]])
            cell = cell.Intersection(hp)
            # stop when the farthest cell vertex is closer than half the next seed distance
            env = cell.GetEnvelope()
            rmax = max(math.hypot(ex - px, ey - py) for ex in env[:2] for ey in env[2:])
            if 2 * rmax < math.sqrt(d2[j]):
                break
        cells.append(cell)
    return cells


def warp_polygon(poly, warp, step):
    rings = []
    for i in range(poly.GetGeometryCount()):
        pts = ring_coords(poly.GetGeometryRef(i))
        dense = densify_line(pts, step)[:-1]
        xs = np.array([p[0] for p in dense])
        ys = np.array([p[1] for p in dense])
        wx, wy = warp(xs, ys)
        rings.append(list(zip(wx.tolist(), wy.tolist())))
    return clean(make_polygon(rings))


# log10(bws ratio) model: base + Gaussian bumps (lon, lat, sigma_deg, +log10)
BWS_BUMPS = [
    (116.0, 37.5, 2.6, 1.75),  # North China Plain
    (116.8, 39.6, 1.3, 0.55),  # Beijing - Tianjin (Hai basin)
    (117.8, 36.3, 1.5, 0.9),   # Shandong
    (112.5, 36.8, 2.0, 1.25),  # Shanxi / middle Yellow River
    (108.2, 35.5, 1.8, 1.05),  # Guanzhong / Wei River
    (106.3, 37.8, 1.6, 1.45),  # Ningxia irrigation
    (110.5, 40.7, 2.0, 1.35),  # Hetao / central Inner Mongolia
    (116.0, 42.8, 2.5, 0.95),  # eastern Inner Mongolia
    (123.0, 41.8, 1.6, 1.0),   # Liao basin
    (125.2, 45.5, 2.0, 0.6),   # Songnen plain
    (101.5, 38.5, 2.2, 1.45),  # Hexi corridor
    (87.0, 44.2, 2.6, 1.7),    # northern Tianshan oases (Urumqi - Shihezi)
    (81.5, 40.8, 2.8, 1.55),   # Tarim rim oases (Aksu - Kashgar)
    (84.5, 46.0, 2.0, 0.8),    # Junggar north
    (120.5, 31.5, 1.4, 0.85),  # Yangtze delta
    (113.6, 23.0, 1.0, 0.65),  # Pearl River delta
    (104.3, 30.6, 1.0, 0.55),  # Chengdu plain
    (113.5, 34.3, 1.6, 0.7),   # Henan
]
# arid and low water use: desert ellipses (lon, lat, semi-axis lon, semi-axis lat)
ARID = [
    (83.0, 38.8, 5.0, 1.4),    # Taklimakan
    (91.5, 40.0, 2.5, 1.2),    # Lop Nur / Kumtag
    (94.0, 37.2, 3.2, 1.0),    # Qaidam
    (101.8, 40.9, 2.2, 1.0),   # Badain Jaran
    (96.0, 41.5, 3.0, 1.1),    # Beishan / Gobi
    (85.2, 33.8, 4.0, 1.4),    # Changtang uninhabited plateau
    (104.0, 38.7, 1.0, 0.6),   # Tengger core
]


def bws_model(lon, lat, eps):
    for ax, ay, sx, sy in ARID:
        if ((lon - ax) / sx) ** 2 + ((lat - ay) / sy) ** 2 < 1.0:
            lg = -0.6 + eps
            return 10 ** lg, True
    lg = -1.45 + 0.02 * max(0.0, lat - 30.0)
    for bx, by, s, amp in BWS_BUMPS:
        lg += amp * math.exp(-(((lon - bx) * math.cos(math.radians(lat))) ** 2 + (lat - by) ** 2) / (s * s))
    lg = min(lg, 0.75) + eps
    return 10 ** lg, False


BWS_LABELS = {
    -1: "Arid and Low Water Use",
    0: "Low (<10%)",
    1: "Low - Medium (10-20%)",
    2: "Medium - High (20-40%)",
    3: "High (40-80%)",
    4: "Extremely High (>80%)",
}


def bws_classify(raw, arid):
    """Aqueduct thresholds 0.1/0.2/0.4/0.8; score = log2 mapping of the ratio onto 0-5."""
    if arid:
        return -1, BWS_LABELS[-1], 5.0
    score = max(0.0, min(5.0, math.log(raw / 0.1) / math.log(2.0) + 1.0))
    if raw < 0.1:
        cat = 0
    elif raw < 0.2:
        cat = 1
    elif raw < 0.4:
        cat = 2
    elif raw < 0.8:
        cat = 3
    else:
        cat = 4
    return cat, BWS_LABELS[cat], score


# (name, lon, lat, core radius km, level)
NAMED_RESERVES = [
    ("卧龙", 103.2, 31.0, 12, "国家级"), ("神农架", 110.4, 31.6, 10, "国家级"),
    ("长白山", 128.1, 42.0, 14, "国家级"), ("西双版纳", 101.0, 21.9, 10, "国家级"),
    ("鄱阳湖", 116.2, 29.1, 8, "国家级"), ("盐城湿地珍禽", 120.45, 33.55, 9, "国家级"),
    ("大丰麋鹿", 120.75, 32.95, 4, "国家级"), ("九寨沟", 103.9, 33.2, 8, "国家级"),
    ("梵净山", 108.7, 27.9, 7, "国家级"), ("武夷山", 117.7, 27.75, 9, "国家级"),
    ("天目山", 119.45, 30.35, 3, "国家级"), ("鼎湖山", 112.55, 23.17, 2, "国家级"),
    ("八大公山", 110.1, 29.8, 6, "国家级"), ("佛坪", 107.9, 33.6, 6, "国家级"),
    ("太白山", 107.6, 34.05, 6, "国家级"), ("扎龙", 124.2, 47.2, 12, "国家级"),
    ("向海", 122.3, 44.95, 8, "国家级"), ("三江", 133.7, 47.9, 10, "国家级"),
    ("兴凯湖", 132.6, 45.1, 8, "国家级"), ("达赉湖", 117.4, 48.9, 18, "国家级"),
    ("锡林郭勒草原", 116.3, 43.9, 18, "国家级"), ("贺兰山", 105.9, 38.8, 7, "国家级"),
    ("祁连山", 100.0, 38.2, 22, "国家级"), ("青海湖", 100.2, 36.9, 14, "国家级"),
    ("三江源", 96.0, 33.8, 55, "国家级"), ("可可西里", 92.5, 35.3, 50, "国家级"),
    ("羌塘", 86.5, 34.5, 75, "国家级"), ("阿尔金山", 89.0, 37.2, 40, "国家级"),
    ("罗布泊野骆驼", 91.5, 40.3, 45, "国家级"), ("珠穆朗玛峰", 87.0, 28.5, 35, "国家级"),
    ("雅鲁藏布大峡谷", 95.0, 29.7, 28, "国家级"), ("白马雪山", 99.2, 28.2, 13, "国家级"),
    ("高黎贡山", 98.7, 25.8, 9, "国家级"), ("哀牢山", 101.2, 24.2, 8, "国家级"),
    ("大围山", 103.7, 22.7, 6, "国家级"), ("十万大山", 107.9, 21.85, 7, "国家级"),
    ("五指山", 109.7, 18.9, 6, "国家级"), ("尖峰岭", 108.95, 18.75, 4, "国家级"),
    ("车八岭", 114.2, 24.7, 4, "国家级"), ("井冈山", 114.15, 26.5, 5, "国家级"),
    ("天马", 115.7, 31.1, 5, "国家级"), ("黄河三角洲", 118.9, 37.75, 10, "国家级"),
    ("辽河口", 121.8, 40.95, 8, "国家级"), ("赛罕乌拉", 118.8, 44.2, 9, "国家级"),
    ("汗马", 122.4, 51.6, 13, "国家级"), ("呼中", 123.4, 51.55, 8, "国家级"),
    ("丰林", 129.1, 48.1, 6, "国家级"), ("若尔盖湿地", 102.9, 33.6, 14, "国家级"),
    ("唐家河", 104.8, 32.6, 6, "国家级"), ("卡拉麦里山", 89.5, 45.0, 35, "省级"),
    ("托木尔峰", 80.2, 41.9, 18, "国家级"), ("巴音布鲁克", 84.0, 42.9, 22, "国家级"),
    ("喀纳斯", 87.2, 48.8, 14, "国家级"), ("甘家湖梭梭林", 83.2, 44.9, 9, "国家级"),
    ("塔里木胡杨", 84.6, 40.7, 22, "国家级"), ("宝天曼", 111.9, 33.5, 5, "国家级"),
    ("小五台山", 115.0, 39.9, 5, "国家级"), ("雾灵山", 117.5, 40.6, 4, "国家级"),
    ("庞泉沟", 111.5, 37.85, 4, "国家级"), ("牯牛降", 117.5, 30.0, 3, "国家级"),
    ("东洞庭湖", 113.0, 29.3, 9, "国家级"), ("天鹅洲", 112.55, 29.8, 3, "国家级"),
    ("山口红树林", 109.7, 21.5, 4, "国家级"), ("湛江红树林", 110.3, 21.1, 4, "国家级"),
    ("东寨港", 110.58, 19.95, 3, "国家级"), ("福田红树林", 114.0, 22.52, 1.2, "国家级"),
    ("惠东港口海龟", 114.9, 22.6, 2, "国家级"), ("乌岩岭", 119.7, 27.7, 4, "国家级"),
    ("古田山", 118.15, 29.25, 3, "国家级"), ("茂兰", 108.0, 25.3, 6, "国家级"),
    ("草海", 104.2, 26.85, 3.5, "国家级"), ("纳帕海", 99.65, 27.85, 3, "省级"),
    ("拉市海", 100.1, 26.9, 3, "省级"), ("苍山洱海", 100.1, 25.7, 5, "国家级"),
    ("蜂桶寨", 102.9, 30.45, 5, "国家级"), ("贡嘎山", 101.95, 29.6, 14, "国家级"),
    ("亚丁", 100.35, 28.4, 10, "国家级"), ("昆嵛山", 121.75, 37.25, 3, "国家级"),
    ("辉河", 119.5, 48.3, 11, "国家级"), ("鸭绿江口湿地", 124.0, 39.95, 5, "国家级"),
]
N_EXTRA_RESERVES = 22
RESERVE_NAME_PARTS = (
    ["青龙", "白云", "黑石", "金鸡", "云雾", "凤凰", "龙潭", "石门", "清凉", "万佛", "红岩", "铁山",
     "松岭", "鹰嘴", "桃花", "翠屏", "天池", "大青", "紫金", "峨眉岭"],
    ["山", "沟", "峡谷", "岭", "峰", "林区"],
)

# (name, lon, lat, rx km, ry km, rotation deg, type, ramsar)
NAMED_WETLANDS = [
    ("鄱阳湖", 116.25, 29.05, 28, 42, 20, "lake", "yes"), ("东洞庭湖", 112.95, 29.3, 16, 24, 0, "lake", "yes"),
    ("西洞庭湖", 112.15, 29.0, 9, 9, 0, "lake", "yes"), ("太湖", 120.2, 31.2, 24, 28, 0, "lake", "no"),
    ("洪泽湖", 118.6, 33.3, 19, 19, 0, "lake", "no"), ("巢湖", 117.55, 31.58, 17, 9, 0, "lake", "no"),
    ("青海湖", 100.2, 36.9, 42, 26, 0, "lake", "yes"), ("呼伦湖", 117.45, 48.95, 18, 33, 30, "lake", "yes"),
    ("兴凯湖", 132.55, 45.05, 16, 10, 0, "lake", "yes"), ("博斯腾湖", 87.0, 41.98, 28, 14, 0, "lake", "no"),
    ("纳木错", 90.6, 30.7, 34, 14, 15, "lake", "no"), ("色林错", 89.0, 31.8, 28, 11, 0, "lake", "no"),
    ("扎日南木错", 85.6, 30.9, 19, 9, 0, "lake", "yes"), ("玛旁雍错", 81.5, 30.7, 11, 9, 0, "lake", "yes"),
    ("滇池", 102.7, 24.85, 7, 15, 10, "lake", "no"), ("洱海", 100.2, 25.8, 4, 15, 10, "lake", "no"),
    ("抚仙湖", 102.9, 24.5, 5, 11, 0, "lake", "no"), ("微山湖", 117.1, 34.75, 7, 24, -30, "lake", "no"),
    ("白洋淀", 115.95, 38.9, 9, 7, 0, "marsh", "no"), ("黄河三角洲", 118.95, 37.75, 24, 17, 0, "delta", "yes"),
    ("辽河口", 121.8, 40.95, 18, 11, 0, "delta", "yes"), ("盐城滨海", 120.6, 33.4, 10, 44, -25, "mudflat", "yes"),
    ("崇明东滩", 121.93, 31.5, 7, 9, 0, "mudflat", "yes"), ("若尔盖", 102.8, 33.6, 38, 28, 0, "marsh", "yes"),
    ("扎龙", 124.2, 47.2, 19, 24, 0, "marsh", "yes"), ("向海", 122.3, 44.95, 11, 11, 0, "marsh", "yes"),
    ("莫莫格", 123.6, 45.9, 14, 11, 0, "marsh", "yes"), ("洪河", 133.6, 47.8, 13, 11, 0, "marsh", "yes"),
    ("东寨港", 110.58, 19.98, 4, 5, 0, "mangrove", "yes"), ("山口", 109.7, 21.5, 5, 4, 0, "mangrove", "yes"),
    ("湛江", 110.25, 21.15, 6, 8, 0, "mangrove", "yes"), ("深圳湾福田", 114.0, 22.52, 2.2, 1.5, 0, "mangrove", "no"),
    ("巴音布鲁克", 84.1, 42.8, 28, 18, 0, "marsh", "no"), ("乌伦古湖", 87.3, 47.2, 17, 12, 0, "lake", "no"),
    ("赛里木湖", 81.2, 44.6, 9, 7, 0, "lake", "no"), ("艾比湖", 82.9, 45.0, 17, 11, 0, "lake", "no"),
    ("扎陵湖", 97.25, 34.95, 11, 9, 0, "lake", "yes"), ("鄂陵湖", 97.7, 34.85, 12, 12, 0, "lake", "yes"),
    ("草海", 104.25, 26.85, 4, 3, 0, "lake", "no"), ("纳帕海", 99.65, 27.87, 3.5, 4.5, 0, "marsh", "yes"),
    ("拉市海", 100.12, 26.88, 3, 3, 0, "lake", "yes"), ("大山包", 103.3, 27.4, 5, 5, 0, "marsh", "yes"),
    ("升金湖", 117.05, 30.38, 5, 9, 0, "lake", "no"), ("龙感湖", 116.1, 29.95, 7, 5, 0, "lake", "no"),
    ("洪湖", 113.4, 29.85, 9, 9, 0, "lake", "yes"), ("沉湖", 113.85, 30.35, 4, 4, 0, "lake", "yes"),
    ("梁子湖", 114.6, 30.25, 6, 7, 0, "lake", "no"), ("查干湖", 124.3, 45.25, 8, 7, 0, "lake", "no"),
    ("达里诺尔", 116.6, 43.3, 9, 8, 0, "lake", "no"), ("乌梁素海", 108.85, 40.9, 5, 11, 0, "lake", "no"),
    ("黄河首曲", 101.7, 34.0, 14, 18, 0, "marsh", "yes"), ("鸭绿江口", 124.1, 39.85, 11, 5, 30, "mudflat", "no"),
    ("杭州湾南岸", 121.2, 30.28, 10, 5, 0, "mudflat", "no"), ("闽江河口", 119.62, 26.0, 5, 4, 0, "delta", "yes"),
    ("漳江口", 117.42, 23.93, 3, 3, 0, "mangrove", "yes"), ("七里海", 117.55, 39.3, 5, 5, 0, "marsh", "no"),
    ("北大港", 117.45, 38.75, 6, 6, 0, "marsh", "no"), ("滨州贝壳堤", 118.1, 38.2, 8, 5, 0, "mudflat", "no"),
    ("三门峡库区", 111.2, 34.75, 12, 5, 0, "river", "no"), ("郑州黄河", 113.5, 34.95, 20, 3, 0, "river", "no"),
]
WET_TYPE_CN = {"lake": "湖泊湿地", "marsh": "沼泽湿地", "river": "河流湿地", "delta": "近海与海岸湿地",
               "mudflat": "近海与海岸湿地", "mangrove": "近海与海岸湿地"}


# ===========================================================================
# PRESET FIXTURES (tests/data/presets)
# ===========================================================================
def rect(x0, y0, x1, y1):
    return make_polygon([[(x0, y0), (x1, y0), (x1, y1), (x0, y1)]])


def circle(lon, lat, r_km, n):
    pts = []
    for k in range(n):
        t = 2 * math.pi * k / n
        pts.append(km_offset(lon, lat, r_km * math.cos(t), r_km * math.sin(t)))
    return make_polygon([pts])


def build_fixtures(out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    # --- WDPA polygons (WDPA public polygon schema, fictional values) ---------
    wdpa_fields = [("WDPAID", "real"), ("WDPA_PID", "str"), ("PA_DEF", "str"), ("NAME", "str"), ("ORIG_NAME", "str"),
                   ("DESIG", "str"), ("DESIG_ENG", "str"), ("DESIG_TYPE", "str"), ("IUCN_CAT", "str"),
                   ("INT_CRIT", "str"), ("MARINE", "str"), ("REP_M_AREA", "real"), ("GIS_M_AREA", "real"),
                   ("REP_AREA", "real"), ("GIS_AREA", "real"), ("NO_TAKE", "str"), ("NO_TK_AREA", "real"),
                   ("STATUS", "str"), ("STATUS_YR", "int"), ("GOV_TYPE", "str"), ("OWN_TYPE", "str"),
                   ("MANG_AUTH", "str"), ("MANG_PLAN", "str"), ("VERIF", "str"), ("METADATAID", "int"),
                   ("SUB_LOC", "str"), ("PARENT_ISO3", "str"), ("ISO3", "str"), ("SUPP_INFO", "str"),
                   ("CONS_OBJ", "str")]
    ring_outer = rect(116.80, 30.80, 117.20, 31.20)
    donut = make_polygon([ring_coords(ring_outer.GetGeometryRef(0)),
                          [(116.95, 30.95), (116.95, 31.05), (117.05, 31.05), (117.05, 30.95), (116.95, 30.95)]])
    multi = ogr.Geometry(ogr.wkbMultiPolygon)
    multi.AddGeometry(rect(117.40, 31.40, 117.60, 31.60))
    multi.AddGeometry(rect(117.70, 31.40, 117.80, 31.50))
    wdpa = [
        (donut, "Fixture Strict Reserve (with hole)", "Ia", "Nature Reserve", "Designated", 1998),
        (rect(116.20, 31.40, 116.60, 31.80), "Fixture National Park", "II", "National Park", "Designated", 2016),
        (multi, "Fixture Habitat Area (two parts)", "IV", "Habitat Management Area", "Inscribed", 2005),
        (rect(117.30, 30.20, 117.90, 30.60), "Fixture Protected Landscape", "V", "Scenic Area", "Established", 1990),
        (rect(116.10, 30.10, 116.40, 30.40), "Fixture Not Reported Site", "Not Reported", "Forest Park", "Designated", 0),
        (rect(116.60, 31.85, 116.90, 31.98), "Fixture Proposed Site", "Not Applicable", "Wetland Park", "Proposed", 2020),
    ]
    rows = []
    for k, (g, name, iucn, desig, status, yr) in enumerate(wdpa):
        gis = area_km2(g)
        rows.append((g, {"WDPAID": 990001 + k, "WDPA_PID": str(990001 + k), "PA_DEF": "1", "NAME": name,
                         "ORIG_NAME": name, "DESIG": desig, "DESIG_ENG": desig, "DESIG_TYPE": "National",
                         "IUCN_CAT": iucn, "INT_CRIT": "Not Applicable", "MARINE": "0", "REP_M_AREA": 0.0,
                         "GIS_M_AREA": 0.0, "REP_AREA": round(gis, 3), "GIS_AREA": round(gis, 3),
                         "NO_TAKE": "Not Applicable", "NO_TK_AREA": 0.0, "STATUS": status, "STATUS_YR": yr,
                         "GOV_TYPE": "Federal or national ministry or agency", "OWN_TYPE": "State",
                         "MANG_AUTH": "Fixture authority", "MANG_PLAN": "Not Reported", "VERIF": "State Verified",
                         "METADATAID": 1, "SUB_LOC": "CN-AH", "PARENT_ISO3": "CHN", "ISO3": "CHN",
                         "SUPP_INFO": "Not Applicable", "CONS_OBJ": "Not Applicable"}))
    write_gpkg(out / "wdpa_sample.gpkg", "WDPA_poly_sample", ogr.wkbMultiPolygon, wdpa_fields, rows,
               "TEST FIXTURE - fictional sites in the WDPA polygon schema")

    # --- Aqueduct 4.0 baseline annual (8 units in a 4 x 2 grid) ---------------
    units = [(-1, 2.1), (0, 0.05), (1, 0.15), (2, 0.3), (3, 0.6), (4, 1.7), (4, 3.2), (-9999, -9999.0)]
    rows = []
    for k, (cat, raw) in enumerate(units):
        col, row = k % 4, k // 4
        g = rect(116.0 + 0.5 * col, 31.0 - 1.0 * row, 116.5 + 0.5 * col, 32.0 - 1.0 * row)
        if cat == -9999:
            label, score = "No Data", -9999.0
        elif cat == -1:
            label, score = BWS_LABELS[-1], 5.0
        else:
            label, score = BWS_LABELS[cat], round(max(0.0, min(5.0, math.log(raw / 0.1) / math.log(2) + 1)), 4)
        pf = 441000 + 10 * k
        rows.append((g, {"string_id": "%d-CHN.1_1-%d" % (pf, 3100 + k), "aq30_id": 50001 + k, "pfaf_id": pf,
                         "gid_1": "CHN.1_1", "aqid": 3100 + k, "gid_0": "CHN", "name_0": "China", "name_1": "Anhui",
                         "area_km2": round(area_km2(g), 2), "bws_raw": raw, "bws_score": score, "bws_cat": cat,
                         "bws_label": label, "bwd_raw": 0.1, "bwd_score": 1.0, "bwd_cat": 1,
                         "bwd_label": "Low - Medium (5-25%)"}))
    write_gpkg(out / "aqueduct40_sample.gpkg", "aqueduct40_baseline_annual_sample", ogr.wkbMultiPolygon,
               [("string_id", "str"), ("aq30_id", "int"), ("pfaf_id", "int"), ("gid_1", "str"), ("aqid", "int"),
                ("gid_0", "str"), ("name_0", "str"), ("name_1", "str"), ("area_km2", "real"), ("bws_raw", "real"),
                ("bws_score", "real"), ("bws_cat", "int"), ("bws_label", "str"), ("bwd_raw", "real"),
                ("bwd_score", "real"), ("bwd_cat", "int"), ("bwd_label", "str")], rows,
               "TEST FIXTURE - fictional units in the Aqueduct 4.0 baseline annual schema")

    # --- Ramsar (RSIS features_publishedPolygon-like schema) -------------------
    rams = [
        (circle(116.55, 30.55, 12, 64), 99001, "Fixture Lake Ramsar Site", 45000.0, "2002-01-11"),
        (rect(117.55, 30.80, 117.95, 31.05), 99002, "Fixture Floodplain Ramsar Site", 82000.0, "2008-02-02"),
        (circle(117.0, 31.7, 5, 32), 99003, "Fixture Marsh Ramsar Site", 7800.0, "2018-10-22"),
    ]
    rows = []
    for g, rid, name, area, date in rams:
        c = g.Centroid()
        rows.append((g, {"ramsarid": rid, "officialna": name, "iso3": "CHN", "country_en": "China",
                         "area_off": area, "desigdate": date, "centroid_x": round(c.GetX(), 5),
                         "centroid_y": round(c.GetY(), 5)}))
    write_gpkg(out / "ramsar_sample.gpkg", "ramsar_sample", ogr.wkbMultiPolygon,
               [("ramsarid", "int"), ("officialna", "str"), ("iso3", "str"), ("country_en", "str"),
                ("area_off", "real"), ("desigdate", "str"), ("centroid_x", "real"), ("centroid_y", "real")], rows,
               "TEST FIXTURE - fictional sites in an RSIS-like Ramsar schema")

    # --- China ECRL -----------------------------------------------------------------
    ecrl = [
        (rect(116.00, 30.00, 116.50, 30.50), "ECRL-AH-9001", "示例水源涵养生态保护红线A", "水源涵养"),
        (circle(117.00, 31.00, 8.0, 5000), "ECRL-AH-9002", "示例生物多样性维护生态保护红线B(5000顶点)", "生物多样性维护"),
        (make_polygon([[(117.5, 31.5), (118.0, 31.5), (118.0, 32.0), (117.75, 31.6), (117.5, 32.0)]]),
         "ECRL-AH-9003", "示例水土保持生态保护红线C(凹多边形)", "水土保持"),
        (rect(116.0, 31.9, 117.0, 32.0), "ECRL-AH-9004", "示例防风固沙生态保护红线D", "防风固沙"),
    ]
    rows = [(g, {"hx_id": i, "hx_name": n, "hx_type": t, "province": "安徽"}) for g, i, n, t in ecrl]
    write_gpkg(out / "china_ecrl_sample.gpkg", "china_ecrl_sample", ogr.wkbMultiPolygon,
               [("hx_id", "str"), ("hx_name", "str"), ("hx_type", "str"), ("province", "str")], rows,
               "TEST FIXTURE - fictional ecological conservation red lines")

    # --- China nature reserve (nested zones, non-overlapping) -------------------------
    rows = []
    for nr_id, name, level, lon, lat, r in (("NR-AH-901", "示例甲国家级自然保护区", "国家级", 117.0, 31.0, 3.0),
                                          ("NR-AH-902", "示例乙省级自然保护区", "省级", 116.3, 31.3, 5.0)):
        c = circle(lon, lat, r, 72)
        b = circle(lon, lat, 2 * r, 72)
        e = circle(lon, lat, 3 * r, 72)
        for zone, zone_en, g in (("核心区", "core", c), ("缓冲区", "buffer", clean(b.Difference(c))),
                                 ("实验区", "experimental", clean(e.Difference(b)))):
            rows.append((g, {"nr_id": nr_id, "nr_name": name, "nr_level": level, "zone": zone, "zone_en": zone_en}))
    write_gpkg(out / "china_nature_reserve_sample.gpkg", "china_nature_reserve_sample", ogr.wkbMultiPolygon,
               [("nr_id", "str"), ("nr_name", "str"), ("nr_level", "str"), ("zone", "str"), ("zone_en", "str")],
               rows, "TEST FIXTURE - fictional nature reserves with core/buffer/experimental zones")

    # --- WorldCover raster: 2 x 2 degrees, 0.01 deg, 8 x 8 blocks of 0.25 deg --------
    codes = [10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 100, 0]
    nx = ny = 200
    arr = np.zeros((ny, nx), dtype=np.uint8)
    for r_ in range(ny):
        for c_ in range(nx):
            bi, bj = c_ // 25, r_ // 25
            arr[r_, c_] = codes[(bi + 8 * bj) % 12]
    path = out / "worldcover_sample.tif"
    if path.exists():
        path.unlink()
    ds = gdal.GetDriverByName("GTiff").Create(str(path), nx, ny, 1, gdal.GDT_Byte,
                                              options=["COMPRESS=DEFLATE", "TILED=YES", "BLOCKXSIZE=128",
                                                       "BLOCKYSIZE=128"])
    ds.SetGeoTransform((116.0, 0.01, 0.0, 32.0, 0.0, -0.01))
    ds.SetProjection(srs4326().ExportToWkt())
    b = ds.GetRasterBand(1)
    b.WriteArray(arr)
    b.SetNoDataValue(0)
    ds.SetMetadata({"FIXTURE": "value at (lon, lat) = codes[(floor((lon-116)/0.25) + 8*floor((32-lat)/0.25)) % 12], "
                                "codes = 10,20,30,40,50,60,70,80,90,95,100,0"})
    ds = None
    print("fixtures written to", rel(out))


# ===========================================================================
# Candidate check
# ===========================================================================
def check_candidates(csv_path, layers_dir, poly_path=None):
    gdal.PushErrorHandler("CPLQuietErrorHandler")
    L = Path(layers_dir)
    ecrl = read_layer(L / "demo/china_ecrl_demo.gpkg")
    nr = read_layer(L / "demo/china_nature_reserves_demo.gpkg")
    wl = read_layer(L / "demo/china_wetlands_demo.gpkg")
    ws = read_layer(L / "demo/china_water_stress_demo.gpkg")
    whc = read_layer(L / "protected/whc_natural_mixed.gpkg")
    prov = read_layer(L / "admin/china_provinces.gpkg")
    lc = gdal.Open(str(L / "landcover/modis_mcd12c1_2019_igbp_0p05.tif"))
    gt = lc.GetGeoTransform()
    lca = lc.GetRasterBand(1).ReadAsArray()

    def nearest_km(geom, layer, key):
        best = (1e9, None)
        for g, a in layer:
            d = geom.Distance(g)
            if d < 0.5:
                dk = geodesic_distance_km(geom, g)
                if dk < best[0]:
                    best = (dk, a[key])
        return best

    def describe(geom):
        out = []
        c = geom.Centroid()
        lon, lat = c.GetX(), c.GetY()
        pv = [a["name"] for g, a in prov if g.Intersects(geom)]
        out.append("prov=%s" % ("/".join(pv) or "-"))
        e = [a["hx_id"] for g, a in ecrl if g.Intersects(geom)]
        def dist_txt(layer, key):
            d, k = nearest_km(geom, layer, key)
            return "no (> 40 km)" if k is None else "no (%.1f km to %s)" % (d, k)

        out.append("ECRL=%s" % (",".join(e) if e else dist_txt(ecrl, "hx_id")))
        z = ["%s:%s" % (a["nr_id"], a["zone_en"]) for g, a in nr if g.Intersects(geom)]
        out.append("reserve=%s" % (",".join(z) if z else dist_txt(nr, "nr_id")))
        w = [a["wet_id"] for g, a in wl if g.Intersects(geom)]
        out.append("wetland=%s" % (",".join(w) if w else dist_txt(wl, "wet_id")))
        s = ["%s" % a["bws_cat"] for g, a in ws if g.Intersects(geom)]
        out.append("bws_cat=%s" % (",".join(s) or "none"))
        d, h = nearest_km(geom, whc, "name")
        if d < 25:
            out.append("WHC %.1f km (%s)" % (d, h))
        px = int((lon - gt[0]) / gt[1])
        py = int((lat - gt[3]) / gt[5])
        if 0 <= px < lca.shape[1] and 0 <= py < lca.shape[0]:
            out.append("landcover(IGBP)=%d" % lca[py, px])
        else:
            out.append("landcover=outside")
        return "; ".join(out)

    with open(csv_path, newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            g = point(float(r["lon"]), float(r["lat"]))
            print("%s %-7s %s\n    note: %s\n    got:  %s" % (r["id"], r["type"], r["name"], r["note"], describe(g)))
    if poly_path and Path(poly_path).exists():
        for g, a in read_layer(poly_path):
            print("%s %-7s %s (%.2f km2)\n    got:  %s" % (a["id"], a["type"], a["name"], area_km2(g), describe(g)))
            for lname, lyr, key in (("ECRL", ecrl, "hx_id"), ("reserve", nr, "zone_en")):
                for lg, la in lyr:
                    if lg.Intersects(g):
                        inter = clean(lg.Intersection(g))
                        if not inter.IsEmpty():
                            print("    overlap %s %s: %.3f km2 (%.0f%%)" % (lname, la[key], area_km2(inter),
                                                                           100 * area_km2(inter) / area_km2(g)))


_AEQD_CACHE = {}


def geodesic_distance_km(a, b):
    """Distance in km between two lon/lat geometries, in an azimuthal equidistant projection at a."""
    c = a.Centroid()
    key = (round(c.GetX(), 3), round(c.GetY(), 3))
    if key not in _AEQD_CACHE:
        t = osr.SpatialReference()
        t.ImportFromProj4("+proj=aeqd +lat_0=%f +lon_0=%f +datum=WGS84 +units=km" % (c.GetY(), c.GetX()))
        _AEQD_CACHE[key] = osr.CoordinateTransformation(srs4326(), t)
    ct = _AEQD_CACHE[key]
    a2 = a.Clone()
    b2 = b.Clone()
    a2.Transform(ct)
    b2.Transform(ct)
    return a2.Distance(b2)


# ===========================================================================
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(REPO / "layers" / "demo"), help="output folder for the demo layers")
    ap.add_argument("--admin", default=str(REPO / "layers" / "admin"),
                    help="folder holding china_provinces.gpkg and world_countries.gpkg")
    ap.add_argument("--real-from", metavar="DIR", help="rebuild the real layers from this source-data folder")
    ap.add_argument("--fixtures", nargs="?", const=str(REPO / "tests" / "data" / "presets"), metavar="DIR",
                    help="rebuild the preset fixtures (default tests/data/presets)")
    ap.add_argument("--check-candidates", nargs="?", const=str(REPO / "sample_sites" / "candidates.csv"),
                    metavar="CSV", help="report what each candidate site hits")
    ap.add_argument("--skip-demo", action="store_true", help="do not regenerate the demo layers")
    args = ap.parse_args(argv)

    if args.real_from:
        build_real(args.real_from, REPO)
    if not args.skip_demo:
        d = Demo(args.admin, args.out)
        print("seed %d; mainland land area %.0f km2 (31 provinces; HK, Macao, Taiwan not covered by demo layers)"
              % (SEED, d.mainland_km2))
        d.ecrl()
        d.reserves()
        d.wetlands()
        d.water_stress()
    if args.fixtures:
        build_fixtures(args.fixtures)
    if args.check_candidates:
        cpath = Path(args.check_candidates)
        check_candidates(cpath, Path(args.out).parent, cpath.parent / "candidates_polygons.geojson")
    return 0


if __name__ == "__main__":
    sys.exit(main())
