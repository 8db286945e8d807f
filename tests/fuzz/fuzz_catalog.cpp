// libFuzzer target: the layer catalog and site-type profile YAML parsers on any bytes.
// Never a crash, hang or leak; bad input is an InputError naming the file (SITESCREEN_FUZZ_STRICT=1
// also flags any other exception, which users would see as "internal error").
// Options line (see fuzz_common.h): "profile" parses the input as a profile, otherwise as a catalog.
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "core/errors.h"
#include "fuzz_common.h"
#include "layers/catalog.h"
#include "screen/profile.h"

using namespace sitescreen;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string body;
    const std::string options = fuzz::split_options(data, size, body);
    const bool profile = fuzz::has_word(options, "profile");
    // The input keeps its options line: it is a YAML comment.
    const std::string path = fuzz::write_scratch(profile ? "profile.yaml" : "catalog.yaml",
                                                 std::string(reinterpret_cast<const char*>(data), size));
    try {
        if (profile) {
            const Profile p = load_profile(path);
            (void)profile_json(p);
        } else {
            const Catalog c = load_catalog(path);
            (void)c.any_demo();
        }
    } catch (const InputError&) {
    } catch (const UsageError&) {
    } catch (const std::exception& e) {
        if (fuzz::strict()) {
            std::fprintf(stderr, "fuzz_catalog: unexpected exception: %s\n", e.what());
            std::abort();
        }
    }
    return 0;
}
