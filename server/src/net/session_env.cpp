#include "net/session_env.hpp"

namespace varde::net {

void session_registry::add(session* key, std::weak_ptr<session> s) {
    std::lock_guard lock(mutex_);
    live_.emplace(key, std::move(s));
}

void session_registry::remove(session* key) {
    std::lock_guard lock(mutex_);
    live_.erase(key);
}

std::vector<std::shared_ptr<session>> session_registry::snapshot() {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<session>> out;
    for (auto const& [key, weak] : live_)
        if (auto s = weak.lock()) out.push_back(std::move(s));
    return out;
}

std::size_t session_registry::size() {
    std::lock_guard lock(mutex_);
    return live_.size();
}

}  // namespace varde::net
