// The page `sitescreen serve` shows at `/`: click a place, see its screening (docs/serve.md).
#pragma once
#include <string>

#include "i18n/messages.h"

namespace sitescreen::serve {

// One self-contained page: Leaflet compiled in (as on the portfolio page), its own script, and
// nothing fetched but this service's /v1/ routes. Its texts are the catalog's (serve_page.*) in
// `lang`, the service's --lang.
const std::string& map_page_html(i18n::Lang lang);
// The Content-Security-Policy the page is served with: the browser itself refuses any request
// that would leave the service.
std::string map_page_csp();

}  // namespace sitescreen::serve
