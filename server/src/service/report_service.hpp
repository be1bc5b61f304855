#pragma once
// Use cases of reports (SPEC §3–5): publish, preview, read one, list, search by indicator.
// Every read goes through the store's visibility filter (the SQL mirror of
// domain::access_to); an invisible report is "not found", exactly like a missing one.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/identity.hpp"
#include "domain/pseudonym.hpp"
#include "domain/validation.hpp"
#include "service/outcome.hpp"
#include "service/report_read_batcher.hpp"
#include "wire/report_codec.hpp"

namespace varde::store {
class pg_pool;
}

namespace varde::service {

struct report_settings {
    domain::validation_limits validation;
    wire::decode_limits decoding;
    int original_retention_days = 30;
    // Fewer member organisations than this in the report's sector and country: warn.
    int single_out_threshold = 3;
    std::size_t max_page = 200;
    // Group commit: at most this many publishes in one transaction.
    std::size_t publish_batch_max = 256;
};

struct created {
    unsigned status = 201;  // or the first answer's status, for a retried Idempotency-Key
    std::string body;
};

using query_params = std::map<std::string, std::string>;

class publish_batcher;
class membership_cache;

class report_service {
public:
    // With `membership`, publishes read the organisations from the node's membership cache
    // (see membership_cache.hpp) instead of the database.
    report_service(store::pg_pool& pool, domain::keyed_hash const& pseudonyms, report_settings settings,
                   membership_cache* membership = nullptr);
    ~report_service();

    outcome<created> publish(domain::principal const& who, std::string const& body,
                             std::optional<std::string> const& idempotency_key);
    outcome<std::string> preview(domain::principal const& who, std::string const& body);
    outcome<std::string> get(domain::principal const& who, std::string const& id);
    // get() without blocking: the report is read through `reads` (batched with the reads of
    // others), and `done` called on the reader's thread with the same answer get() gives.
    void get_async(domain::principal const& who, std::string const& id, report_read_batcher& reads,
                   std::function<void(outcome<std::string>)> done);
    // The most related reports a report read lists (get, get_async).
    static constexpr std::size_t related_limit = 50;
    outcome<std::string> list(domain::principal const& who, query_params const& query);
    outcome<std::string> by_indicator(domain::principal const& who, std::string const& type,
                                      std::string const& value);
    // Moderation and changes (service/moderation.cpp). Operators only where noted; the
    // handler routes make operator acts invisible (404) to members.
    outcome<std::string> queue(domain::principal const& who, bool unreviewed_published);  // operators
    outcome<std::string> approve(domain::principal const& who, std::string const& id, std::string const& body);
    outcome<std::string> reject(domain::principal const& who, std::string const& id, std::string const& body);
    outcome<std::string> mark_reviewed(domain::principal const& who, std::string const& id);
    outcome<std::string> retract(domain::principal const& who, std::string const& id);
    outcome<created> change_tlp(domain::principal const& who, std::string const& id, std::string const& body);
    outcome<std::string> decide_proposal(domain::principal const& who, std::string const& id, bool accept);

    // Deletes unscrubbed originals whose retention has ended; returns how many.
    outcome<std::int64_t> purge_expired_originals();

private:
    struct prepared;
    outcome<prepared> prepare(domain::principal const& who, std::string const& body);
    using organisation_list = std::shared_ptr<std::vector<domain::organisation> const>;
    organisation_list organisations(bool from_database = false);
    organisation_list organisations_naming(domain::principal const& who, domain::report_draft const& d);

    store::pg_pool& pool_;
    domain::keyed_hash const& pseudonyms_;
    report_settings settings_;
    membership_cache* membership_;
    std::unique_ptr<publish_batcher> batcher_;
};

}  // namespace varde::service
