// Load benchmark of `sitescreen serve`: N single-site POST /v1/screen requests from C concurrent
// keep-alive clients; prints throughput, latency percentiles and the service's memory over the run.
// Usage: sitescreen_serve_bench SITESCREEN [requests=10000] [clients=32] [sites.csv] [coords] [serve options...]
// Sites: the points of a CSV (default sample_sites/candidates.csv; `coords` gcj02 for the Shenzhen
// chargers), each moved by up to a few hundred metres per request so that no two requests ask for
// the same place. Figures only: nothing here fails on a slow machine.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "support/serve_process.h"

namespace {

struct Point {
    double lon, lat;
    std::string type;
};

// lon, lat and type of a sites CSV (columns lon/longitude, lat/latitude, type; no quoted commas).
std::vector<Point> sample_points(const std::string& csv) {
    std::ifstream in(csv);
    std::string line;
    std::getline(in, line);
    auto split = [](const std::string& l) {
        std::vector<std::string> cells;
        std::stringstream ss(l);
        for (std::string c; std::getline(ss, c, ',');) cells.push_back(c);
        return cells;
    };
    const auto header = split(line);
    int lon = -1, lat = -1, type = -1;
    for (int i = 0; i < static_cast<int>(header.size()); ++i) {
        if (header[i] == "lon" || header[i] == "longitude") lon = i;
        if (header[i] == "lat" || header[i] == "latitude") lat = i;
        if (header[i] == "type") type = i;
    }
    std::vector<Point> out;
    while (lon >= 0 && lat >= 0 && std::getline(in, line)) {
        const auto cells = split(line);
        try {
            out.push_back({std::stod(cells.at(lon)), std::stod(cells.at(lat)), type >= 0 ? cells.at(type) : "plant"});
        } catch (const std::exception&) {
        }
    }
    return out;
}

// Resident and peak memory of a process, kB (VmRSS, VmHWM of /proc/PID/status).
std::pair<long, long> memory_kb(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    long rss = -1, hwm = -1;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("VmRSS:", 0) == 0) rss = std::stol(line.substr(6));
        if (line.rfind("VmHWM:", 0) == 0) hwm = std::stol(line.substr(6));
    }
    return {rss, hwm};
}

// CPU seconds (user + system) a process has used so far (utime, stime of /proc/PID/stat).
double cpu_seconds(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto close = stat.rfind(')');  // the command name may hold spaces
    if (close == std::string::npos) return -1;
    std::istringstream rest(stat.substr(close + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    for (int i = 3; rest >> field; ++i) {  // fields 14 and 15 (1-based) are utime and stime
        if (i == 14) utime = std::stoull(field);
        if (i == 15) {
            stime = std::stoull(field);
            break;
        }
    }
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Reads an answer as a streaming client would (nlohmann's SAX parser: every token lexed and the
// JSON checked, no tree built): counts the records and the records with a verdict. A tree of a
// 35 kB charger record cost the client half a millisecond of the cores it shares with the service.
struct AnswerReader : nlohmann::json_sax<nlohmann::json> {
    std::vector<char> open;  // 'o' object, 'a' array
    bool in_records = false, next_is_records = false;
    int records = 0, verdicts = 0;
    bool value() {
        next_is_records = false;
        return true;
    }
    bool null() override { return value(); }
    bool boolean(bool) override { return value(); }
    bool number_integer(number_integer_t) override { return value(); }
    bool number_unsigned(number_unsigned_t) override { return value(); }
    bool number_float(number_float_t, const string_t&) override { return value(); }
    bool string(string_t&) override { return value(); }
    bool binary(binary_t&) override { return value(); }
    bool start_object(std::size_t) override {
        if (in_records && open.size() == 2) ++records;
        open.push_back('o');
        next_is_records = false;
        return true;
    }
    bool end_object() override {
        open.pop_back();
        return true;
    }
    bool start_array(std::size_t) override {
        if (next_is_records) in_records = true;
        next_is_records = false;
        open.push_back('a');
        return true;
    }
    bool end_array() override {
        open.pop_back();
        if (open.size() == 1) in_records = false;
        return true;
    }
    bool key(string_t& k) override {
        next_is_records = open.size() == 1 && k == "records";
        if (in_records && open.size() == 3 && k == "verdict") ++verdicts;
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }
};

// CPU seconds (user + system) this process, the clients, has used so far.
double own_cpu_seconds() {
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: sitescreen_serve_bench SITESCREEN [requests=10000] [clients=32] [sites.csv] [coords] "
                     "[serve options...]\n";
        return 2;
    }
    const std::string binary = argv[1];
    const int requests = argc > 2 ? std::atoi(argv[2]) : 10000;
    const int clients = argc > 3 ? std::atoi(argv[3]) : 32;
    const std::string sites_csv =
        argc > 4 ? argv[4] : std::string(SITESCREEN_SOURCE_DIR) + "/sample_sites/candidates.csv";
    const std::string coords = argc > 5 ? argv[5] : "wgs84";
    std::vector<std::string> extra = {"-q", "--jobs-dir", ""};
    for (int i = 6; i < argc; ++i) extra.push_back(argv[i]);
    const auto points = sample_points(sites_csv);
    if (points.empty()) {
        std::cerr << "no sample sites found\n";
        return 1;
    }
    sitescreen::testing::ServeProcess server(binary, extra, "/tmp/sitescreen_serve_bench.log");
    if (server.port() == 0) {
        std::cerr << "the service did not start:\n" << server.log();
        return 1;
    }
    // The service makes the map page's outline (GET /v1/basemap) once at start, on a thread of its
    // own: seconds of CPU with the shipped admin layers. That is start-up, not the cost of a request:
    // it is waited for (the route answers once it is made) before the clock and the CPU count start.
    const auto warm_start = std::chrono::steady_clock::now();
    {
        httplib::Client warm("127.0.0.1", server.port());
        warm.set_read_timeout(600, 0);
        auto basemap = warm.Get("/v1/basemap");
        if (!basemap || basemap->status != 200) {
            std::cerr << "GET /v1/basemap failed: "
                      << (basemap ? std::to_string(basemap->status) : httplib::to_string(basemap.error())) << "\n";
            return 1;
        }
    }
    const double warm_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - warm_start).count();
    const auto [rss_start, hwm_start] = memory_kb(server.pid());
    const double cpu_start = cpu_seconds(server.pid()), client_cpu_start = own_cpu_seconds();

    std::atomic<int> next{0}, failures{0};
    std::vector<double> latencies_ms(static_cast<std::size_t>(requests), 0);
    std::vector<long> rss_samples;
    std::vector<std::string> failure_examples;
    std::mutex sample_mutex;
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
        threads.emplace_back([&] {
            httplib::Client client("127.0.0.1", server.port());
            client.set_keep_alive(true);
            client.set_tcp_nodelay(true);  // as curl and browsers do: no Nagle wait on a request's body
            client.set_read_timeout(60, 0);
            for (int i; (i = next.fetch_add(1)) < requests;) {
                const Point& p = points[static_cast<std::size_t>(i) % points.size()];
                // A few hundred metres off the sample site, different for every request.
                const double dlon = ((i * 7919) % 101 - 50) * 0.0001, dlat = ((i * 104729) % 97 - 48) * 0.0001;
                const std::string body =
                    fmt::format(R"({{"id":"b{}","lon":{:.6f},"lat":{:.6f},"type":"{}","coords":"{}"}})", i,
                                p.lon + dlon, p.lat + dlat, p.type, coords);
                const auto s = std::chrono::steady_clock::now();
                auto res = client.Post("/v1/screen", body, "application/json");
                latencies_ms[static_cast<std::size_t>(i)] =
                    std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s).count();
                // As a client would: the answer parsed, the record's verdict read.
                bool answered = false;
                if (res && (res->status == 200 || res->status == 422)) {
                    AnswerReader reader;
                    answered =
                        nlohmann::json::sax_parse(res->body, &reader) && reader.records == 1 && reader.verdicts == 1;
                }
                if (!answered) {
                    ++failures;
                    std::lock_guard<std::mutex> lock(sample_mutex);
                    const std::string why =
                        res ? "HTTP " + std::to_string(res->status) + ": " + res->body.substr(0, 200)
                            : "no answer: " + httplib::to_string(res.error());
                    if (failure_examples.size() < 5) failure_examples.push_back(why);
                }
                if (i % 500 == 0) {
                    std::lock_guard<std::mutex> lock(sample_mutex);
                    rss_samples.push_back(memory_kb(server.pid()).first);
                }
            }
        });
    }
    for (auto& t : threads) t.join();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto [rss_end, hwm_end] = memory_kb(server.pid());
    const double cpu_ms = (cpu_seconds(server.pid()) - cpu_start) * 1000 / requests;
    const double client_cpu_ms = (own_cpu_seconds() - client_cpu_start) * 1000 / requests;
    std::vector<double> sorted = latencies_ms;
    std::sort(sorted.begin(), sorted.end());
    auto pct = [&](double q) {
        return sorted[std::min(sorted.size() - 1, static_cast<std::size_t>(q * sorted.size()))];
    };
    std::cout << fmt::format("sitescreen serve: {} single-site requests from {} clients on {} cores ({} sites of {})\n",
                             requests, clients, std::thread::hardware_concurrency(), points.size(), sites_csv);
    std::cout << fmt::format("  start-up     {:.1f} s waited for the map page's outline before measuring\n", warm_s);
    std::cout << fmt::format("  throughput   {:.0f} requests/s ({:.1f} s), {} failed\n", requests / secs, secs,
                             failures.load());
    std::cout << fmt::format(
        "  latency      p50 {:.1f} ms, p90 {:.1f} ms, p99 {:.1f} ms, max {:.1f} ms (target: p99 < 50 ms)\n", pct(0.50),
        pct(0.90), pct(0.99), sorted.back());
    // The latency a closed loop of C clients on W cores would see if the service had the cores to
    // itself: each request waits for the C - 1 others (Little's law), C x CPU / W.
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    std::cout << fmt::format(
        "  service CPU  {:.2f} ms a request ({} clients x that / {} cores = {:.1f} ms of mean "
        "latency on otherwise idle cores)\n",
        cpu_ms, clients, cores, clients * cpu_ms / cores);
    // The clients share the cores with the service: what they take is not the service's to use.
    std::cout << fmt::format(
        "  client CPU   {:.2f} ms a request (the {} client threads: HTTP keep-alive requests, "
        "responses read and parsed)\n",
        client_cpu_ms, clients);
    const long first_half = rss_samples.empty() ? rss_start : rss_samples[rss_samples.size() / 4];
    std::cout << fmt::format(
        "  memory       RSS {:.0f} MB after loading, {:.0f} MB a quarter in, {:.0f} MB at the end; "
        "peak {:.0f} MB\n",
        rss_start / 1024.0, first_half / 1024.0, rss_end / 1024.0, hwm_end / 1024.0);
    for (const auto& f : failure_examples) std::cout << "  failed: " << f << '\n';
    server.stop();
    return failures.load() == 0 ? 0 : 1;
}
