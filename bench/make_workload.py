#!/usr/bin/env python3
"""Generate sitescreen's reference benchmark workload.

Usage:
    /usr/bin/python3 bench/make_workload.py [OUTDIR]        (default ./workload)
    /usr/bin/python3 bench/make_workload.py --catalogs-only OUTDIR

Writes into OUTDIR (everything in EPSG:4326, deterministic for a given SEED):

  ws.tif          SIZE x SIZE Int16 "water stress" 0..1000, nodata -32768
  lc.tif          SIZE x SIZE Byte "land cover" classes 1..12, nodata 0
                  (both tiled 256 x 256, COMPRESS as given, same grid, with a
                  nodata "sea" ellipse in the south-east)
  zones.gpkg      layer "protected": NPOLY star polygons (8..64 vertices,
                  lognormal radius) + NBIG star polygons of BIGVERT vertices
                  (radius ~2 degrees); overlaps allowed
  sites.gpkg      layers sites_<N> (points) and buf_<N>_<R>km (NSEG-segment
                  spherical geodesic circles), used by the optional PostGIS
                  comparison; SITES_GPKG=0 skips it
  sites_<N>.csv   id,lon,lat for each N in SITE_COUNTS
  catalog.yaml           sitescreen catalog: zones + ws + lc
  catalog_vector.yaml    zones only      (vector-only benchmark variant)
  catalog_raster.yaml    ws + lc only    (raster-only benchmark variant)
  workload.json   the parameters used (run_bench.sh checks it before reuse)

Parameters (environment variables, same names and defaults as the
cross-check script ../shared/bench/make-workload.sh, so figures compare):
  SIZE=20000 RES=0.001 WEST=100 NORTH=45 NPOLY=50000 NBIG=5 BIGVERT=20000
  SITE_COUNTS="1000 10000 100000" RADII_KM="1 10 50" NSEG=64 SEED=42
  COMPRESS=NONE
and, specific to this script, SITES_GPKG=1.

The random streams (numpy PCG64 seeded SEED, SEED+1, SEED+2, SEED+3) are
drawn in the same order and with the same arithmetic as the reference
generator, so the data are the same cell for cell and vertex for vertex.

Needs Debian python3-gdal and python3-numpy (run it with /usr/bin/python3:
a pyenv or venv interpreter usually lacks the osgeo module). The full-size
workload takes about 1.7 GB and a couple of minutes.
"""
import json
import math
import os
import struct
import sys
import time

TWO_PI = 2 * math.pi
EARTH_RADIUS_M = 6371008.8          # spherical earth for the buffer rings
TILE = 256                          # raster block size and write strip height
PATCH = 40                          # land-cover patch edge, cells (~4 km)
N_WAVES = 12                        # Fourier components of the smooth field
SITE_MARGIN_DEG = 0.6               # keeps 50 km buffers inside the rasters


def parameters():
    env = os.environ
    p = {
        "SIZE": int(env.get("SIZE", "20000")),
        "RES": float(env.get("RES", "0.001")),
        "WEST": float(env.get("WEST", "100")),
        "NORTH": float(env.get("NORTH", "45")),
        "NPOLY": int(env.get("NPOLY", "50000")),
        "NBIG": int(env.get("NBIG", "5")),
        "BIGVERT": int(env.get("BIGVERT", "20000")),
        "SITE_COUNTS": [int(v) for v in env.get("SITE_COUNTS", "1000 10000 100000").split()],
        "RADII_KM": [float(v) for v in env.get("RADII_KM", "1 10 50").split()],
        "NSEG": int(env.get("NSEG", "64")),
        "SEED": int(env.get("SEED", "42")),
        "COMPRESS": env.get("COMPRESS", "NONE"),
    }
    p["EAST"] = p["WEST"] + p["SIZE"] * p["RES"]
    p["SOUTH"] = p["NORTH"] - p["SIZE"] * p["RES"]
    return p


class Clock:
    def __init__(self):
        self.start = time.time()

    def say(self, what):
        print(f"[{time.time() - self.start:7.1f}s] {what}", flush=True)


def wgs84():
    from osgeo import osr
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return srs


# --------------------------------------------------------------------- rasters

def write_rasters(p, outdir, clock):
    import numpy as np
    from osgeo import gdal

    size, res = p["SIZE"], p["RES"]
    srs = wgs84()

    def new_tiff(name, gdal_type, nodata):
        options = ["TILED=YES", f"BLOCKXSIZE={TILE}", f"BLOCKYSIZE={TILE}",
                   f"COMPRESS={p['COMPRESS']}", "BIGTIFF=IF_SAFER"]
        ds = gdal.GetDriverByName("GTiff").Create(os.path.join(outdir, name), size, size, 1,
                                                  gdal_type, options)
        ds.SetGeoTransform((p["WEST"], res, 0, p["NORTH"], 0, -res))
        ds.SetSpatialRef(srs)
        ds.GetRasterBand(1).SetNoDataValue(nodata)
        return ds

    # Stream SEED: the land-cover patch classes, then the wave parameters.
    field_rng = np.random.default_rng(p["SEED"])
    patches_per_side = -(-size // PATCH)
    patch_class = field_rng.integers(1, 13, size=(patches_per_side, patches_per_side), dtype=np.uint8)
    amplitude = field_rng.normal(0, 1, N_WAVES)
    freq_x = field_rng.uniform(0.5, 8, N_WAVES)
    freq_y = field_rng.uniform(0.5, 8, N_WAVES)
    phase = field_rng.uniform(0, TWO_PI, N_WAVES)
    # Stream SEED+1: per-cell noise of the water-stress field, drawn strip by strip.
    cell_noise = np.random.default_rng(p["SEED"] + 1)

    ws_ds = new_tiff("ws.tif", gdal.GDT_Int16, -32768)
    lc_ds = new_tiff("lc.tif", gdal.GDT_Byte, 0)
    ws_band, lc_band = ws_ds.GetRasterBand(1), lc_ds.GetRasterBand(1)

    u = (np.arange(size) + 0.5) / size           # column centres in 0..1
    u_row = u[None, :]
    ellipse_u = ((u_row - 0.95) / 0.25) ** 2
    for top in range(0, size, TILE):
        rows = min(TILE, size - top)
        v = ((np.arange(top, top + rows) + 0.5) / size)[:, None]   # row centres in 0..1
        field = np.zeros((rows, size), np.float32)
        for k in range(N_WAVES):
            wave = np.sin(TWO_PI * (freq_x[k] * u_row + freq_y[k] * v) + phase[k])
            field += amplitude[k] * wave.astype(np.float32)
        field /= math.sqrt(N_WAVES)
        sea = ellipse_u + ((v - 0.95) / 0.18) ** 2 < 1.0

        noise = cell_noise.normal(0, 25, (rows, size))
        stress = np.clip(500 + 180 * field + noise, 0, 1000).astype(np.int16)
        stress[sea] = -32768

        first_patch, last_patch = top // PATCH, (top + rows - 1) // PATCH
        block = np.repeat(np.repeat(patch_class[first_patch:last_patch + 1], PATCH, axis=0), PATCH, axis=1)
        skip = top - first_patch * PATCH
        cover = block[skip:skip + rows, :size].copy()
        cover = np.where(field > 0.8, 7, cover).astype(np.uint8)   # "wetland" where the field is high
        cover[sea] = 0

        ws_band.WriteArray(stress, 0, top)
        lc_band.WriteArray(cover, 0, top)
        if (top // TILE) % 20 == 0:
            clock.say(f"rasters: row {top}/{size}")
    ws_ds.FlushCache()
    lc_ds.FlushCache()
    del ws_band, lc_band, ws_ds, lc_ds
    clock.say("rasters written")


# --------------------------------------------------------------------- vectors

def polygon_wkb(ring):
    """Little-endian WKB Polygon with one closed ring given as an (n, 2) array."""
    import numpy as np
    header = struct.pack("<BIII", 1, 3, 1, ring.shape[0])
    return header + np.ascontiguousarray(ring, dtype="<f8").tobytes()


def point_wkb(x, y):
    return struct.pack("<BIdd", 1, 1, x, y)


def open_gpkg(path):
    from osgeo import ogr
    if os.path.exists(path):
        os.remove(path)
    return ogr.GetDriverByName("GPKG").CreateDataSource(path)


def add_layer(ds, name, geometry_type, fields):
    from osgeo import ogr
    layer = ds.CreateLayer(name, wgs84(), geometry_type, ["SPATIAL_INDEX=YES"])
    for field_name, field_type in fields:
        layer.CreateField(ogr.FieldDefn(field_name, field_type))
    return layer


def write_features(layer, rows):
    """rows: iterable of (dict of fields, WKB bytes), written in one transaction."""
    from osgeo import ogr
    definition = layer.GetLayerDefn()
    layer.StartTransaction()
    for fields, wkb in rows:
        feature = ogr.Feature(definition)
        for name, value in fields.items():
            feature.SetField(name, value)
        feature.SetGeometryDirectly(ogr.CreateGeometryFromWkb(wkb))
        layer.CreateFeature(feature)
    layer.CommitTransaction()


def star_ring(rng, cx, cy, radius_deg, n, roughness):
    """A closed star-shaped ring around (cx, cy): n jittered, evenly spaced
    angles (every gap below pi, so the ring is simple) and jittered radii;
    x is stretched by 1/cos(lat) so shapes are roughly round on the ground."""
    import numpy as np
    angle = (np.arange(n) + rng.uniform(-0.4, 0.4, n)) * (TWO_PI / n)
    radius = radius_deg * (1 + roughness * rng.uniform(-1, 1, n))
    x = cx + radius * np.cos(angle) / math.cos(math.radians(cy))
    y = cy + radius * np.sin(angle)
    ring = np.column_stack([x, y])
    return np.vstack([ring, ring[:1]])


def write_zones(p, outdir, clock):
    import numpy as np
    from osgeo import ogr
    rng = np.random.default_rng(p["SEED"] + 2)
    west, east, south, north = p["WEST"], p["EAST"], p["SOUTH"], p["NORTH"]

    def polygons():
        for i in range(p["NPOLY"] + p["NBIG"]):
            if i >= p["NPOLY"]:       # the few very large polygons come last
                cx = rng.uniform(west + 3, east - 3)
                cy = rng.uniform(south + 3, north - 3)
                ring = star_ring(rng, cx, cy, 2.0, p["BIGVERT"], 0.3)
                kind = "big"
            else:
                cx = rng.uniform(west, east)
                cy = rng.uniform(south, north)
                radius = float(np.clip(rng.lognormal(math.log(0.02), 0.8), 0.002, 0.2))
                vertices = int(rng.integers(8, 65))
                ring = star_ring(rng, cx, cy, radius, vertices, 0.35)
                kind = "pa"
            yield {"id": i, "kind": kind}, polygon_wkb(ring)

    ds = open_gpkg(os.path.join(outdir, "zones.gpkg"))
    layer = add_layer(ds, "protected", ogr.wkbPolygon, [("id", ogr.OFTInteger), ("kind", ogr.OFTString)])
    write_features(layer, polygons())
    del layer, ds
    clock.say(f"zones.gpkg: {p['NPOLY']}+{p['NBIG']} polygons")


def geodesic_ring(lon, lat, radius_m, segments):
    """Closed CCW ring of `segments` points at spherical distance radius_m."""
    import numpy as np
    delta = radius_m / EARTH_RADIUS_M
    azimuth = np.linspace(0, TWO_PI, segments, endpoint=False)
    phi1, lam1 = math.radians(lat), math.radians(lon)
    phi2 = np.arcsin(math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * np.cos(azimuth))
    lam2 = lam1 + np.arctan2(np.sin(azimuth) * math.sin(delta) * math.cos(phi1),
                             math.cos(delta) - math.sin(phi1) * np.sin(phi2))
    ring = np.column_stack([np.degrees(lam2), np.degrees(phi2)])[::-1]   # clockwise azimuths -> CCW
    return np.vstack([ring, ring[:1]])


def write_sites(p, outdir, clock, with_gpkg):
    import numpy as np
    from osgeo import ogr
    rng = np.random.default_rng(p["SEED"] + 3)
    m = SITE_MARGIN_DEG
    ds = open_gpkg(os.path.join(outdir, "sites.gpkg")) if with_gpkg else None
    for n in p["SITE_COUNTS"]:
        lon = rng.uniform(p["WEST"] + m, p["EAST"] - m, n)
        lat = rng.uniform(p["SOUTH"] + m, p["NORTH"] - m, n)
        with open(os.path.join(outdir, f"sites_{n}.csv"), "w") as out:
            out.write("id,lon,lat\n")
            out.writelines(f"{i},{lon[i]:.6f},{lat[i]:.6f}\n" for i in range(n))
        clock.say(f"sites_{n}.csv")
        if ds is None:
            continue
        layer = add_layer(ds, f"sites_{n}", ogr.wkbPoint, [("id", ogr.OFTInteger)])
        write_features(layer, (({"id": i}, point_wkb(lon[i], lat[i])) for i in range(n)))
        for km in p["RADII_KM"]:
            name = f"buf_{n}_{km:g}km"
            layer = add_layer(ds, name, ogr.wkbPolygon, [("id", ogr.OFTInteger), ("radius_km", ogr.OFTReal)])
            write_features(layer, (({"id": i, "radius_km": km},
                                    polygon_wkb(geodesic_ring(lon[i], lat[i], km * 1000.0, p["NSEG"])))
                                   for i in range(n)))
            clock.say(f"sites.gpkg: {name}")
        del layer
    del ds


# -------------------------------------------------------------------- catalogs

ZONES_ENTRY = """\
  - id: zones
    title: "Synthetic protected areas (benchmark workload)"
    kind: vector
    path: zones.gpkg
    layer: protected
    id_field: id
    name_field: kind
    criterion: biodiversity_importance
    theme: protected_area
    crs: "EPSG:4326"
    provenance:
      source: "bench/make_workload.py (synthetic)"
      licence: "Apache-2.0 (generated by this project)"
      demo: true
      note: "Random star polygons for benchmarking; not real places."
"""

WS_ENTRY = """\
  - id: ws
    title: "Synthetic water stress (benchmark workload)"
    kind: raster
    path: ws.tif
    band: 1
    categorical: false
    units: "index 0-1000"
    criterion: water_risk
    theme: water_stress
    provenance:
      source: "bench/make_workload.py (synthetic)"
      licence: "Apache-2.0 (generated by this project)"
      demo: true
"""

LC_HEAD = """\
  - id: lc
    title: "Synthetic land cover (benchmark workload)"
    kind: raster
    path: lc.tif
    band: 1
    categorical: true
    criterion: ecosystem_integrity
    theme: land_cover
    classes:
"""

LC_TAIL = """\
    provenance:
      source: "bench/make_workload.py (synthetic)"
      licence: "Apache-2.0 (generated by this project)"
      demo: true
"""


def write_catalogs(outdir):
    """Catalogs with paths relative to themselves, so the folder can move."""
    lc = LC_HEAD + "".join(f'      {c}: "class {c}"\n' for c in range(1, 13)) + LC_TAIL
    head = "# Generated by bench/make_workload.py: the benchmark workload's layers.\nversion: 1\nlayers:\n"
    for name, body in (("catalog.yaml", ZONES_ENTRY + WS_ENTRY + lc),
                       ("catalog_vector.yaml", ZONES_ENTRY),
                       ("catalog_raster.yaml", WS_ENTRY + lc)):
        with open(os.path.join(outdir, name), "w") as out:
            out.write(head + body)


# ------------------------------------------------------------------------ main

def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    flags = {a for a in argv[1:] if a.startswith("--")}
    if flags - {"--catalogs-only", "--help", "-h"} or "--help" in flags or len(args) > 1:
        print(__doc__, file=sys.stderr)
        return 0 if "--help" in flags else 2
    outdir = args[0] if args else "./workload"
    os.makedirs(outdir, exist_ok=True)
    write_catalogs(outdir)
    if "--catalogs-only" in flags:
        return 0
    try:
        import numpy  # noqa: F401
        from osgeo import gdal, ogr
    except ImportError:
        print(f"error: {sys.executable} cannot import osgeo.gdal and numpy; install Debian "
              "python3-gdal python3-numpy and run with /usr/bin/python3", file=sys.stderr)
        return 1
    gdal.UseExceptions()
    ogr.UseExceptions()
    p = parameters()
    with_gpkg = os.environ.get("SITES_GPKG", "1") != "0"
    manifest = os.path.join(outdir, "workload.json")
    if os.path.exists(manifest):
        os.remove(manifest)          # a half-written workload must not look complete
    clock = Clock()
    write_rasters(p, outdir, clock)
    write_zones(p, outdir, clock)
    write_sites(p, outdir, clock, with_gpkg)
    with open(manifest, "w") as out:
        json.dump({"generator": "bench/make_workload.py", "sites_gpkg": with_gpkg,
                   **{k: v for k, v in p.items() if k not in ("EAST", "SOUTH")}}, out, indent=1)
        out.write("\n")
    clock.say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
