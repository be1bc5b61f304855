#include "store/audit_store.hpp"

#include "store/errors.hpp"

namespace varde::store::audit_store {

namespace {

constexpr statement append_sql{"audit_append",
                               "SELECT audit_append($1, $2, $3, $4, $5::jsonb)"};

constexpr statement list_sql{"audit_list", R"(
    SELECT seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), actor, action,
           subject_type, subject_id, detail::text, prev_hash, hash
    FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2)"};

// A NULL parameter means "any": the filters are parameters, never spliced into the SQL.
constexpr statement filtered_list_sql{"audit_list_filtered", R"(
    SELECT seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), actor, action,
           subject_type, subject_id, detail::text, prev_hash, hash
    FROM audit_log
    WHERE seq > $1
      AND ($2::text IS NULL OR action = $2)
      AND ($3::text IS NULL OR subject_type = $3)
      AND ($4::text IS NULL OR subject_id = $4)
      AND ($5::text IS NULL OR actor = $5)
    ORDER BY seq LIMIT $6)"};

constexpr statement head_sql{"audit_head", "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"};

// The hash each entry should have, recomputed from its fields with the same function that
// wrote it, next to the hash it has and the predecessor it claims, in chain order.
constexpr statement verify_sql{"audit_verify", R"(
    SELECT seq, prev_hash, hash,
           audit_entry_hash(prev_hash, seq, at, actor, action, subject_type, subject_id, detail)
    FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 10000)"};

constexpr std::string_view genesis =
    "0000000000000000000000000000000000000000000000000000000000000000";

stored_entry from_row(row const& r) {
    return {r.int64(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5), r.text(6), r.text(7), r.text(8)};
}

}  // namespace

std::int64_t append(tx& t, entry const& e) {
    return t.exec_one(append_sql, {e.actor, e.action, e.subject_type, e.subject_id, e.detail_json})
        .int64(0);
}

std::vector<stored_entry> list(tx& t, std::int64_t after_seq, std::size_t limit) {
    std::vector<stored_entry> out;
    for (auto const& r : t.exec(list_sql, {std::to_string(after_seq), std::to_string(limit)}))
        out.push_back(from_row(r));
    return out;
}

std::vector<stored_entry> list(tx& t, filter const& f) {
    std::vector<stored_entry> out;
    auto rows = t.exec(filtered_list_sql, {std::to_string(f.after_seq), f.action, f.subject_type,
                                           f.subject_id, f.actor, std::to_string(f.limit)});
    for (auto const& r : rows) out.push_back(from_row(r));
    return out;
}

chain_head head(tx& t) {
    auto r = t.exec_maybe(head_sql);
    if (!r) return {0, std::string(genesis)};
    return {r->int64(0), r->text(1)};
}

verify_result verify(tx& t) {
    verify_result result;
    std::string expected_prev(genesis);
    std::int64_t expected_seq = 1;
    for (std::int64_t after = 0;;) {
        auto rows = t.exec(verify_sql, {std::to_string(after)});
        if (rows.empty()) break;
        for (auto const& r : rows) {
            auto seq = r.int64(0);
            bool linked = seq == expected_seq && r.text(1) == expected_prev;
            if (!linked || r.text(2) != r.text(3)) {
                result.first_broken = seq;  // the first entry that does not chain
                return result;
            }
            expected_prev = r.text(2);
            ++expected_seq;
            ++result.checked;
            after = seq;
        }
    }
    result.head = expected_prev;
    return result;
}

}  // namespace varde::store::audit_store
