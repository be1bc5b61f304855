#include "service/audit_service.hpp"

#include <charconv>
#include <limits>

#include "service/identity_service.hpp"
#include "store/audit_store.hpp"
#include "store/pg_pool.hpp"

namespace varde::service {

namespace {

using errors = std::vector<domain::field_error>;

std::optional<std::uint64_t> whole_number(std::string const& text) {
    std::uint64_t v = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
    return v;
}

void parse_one(std::string const& key, std::string const& value, store::audit_store::filter& f, errors& out) {
    if (key == "after") {
        auto v = whole_number(value);
        if (!v || *v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return out.push_back({key, "must be a whole number (a seq)"});
        f.after_seq = static_cast<std::int64_t>(*v);
    } else if (key == "limit") {
        auto v = whole_number(value);
        if (!v || *v < 1 || *v > audit_service::max_page)
            return out.push_back({key, "must be a whole number from 1 to " + std::to_string(audit_service::max_page)});
        f.limit = *v;
    } else if (key == "action" || key == "subject_type" || key == "subject_id" || key == "actor") {
        if (value.empty()) return out.push_back({key, "must not be empty"});
        auto& target = key == "action" ? f.action : key == "subject_type" ? f.subject_type
                     : key == "subject_id" ? f.subject_id : f.actor;
        target = value;
    } else {
        out.push_back({key, "unknown query parameter"});
    }
}

wire::audit_record record_of(store::audit_store::stored_entry&& e) {
    return {e.seq, std::move(e.at), std::move(e.actor), std::move(e.action), std::move(e.subject_type),
            std::move(e.subject_id), std::move(e.detail_json), std::move(e.prev_hash), std::move(e.hash)};
}

}  // namespace

outcome<audit_page> audit_service::list(std::map<std::string, std::string> const& query) {
    store::audit_store::filter f;
    f.limit = default_page;
    errors bad;
    for (auto const& [key, value] : query) parse_one(key, value, f, bad);
    if (!bad.empty()) return error{error_code::invalid, "the query is not valid; see errors", std::move(bad)};
    auto page_size = f.limit;
    ++f.limit;  // one more than asked tells whether there is a next page
    try {
        std::vector<store::audit_store::stored_entry> rows;
        pool_.transact([&](store::tx& t) { rows = store::audit_store::list(t, f); });
        audit_page page;
        bool more = rows.size() > page_size;
        if (more) rows.resize(page_size);
        for (auto& r : rows) page.entries.push_back(record_of(std::move(r)));
        if (more) page.next_after = page.entries.back().seq;
        return page;
    } catch (std::exception const& e) {
        return from_store_failure(e);
    }
}

outcome<audit_head> audit_service::head() {
    try {
        store::audit_store::chain_head h;
        pool_.transact([&](store::tx& t) { h = store::audit_store::head(t); });
        return audit_head{h.seq, std::move(h.hash)};
    } catch (std::exception const& e) {
        return from_store_failure(e);
    }
}

// One snapshot for the whole walk, so entries appended meanwhile cannot look like a break.
outcome<audit_verification> audit_service::verify() {
    try {
        store::audit_store::verify_result r;
        pool_.transact([&](store::tx& t) { r = store::audit_store::verify(t); }, store::isolation::repeatable_read);
        return audit_verification{r.checked, r.first_broken, std::move(r.head)};
    } catch (std::exception const& e) {
        return from_store_failure(e);
    }
}

}  // namespace varde::service
