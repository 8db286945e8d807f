// The OpenAPI document of the service; docs/serve.md explains the same routes with examples.
#include "serve/openapi.h"

#include "sitescreen/version.h"

namespace sitescreen::serve {

namespace {

constexpr const char* kDocument = R"JSON({
 "openapi": "3.0.3",
 "info": {"title": "sitescreen", "description": "Nature screening of candidate sites (TNFD LEAP Locate/Evaluate) with verdicts, mitigation steps and an alternative location. Records are those of sites.jsonl (docs/output.md).", "license": {"name": "see LICENSE"}},
 "paths": {
  "/v1/screen": {"post": {
   "summary": "Screen one site or a list, answered at once",
   "description": "Body: one site (its fields as a CSV row has them: lon, lat, type, id, any attribute), {\"sites\": [...]} or {\"site\": {...}}, a GeoJSON Feature or FeatureCollection, or a CSV (text/csv). Options as top-level fields (query parameters for CSV): coords (wgs84, gcj02, bd09), crs, default_type (plant, mine, charger), id_field, lon_field, lat_field, layers (the layer entries to keep). One site in error answers 422; in a list, a site in error is an error record and the others are screened.",
   "requestBody": {"required": true, "content": {
     "application/json": {"schema": {"$ref": "#/components/schemas/ScreenRequest"}},
     "application/geo+json": {"schema": {"type": "object"}},
     "text/csv": {"schema": {"type": "string"}}}},
   "responses": {
     "200": {"description": "The records, in input order (application/x-ndjson when asked for: the lines of sites.jsonl)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ScreenAnswer"}}, "application/x-ndjson": {"schema": {"type": "string"}}}},
     "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"},
     "413": {"$ref": "#/components/responses/Error"}, "415": {"$ref": "#/components/responses/Error"},
     "422": {"description": "The one site of the request cannot be screened", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ScreenAnswer"}}}},
     "503": {"$ref": "#/components/responses/Error"}}}},
  "/v1/report": {"post": {
   "summary": "One site's full HTML report",
   "description": "The same body as POST /v1/screen with exactly one site (a point or a polygon footprint). The answer is the page `sitescreen screen --formats html` writes to sites/<id>.html for that site, from the same report code, in the service's --lang; it stands alone (styles inline, the map a data: URI). Nothing of the request reaches the file system.",
   "requestBody": {"required": true, "content": {
     "application/json": {"schema": {"$ref": "#/components/schemas/ScreenRequest"}},
     "application/geo+json": {"schema": {"type": "object"}},
     "text/csv": {"schema": {"type": "string"}}}},
   "responses": {
     "200": {"description": "The report", "content": {"text/html": {"schema": {"type": "string"}}}},
     "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"},
     "413": {"$ref": "#/components/responses/Error"}, "415": {"$ref": "#/components/responses/Error"},
     "422": {"description": "The site cannot be screened", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ScreenAnswer"}}}},
     "503": {"$ref": "#/components/responses/Error"}}}},
  "/v1/jobs": {"post": {
   "summary": "Start a batch job on an uploaded CSV or GeoPackage",
   "parameters": [
     {"name": "type", "in": "query", "schema": {"type": "string", "enum": ["plant", "mine", "charger"]}},
     {"name": "coords", "in": "query", "schema": {"type": "string", "enum": ["wgs84", "gcj02", "bd09"]}},
     {"name": "crs", "in": "query", "schema": {"type": "string"}},
     {"name": "id_field", "in": "query", "schema": {"type": "string"}},
     {"name": "lon_field", "in": "query", "schema": {"type": "string"}},
     {"name": "lat_field", "in": "query", "schema": {"type": "string"}},
     {"name": "formats", "in": "query", "schema": {"type": "string"}, "description": "as screen --formats"},
     {"name": "sites_layer", "in": "query", "schema": {"type": "string"}, "description": "as screen --sites-layer"}],
   "requestBody": {"required": true, "content": {"text/csv": {"schema": {"type": "string"}}, "application/geopackage+sqlite3": {"schema": {"type": "string", "format": "binary"}}, "application/geo+json": {"schema": {"type": "object"}}}},
   "responses": {"202": {"description": "Accepted", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}}, "400": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}}},
  "/v1/jobs/{id}": {"get": {"summary": "A job's state and progress", "description": "A job running past the service's --job-time-limit is stopped and reported failed, its outputs removed; a finished job is removed --job-retention-hours after it finished (expires_at), and is then 404.",
   "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"}}],
   "responses": {"200": {"description": "The job", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}}, "404": {"$ref": "#/components/responses/Error"}}}},
  "/v1/jobs/{id}/files/{name}": {"get": {"summary": "An output file of a finished job (one of the job's files)",
   "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}, {"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
   "security": [{"token": []}, {"token_cookie": []}],
   "responses": {"200": {"description": "The file"}, "404": {"$ref": "#/components/responses/Error"}}}},
  "/v1/layers": {"get": {"summary": "The layer catalog: provenance, checksums, demonstration flags", "responses": {"200": {"description": "run.json's catalog object"}}}},
  "/v1/layers/{id}": {"get": {"summary": "One layer of the catalog", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}], "responses": {"200": {"description": "The layer"}, "404": {"$ref": "#/components/responses/Error"}}}},
  "/v1/health": {"get": {"summary": "Liveness, version, layers, workers, and whether a token is needed (token_required; no token needed)", "responses": {"200": {"description": "ok"}}}},
  "/v1/basemap": {"get": {"summary": "The admin layers' outline as GeoJSON, for the map page", "responses": {"200": {"description": "GeoJSON FeatureCollection"}}}},
  "/v1/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3"}}}}
 },
 "components": {
  "securitySchemes": {"token": {"type": "http", "scheme": "bearer", "description": "when the service was started with --token"},
                      "token_cookie": {"type": "apiKey", "in": "cookie", "name": "sitescreen_token", "description": "the token, percent-encoded, for GET /v1/jobs/{id}/files/{name} only: the map page's links to a job's files"}},
  "responses": {"Error": {"description": "What is wrong, worded as the CLI words it", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
  "schemas": {
   "Error": {"type": "object", "required": ["error", "status"], "properties": {"error": {"type": "string"}, "status": {"type": "integer"}}},
   "ScreenRequest": {"type": "object", "description": "a site's fields, or sites/site with options", "properties": {
     "sites": {"type": "array", "items": {"type": "object"}}, "site": {"type": "object"},
     "lon": {"type": "number"}, "lat": {"type": "number"}, "type": {"type": "string"}, "id": {"type": "string"},
     "coords": {"type": "string", "enum": ["wgs84", "gcj02", "bd09"]}, "crs": {"type": "string"},
     "default_type": {"type": "string", "enum": ["plant", "mine", "charger"]},
     "id_field": {"type": "string"}, "lon_field": {"type": "string"}, "lat_field": {"type": "string"},
     "layers": {"type": "array", "items": {"type": "string"}}}},
   "ScreenAnswer": {"type": "object", "properties": {
     "error": {"type": "string"}, "status": {"type": "integer"},
     "sites": {"type": "object", "properties": {"total": {"type": "integer"}, "ok": {"type": "integer"}, "error": {"type": "integer"}}},
     "records": {"type": "array", "items": {"type": "object", "description": "a sites.jsonl record (docs/output.md)"}}}},
   "Job": {"type": "object", "properties": {
     "id": {"type": "string"}, "status": {"type": "string", "enum": ["queued", "running", "done", "failed", "lost"]},
     "input": {"type": "string"}, "created_at": {"type": "string"}, "started_at": {"type": "string"}, "finished_at": {"type": "string"},
     "sites_done": {"type": "integer"}, "message": {"type": "string"}, "files": {"type": "array", "items": {"type": "string"}},
     "expires_at": {"type": "string", "nullable": true, "description": "when a finished job will be removed (null: not finished, or kept)"}}}
  }
 },
 "security": [{"token": []}]
})JSON";

}  // namespace

const Json& openapi_document() {
    static const Json doc = [] {
        Json d = Json::parse(kDocument);
        d["info"]["version"] = SITESCREEN_VERSION;
        return d;
    }();
    return doc;
}

}  // namespace sitescreen::serve
