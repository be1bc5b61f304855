#pragma once
// The append-only, hash-chained audit log (SPEC §6). The chain is computed by the database
// function audit_append (migrations/0001), under a lock, in the caller's transaction: an
// act and its audit entry commit together or not at all.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/tx.hpp"

namespace varde::store::audit_store {

struct entry {
    std::string actor;         // fingerprint of the acting principal, or "admin-cli:<user>"
    std::string action;        // "organisation.created", "principal.enrolled", ...
    std::string subject_type;  // "organisation", "principal", "report"
    std::string subject_id;
    std::string detail_json = "{}";  // before/after, as a JSON object
};

std::int64_t append(tx& t, entry const& e);

struct stored_entry {
    std::int64_t seq;
    std::string at, actor, action, subject_type, subject_id, detail_json, prev_hash, hash;
};

std::vector<stored_entry> list(tx& t, std::int64_t after_seq, std::size_t limit);

// Entries after after_seq, in chain order, that match every filter given (exact matches).
struct filter {
    std::int64_t after_seq = 0;
    std::size_t limit = 100;
    std::optional<std::string> action, subject_type, subject_id, actor;
};
std::vector<stored_entry> list(tx& t, filter const& f);

// The last entry's seq and hash; {0, 64 zeros} while the log is empty.
struct chain_head {
    std::int64_t seq = 0;
    std::string hash;
};
chain_head head(tx& t);

struct verify_result {
    std::int64_t checked = 0;
    std::optional<std::int64_t> first_broken;  // seq of the first entry that does not chain
    std::string head;                          // hash of the last entry
};

// Recomputes every entry's hash in order and checks each links to its predecessor.
verify_result verify(tx& t);

}  // namespace varde::store::audit_store
