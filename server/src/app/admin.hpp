#pragma once
// `varde-node admin ...` and `varde-node audit verify`: operator acts run directly against the
// database (each written to the audit log), for bootstrapping before any operator can use
// the HTTPS API.
#include "app/args.hpp"
#include "app/node_config.hpp"

namespace varde::app {

// Documented exit codes, so scripts can tell "exists already" from a failure.
enum exit_code : int {
    exit_ok = 0,
    exit_failure = 1,
    exit_usage = 2,
    exit_conflict = 3,
    exit_not_found = 4,
    exit_unavailable = 5,
};

int run_admin(node_config const& config, args const& a);
int run_audit(node_config const& config, args const& a);
int run_migrate(node_config const& config);

}  // namespace varde::app
