#pragma once
// `varde follow --exec CMD`: runs CMD with /bin/sh for one event, the event's JSON on its
// standard input and VARDE_EVENT, VARDE_REPORT_ID, VARDE_CURSOR, VARDE_REPORT_FILE in its
// environment. Its standard output goes to our standard error, so NDJSON output stays clean.
#include <string>

#include <nlohmann/json.hpp>

namespace varde::cli {

// The command's exit status (128 + signal if a signal ended it, -1 if it could not start).
int run_exec_hook(std::string const& command, nlohmann::json const& event, std::string const& report_file);

}  // namespace varde::cli
