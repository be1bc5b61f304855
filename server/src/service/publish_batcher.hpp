#pragma once
// Group commit for publishing. Reports are checked and scrubbed on many worker threads at
// once; then every report waiting at that moment is written in a single statement run as its
// own transaction (publish_batch, migrations/0007: report rows, originals, indicators, events
// and audit entries), so a single commit (one WAL flush) and a single round trip make them
// all durable. Each caller is answered only after the commit of the transaction that holds
// its report: nothing is acknowledged early.
//
// Who writes: while publishes come one at a time (the last batch held one report), a
// publisher that finds nobody writing and nobody waiting writes its report itself, on its own
// thread, so a lone publish wakes no other thread and waits for none (docs/performance.md,
// Publish). Publishers that arrive while a batch is being written wait, and the writer thread
// writes all of them in the next batch, and the next, for as long as there are any: under
// load the batches grow by themselves, one right after the other, and a publisher that finds
// the queue empty between two of them waits for the writer thread rather than write a batch
// of one ahead of the others.
//
// A batch that fails on something other than the database being unavailable is written
// again one report per transaction, so one bad report cannot fail the others. Unavailable
// includes a commit in doubt (the connection lost while the statement ran, or an error after
// it returned): such a batch may have committed and is never written again.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

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

    // Since construction (tests: which path wrote, and whether batches formed).
    struct counts {
        std::uint64_t batches = 0;                // statements written (not counting one-by-one retries)
        std::uint64_t written_by_publishers = 0;  // batches a publisher wrote on its own thread
        std::size_t largest_batch = 0;
    };
    counts counted() const;

private:
    using answer = outcome<store::report_store::inserted>;
    // A publisher's report while it waits, on the publisher's stack; the rest under mutex_.
    struct pending {
        store::report_store::new_report const* row;
        store::audit_store::entry const* audit;
        std::optional<answer> done;  // set by the writer of its batch
        std::condition_variable wake;
    };

    void run();  // the writer thread
    // Writes the oldest waiting (one batch) and answers them; called with mutex_ held and
    // writing_ set, returns with it held and writing_ clear.
    void write_next(std::unique_lock<std::mutex>& lock);
    std::vector<pending*> take_batch();  // the oldest waiting, within the limits; under mutex_
    std::vector<answer> write_batch(std::vector<pending*> const& batch);
    std::vector<answer> write_each(std::vector<pending*> const& batch);
    std::vector<store::report_store::inserted> commit(std::vector<pending*> const& batch);

    store::pg_pool pool_;
    std::size_t max_batch_;
    static constexpr std::size_t max_batch_bytes = 64 * 1024 * 1024;  // and at most this much text
    mutable std::mutex mutex_;
    std::condition_variable wake_;  // for the writer thread: reports waiting, or stopping
    std::deque<pending*> queue_;
    bool writing_ = false;  // a batch is being written (one at a time: one connection)
    bool one_at_a_time_ = true;  // the last batch held one report
    std::size_t inside_ = 0;     // publishers in write() with a report queued
    counts counts_;
    bool stopping_ = false;
    std::thread writer_;  // started when a publisher first has to wait
};

}  // namespace varde::service
