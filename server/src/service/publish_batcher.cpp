#include "service/publish_batcher.hpp"

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
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (writer_.joinable()) writer_.join();
}

outcome<rs::inserted> publish_batcher::write(rs::new_report const& row, store::audit_store::entry const& audit) {
    pending p{&row, &audit, {}};
    auto answer = p.done.get_future();
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return error{error_code::unavailable, "the node is stopping; try again shortly"};
        if (!writer_.joinable()) writer_ = std::thread([this] { run(); });
        queue_.push_back(&p);
    }
    wake_.notify_one();
    return answer.get();
}

// Takes whatever is waiting (up to max_batch_) whenever the previous batch is done: under
// load the batches grow by themselves, and a lone publish waits for nobody.
void publish_batcher::run() {
    std::vector<pending*> batch;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping, and nothing left to write
            std::size_t bytes = 0;
            while (!queue_.empty() && batch.size() < max_batch_ && (batch.empty() || bytes < max_batch_bytes)) {
                bytes += size_of(*queue_.front()->row);
                batch.push_back(queue_.front());
                queue_.pop_front();
            }
        }
        write_batch(batch);
        batch.clear();
    }
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

void publish_batcher::write_batch(std::vector<pending*> const& batch) {
    try {
        auto got = commit(batch);
        for (std::size_t i = 0; i < batch.size(); ++i) batch[i]->done.set_value(std::move(got[i]));
        return;
    } catch (store::failure const& f) {
        if (f.kind() == store::error_kind::unavailable || batch.size() == 1) {
            auto e = from_store_failure(f);
            for (auto* p : batch) p->done.set_value(e);
            return;
        }
        log::warn("publish.batch_failed", {{"reports", batch.size()}, {"detail", f.what()}});
    } catch (std::exception const& e) {
        if (batch.size() == 1) return batch.front()->done.set_value(from_store_failure(e));
        log::warn("publish.batch_failed", {{"reports", batch.size()}, {"detail", e.what()}});
    }
    write_each(batch);
}

void publish_batcher::write_each(std::vector<pending*> const& batch) {
    for (auto* p : batch) {
        try {
            p->done.set_value(std::move(commit({p}).front()));
        } catch (std::exception const& e) {
            p->done.set_value(from_store_failure(e));
        }
    }
}

}  // namespace varde::service
