// list: keyset-paginated GET /v1/reports?limit=100 following next_cursor to the end, then
// again from the newest; one page is one operation. Needs reports in the node: run.sh loads
// a large set straight into the database (bench/load-reports.sh) before this scenario.
// With --view V every page asks for view=V (summary: header and title only).
#include <cctype>
#include <memory>
#include <optional>
#include <stdexcept>
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

struct list_counts {
    std::uint64_t items = 0, passes = 0, bytes = 0;
};

// Reads a page without building it as a tree: a full page is a quarter of a megabyte, and the
// generator spent most of its core making and freeing nlohmann::json trees of them. Still a
// complete, validating parse; it counts the items and takes next_cursor.
class page_reader : public nlohmann::json_sax<nlohmann::json> {
public:
    std::size_t items = 0;
    std::optional<std::string> cursor;
    bool saw_items = false, saw_cursor = false;

    bool key(string_t& k) override {
        if (depth_ == 1) last_key_ = k;
        return true;
    }
    bool start_object(std::size_t) override { return enter(); }
    bool end_object() override { return leave(); }
    bool start_array(std::size_t) override {
        if (depth_ == 1 && last_key_ == "items") in_items_ = saw_items = true;
        return enter();
    }
    bool end_array() override {
        if (depth_ == 2) in_items_ = false;
        return leave();
    }
    bool null() override { return top_level_value(std::nullopt); }
    bool string(string_t& v) override { return top_level_value(v); }
    bool boolean(bool) override { return top_level_value(std::nullopt); }
    bool number_integer(number_integer_t) override { return top_level_value(std::nullopt); }
    bool number_unsigned(number_unsigned_t) override { return top_level_value(std::nullopt); }
    bool number_float(number_float_t, string_t const&) override { return top_level_value(std::nullopt); }
    bool binary(binary_t&) override { return top_level_value(std::nullopt); }
    bool parse_error(std::size_t, std::string const&, nlohmann::detail::exception const& e) override {
        throw std::runtime_error(std::string("page is not JSON: ") + e.what());
    }

private:
    bool enter() {
        if (in_items_ && depth_ == 2) ++items;  // an element of the items array opens
        ++depth_;
        return true;
    }
    bool leave() {
        --depth_;
        return true;
    }
    bool top_level_value(std::optional<std::string> v) {
        if (in_items_ && depth_ == 2) ++items;
        if (depth_ == 1 && last_key_ == "next_cursor") {
            cursor = std::move(v);
            saw_cursor = true;
        }
        return true;
    }
    std::size_t depth_ = 0;
    bool in_items_ = false;
    std::string last_key_;
};

std::string first_page(options const& o) { return "/v1/reports?limit=100" + (o.view.empty() ? "" : "&view=" + o.view); }

void list_loop(options const& o, work_budget& budget, samples& out, list_counts& counts) {
    auto tls = credentials(o, principal_or(o, "bob"));
    std::unique_ptr<client::connection> c;
    std::string cursor;
    auto base = first_page(o);
    while (budget.take()) {
        auto path = base + (cursor.empty() ? std::string{} : "&cursor=" + url_encode(cursor));
        auto start = clock::now();
        try {
            if (!c) c = std::make_unique<client::connection>(o.node, tls);
            auto r = c->request("GET", path);
            if (r.status != 200) throw std::runtime_error("HTTP " + std::to_string(r.status));
            out.add(clock::now() - start);
            page_reader page;
            nlohmann::json::sax_parse(r.body, &page);
            if (!page.saw_items || !page.saw_cursor) throw std::runtime_error("page without items or next_cursor");
            counts.items += page.items;
            counts.bytes += r.body.size();
            cursor = page.cursor.value_or(std::string{});
            if (cursor.empty()) ++counts.passes;
        } catch (std::exception const&) {
            ++out.errors;
            c.reset();
            cursor.clear();
        }
    }
}

}  // namespace

nlohmann::json run_list(options const& o) {
    auto principal = principal_or(o, "bob");
    std::vector<samples> per_thread(o.connections);
    std::vector<list_counts> counts(o.connections);
    work_budget budget(o.duration_s, o.count);
    run_clock rc(o.node_pid, o.db_pid);
    std::vector<std::jthread> threads;
    for (std::size_t i = 0; i < per_thread.size(); ++i)
        threads.emplace_back([&, i] { list_loop(o, budget, per_thread[i], counts[i]); });
    threads.clear();
    rc.stop();
    list_counts total;
    for (auto const& c : counts) {
        total.items += c.items;
        total.passes += c.passes;
        total.bytes += c.bytes;
    }
    nlohmann::json extra{{"connections", o.connections}, {"page_size", 100}, {"items", total.items},
                         {"passes_to_end", total.passes}, {"principal", principal}};
    std::uint64_t pages = 0;
    for (auto const& s : per_thread) pages += s.latency_ns.size();
    extra["bytes_per_page"] = pages ? total.bytes / pages : 0;
    if (!o.view.empty()) extra["view"] = o.view;
    return summarise("list", per_thread, rc, extra);
}

}  // namespace varde::bench
