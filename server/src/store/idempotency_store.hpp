#pragma once
// Idempotency keys: a retried POST returns the first answer and creates nothing new.
// The claim is made in the same transaction as the work it guards, so a concurrent retry
// waits on the key's row and then reads the committed answer.
#include <optional>
#include <string>

#include "store/tx.hpp"

namespace varde::store::idempotency_store {

struct stored_answer {
    bool same_request = true;  // false: the key was used for a different request body
    unsigned status = 0;
    std::string body;
};

// Claims the key for this request; nullopt if claimed now, else the answer stored earlier.
std::optional<stored_answer> claim(tx& t, std::string const& principal_id, std::string const& key,
                                   std::string const& request_body);
void complete(tx& t, std::string const& principal_id, std::string const& key, unsigned status,
              std::string const& body);

}  // namespace varde::store::idempotency_store
