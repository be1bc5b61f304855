#include "service/report_read_batcher.hpp"

#include <algorithm>
#include <iterator>
#include <memory>
#include <utility>

#include "store/errors.hpp"
#include "util/log.hpp"

namespace varde::service {

namespace rs = store::report_store;

report_read_batcher::report_read_batcher(store::async_reader& reader, std::size_t related_limit,
                                         std::size_t max_batch)
    : reader_(reader), related_limit_(related_limit), max_batch_(std::max<std::size_t>(max_batch, 1)) {}

void report_read_batcher::read(domain::principal const& who, std::string id, read_done done) {
    batch now;
    {
        std::lock_guard lock(mutex_);
        queue_.push_back({who, std::move(id), std::move(done)});
        if (in_flight_) return;  // goes out with the next batch, when the statement in flight answers
        in_flight_ = true;
        now = take_batch();
    }
    send(std::move(now));
}

std::uint64_t report_read_batcher::statements() const {
    std::lock_guard lock(mutex_);
    return statements_;
}

std::uint64_t report_read_batcher::reads() const {
    std::lock_guard lock(mutex_);
    return reads_;
}

report_read_batcher::batch report_read_batcher::take_batch() {
    batch out;
    if (queue_.size() <= max_batch_) {
        out.swap(queue_);
    } else {
        auto const end = queue_.begin() + static_cast<std::ptrdiff_t>(max_batch_);
        out.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(end));
        queue_.erase(queue_.begin(), end);
    }
    ++statements_;
    reads_ += out.size();
    return out;
}

void report_read_batcher::send(batch reads) {
    // Shared, so that the reads are still here to be answered if sending fails halfway.
    auto pending = std::make_shared<batch>(std::move(reads));
    try {
        // A read alone keeps the one-read statement: the batched one costs PostgreSQL a little
        // more for a single read.
        rs::statement_call call;
        if (pending->size() == 1) {
            call = rs::find_with_related_call(pending->front().id, pending->front().who, related_limit_);
        } else {
            std::vector<rs::report_read> keys;
            keys.reserve(pending->size());
            for (auto const& r : *pending) keys.push_back({r.id, r.who});
            call = rs::find_many_with_related_call(keys, related_limit_);
        }
        reader_.exec(call.s, std::move(call.params),
                     [this, pending](std::exception_ptr error, std::vector<store::row> rows) {
                         answer(*pending, std::move(error), std::move(rows));
                         send_next();
                     });
    } catch (...) {  // not sent (out of memory): these reads fail, the next ones go on
        answer(*pending, std::current_exception(), {});
        send_next();
    }
}

// Every read of the batch is answered, whatever one of them does with its answer.
void report_read_batcher::answer(batch& reads, std::exception_ptr error, std::vector<store::row> rows) const {
    std::vector<found> answers;
    if (!error) {
        try {
            if (reads.size() == 1)
                answers.push_back(rs::read_with_related(std::move(rows)));
            else
                answers = rs::read_many_with_related(std::move(rows), reads.size());
        } catch (std::exception const& e) {
            // A row the batch could not read: each read is tried again alone, on the worker
            // path, so that only the one at fault fails.
            error = reads.size() == 1 ? std::current_exception()
                                      : std::make_exception_ptr(store::failure(
                                            store::error_kind::unavailable,
                                            std::string("a batched report read could not be read: ") + e.what()));
        }
    }
    for (std::size_t i = 0; i < reads.size(); ++i) {
        try {
            reads[i].done(error, error ? found{} : std::move(answers[i]));
        } catch (std::exception const& e) {
            log::error("reports.read_answer_failed", {{"detail", e.what()}});
        }
    }
}

void report_read_batcher::send_next() {
    batch next;
    {
        std::lock_guard lock(mutex_);
        if (queue_.empty()) {
            in_flight_ = false;
            return;
        }
        next = take_batch();
    }
    send(std::move(next));
}

}  // namespace varde::service
