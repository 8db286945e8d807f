// The site map's PNG encoding (split from site_map.cpp): written directly, deflated by
// zlib_image_rows (png_deflate.h), as an 8-bit palette image when the map has few enough colours.
#pragma once
#include <cairo.h>

#include <string>

namespace sitescreen {

// PNG of an RGB24 image surface (flushed). A map has a few thousand colours,
// nearly all of its pixels in a few dozen flat ones: the palette holds the 192
// most frequent, then 64 chosen where the remaining error is largest, and every
// pixel is drawn in the entry nearest its colour (site_map_png.cpp). An image
// of more than 16,384 colours is written as 24-bit RGB. Throws
// std::runtime_error when the image cannot be deflated.
std::string encode_map_png(cairo_surface_t* surface);

}  // namespace sitescreen
