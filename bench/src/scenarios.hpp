#pragma once
// One function per scenario; each returns the JSON line to print (stats.hpp: summarise).
#include <nlohmann/json.hpp>

#include "options.hpp"

namespace varde::bench {

nlohmann::json run_requests(options const& o);
nlohmann::json run_handshakes(options const& o);
nlohmann::json run_publish(options const& o);
nlohmann::json run_fanout(options const& o);
nlohmann::json run_list(options const& o);
nlohmann::json run_idle(options const& o);

// Publishes one report as `principal` and returns its id (setup for the read scenarios).
std::string publish_one(options const& o, std::string const& principal);

}  // namespace varde::bench
