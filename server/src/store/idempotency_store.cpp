#include "store/idempotency_store.hpp"

namespace varde::store::idempotency_store {

namespace {

constexpr statement claim_sql{"idempotency_claim", R"(
    INSERT INTO idempotency_key (principal_id, key, request_hash, status, body)
    VALUES ($1::uuid, $2, md5($3), 0, '') ON CONFLICT DO NOTHING RETURNING 1)"};

constexpr statement read_sql{"idempotency_read",
    "SELECT request_hash = md5($3), status, body FROM idempotency_key "
    "WHERE principal_id = $1::uuid AND key = $2"};

constexpr statement complete_sql{"idempotency_complete",
    "UPDATE idempotency_key SET status = $3::integer, body = $4 WHERE principal_id = $1::uuid AND key = $2"};

}  // namespace

std::optional<stored_answer> claim(tx& t, std::string const& principal_id, std::string const& key,
                                   std::string const& request_body) {
    if (t.exec_maybe(claim_sql, {principal_id, key, request_body})) return std::nullopt;
    auto r = t.exec_one(read_sql, {principal_id, key, request_body});
    return stored_answer{r.boolean(0), static_cast<unsigned>(r.int64(1)), r.text(2)};
}

void complete(tx& t, std::string const& principal_id, std::string const& key, unsigned status,
              std::string const& body) {
    t.exec(complete_sql, {principal_id, key, std::to_string(status), body});
}

}  // namespace varde::store::idempotency_store
