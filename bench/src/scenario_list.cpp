// list: keyset-paginated GET /v1/reports?limit=100 following next_cursor to the end, then
// again from the newest; one page is one operation. Needs reports in the node (run.sh runs
// `publish` first).
#include <cctype>
#include <memory>
#include <thread>

#include <nlohmann/json.hpp>

#include "scenarios.hpp"
#include "stats.hpp"

namespace varde::bench {

namespace {

// The cursor is opaque but URL-safe is not promised: percent-encode anything unusual.
std::string url_encode(std::string const& s) {
    static char const* digits = "0123456789ABCDEF";
    std::string out;
    for (unsigned char ch : s) {
        if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
            out += static_cast<char>(ch);
        } else {
            out += '%';
            out += digits[ch >> 4];
            out += digits[ch & 15];
        }
    }
    return out;
}

void list_loop(options const& o, work_budget& budget, samples& out, std::uint64_t& items) {
    auto tls = credentials(o, principal_or(o, "bob"));
    std::unique_ptr<client::connection> c;
    std::string cursor;
    while (budget.take()) {
        auto path = "/v1/reports?limit=100" + (cursor.empty() ? std::string{} : "&cursor=" + url_encode(cursor));
        auto start = clock::now();
        try {
            if (!c) c = std::make_unique<client::connection>(o.node, tls);
            auto r = c->request("GET", path);
            if (r.status != 200) throw std::runtime_error("HTTP " + std::to_string(r.status));
            out.add(clock::now() - start);
            auto page = nlohmann::json::parse(r.body);
            items += page.at("items").size();
            cursor = page.at("next_cursor").is_string() ? page["next_cursor"].get<std::string>() : std::string{};
        } catch (std::exception const&) {
            ++out.errors;
            c.reset();
            cursor.clear();
        }
    }
}

}  // namespace

nlohmann::json run_list(options const& o) {
    std::vector<samples> per_thread(o.connections);
    std::vector<std::uint64_t> items(o.connections, 0);
    work_budget budget(o.duration_s, o.count);
    run_clock rc(o.node_pid);
    std::vector<std::jthread> threads;
    for (std::size_t i = 0; i < per_thread.size(); ++i)
        threads.emplace_back([&, i] { list_loop(o, budget, per_thread[i], items[i]); });
    threads.clear();
    rc.stop();
    std::uint64_t total = 0;
    for (auto n : items) total += n;
    return summarise("list", per_thread, rc, {{"connections", o.connections}, {"page_size", 100}, {"items", total}});
}

}  // namespace varde::bench
