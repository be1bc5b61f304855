#pragma once
// Where `varde follow` puts each event: NDJSON lines on stdout, or one JSON file per report
// in a folder (deleted again when the report is retracted or withdrawn).
#include <iosfwd>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace varde::cli {

class event_sink {
public:
    virtual ~event_sink() = default;
    // Handles one event (not heartbeats); idempotent, since an event may come twice after a
    // crash. Throws cli_error when it cannot.
    virtual void deliver(nlohmann::json const& event) = 0;
    // The file that holds the event's report (for --exec), or empty.
    virtual std::string file_for(nlohmann::json const& event) const = 0;
};

std::unique_ptr<event_sink> make_ndjson_sink(std::ostream& out);

// Creates the folder if needed and removes temporary files a crash may have left in it.
std::unique_ptr<event_sink> make_folder_sink(std::string const& folder);

// The report id of an event if it is safe as a file name (letters, digits, '-'), else empty.
std::string safe_report_id(nlohmann::json const& event);

}  // namespace varde::cli
