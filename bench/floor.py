#!/usr/bin/python3
"""floor.py -- the data a site's screening cannot avoid reading (issue #25, item 1).

Usage: floor.py CATALOG SITES_CSV RADII_KM [SAMPLE]

For the sites of SITES_CSV (every site, or SAMPLE of them evenly spaced) and
the largest of the comma-separated buffer radii RADII_KM, prints one line of
tab-separated figures, the mean per site:

    cells     raster cells whose area lies within the largest buffer, summed
              over the catalog's raster layers (area of the geodesic disc on
              the sphere / the cell's area at the site's latitude)
    bytes_r   those cells times each raster's bytes per cell
    vertices  vertices of the vector layers that lie within the bounding box
              of the largest buffer (counted on a grid of at most 4 million
              cells, the box rounded outwards to it): the least a tool with
              subdivided features and a spatial index must touch once
    bytes_v   vertices x 16 bytes (two doubles)

The floor of a site is then (bytes_r + bytes_v) / read bandwidth: the time to
read once every byte a screening must look at, at the speed memory delivers
it (membw's "read" figure). run_bench.sh divides each run's CPU time per
site by that floor, a multiple that carries from one machine to another
where seconds do not. The smaller radii of a set lie inside the largest, so
one pass over the largest buffer's data is the floor of the whole set.

Only what the floor needs is read: each raster's geotransform and data
type, each vector layer's vertices (cached beside the layer in
floor-cache-<file>-<layer>.npy, keyed by the file's size and mtime).
"""
import csv
import math
import os
import sys

import numpy as np
import yaml
from osgeo import gdal, ogr

gdal.UseExceptions()
ogr.UseExceptions()

R_EARTH_KM = 6371.0088  # mean radius (IUGG), enough for a floor
BYTES_PER_VERTEX = 16


def read_sites(path, sample):
    lon, lat = [], []
    with open(path, newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            lon.append(float(row["lon"]))
            lat.append(float(row["lat"]))
    lon, lat = np.array(lon), np.array(lat)
    if sample and len(lon) > sample:
        idx = np.linspace(0, len(lon) - 1, sample).astype(int)
        lon, lat = lon[idx], lat[idx]
    return lon, lat


def disc_area_km2(r_km):
    # A spherical cap of geodesic radius r.
    return 2 * math.pi * R_EARTH_KM**2 * (1 - math.cos(r_km / R_EARTH_KM))


def raster_figures(path, lat, r_km):
    ds = gdal.Open(path)
    gt = ds.GetGeoTransform()
    band = ds.GetRasterBand(1)
    nbytes = gdal.GetDataTypeSize(band.DataType) // 8
    dx, dy = abs(gt[1]), abs(gt[5])
    deg = math.pi / 180 * R_EARTH_KM
    cell_km2 = (dx * deg) * (dy * deg) * np.cos(np.radians(lat))
    cells = disc_area_km2(r_km) / cell_km2
    return cells, cells * nbytes


def vector_vertices(path, layer_name):
    """Every vertex's lon, lat (cached beside the layer, keyed by size and mtime)."""
    st = os.stat(path)
    cache = os.path.join(os.path.dirname(path), "floor-cache-%s-%s.npy" % (os.path.basename(path), layer_name or ""))
    key = "%d-%d" % (st.st_size, int(st.st_mtime))
    if os.path.exists(cache) and os.path.exists(cache + ".key") and open(cache + ".key").read() == key:
        return np.load(cache)
    ds = ogr.Open(path)
    lyr = ds.GetLayerByName(layer_name) if layer_name else ds.GetLayer(0)
    parts = []
    for feat in lyr:
        g = feat.GetGeometryRef()
        if g is not None and not g.IsEmpty():
            collect_points(g, parts)
    xy = np.concatenate(parts) if parts else np.zeros((0, 2))
    try:
        np.save(cache + ".tmp.npy", xy)
        os.replace(cache + ".tmp.npy", cache)
        with open(cache + ".key", "w") as f:
            f.write(key)
    except OSError:
        pass  # a read-only workload: no cache
    return xy


def collect_points(g, parts):
    n = g.GetGeometryCount()
    if n == 0:
        if g.GetPointCount():
            parts.append(np.array(g.GetPoints(), dtype=float)[:, :2])
        return
    for i in range(n):
        collect_points(g.GetGeometryRef(i), parts)


def candidate_vertices(xy, lon, lat, r_km, max_cells=4_000_000):
    if len(xy) == 0:
        return np.zeros(len(lon))
    x0, y0 = xy[:, 0].min(), xy[:, 1].min()
    w, h = max(xy[:, 0].max() - x0, 1e-9), max(xy[:, 1].max() - y0, 1e-9)
    res = max(math.sqrt(w * h / max_cells), 1e-4)
    nx, ny = int(w / res) + 1, int(h / res) + 1
    ix = np.minimum(((xy[:, 0] - x0) / res).astype(int), nx - 1)
    iy = np.minimum(((xy[:, 1] - y0) / res).astype(int), ny - 1)
    grid = np.zeros((ny + 1, nx + 1), dtype=np.int64)
    np.add.at(grid, (iy + 1, ix + 1), 1)
    sat = grid.cumsum(0).cumsum(1)  # summed-area table
    dlat = np.degrees(r_km / R_EARTH_KM)
    # The widest longitude span of the disc is at its pole-ward edge.
    dlon = dlat / np.cos(np.radians(np.minimum(np.abs(lat) + dlat, 89.9)))
    c0 = np.clip(np.floor((lon - dlon - x0) / res).astype(int), 0, nx)
    c1 = np.clip(np.floor((lon + dlon - x0) / res).astype(int) + 1, 0, nx)
    r0 = np.clip(np.floor((lat - dlat - y0) / res).astype(int), 0, ny)
    r1 = np.clip(np.floor((lat + dlat - y0) / res).astype(int) + 1, 0, ny)
    return (sat[r1, c1] - sat[r0, c1] - sat[r1, c0] + sat[r0, c0]).astype(float)


def main(argv):
    if len(argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    catalog, sites_csv, radii = argv[1], argv[2], argv[3]
    sample = int(argv[4]) if len(argv) > 4 else 2000
    r_km = max(float(r) for r in radii.split(","))
    with open(catalog, encoding="utf-8") as f:
        cat = yaml.safe_load(f)
    base = os.path.dirname(os.path.abspath(catalog))
    lon, lat = read_sites(sites_csv, sample)
    cells = np.zeros(len(lon))
    bytes_r = np.zeros(len(lon))
    verts = np.zeros(len(lon))
    for layer in cat.get("layers", []):
        path = os.path.join(base, layer["path"])
        if layer.get("kind") == "raster":
            c, b = raster_figures(path, lat, r_km)
            cells += c
            bytes_r += b
        elif layer.get("kind") == "vector":
            verts += candidate_vertices(vector_vertices(path, layer.get("layer")), lon, lat, r_km)
    print("%.0f\t%.0f\t%.0f\t%.0f" % (cells.mean(), bytes_r.mean(), verts.mean(), verts.mean() * BYTES_PER_VERTEX))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
