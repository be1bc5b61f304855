#pragma once
// Group commit for publishing. Reports are checked and scrubbed on many worker threads at
// once; this one writer thread then writes every report waiting at that moment in a single
// statement run as its own transaction (publish_batch, migrations/0007: report rows,
// originals, indicators, events and audit entries), so a single commit (one WAL flush) and
// a single round trip make them all durable. Each caller is answered only after
// the commit of the transaction that holds its report: nothing is acknowledged early.
//
// A batch that fails on something other than the database being unavailable is written
// again one report per transaction, so one bad report cannot fail the others. Unavailable
// includes a commit in doubt (the connection lost while the statement ran, or an error after
// it returned): such a batch may have committed and is never written again.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

#include "service/outcome.hpp"
#include "store/audit_store.hpp"
#include "store/pg_pool.hpp"
#include "store/report_store.hpp"

namespace varde::service {

class publish_batcher {
public:
    // Writes with a connection of its own, so it never waits behind the readers' pool.
    publish_batcher(std::string const& database_url, std::size_t max_batch);
    ~publish_batcher();
    publish_batcher(publish_batcher const&) = delete;
    publish_batcher& operator=(publish_batcher const&) = delete;

    // Blocks until the report is committed (with its audit entry, and its event when
    // published) or has failed. `row` and `audit` must stay alive until it returns.
    outcome<store::report_store::inserted> write(store::report_store::new_report const& row,
                                                 store::audit_store::entry const& audit);

private:
    struct pending {
        store::report_store::new_report const* row;
        store::audit_store::entry const* audit;
        std::promise<outcome<store::report_store::inserted>> done;
    };

    void run();
    void write_batch(std::vector<pending*> const& batch);
    void write_each(std::vector<pending*> const& batch);
    std::vector<store::report_store::inserted> commit(std::vector<pending*> const& batch);

    store::pg_pool pool_;
    std::size_t max_batch_;
    static constexpr std::size_t max_batch_bytes = 64 * 1024 * 1024;  // and at most this much text
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<pending*> queue_;
    bool stopping_ = false;
    std::thread writer_;  // started on the first write
};

}  // namespace varde::service
