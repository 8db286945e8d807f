// Dataset checksums with OpenSSL's SHA-256.
#include "io/checksum.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include "core/errors.h"

namespace fs = std::filesystem;

namespace sitescreen {
namespace {

struct MdFree {
    void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};

void feed(EVP_MD_CTX* ctx, const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw InputError(p.string() + ": cannot be read for its checksum");
    std::array<char, 1 << 16> buf;
    while (in) {
        in.read(buf.data(), buf.size());
        if (in.gcount() > 0) EVP_DigestUpdate(ctx, buf.data(), static_cast<std::size_t>(in.gcount()));
    }
}

std::string hex_digest(const std::vector<fs::path>& files) {
    std::unique_ptr<EVP_MD_CTX, MdFree> ctx(EVP_MD_CTX_new());
    EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
    for (const auto& f : files) feed(ctx.get(), f);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx.get(), md, &len);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
        out += hex[md[i] >> 4];
        out += hex[md[i] & 15];
    }
    return out;
}

}  // namespace

std::string sha256_file(const std::string& path) { return hex_digest({fs::path(path)}); }

std::string dataset_sha256(const std::string& path) {
    std::error_code ec;
    const fs::path p(path);
    if (!fs::exists(p, ec)) return "";
    std::vector<fs::path> files;
    if (fs::is_directory(p, ec)) {
        for (const auto& e : fs::recursive_directory_iterator(p, ec))
            if (e.is_regular_file()) files.push_back(e.path());
    } else {
        std::string ext = p.extension().string();
        std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
        if (ext == ".shp") {
            for (const char* side : {".shp", ".shx", ".dbf", ".prj", ".cpg"}) {
                fs::path q = p;
                q.replace_extension(side);
                if (fs::exists(q, ec)) files.push_back(q);
            }
        } else {
            files.push_back(p);
            fs::path aux = p;
            aux += ".aux.xml";
            if (fs::exists(aux, ec)) files.push_back(aux);
        }
    }
    std::sort(files.begin(), files.end());
    return hex_digest(files);
}

}  // namespace sitescreen
