#include "service/membership_cache.hpp"

namespace varde::service {

membership_cache::generation membership_cache::current() const {
    std::lock_guard lock(mutex_);
    return generation_;
}

std::optional<domain::principal> membership_cache::find(std::string const& fingerprint,
                                                        clock::time_point now) const {
    std::lock_guard lock(mutex_);
    if (!enabled_) return std::nullopt;
    auto it = entries_.find(fingerprint);
    if (it == entries_.end() || !fresh(it->second.stored, now)) return std::nullopt;
    return it->second.who;
}

void membership_cache::remember(std::string const& fingerprint, domain::principal who, generation seen,
                                clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (!enabled_ || seen != generation_) return;
    if (entries_.size() >= max_entries) entries_.clear();
    entries_.insert_or_assign(fingerprint, entry{std::move(who), now});
}

membership_cache::organisations membership_cache::all_organisations(clock::time_point now) const {
    std::lock_guard lock(mutex_);
    if (!enabled_ || !organisations_ || !fresh(organisations_stored_, now)) return nullptr;
    return organisations_;
}

void membership_cache::remember_organisations(organisations all, generation seen, clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (!enabled_ || seen != generation_) return;
    organisations_ = std::move(all);
    organisations_stored_ = now;
}

void membership_cache::forget_all() {
    std::lock_guard lock(mutex_);
    ++generation_;
    entries_.clear();
    organisations_.reset();
}

void membership_cache::set_enabled(bool on) {
    std::lock_guard lock(mutex_);
    if (enabled_ == on) return;
    enabled_ = on;
    ++generation_;
    entries_.clear();
    organisations_.reset();
}

bool membership_cache::enabled() const {
    std::lock_guard lock(mutex_);
    return enabled_;
}

}  // namespace varde::service
