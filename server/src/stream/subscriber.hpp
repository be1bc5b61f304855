#pragma once
// A live stream as the hub sees it. net/stream_session implements it; the hub calls these
// from its own thread, so each must return at once (post to the session's strand).
#include <string>

#include "domain/identity.hpp"

namespace varde::stream {

enum class close_kind {
    too_slow,        // its send queue overflowed: resume from the cursor in the reason
    history_lost,    // its cursor is older than the retained history
    access_revoked,  // its principal was revoked, or its certificate expired
    access_changed,  // its principal's role, kind or organisation changed: resume, to be judged anew
    node_stopping,   // resume from the cursor in the reason, on this node or another
};

class subscriber {
public:
    virtual ~subscriber() = default;
    virtual void wake() = 0;                            // the hub holds new events
    virtual std::string const& fingerprint() const = 0;  // its certificate, fixed for its life
    virtual void refresh(domain::principal who) = 0;   // its principal or organisation changed
    virtual void end(close_kind why) = 0;
};

}  // namespace varde::stream
