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
    std::lock_guard lock(mutex_);
    subscribers_.emplace(s.get(), s);
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

// LISTEN is in place before the head is read, so no commit after it goes unnoticed.
void event_hub::run() {
    store::event_listener listener(database_url_);
    auto last_check = std::chrono::steady_clock::now();
    while (!stopping_) {
        auto woken = listener.wait(settings_.poll_interval);
        if (stopping_) break;
        if (!woken.connected) continue;
        try {
            if (!memory_base_) position_at_head();
            while (read_new() && !stopping_) {
            }
            auto now = std::chrono::steady_clock::now();
            if (woken.identities || now - last_check >= settings_.revalidate_interval) {
                last_check = now;
                revalidate();
            }
        } catch (std::exception const& e) {
            log::warn("stream.feed_failed", {{"detail", e.what()}});
        }
    }
}

void event_hub::position_at_head() {
    auto head = events_.head();
    std::lock_guard lock(mutex_);
    head_ = head;
    memory_base_ = head;
    log::info("stream.feed_positioned", {{"head", head}});
}

bool event_hub::read_new() {
    auto got = events_.read_after(head_, settings_.batch).events;
    if (got.empty()) return false;
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
    return got.size() == settings_.batch;
}

// One lookup per distinct certificate: a revoked principal or an expired certificate ends
// its streams; any other change (sectors, role, kind) applies to what they receive next.
void event_hub::revalidate() {
    std::unordered_map<std::string, std::optional<domain::principal>> verdicts;
    for (auto const& s : live_subscribers()) {
        auto [it, fresh] = verdicts.try_emplace(s->fingerprint());
        if (fresh) {
            auto auth = identity_.authenticate(s->fingerprint());
            if (!auth) return;  // the database is away: judge on the next round
            if (auth.value().status == service::auth_status::ok) it->second = auth.value().who;
        }
        if (it->second) s->refresh(*it->second);
        else s->end(close_kind::access_revoked);
    }
}

}  // namespace varde::stream
