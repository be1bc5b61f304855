#include "stream/event_hub.hpp"

#include <algorithm>

#include "service/identity_service.hpp"
#include "store/event_listener.hpp"
#include "util/log.hpp"

namespace varde::stream {

event_hub::event_hub(event_service& events, service::identity_service& identity, std::string database_url,
                     hub_settings settings)
    : events_(events), identity_(identity), database_url_(std::move(database_url)), settings_(settings) {}

event_hub::~event_hub() { stop(); }

void event_hub::start() {
    if (!feed_.joinable()) feed_ = std::thread([this] { run(); });
}

void event_hub::stop() {
    stopping_ = true;
    if (feed_.joinable()) feed_.join();
}

void event_hub::attach(std::shared_ptr<subscriber> const& s) {
    {
        std::lock_guard lock(mutex_);
        subscribers_.insert_or_assign(s.get(), s);
    }
    // A revocation the feed thread judged between this stream's authentication and now
    // would otherwise wait for the periodic re-check.
    revalidate_due_ = true;
}

void event_hub::detach(subscriber const* s) {
    std::lock_guard lock(mutex_);
    subscribers_.erase(s);
}

std::size_t event_hub::subscriber_count() const {
    std::lock_guard lock(mutex_);
    return subscribers_.size();
}

std::optional<std::vector<shared_event>> event_hub::recent_after(std::int64_t position, std::size_t max) const {
    std::lock_guard lock(mutex_);
    if (!memory_base_ || position < *memory_base_) return std::nullopt;
    auto first = std::upper_bound(memory_.begin(), memory_.end(), position,
                                  [](std::int64_t p, shared_event const& e) { return p < e->id; });
    auto count = std::min<std::size_t>(max, static_cast<std::size_t>(memory_.end() - first));
    return std::vector<shared_event>(first, first + static_cast<std::ptrdiff_t>(count));
}

std::vector<std::shared_ptr<subscriber>> event_hub::live_subscribers() const {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<subscriber>> out;
    out.reserve(subscribers_.size());
    for (auto const& [key, weak] : subscribers_)
        if (auto s = weak.lock()) out.push_back(std::move(s));
    return out;
}

// LISTEN is in place before the head is read, so no commit after it goes unnoticed. Should
// the listening connection be down, the loop still reads every poll interval.
void event_hub::run() {
    store::event_listener listener(database_url_);
    auto const step = std::min<std::chrono::milliseconds>(settings_.poll_interval, std::chrono::milliseconds(250));
    auto last_read = std::chrono::steady_clock::time_point{};
    auto last_check = std::chrono::steady_clock::now();
    while (!stopping_) {
        // Short waits, so stop() is never held up by a long poll interval.
        auto woken = listener.wait(step);
        if (stopping_) break;
        hear_identities(woken.connected, woken.identities);
        auto now = std::chrono::steady_clock::now();
        if (woken.events || !memory_base_ || now - last_read >= settings_.poll_interval) {
            last_read = now;
            try {
                if (!memory_base_) position_at_head();
                while (read_new() && !stopping_) {
                }
            } catch (std::exception const& e) {
                log::warn("stream.feed_failed", {{"detail", e.what()}});
            }
        }
        // A change of identities is remembered until a re-check has completed: a revocation
        // must not wait for the periodic check because the database hiccupped once.
        if (woken.identities || now - last_check >= settings_.revalidate_interval) revalidate_due_ = true;
        // Cleared before the re-check, not after: a stream attached meanwhile sets it again
        // and is judged on the next turn instead of waiting for the periodic check.
        if (revalidate_due_.exchange(false)) {
            if (revalidate()) last_check = now;
            else revalidate_due_ = true;
        }
    }
}

// The principal cache is only as good as this connection: on while it listens, emptied
// whenever a principal or organisation changed (before the re-check below reads them).
void event_hub::hear_identities(bool listening, bool changed) {
    auto& cache = identity_.cache();
    cache.set_enabled(listening);
    if (changed) cache.forget_all();
}

void event_hub::position_at_head() {
    auto head = events_.head();
    std::lock_guard lock(mutex_);
    head_ = head;
    memory_base_ = head;
    log::info("stream.feed_positioned", {{"head", head}});
}

bool event_hub::read_new() {
    auto page = events_.read_after(head_, settings_.batch);
    if (page.history_lost) {
        // Another node purged history this one had not read yet: start again from the head;
        // subscribers behind it catch up from the database and learn there what is lost.
        log::warn("stream.feed_behind_history", {{"head", head_}});
        position_at_head();
        return false;
    }
    auto& got = page.events;
    if (got.empty()) return false;
    share_states(got);
    auto full = got.size() == settings_.batch;
    {
        std::lock_guard lock(mutex_);
        for (auto& e : got) memory_.push_back(std::move(e));
        head_ = memory_.back()->id;
        while (memory_.size() > settings_.memory_events) {
            memory_base_ = memory_.front()->id;
            memory_.pop_front();
        }
    }
    for (auto const& s : live_subscribers()) s->wake();
    return full;
}

// Events already in memory about the same report now see its newest state.
void event_hub::share_states(std::vector<std::shared_ptr<feed_event>>& events) {
    for (auto& e : events) {
        auto& known = states_[e->report_id];
        auto existing = known.lock();
        if (existing && existing != e->state) {
            existing->replace(e->state->get().first);
            e->state = existing;
        } else if (!existing) {
            known = e->state;
        }
    }
    if (states_.size() > 2 * settings_.memory_events)
        std::erase_if(states_, [](auto const& entry) { return entry.second.expired(); });
}

// One lookup per distinct certificate: a revoked principal or an expired certificate ends
// its streams; any other change (sectors, role, kind) applies to what they receive next.
bool event_hub::revalidate() {
    std::unordered_map<std::string, std::optional<domain::principal>> verdicts;
    for (auto const& s : live_subscribers()) {
        auto [it, fresh] = verdicts.try_emplace(s->fingerprint());
        if (fresh) {
            auto auth = identity_.authenticate(s->fingerprint());
            if (!auth) return false;  // the database is away: judge again on the next round
            if (auth.value().status == service::auth_status::ok) it->second = auth.value().who;
        }
        if (it->second) s->refresh(*it->second);
        else s->end(close_kind::access_revoked);
    }
    return true;
}

}  // namespace varde::stream
