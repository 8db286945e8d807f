#!/usr/bin/env bash
# Builds the `sitescreen layers import` fixtures in this folder: a few hand-made
# features (fictional values) packaged exactly like each publisher's download:
# same zip layout, file and layer names, field names and encodings.
#   bash tests/data/import/make_fixtures.sh        (needs ogr2ogr, gdal_translate, zip; GDAL >= 3.6)
# Layouts: Aqueduct 4.0 (aqueduct-4-0-water-risk-data.zip ->
# Aqueduct40_waterrisk_download_Y2023M07D05/GDB/Aq40_Y2023D07M05.gdb, layers
# baseline_annual and future_annual); WDPA shapefile download
# (WDPA_Dec2024_Public_shp.zip -> WDPA_Dec2024_Public_shp_{0,1}.zip ->
# WDPA_Dec2024_Public_shp-{polygons,points}.*); Chinese reserve shapefiles (GBK
# .dbf, no .cpg, CGCS2000 .prj); ESA WorldCover tiles
# (ESA_WorldCover_10m_2021_v200_<tile>_Map.tif). The *_renamed variants differ
# in one field name only. (The remote-COG fixture is made in memory by the test.)
set -euo pipefail
cd "$(dirname "$0")"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export SOURCE_DATE_EPOCH=1764633600 OGR_CURRENT_DATE="2025-12-02T00:00:00Z"

sq() {  # sq W S E N -> a closed square ring as GeoJSON coordinates
    echo "[[[$1,$2],[$3,$2],[$3,$4],[$1,$4],[$1,$2]]]"
}

# ---------------------------------------------------------------- aqueduct40
aq_base() {  # $1 = name of the category field (bws_cat, or a renamed one)
    cat <<JSON
{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"string_id":"421001-CHN.2_1-1","aq30_id":1001,"pfaf_id":421001,"gid_0":"CHN","name_0":"China","gid_1":"CHN.2_1","name_1":"Beijing","aqid":1,"area_km2":9350.5,
 "bws_raw":1.92,"bws_score":5.0,"$1":4,"bws_label":"Extremely High (>80%)","bwd_raw":0.9,"bwd_score":4.6,"bwd_cat":4,"bwd_label":"Extremely High (>75%)",
 "iav_raw":0.3,"iav_score":1.5,"iav_cat":1,"iav_label":"Low - Medium (0.25-0.50)","sev_raw":0.8,"sev_score":2.9,"sev_cat":2,"sev_label":"Medium - High (0.66-1.00)",
 "gtd_raw":-2.1,"gtd_score":4.2,"gtd_cat":4,"gtd_label":"Extremely High (>8 cm/y)","rfr_raw":0.002,"rfr_score":1.1,"rfr_cat":1,"rfr_label":"Low - Medium (1 in 1,000 to 2 in 1,000)",
 "cfr_raw":0.0,"cfr_score":0.0,"cfr_cat":0,"cfr_label":"Low (0 to 9 in 1,000,000)","drr_raw":0.4,"drr_score":2.2,"drr_cat":2,"drr_label":"Medium (0.4-0.6)"},
 "geometry":{"type":"Polygon","coordinates":$(sq 116 39 117 40)}},
{"type":"Feature","properties":{"string_id":"421002-CHN.25_1-1","aq30_id":1002,"pfaf_id":421002,"gid_0":"CHN","name_0":"China","gid_1":"CHN.25_1","name_1":"Tianjin","aqid":1,"area_km2":9400.1,
 "bws_raw":0.3,"bws_score":2.7,"$1":2,"bws_label":"Medium - High (20-40%)","bwd_raw":0.2,"bwd_score":2.0,"bwd_cat":2,"bwd_label":"Medium - High (25-50%)",
 "iav_raw":0.3,"iav_score":1.5,"iav_cat":1,"iav_label":"Low - Medium (0.25-0.50)","sev_raw":0.8,"sev_score":2.9,"sev_cat":2,"sev_label":"Medium - High (0.66-1.00)",
 "gtd_raw":-0.5,"gtd_score":2.0,"gtd_cat":2,"gtd_label":"Medium - High (2-4 cm/y)","rfr_raw":0.002,"rfr_score":1.1,"rfr_cat":1,"rfr_label":"Low - Medium (1 in 1,000 to 2 in 1,000)",
 "cfr_raw":0.001,"cfr_score":1.0,"cfr_cat":1,"cfr_label":"Low - Medium (9 in 1,000,000 to 7 in 100,000)","drr_raw":0.4,"drr_score":2.2,"drr_cat":2,"drr_label":"Medium (0.4-0.6)"},
 "geometry":{"type":"Polygon","coordinates":$(sq 117 39 118 40)}},
{"type":"Feature","properties":{"string_id":"421003-CHN.10_1-1","aq30_id":1003,"pfaf_id":421003,"gid_0":"CHN","name_0":"China","gid_1":"CHN.10_1","name_1":"Hebei","aqid":1,"area_km2":18000.0,
 "bws_raw":0.05,"bws_score":0.0,"$1":-1,"bws_label":"Arid and Low Water Use","bwd_raw":0.01,"bwd_score":0.0,"bwd_cat":-1,"bwd_label":"Arid and Low Water Use",
 "iav_raw":null,"iav_score":null,"iav_cat":-9999,"iav_label":"No Data","sev_raw":null,"sev_score":null,"sev_cat":-9999,"sev_label":"No Data",
 "gtd_raw":0.0,"gtd_score":0.0,"gtd_cat":0,"gtd_label":"Low (<0 cm/y)","rfr_raw":0.0,"rfr_score":0.0,"rfr_cat":0,"rfr_label":"Low (0 to 1 in 1,000)",
 "cfr_raw":null,"cfr_score":null,"cfr_cat":-9999,"cfr_label":"No Data","drr_raw":0.2,"drr_score":1.0,"drr_cat":1,"drr_label":"Low - Medium (0.2-0.4)"},
 "geometry":{"type":"Polygon","coordinates":$(sq 116 38 118 39)}}
]}
JSON
}
aq_future() {
    cat <<JSON
{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"pfaf_id":421001,"bau30_ws_x_r":2.1,"bau30_ws_x_s":5.0,"bau30_ws_x_c":4,"bau30_ws_x_l":"Extremely High (>80%)","bau50_ws_x_r":2.3,"bau50_ws_x_s":5.0,"bau50_ws_x_c":4,"bau50_ws_x_l":"Extremely High (>80%)","bau80_ws_x_r":2.4,"bau80_ws_x_s":5.0,"bau80_ws_x_c":4,"bau80_ws_x_l":"Extremely High (>80%)","opt50_ws_x_c":3,"pes50_ws_x_c":4},"geometry":{"type":"Polygon","coordinates":$(sq 116 39 117 40)}},
{"type":"Feature","properties":{"pfaf_id":421002,"bau30_ws_x_r":0.35,"bau30_ws_x_s":2.8,"bau30_ws_x_c":2,"bau30_ws_x_l":"Medium - High (20-40%)","bau50_ws_x_r":0.45,"bau50_ws_x_s":3.2,"bau50_ws_x_c":3,"bau50_ws_x_l":"High (40-80%)","bau80_ws_x_r":0.5,"bau80_ws_x_s":3.3,"bau80_ws_x_c":3,"bau80_ws_x_l":"High (40-80%)","opt50_ws_x_c":2,"pes50_ws_x_c":3},"geometry":{"type":"Polygon","coordinates":$(sq 117 39 118 40)}}
]}
JSON
}
make_aqueduct() {  # $1 = zip name, $2 = category field name
    local d="$T/aq/Aqueduct40_waterrisk_download_Y2023M07D05"
    rm -rf "$T/aq" && mkdir -p "$d/GDB"
    aq_base "$2" > "$T/base.geojson"
    aq_future > "$T/future.geojson"
    ogr2ogr -q -f OpenFileGDB "$d/GDB/Aq40_Y2023D07M05.gdb" "$T/base.geojson" -nln baseline_annual -nlt MULTIPOLYGON
    ogr2ogr -q -f OpenFileGDB -update "$d/GDB/Aq40_Y2023D07M05.gdb" "$T/future.geojson" -nln future_annual -nlt MULTIPOLYGON
    rm -f "$1" && (cd "$T/aq" && zip -qrX - Aqueduct40_waterrisk_download_Y2023M07D05) > "$1"
}
make_aqueduct aqueduct-4-0-water-risk-data.zip bws_cat
make_aqueduct aqueduct40_renamed.zip bws_category

# ---------------------------------------------------------------- wdpa
wdpa_row() {  # id name desig iucn status rep_area marine geometry [status field name]
    echo "{\"type\":\"Feature\",\"properties\":{\"WDPAID\":$1,\"WDPA_PID\":\"$1\",\"PA_DEF\":\"1\",\"NAME\":\"$2\",\"ORIG_NAME\":\"$2\",\"DESIG\":\"$3\",\"DESIG_ENG\":\"$3\",\"DESIG_TYPE\":\"National\",\"IUCN_CAT\":\"$4\",\"INT_CRIT\":\"Not Applicable\",\"MARINE\":\"$7\",\"REP_M_AREA\":0,\"REP_AREA\":$6,\"NO_TAKE\":\"Not Applicable\",\"NO_TK_AREA\":0,\"${9:-STATUS}\":\"$5\",\"STATUS_YR\":2001,\"GOV_TYPE\":\"Federal or national ministry or agency\",\"OWN_TYPE\":\"State\",\"MANG_AUTH\":\"Not Reported\",\"MANG_PLAN\":\"Not Reported\",\"VERIF\":\"State Verified\",\"METADATAID\":1,\"SUB_LOC\":\"Not Reported\",\"PARENT_ISO\":\"XXX\",\"ISO3\":\"XXX\",\"SUPP_INFO\":\"Not Applicable\",\"CONS_OBJ\":\"Not Applicable\"},\"geometry\":$8}"
}
make_wdpa() {  # $1 = zip name, $2 = STATUS field name
    local P="WDPA_Dec2024_Public_shp"
    rm -rf "$T/w" && mkdir -p "$T/w/0" "$T/w/1"
    { echo '{"type":"FeatureCollection","features":['
      wdpa_row 900001 "Fixture National Park" "National Park" "II" "Designated" 484.0 "0" "{\"type\":\"Polygon\",\"coordinates\":$(sq 100 20 100.2 20.2)}" "$2"; echo ','
      wdpa_row 900002 "Fixture Proposed Reserve" "Nature Reserve" "Ia" "Proposed" 100.0 "0" "{\"type\":\"Polygon\",\"coordinates\":$(sq 100.5 20 100.7 20.2)}" "$2"
      echo ']}'; } > "$T/p0.geojson"
    { echo '{"type":"FeatureCollection","features":['
      wdpa_row 900003 "Fixture Marine Sanctuary" "Marine Sanctuary" "IV" "Inscribed" 25.0 "2" "{\"type\":\"Polygon\",\"coordinates\":$(sq 105 10 105.1 10.1)}" "$2"
      echo ']}'; } > "$T/p1.geojson"
    { echo '{"type":"FeatureCollection","features":['
      wdpa_row 900004 "Fixture Point Reserve" "Nature Reserve" "Ib" "Established" 100.0 "0" '{"type":"Point","coordinates":[101.0,21.0]}' "$2"; echo ','
      wdpa_row 900005 "Fixture Point Without Area" "Nature Reserve" "III" "Designated" 0 "0" '{"type":"Point","coordinates":[102.0,21.0]}' "$2"
      echo ']}'; } > "$T/pt0.geojson"
    { echo '{"type":"FeatureCollection","features":['
      wdpa_row 900006 "Fixture Antimeridian Atoll" "Nature Reserve" "VI" "Designated" 50.0 "1" '{"type":"Point","coordinates":[179.99,-16.5]}' "$2"
      echo ']}'; } > "$T/pt1.geojson"
    for k in 0 1; do
        ogr2ogr -q -f "ESRI Shapefile" -lco ENCODING=UTF-8 "$T/w/$k/$P-polygons.shp" "$T/p$k.geojson" -nlt POLYGON
        ogr2ogr -q -f "ESRI Shapefile" -lco ENCODING=UTF-8 "$T/w/$k/$P-points.shp" "$T/pt$k.geojson" -nlt POINT
        (cd "$T/w/$k" && zip -qX "../${P}_$k.zip" $P-polygons.* $P-points.*)
    done
    rm -f "$1" && (cd "$T/w" && zip -qX - ${P}_0.zip ${P}_1.zip) > "$1"
}
make_wdpa WDPA_Dec2024_Public_shp.zip STATUS
make_wdpa wdpa_renamed_shp.zip STATUS_NEW

# ---------------------------------------------------------------- china_nature_reserve (GBK .dbf, no .cpg)
make_reserve() {  # $1 = zip name, $2 = zone field name
    rm -rf "$T/r" && mkdir -p "$T/r/reserves"
    cat > "$T/r.geojson" <<JSON
{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"编号":"NR-T-001","保护区名称":"测试山国家级自然保护区","级别":"国家级","$2":"核心区","省份":"测试省"},"geometry":{"type":"Polygon","coordinates":$(sq 110 30 110.1 30.1)}},
{"type":"Feature","properties":{"编号":"NR-T-001","保护区名称":"测试山国家级自然保护区","级别":"国家级","$2":"缓冲区","省份":"测试省"},"geometry":{"type":"Polygon","coordinates":[[[109.95,29.95],[110.15,29.95],[110.15,30.15],[109.95,30.15],[109.95,29.95]],[[110,30],[110,30.1],[110.1,30.1],[110.1,30],[110,30]]]}},
{"type":"Feature","properties":{"编号":"NR-T-001","保护区名称":"测试山国家级自然保护区","级别":"国家级","$2":"实验区","省份":"测试省"},"geometry":{"type":"Polygon","coordinates":[[[109.9,29.9],[110.2,29.9],[110.2,30.2],[109.9,30.2],[109.9,29.9]],[[109.95,29.95],[109.95,30.15],[110.15,30.15],[110.15,29.95],[109.95,29.95]]]}}
]}
JSON
    ogr2ogr -q -f "ESRI Shapefile" -lco ENCODING=CP936 -a_srs EPSG:4490 "$T/r/reserves/test_reserve.shp" "$T/r.geojson" -nlt POLYGON
    rm -f "$T/r/reserves/test_reserve.cpg"
    rm -f "$1" && (cd "$T/r" && zip -qX - reserves/test_reserve.*) > "$1"
}
make_reserve china_reserves_gbk.zip 功能区
make_reserve china_reserves_renamed.zip 分类

# ---------------------------------------------------------------- ramsar (RSIS: boundaries + centroids)
ramsar_row() {  # id name iso3 country area_ha date geometry [area field name]
    echo "{\"type\":\"Feature\",\"properties\":{\"ramsarid\":$1,\"officialna\":\"$2\",\"iso3\":\"$3\",\"country_en\":\"$4\",\"${8:-area_off}\":$5,\"desigdate\":\"$6\"},\"geometry\":$7}"
}
make_ramsar() {  # $1 = zip name, $2 = area field name
    rm -rf "$T/ra" && mkdir -p "$T/ra"
    { echo '{"type":"FeatureCollection","features":['
      ramsar_row 990001 "Fixture Lake Wetland" XXX "Fixtureland" 4840.0 "2001-02-02" "{\"type\":\"Polygon\",\"coordinates\":$(sq 120 30 120.1 30.1)}" "$2"; echo ','
      ramsar_row 990002 "Fixture Estuary" XXX "Fixtureland" 1200.0 "2008-11-20" "{\"type\":\"Polygon\",\"coordinates\":$(sq 121 31 121.05 31.05)}" "$2"
      echo ']}'; } > "$T/rpoly.geojson"
    { echo '{"type":"FeatureCollection","features":['
      ramsar_row 990001 "Fixture Lake Wetland" XXX "Fixtureland" 4840.0 "2001-02-02" '{"type":"Point","coordinates":[120.05,30.05]}' "$2"; echo ','
      ramsar_row 990003 "Fixture Marsh Without Boundary" XXX "Fixtureland" 2500.0 "2015-05-05" '{"type":"Point","coordinates":[122.0,32.0]}' "$2"; echo ','
      ramsar_row 990004 "Fixture Spring Without Area" XXX "Fixtureland" 0 "2020-02-02" '{"type":"Point","coordinates":[123.0,33.0]}' "$2"
      echo ']}'; } > "$T/rpt.geojson"
    ogr2ogr -q -f "ESRI Shapefile" -lco ENCODING=UTF-8 "$T/ra/features_publishedPolygon.shp" "$T/rpoly.geojson" -nlt POLYGON
    ogr2ogr -q -f "ESRI Shapefile" -lco ENCODING=UTF-8 "$T/ra/features_centroid_publishedPoint.shp" "$T/rpt.geojson" -nlt POINT
    rm -f "$1" && (cd "$T/ra" && zip -qX - features_publishedPolygon.* features_centroid_publishedPoint.*) > "$1"
}
make_ramsar ramsar_rsis_shp.zip area_off
make_ramsar ramsar_renamed_shp.zip area_ha

# ---------------------------------------------------------------- kba (KBAsGlobal_<date>_POL / _PNT shapefiles)
kba_row() {  # id name kba iba aze added geometry [KbaStatus field name]
    echo "{\"type\":\"Feature\",\"properties\":{\"SitRecID\":$1,\"Region\":\"Asia\",\"Country\":\"Fixtureland\",\"ISO3\":\"XXX\",\"NatName\":\"$2 (national)\",\"IntName\":\"$2\",\"FinCode\":\"XX$1\",\"SitLat\":0,\"SitLong\":0,\"SitArea\":1000,\"IbaStatus\":\"$4\",\"${8:-KbaStatus}\":\"$3\",\"AzeStatus\":\"$5\",\"AddedDate\":\"$6\",\"ChangeDate\":\"$6\"},\"geometry\":$7}"
}
make_kba() {  # $1 = zip name, $2 = KbaStatus field name
    local P="KBAsGlobal_2024_September_01"
    rm -rf "$T/k" && mkdir -p "$T/k"
    { echo '{"type":"FeatureCollection","features":['
      kba_row 880001 "Fixture Forest KBA" "confirmed" "confirmed" "not AZE" "2004-06-01" "{\"type\":\"Polygon\",\"coordinates\":$(sq 90 25 90.2 25.2)}" "$2"; echo ','
      kba_row 880002 "Fixture Crater AZE Site" "confirmed" "not IBA" "confirmed" "2018-03-15" "{\"type\":\"Polygon\",\"coordinates\":$(sq 91 26 91.1 26.1)}" "$2"
      echo ']}'; } > "$T/kpol.geojson"
    { echo '{"type":"FeatureCollection","features":['
      kba_row 880003 "Fixture Cave KBA" "confirmed" "not IBA" "not AZE" "2020-01-01" '{"type":"Point","coordinates":[92.0,27.0]}' "$2"
      echo ']}'; } > "$T/kpnt.geojson"
    ogr2ogr -q -f "ESRI Shapefile" -lco ENCODING=UTF-8 "$T/k/${P}_POL.shp" "$T/kpol.geojson" -nlt POLYGON
    ogr2ogr -q -f "ESRI Shapefile" -lco ENCODING=UTF-8 "$T/k/${P}_PNT.shp" "$T/kpnt.geojson" -nlt POINT
    rm -f "$1" && (cd "$T/k" && zip -qX - ${P}_POL.* ${P}_PNT.*) > "$1"
}
make_kba KBAsGlobal_2024_September_01.zip KbaStatus
make_kba kba_renamed.zip KbaStat

# ---------------------------------------------------------------- worldcover tiles (0.1 degree cells, 30 x 30)
mkdir -p worldcover_tiles
for spec in "N36E114 114 36 40" "N36E117 117 36 10"; do
    set -- $spec
    gdal_create -q -of GTiff -ot Byte -outsize 30 30 -bands 1 -burn "$4" -a_srs EPSG:4326 -a_nodata 0 \
        -a_ullr "$2" "$(($3 + 3))" "$(($2 + 3))" "$3" -co COMPRESS=DEFLATE "worldcover_tiles/ESA_WorldCover_10m_2021_v200_$1_Map.tif"
done

# ---------------------------------------------------------------- gfc tiles (10 x 10 degree, 0.1 degree cells, 100 x 100)
make_gfc() {  # $1 = zip name; GFC_LOSS = the loss-year band's name in the file names
    local P="Hansen_GFC-2023-v1.11" zipname="$1"
    rm -rf "$T/g" && mkdir -p "$T/g"
    # 40N_100E (100-110 E, 30-40 N): loss in 2015, tree cover 80 %; 40N_110E: loss in 2023, tree cover 30 %
    for spec in "100E 100 15 80" "110E 110 23 30"; do
        set -- $spec
        gdal_create -q -of GTiff -ot Byte -outsize 100 100 -bands 1 -burn "$3" -a_srs EPSG:4326 \
            -a_ullr "$2" 40 "$(($2 + 10))" 30 -co COMPRESS=DEFLATE "$T/g/${P}_${GFC_LOSS}_40N_$1.tif"
        gdal_create -q -of GTiff -ot Byte -outsize 100 100 -bands 1 -burn "$4" -a_srs EPSG:4326 \
            -a_ullr "$2" 40 "$(($2 + 10))" 30 -co COMPRESS=DEFLATE "$T/g/${P}_treecover2000_40N_$1.tif"
    done
    rm -f "$zipname" && (cd "$T/g" && zip -qX - ${P}_*.tif) > "$zipname"
}
GFC_LOSS=lossyear make_gfc Hansen_GFC-2023-v1.11_tiles.zip
GFC_LOSS=loss_year make_gfc gfc_renamed.zip

ls -l
