#pragma once
// What handlers may call: the use cases, and a few facts about the node.
#include <functional>
#include <string>

#include "service/audit_service.hpp"
#include "service/identity_service.hpp"
#include "service/report_service.hpp"
#include "stream/event_service.hpp"

namespace varde::store {
class pg_pool;
}

namespace varde::handlers {

// Reads one PEM certificate: its facts, or why it is not one. net/x509 does it, and handlers
// do not depend on net, so the node passes it in.
struct certificate_read {
    std::optional<service::certificate_facts> facts;
    std::string error;
};
using certificate_reader = std::function<certificate_read(std::string const& pem)>;

struct services {
    service::identity_service& identity;
    service::report_service& reports;
    store::pg_pool& pool;
    std::function<bool()> schema_ready;  // migrations applied (false while the DB is down at start)
    std::string version;
    service::audit_service& audit;
    certificate_reader read_certificate;
    stream::event_service& events;
    // Reads answered without a worker thread (router::answer_async); none: always a worker.
    service::report_read_batcher* reads = nullptr;
};

}  // namespace varde::handlers
