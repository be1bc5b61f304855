#pragma once
// Checks the node's audit log on the client side: every entry's hash is recomputed from its
// fields exactly as the database computes it (migrations/0001: SHA-256 over the fields joined
// by U+001F, with the detail in PostgreSQL's jsonb text form), and must name its predecessor.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace varde::cli {

struct chain_check {
    std::int64_t checked = 0;
    std::optional<std::int64_t> first_broken;  // seq of the first entry that does not hold
    std::string why;
    std::string head_hash;  // of the last entry checked
};

class audit_chain_verifier {
public:
    // Feed entries in seq order (pages of GET /v1/admin/audit); stops checking at the first break.
    void add(nlohmann::json const& entry);
    chain_check const& result() const { return result_; }

private:
    chain_check result_;
    std::int64_t expected_seq_ = 1;
    std::string expected_prev_ = std::string(64, '0');
};

// The text PostgreSQL gives for a jsonb value (keys ordered by length then bytes, ", " and ": ").
std::string jsonb_text(nlohmann::json const& value);

}  // namespace varde::cli
