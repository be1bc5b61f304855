#pragma once
// A loopback TCP relay between the node and PostgreSQL that a test can cut and restore,
// to make the database "go away" and come back without touching the cluster.
#include <memory>

namespace varde::test {

class tcp_proxy {
public:
    explicit tcp_proxy(unsigned short target_port);
    ~tcp_proxy();
    unsigned short port() const;
    void cut();      // close the listener and every relayed connection
    void restore();  // listen again on the same port

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace varde::test
