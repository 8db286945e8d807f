// Batched parallel screening: sites read as a stream, screened on all cores, written in input order.
#include "run/pipeline.h"

#include <unistd.h>

#include <algorithm>
#include <any>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>

#include "io/atomic_file.h"

namespace sitescreen {

std::uint64_t hilbert_index(LonLat p) {
    const std::uint32_t n = 1u << 16;
    auto clampu = [&](double v) {
        const double c = std::clamp(v, 0.0, 1.0) * (n - 1);
        return static_cast<std::uint32_t>(c);
    };
    std::uint32_t x = clampu((p.lon + 180.0) / 360.0), y = clampu((p.lat + 90.0) / 180.0);
    std::uint64_t d = 0;
    for (std::uint32_t s = n / 2; s > 0; s /= 2) {
        const std::uint32_t rx = (x & s) > 0, ry = (y & s) > 0;
        d += static_cast<std::uint64_t>(s) * s * ((3 * rx) ^ ry);
        if (ry == 0) {
            if (rx == 1) {
                x = s - 1 - x;
                y = s - 1 - y;
            }
            std::swap(x, y);
        }
    }
    return d;
}

namespace {

// One thread that runs the tasks it is given, one at a time, for the whole
// run. Threads made afresh for every batch cost more than their start: each
// new thread re-grows its thread-local scratch space and is handed the next
// of the allocator's arenas, whose pages it faults in again (three times the
// page faults on two threads, and a tenth more CPU).
class TaskThread {
public:
    TaskThread() : thread_([this] { loop(); }) {}
    ~TaskThread() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stop_ = true;
        }
        wake_.notify_all();
        thread_.join();  // after the task in hand, if any
    }
    TaskThread(const TaskThread&) = delete;
    TaskThread& operator=(const TaskThread&) = delete;

    // Runs `task` on this thread; the previous task must have been waited for.
    void submit(std::function<void()> task) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            task_ = std::move(task);
            busy_ = true;
        }
        wake_.notify_all();
    }
    // Waits for the task in hand (if any) and rethrows what it threw.
    void wait() {
        std::unique_lock<std::mutex> lock(mutex_);
        done_.wait(lock, [this] { return !busy_; });
        if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
    }

private:
    void loop() {
        std::unique_lock<std::mutex> lock(mutex_);
        for (;;) {
            wake_.wait(lock, [this] { return busy_ || stop_; });
            if (!busy_) return;  // stopping, nothing in hand
            std::function<void()> task = std::move(task_);
            lock.unlock();
            std::exception_ptr error;
            try {
                task();
            } catch (...) {
                error = std::current_exception();
            }
            task = nullptr;  // what it holds is released on this thread, before `done`
            lock.lock();
            error_ = error;
            busy_ = false;
            done_.notify_all();
        }
    }

    std::mutex mutex_;
    std::condition_variable wake_, done_;
    std::function<void()> task_;
    bool busy_ = false, stop_ = false;
    std::exception_ptr error_;
    std::thread thread_;  // last: started once the members above exist
};

// Per vector layer, the dissolved tiles or the per-site union for the run, from the work of each
// over the probed sites (VectorLayer::union_work): the same sites give the same choice, whatever
// the thread count, and the choice is recorded in run.json.
std::vector<PipelineStats::TileUnionChoice> choose_tile_union(const std::deque<Site>& probe, const LayerSet& layers,
                                                              const ScreenOptions& options,
                                                              const PipelineConfig& config) {
    std::vector<std::pair<LonLat, double>> wide;
    for (const Site& s : probe) {
        if (s.error || !s.has_coordinates || !s.footprint_ll.empty()) continue;
        std::vector<double> radii;
        try {
            radii = config.radii_for ? config.radii_for(s) : options.radii_m;
        } catch (const std::exception&) {
            continue;  // the site becomes an error row when it is screened
        }
        const double max_r = radii.empty() ? 0.0 : *std::max_element(radii.begin(), radii.end());
        if (max_r >= options.tile_union_min_radius_m) wide.push_back({s.lonlat, max_r});
    }
    std::vector<PipelineStats::TileUnionChoice> out;
    const Catalog& catalog = layers.catalog();
    for (std::size_t i = 0; i < catalog.layers.size(); ++i) {
        const auto& layer = layers.vectors()[i];
        if (!layer) continue;
        PipelineStats::TileUnionChoice c;
        c.layer = catalog.layers[i].id;
        c.sites = wide.size();
        if (!wide.empty()) {
            c.work = layer->union_work(wide);
            c.tiles =
                kDissolveVertexCost * c.work.dissolve + kTileSiteCost * static_cast<double>(c.sites) < c.work.per_site;
        }
        out.push_back(std::move(c));
    }
    return out;
}

}  // namespace

PipelineStats run_pipeline(SiteSource& sites, std::shared_ptr<const LayerSet> layers, const ScreenOptions& options,
                           const PipelineConfig& config, const std::vector<BegunWriter>& writers) {
    PipelineStats stats;
    const int threads = !config.screeners.empty() ? static_cast<int>(config.screeners.size())
                        : config.threads > 0      ? config.threads
                                                  : std::max(1u, std::thread::hardware_concurrency());
    // The next site of this shard; false once the input is exhausted.
    auto next_site = [&](Site& s) {
        for (;;) {
            if (!sites.next(s)) return false;
            if (!config.shard) return true;
            // Spatial shards: equal slices of the Hilbert curve (error rows go to shard 0).
            const auto [i, n] = *config.shard;
            const std::uint64_t h = s.has_coordinates ? hilbert_index(s.lonlat) : 0;
            const std::uint64_t slice = (h * static_cast<std::uint64_t>(n)) >> 32;  // h < 2^32
            if (static_cast<int>(slice) == i) return true;
        }
    };
    // Sites read ahead of the batches (to choose the tiles), handed out first.
    std::deque<Site> ahead;
    ScreenOptions run_options = options;
    if (options.tile_union_auto && options.tile_union_min_radius_m > 0) {
        for (Site s; ahead.size() < kTileUnionProbeSites && next_site(s);) ahead.push_back(std::move(s));
        stats.tile_union = choose_tile_union(ahead, *layers, options, config);
        run_options.tile_union_layers.assign(layers->catalog().layers.size(), 0);
        std::size_t v = 0;
        for (std::size_t i = 0; i < layers->catalog().layers.size(); ++i)
            if (layers->vectors()[i]) run_options.tile_union_layers[i] = stats.tile_union[v++].tiles;
    }
    std::vector<std::unique_ptr<Screener>> own_screeners;
    std::vector<Screener*> screeners = config.screeners;
    // Screeners lent by the caller (serve's workers, one run at a time each) take this run's choice.
    for (Screener* s : screeners) s->set_tile_union_layers(run_options.tile_union_layers);
    for (int t = static_cast<int>(screeners.size()); t < threads; ++t) {
        own_screeners.push_back(std::make_unique<Screener>(layers, run_options));
        screeners.push_back(own_screeners.back().get());
    }

    std::unordered_map<std::string, std::string> seen_ids;  // id -> where it was first seen
    const std::size_t batch_size =
        static_cast<std::size_t>(threads) * std::max<std::size_t>(1, config.batch_per_thread);
    // Unless some writer's write() reads the whole result, each site's findings go on its screening
    // thread, once the writers' prepare() and digest() have read them.
    const bool keep_results =
        std::any_of(writers.begin(), writers.end(), [](const BegunWriter& w) { return w.plan.reads_result; });
    std::vector<Site> batch, next_batch;
    std::vector<SiteResult> results, writing;
    // Text and digests the writers build ahead on the screening threads: [site * writers + w].
    std::vector<std::string> rendered, writing_rendered;
    std::vector<std::any> digests, writing_digests;
    std::vector<std::size_t> preparers, digesters;
    for (std::size_t w = 0; w < writers.size(); ++w) {
        if (writers[w].plan.prepare) preparers.push_back(w);
        if (writers[w].plan.digest) digesters.push_back(w);
    }
    const std::size_t n_writers = writers.size();
    const std::string nothing_prepared;
    const std::any nothing_digested;
    std::vector<std::size_t> order;
    auto write_batch = [&]() {
        for (std::size_t i = 0; i < writing.size(); ++i) {
            const SiteResult& r = writing[i];
            ++stats.total;
            const auto seen = seen_ids.emplace(r.site.id, r.site.where);
            if (!seen.second) {
                ++stats.duplicate_ids;
                if (stats.duplicate_examples.size() < 20) {
                    stats.duplicate_examples.push_back(r.site.id);
                    stats.duplicate_lines.push_back({r.site.id, r.site.where, seen.first->second});
                }
            }
            if (r.site.error) {
                ++stats.error;
                if (stats.errors.size() < 100) stats.errors.push_back(*r.site.error);
            } else {
                ++stats.ok;
            }
            stats.warnings += r.warnings.size();
            if (!r.warnings.empty()) ++stats.with_warnings;
            for (std::size_t w = 0; w < n_writers; ++w) {
                const bool whole = writers[w].plan.reads_result;
                writers[w].writer->write(SiteOutput{r.site, whole ? &r : nullptr, writing_rendered[i * n_writers + w],
                                                    writing_digests[i * n_writers + w],
                                                    whole ? answer_of(r) : SiteAnswer{}});
            }
        }
        // Freed here, alongside the next batch's screening, not before it.
        writing.clear();
        writing_rendered.clear();
        writing_digests.clear();
        if (config.progress) config.progress(stats.total);
    };
    // The next batch of sites (of this shard); false once the input is exhausted.
    auto read_batch = [&](std::vector<Site>& into) {
        into.clear();
        while (into.size() < batch_size) {
            Site s;
            if (!ahead.empty()) {
                s = std::move(ahead.front());
                ahead.pop_front();
            } else if (!next_site(s)) {
                return false;
            }
            into.push_back(std::move(s));
        }
        return true;
    };
    // The previous batch is written on its own thread while this one is
    // screened; batches are written one after the other, in input order.
    // Declared after everything the tasks use, so that an exception leaving
    // this function joins the threads before those are destroyed.
    std::optional<TaskThread> writer_thread;
    if (!config.write_on_caller) writer_thread.emplace();
    bool writing_pending = false;
    // The screening threads, for the whole run. With one, the calling thread
    // screens (and reads the next batch after each).
    std::vector<std::unique_ptr<TaskThread>> pool;
    if (threads > 1)
        for (int t = 0; t < threads; ++t) pool.push_back(std::make_unique<TaskThread>());
    bool more = read_batch(batch);
    for (;;) {
        if (interrupt_flag().load()) throw Interrupted();
        if (batch.empty()) break;
        results.assign(batch.size(), SiteResult{});
        rendered.assign(batch.size() * n_writers, std::string());
        digests.assign(batch.size() * n_writers, std::any());
        std::exception_ptr prepare_error;
        std::mutex prepare_error_mutex;
        // Spatially coherent processing order: neighbouring sites share raster blocks.
        order.resize(batch.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::vector<std::uint64_t> keys(batch.size());
        for (std::size_t i = 0; i < batch.size(); ++i)
            keys[i] = batch[i].has_coordinates ? hilbert_index(batch[i].lonlat) : 0;
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });

        std::atomic<std::size_t> cursor{0};
        auto work = [&](int t) {
            Screener& screener = *screeners[t];
            for (;;) {
                const std::size_t k = cursor.fetch_add(1);
                if (k >= order.size() || interrupt_flag().load()) return;
                const std::size_t i = order[k];
                const Site& site = batch[i];
                // An exception escaping a worker thread would end the process and
                // lose the batch: whatever one site throws becomes its error row.
                try {
                    const std::vector<double> radii = config.radii_for ? config.radii_for(site) : options.radii_m;
                    SiteResult r = screener.screen(site, radii);
                    if (!r.site.error && config.assess) {
                        try {
                            config.assess(r, screener);
                        } catch (const std::exception& e) {
                            // An error row has no findings (docs/output.md): drop the half-assessed ones.
                            r.site.error = site.where + ": assessment failed: " + e.what();
                            r.layers.clear();
                            r.geometry.reset();
                            r.locate.reset();
                            r.evaluate.reset();
                            r.verdict.reset();
                            r.mitigation.reset();
                            r.alternative.reset();
                        }
                    }
                    results[i] = std::move(r);
                } catch (const std::exception& e) {
                    SiteResult r;
                    r.site = site;
                    r.site.error = site.where + ": cannot be screened: " + e.what();
                    results[i] = std::move(r);
                }
                // The writers' text and digests, built here on all threads; written in order later.
                try {
                    const SiteOutput site_output{results[i].site, &results[i], nothing_prepared, nothing_digested,
                                                 answer_of(results[i])};
                    for (const std::size_t w : preparers)
                        rendered[i * n_writers + w] = writers[w].plan.prepare(site_output);
                    for (const std::size_t w : digesters)
                        digests[i * n_writers + w] = writers[w].plan.digest(site_output);
                } catch (...) {
                    std::lock_guard<std::mutex> lock(prepare_error_mutex);
                    if (!prepare_error) prepare_error = std::current_exception();
                }
                if (!keep_results) {
                    SiteResult slim;  // what write_batch counts: the site, its id and error
                    slim.site = std::move(results[i].site);
                    slim.warnings = std::move(results[i].warnings);
                    results[i] = std::move(slim);
                }
            }
        };
        // The next batch is read meanwhile (on one thread, after the batch).
        std::exception_ptr read_error;
        auto read_next = [&] {
            try {
                if (more)
                    more = read_batch(next_batch);
                else
                    next_batch.clear();
            } catch (...) {
                read_error = std::current_exception();
            }
        };
        if (pool.empty()) {
            work(0);
            read_next();
        } else {
            for (int t = 0; t < threads; ++t) pool[t]->submit([&work, t] { work(t); });
            read_next();
            for (auto& th : pool) th->wait();  // work() lets nothing escape
        }
        if (read_error) std::rethrow_exception(read_error);
        if (writing_pending) {
            writing_pending = false;
            writer_thread->wait();  // the previous batch is written (or its error thrown)
        }
        if (interrupt_flag().load()) throw Interrupted();
        if (prepare_error) std::rethrow_exception(prepare_error);
        writing.swap(results);
        writing_rendered.swap(rendered);
        writing_digests.swap(digests);
        if (writer_thread) {
            writer_thread->submit(write_batch);
            writing_pending = true;
        } else {
            write_batch();
        }
        batch.swap(next_batch);
    }
    if (writing_pending) writer_thread->wait();
    return stats;
}

}  // namespace sitescreen
