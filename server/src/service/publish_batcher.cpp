#include "service/publish_batcher.hpp"

#include <algorithm>
#include <iterator>

#include "service/identity_service.hpp"  // from_store_failure
#include "store/errors.hpp"
#include "util/log.hpp"

namespace varde::service {

namespace rs = store::report_store;

namespace {

// What a report adds to the batch's statements (escaping may double it): far below
// PostgreSQL's 1 GB limit on one parameter and one message.
std::size_t size_of(rs::new_report const& r) {
    std::size_t n = r.shared_json.size() + r.redactions_json.size() + r.warnings_json.size() + r.original_body.size();
    for (auto const& [type, value] : r.indicators) n += type.size() + value.size();
    return n;
}

}  // namespace

publish_batcher::publish_batcher(std::string const& database_url, std::size_t max_batch)
    : pool_({database_url, 1}), max_batch_(max_batch == 0 ? 1 : max_batch) {}

publish_batcher::~publish_batcher() {
    {
        std::unique_lock lock(mutex_);
        stopping_ = true;
        wake_.notify_all();
        // What was accepted is written, and every publisher has left write(): one woken with
        // its answer still takes mutex_ once more.
        wake_.wait(lock, [&] { return !writing_ && queue_.empty() && inside_ == 0; });
    }
    if (writer_.joinable()) writer_.join();
}

outcome<rs::inserted> publish_batcher::write(rs::new_report const& row, store::audit_store::entry const& audit) {
    pending p{&row, &audit, {}, {}};
    std::unique_lock lock(mutex_);
    if (stopping_) return error{error_code::unavailable, "the node is stopping; try again shortly"};
    // Nobody writing, nobody waiting, and publishes coming one at a time: write it here.
    bool const write_here = one_at_a_time_ && !writing_ && queue_.empty();
    if (!write_here && !writer_.joinable()) writer_ = std::thread([this] { run(); });  // may throw: p not queued yet
    queue_.push_back(&p);
    ++inside_;
    if (write_here) {
        writing_ = true;
        ++counts_.written_by_publishers;
        write_next(lock);
    } else {
        wake_.notify_all();
        p.wake.wait(lock, [&] { return p.done.has_value(); });
    }
    auto result = std::move(*p.done);
    --inside_;
    if (stopping_) wake_.notify_all();
    return result;
}

publish_batcher::counts publish_batcher::counted() const {
    std::lock_guard lock(mutex_);
    return counts_;
}

void publish_batcher::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [&] { return !writing_ && (!queue_.empty() || stopping_); });
        if (queue_.empty()) return;  // stopping, and nothing left to write
        writing_ = true;
        write_next(lock);
    }
}

void publish_batcher::write_next(std::unique_lock<std::mutex>& lock) {
    auto batch = take_batch();
    one_at_a_time_ = batch.size() == 1;
    ++counts_.batches;
    counts_.largest_batch = std::max(counts_.largest_batch, batch.size());
    lock.unlock();
    std::vector<answer> answers;
    try {
        answers = write_batch(batch);
    } catch (std::exception const& e) {  // nothing taken may be left unanswered
        answers.assign(batch.size(), from_store_failure(e));
    }
    lock.lock();
    // Answered and woken under the lock: a publisher returns (and its pending, with its
    // condition variable, goes) only once it has seen its answer under the lock.
    for (std::size_t i = 0; i < batch.size(); ++i) {
        batch[i]->done.emplace(std::move(answers[i]));
        batch[i]->wake.notify_one();
    }
    writing_ = false;
    // The writer thread takes what came meanwhile; a stopping destructor waits for this.
    if (!queue_.empty() || stopping_) wake_.notify_all();
}

// The oldest waiting, up to max_batch_ reports and max_batch_bytes of text (at least one):
// under load the batches grow by themselves, and a lone publish waits for nobody.
std::vector<publish_batcher::pending*> publish_batcher::take_batch() {
    std::vector<pending*> batch;
    std::size_t bytes = 0;
    while (!queue_.empty() && batch.size() < max_batch_ && (batch.empty() || bytes < max_batch_bytes)) {
        bytes += size_of(*queue_.front()->row);
        batch.push_back(queue_.front());
        queue_.pop_front();
    }
    return batch;
}

std::vector<rs::inserted> publish_batcher::commit(std::vector<pending*> const& batch) {
    std::vector<rs::new_report const*> rows;
    std::vector<store::audit_store::entry const*> audits;
    rows.reserve(batch.size());
    audits.reserve(batch.size());
    for (auto* p : batch) {
        rows.push_back(p->row);
        audits.push_back(p->audit);
    }
    std::vector<rs::inserted> got;
    // One statement, its own transaction: one round trip per batch. Any doubt about its
    // commit comes back as failure{unavailable}, which write_batch never writes again.
    pool_.write_one([&](store::tx& t) { got = rs::publish_batch(t, rows, audits); });
    return got;
}

std::vector<publish_batcher::answer> publish_batcher::write_batch(std::vector<pending*> const& batch) {
    try {
        auto got = commit(batch);
        return {std::make_move_iterator(got.begin()), std::make_move_iterator(got.end())};
    } catch (store::failure const& f) {
        if (f.kind() == store::error_kind::unavailable || batch.size() == 1)
            return std::vector<answer>(batch.size(), from_store_failure(f));
        log::warn("publish.batch_failed", {{"reports", batch.size()}, {"detail", f.what()}});
    } catch (std::exception const& e) {
        if (batch.size() == 1) return {from_store_failure(e)};
        log::warn("publish.batch_failed", {{"reports", batch.size()}, {"detail", e.what()}});
    }
    return write_each(batch);
}

std::vector<publish_batcher::answer> publish_batcher::write_each(std::vector<pending*> const& batch) {
    std::vector<answer> answers;
    for (auto* p : batch) {
        try {
            answers.emplace_back(std::move(commit({p}).front()));
        } catch (std::exception const& e) {
            answers.emplace_back(from_store_failure(e));
        }
    }
    return answers;
}

}  // namespace varde::service
