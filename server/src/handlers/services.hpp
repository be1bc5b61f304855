#pragma once
// What handlers may call: the use cases, and a few facts about the node.
#include <functional>
#include <string>

#include "service/identity_service.hpp"
#include "service/report_service.hpp"

namespace varde::store {
class pg_pool;
}

namespace varde::handlers {

struct services {
    service::identity_service& identity;
    service::report_service& reports;
    store::pg_pool& pool;
    std::function<bool()> schema_ready;  // migrations applied (false while the DB is down at start)
    std::string version;
};

}  // namespace varde::handlers
