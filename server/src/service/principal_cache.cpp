#include "service/principal_cache.hpp"

namespace varde::service {

std::optional<domain::principal> principal_cache::find(std::string const& fingerprint,
                                                             clock::time_point now) const {
    std::lock_guard lock(mutex_);
    if (!enabled_) return std::nullopt;
    auto it = entries_.find(fingerprint);
    if (it == entries_.end() || now - it->second.stored >= max_age_) return std::nullopt;
    return it->second.who;
}

principal_cache::generation principal_cache::current() const {
    std::lock_guard lock(mutex_);
    return generation_;
}

void principal_cache::remember(std::string const& fingerprint, domain::principal who, generation seen,
                               clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (!enabled_ || seen != generation_) return;
    if (entries_.size() >= max_entries) entries_.clear();
    entries_.insert_or_assign(fingerprint, principal_cache::entry{std::move(who), now});
}

void principal_cache::forget_all() {
    std::lock_guard lock(mutex_);
    ++generation_;
    entries_.clear();
}

void principal_cache::set_enabled(bool on) {
    std::lock_guard lock(mutex_);
    if (enabled_ == on) return;
    enabled_ = on;
    ++generation_;
    entries_.clear();
}

bool principal_cache::enabled() const {
    std::lock_guard lock(mutex_);
    return enabled_;
}

}  // namespace varde::service
