#include "net/session_env.hpp"

namespace varde::net {

void session_registry::add(http_session* key, std::weak_ptr<http_session> session) {
    std::lock_guard lock(mutex_);
    live_.emplace(key, std::move(session));
}

void session_registry::remove(http_session* key) {
    std::lock_guard lock(mutex_);
    live_.erase(key);
}

std::vector<std::shared_ptr<http_session>> session_registry::snapshot() {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<http_session>> out;
    for (auto const& [key, weak] : live_)
        if (auto s = weak.lock()) out.push_back(std::move(s));
    return out;
}

std::size_t session_registry::size() {
    std::lock_guard lock(mutex_);
    return live_.size();
}

}  // namespace varde::net
