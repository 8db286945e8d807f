// The OpenAPI 3 description of `sitescreen serve` (GET /v1/openapi.json).
#pragma once
#include "core/site.h"

namespace sitescreen::serve {

const Json& openapi_document();

}  // namespace sitescreen::serve
