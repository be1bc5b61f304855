#pragma once
// What the node knows of its membership, kept between requests: the principals behind
// recently seen certificates, and the list of organisations (recipients, sectors, the
// anonymiser's terms, trust). Without it every request would pay a database round trip to
// learn who sent it, and every publish several more to read the directory.
//
// Safe only while changes are heard: the node's event hub LISTENs for the `varde_identities`
// notification that migrations/0004 sends on every commit touching a principal or an
// organisation, and calls forget_all(); while that listener is disconnected the cache is
// switched off (every lookup goes to the database). Changes made through this node forget
// at once, before they are answered. A generation counter keeps a lookup that raced with a
// change from storing what it read before the change, and every entry also ages out after
// `max_age`, so a notification lost without the connection noticing costs at most that long.
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/identity.hpp"

namespace varde::service {

class membership_cache {
public:
    using clock = std::chrono::steady_clock;
    using organisations = std::shared_ptr<std::vector<domain::organisation> const>;

    explicit membership_cache(clock::duration max_age = std::chrono::seconds(2)) : max_age_(max_age) {}

    // What a lookup must hand back to remember_*(): stale if anything was forgotten since.
    using generation = std::uint64_t;
    generation current() const;

    // The cached principal, if the cache is on and holds a fresh entry.
    std::optional<domain::principal> find(std::string const& fingerprint, clock::time_point now = clock::now()) const;
    // Stores what a lookup read, unless a change was heard since `seen` was taken.
    void remember(std::string const& fingerprint, domain::principal who, generation seen,
                  clock::time_point now = clock::now());

    // Every organisation, if the cache is on and holds a fresh list; else nullptr.
    organisations all_organisations(clock::time_point now = clock::now()) const;
    void remember_organisations(organisations all, generation seen, clock::time_point now = clock::now());

    void forget_all();
    // Off while the node cannot hear changes; switching either way forgets everything.
    void set_enabled(bool on);
    bool enabled() const;

private:
    struct entry {
        domain::principal who;
        clock::time_point stored;
    };
    bool fresh(clock::time_point stored, clock::time_point now) const { return now - stored < max_age_; }

    clock::duration max_age_;
    mutable std::mutex mutex_;
    bool enabled_ = false;
    generation generation_ = 0;
    std::unordered_map<std::string, entry> entries_;
    organisations organisations_;
    clock::time_point organisations_stored_;
    static constexpr std::size_t max_entries = 100'000;  // a bound, far above any enrolment
};

}  // namespace varde::service
