#pragma once
// A read that does not block its caller: one statement, whose rows come back to a callback.
// For the hot read that is answered without a worker thread (GET /v1/reports/{id}); every
// other read and every write goes through pg_pool on a worker. No libpq or Asio type here,
// so services can use it without depending on either.
#include <exception>
#include <functional>
#include <vector>

#include "store/tx.hpp"

namespace varde::store {

class async_reader {
public:
    // error is a store::failure (unavailable: no connection, or it was lost meanwhile).
    using rows_done = std::function<void(std::exception_ptr error, std::vector<row> rows)>;

    virtual ~async_reader() = default;

    // False while it has no connection: take the blocking path instead.
    virtual bool ready() const = 0;

    // Runs `s` in its own implicit transaction (one snapshot, as pg_pool::read). `done` is
    // called exactly once, on the reader's I/O thread; it must not block.
    virtual void exec(statement s, std::vector<param> params, rows_done done) = 0;
};

}  // namespace varde::store
