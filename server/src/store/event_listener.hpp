#pragma once
// The wake-up of the event stream: a dedicated PostgreSQL connection that LISTENs for the
// notifications migrations/0004 sends at commit. It carries no data; the event log is the
// truth, so a lost notification only delays delivery until the caller's next poll.
#include <chrono>
#include <memory>
#include <string>

namespace varde::store {

class event_listener {
public:
    explicit event_listener(std::string url);
    ~event_listener();
    event_listener(event_listener const&) = delete;
    event_listener& operator=(event_listener const&) = delete;

    struct woken {
        bool events = false;      // report_event rows were committed
        bool identities = false;  // a principal or organisation changed
        bool connected = true;    // false while the database cannot be reached
    };

    // Blocks up to `wait` for notifications. Connects (again) as needed; never throws.
    woken wait(std::chrono::milliseconds wait);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace varde::store
