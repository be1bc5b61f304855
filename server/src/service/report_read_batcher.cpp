#include "service/report_read_batcher.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

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
    // A read alone keeps the one-read statement: the batched one costs PostgreSQL a little
    // more for a single read.
    rs::statement_call call;
    if (reads.size() == 1) {
        call = rs::find_with_related_call(reads.front().id, reads.front().who, related_limit_);
    } else {
        std::vector<rs::report_read> keys;
        keys.reserve(reads.size());
        for (auto const& r : reads) keys.push_back({r.id, r.who});
        call = rs::find_many_with_related_call(keys, related_limit_);
    }
    reader_.exec(call.s, std::move(call.params),
                 [this, reads = std::move(reads)](std::exception_ptr error, std::vector<store::row> rows) mutable {
                     send_next();  // PostgreSQL starts on the next batch while these are answered
                     answer(reads, std::move(error), std::move(rows));
                 });
}

void report_read_batcher::answer(batch& reads, std::exception_ptr error, std::vector<store::row> rows) const {
    std::vector<found> answers;
    if (!error) {
        try {
            if (reads.size() == 1)
                answers.push_back(rs::read_with_related(std::move(rows)));
            else
                answers = rs::read_many_with_related(std::move(rows), reads.size());
        } catch (...) {
            error = std::current_exception();
        }
    }
    for (std::size_t i = 0; i < reads.size(); ++i)
        reads[i].done(error, error ? found{} : std::move(answers[i]));
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
