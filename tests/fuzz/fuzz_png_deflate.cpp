// libFuzzer target: the site maps' zlib encoder (report/png_deflate.h) on any bytes and any row
// length. Its stream must decode, by libdeflate's inflater, to exactly the bytes it was given.
// Input: two bytes of row length (little-endian; 0 is read as 1), then the image's bytes.
#include <libdeflate.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "report/png_deflate.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::size_t row = std::max<std::size_t>(1, data[0] | static_cast<std::size_t>(data[1]) << 8);
    const std::uint8_t* image = data + 2;
    const std::size_t n = size - 2;
    std::string stream;
    sitescreen::zlib_image_rows(image, n, row, stream);
    static libdeflate_decompressor* d = libdeflate_alloc_decompressor();
    std::string back(n + 1, '\0');
    std::size_t in_used = 0, out_size = 0;
    const libdeflate_result r =
        libdeflate_zlib_decompress_ex(d, stream.data(), stream.size(), back.data(), back.size(), &in_used, &out_size);
    if (r != LIBDEFLATE_SUCCESS || in_used != stream.size() || out_size != n ||
        std::memcmp(back.data(), image, n) != 0) {
        std::fprintf(stderr, "fuzz_png_deflate: %zu bytes, row %zu: the stream does not decode to them (result %d)\n",
                     n, row, static_cast<int>(r));
        std::abort();
    }
    return 0;
}
