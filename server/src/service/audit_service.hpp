#pragma once
// Reading the audit log (SPEC §6): filtered pages for operators, the chain head that the node
// logs so a copy can be kept outside the database, and verification of the whole chain.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "service/outcome.hpp"
#include "wire/admin_json.hpp"

namespace varde::store {
class pg_pool;
}

namespace varde::service {

struct audit_page {
    std::vector<wire::audit_record> entries;
    std::optional<std::int64_t> next_after;  // pass as `after` for the next page; none at the end
};

struct audit_head {
    std::int64_t seq = 0;  // 0 while the log is empty
    std::string hash;
};

struct audit_verification {
    std::int64_t checked = 0;
    std::optional<std::int64_t> first_broken;
    std::string head;
};

class audit_service {
public:
    static constexpr std::size_t default_page = 100;
    static constexpr std::size_t max_page = 1000;

    explicit audit_service(store::pg_pool& pool) : pool_(pool) {}

    // Query parameters: after, limit, action, subject_type, subject_id, actor (exact matches).
    // An unknown or malformed parameter is invalid, naming it.
    outcome<audit_page> list(std::map<std::string, std::string> const& query);
    outcome<audit_head> head();
    outcome<audit_verification> verify();

private:
    store::pg_pool& pool_;
};

}  // namespace varde::service
