// The layer kinds (registry.h): one line per kind below.
#include "layers/registry.h"

#include <mutex>
#include <stdexcept>

#include "layers/raster/raster_kind.h"
#include "layers/vector/vector_kind.h"

namespace sitescreen {

namespace {

struct Registry {
    Registry() {
        kinds.push_back(std::make_unique<const LayerKindInfo>(vector_layer_kind()));
        kinds.push_back(std::make_unique<const LayerKindInfo>(raster_layer_kind()));
    }
    std::mutex mutex;
    std::vector<std::unique_ptr<const LayerKindInfo>> kinds;
    std::vector<std::unique_ptr<const LayerKindInfo>> replaced;  // kept: find_layer_kind handed out pointers
};

Registry& registry() {
    static Registry r;
    return r;
}

}  // namespace

void register_layer_kind(LayerKindInfo kind) {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    for (auto& k : r.kinds)
        if (k->name == kind.name) {
            r.replaced.push_back(std::move(k));
            k = std::make_unique<const LayerKindInfo>(std::move(kind));
            return;
        }
    r.kinds.push_back(std::make_unique<const LayerKindInfo>(std::move(kind)));
}

const LayerKindInfo* find_layer_kind(const std::string& name) {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    for (const auto& k : r.kinds)
        if (k->name == name) return k.get();
    return nullptr;
}

const LayerKindInfo& layer_kind(const LayerSpec& spec) {
    if (const LayerKindInfo* k = find_layer_kind(spec.kind)) return *k;
    throw std::logic_error("layer '" + spec.id + "': no layer kind '" + spec.kind + "' is registered");
}

std::vector<std::string> layer_kind_names() {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    std::vector<std::string> out;
    for (const auto& k : r.kinds) out.push_back(k->name);
    return out;
}

std::unique_ptr<Layer> open_layer(const LayerSpec& spec, unsigned threads) {
    return layer_kind(spec).open(spec, threads);
}

}  // namespace sitescreen
