#pragma once
// Report reads (GET /v1/reports/{id}) on the asynchronous reader, batched. While one
// statement is with PostgreSQL, the reads that arrive wait; when it answers, they go out
// together as one statement (report_store::find_many_with_related_call), each with its own
// reader, and each is answered as if it had been read alone. A read that finds no statement
// in flight goes out at once, alone: batching adds no wait to a quiet node.
//
// Why: on a small table, PostgreSQL spent more on each statement (starting the plan, sending
// the answer) than on the report in it: ~66 µs of backend CPU per read alone, ~37 µs per
// read in a statement of 16 (docs/performance.md, Requests).
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "domain/identity.hpp"
#include "store/async_reader.hpp"
#include "store/report_store.hpp"

namespace varde::service {

class report_read_batcher {
public:
    using found = std::optional<store::report_store::report_with_related>;
    // error is a store::failure as async_reader gives it (unavailable: take the worker path).
    using read_done = std::function<void(std::exception_ptr error, found report)>;

    report_read_batcher(store::async_reader& reader, std::size_t related_limit, std::size_t max_batch = 64);

    // False while the reader has no connection: take the worker path instead.
    bool ready() const { return reader_.ready(); }

    // `id` must look like a UUID (one PostgreSQL refuses would fail its whole batch). `done`
    // is called exactly once, on the reader's thread; it must not block.
    void read(domain::principal const& who, std::string id, read_done done);

    // Statements sent and reads in them, since construction (tests: shows batches formed).
    std::uint64_t statements() const;
    std::uint64_t reads() const;

private:
    struct waiting {
        domain::principal who;
        std::string id;
        read_done done;
    };
    using batch = std::vector<waiting>;

    batch take_batch();  // the oldest max_batch_ of the queue; under mutex_
    void send(batch reads);
    void answer(batch& reads, std::exception_ptr error, std::vector<store::row> rows) const;
    void send_next();

    store::async_reader& reader_;
    std::size_t related_limit_;
    std::size_t max_batch_;
    mutable std::mutex mutex_;
    batch queue_;
    bool in_flight_ = false;  // a statement is with the reader; what arrives waits in queue_
    std::uint64_t statements_ = 0;
    std::uint64_t reads_ = 0;
};

}  // namespace varde::service
