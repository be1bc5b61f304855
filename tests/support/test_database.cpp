#include "test_database.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>

#include "store/migrator.hpp"
#include "store/pg_pool.hpp"
#include "util/lsan_suppressions.hpp"

namespace varde::test {

std::string admin_url() {
    char const* env = std::getenv("VARDE_TEST_PG_URL");
    return env ? env : VARDE_TEST_PG_URL;
}

namespace {

std::string url_for(std::string const& db) {
    auto base = admin_url();
    auto slash = base.rfind('/');
    return base.substr(0, slash + 1) + db;
}

}  // namespace

test_database::test_database(bool migrated) {
    static std::atomic<int> counter{0};
    name_ = "varde_t_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    store::execute_autocommit(admin_url(), "DROP DATABASE IF EXISTS " + name_);
    store::execute_autocommit(admin_url(), "CREATE DATABASE " + name_);
    url_ = url_for(name_);
    if (migrated) store::migrate(url_, store::embedded_migrations());
}

test_database::~test_database() {
    try {
        store::execute_autocommit(admin_url(), "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (...) {
        // The cluster is throw-away; a leftover database does no harm.
    }
}

void test_database::exec(std::string const& sql) const {
    store::pg_pool pool({url_, 1});
    pool.transact([&](store::tx& t) { t.exec_script(sql); });
}

}  // namespace varde::test
