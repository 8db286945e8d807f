// A zlib stream (RFC 1950/1951) of a PNG image's rows, made for flat images: the site maps.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace sitescreen {

// Appends to `out` the zlib stream of `data` (`size` bytes): an image's filtered rows, `row`
// bytes apart (each row's filter byte included). Made for maps: nearly all their bytes repeat
// the byte before them or the bytes one row above (flat areas, edges that move by a pixel a
// row), and what is left is text and anti-aliased edges, much of it repeated. So it looks for
// a match only at those distances (1, row - 1, row, row + 1) and, where none is long, at the
// last place the next four bytes were seen (a hash table of the positions it could not match
// otherwise); it compares sixteen bytes at a time and codes the result as one block with its
// own Huffman codes. On 60 site maps of China it takes a third of libdeflate's time at level 4
// (1.0-1.5 ms a map against 3.0-4.1) for 3 % more bytes (docs/performance.md, "Reports"):
// libdeflate and zlib (any level) spend about three nanoseconds on every byte, even on a run
// of zeros; this spends its time on each match and on each byte it cannot match.
// `size` may be 0. Any `row` >= 1 gives a valid stream; only the speed depends on it.
void zlib_image_rows(const unsigned char* data, std::size_t size, std::size_t row, std::string& out);

// The code lengths of a Huffman code for symbols 0..n-1 of frequencies `freq`, none longer than
// `limit` bits (deflate's limits: 15, and 7 for the code-length code) and the code complete (the
// sum of 2^-length is 1): a symbol no less frequent than another never gets a longer code.
// Symbols of frequency 0 get none (length 0), except that at least two symbols are coded, as a
// code of one symbol is not complete. Needs n >= 2 and 2^limit >= n.
void huffman_code_lengths(const std::uint32_t* freq, int n, int limit, std::uint8_t* lengths);

}  // namespace sitescreen
