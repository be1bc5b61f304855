#include "cli/follow/event_sink.hpp"

#include <filesystem>
#include <ostream>

#include "cli/exit_code.hpp"
#include "cli/follow/durable_file.hpp"

namespace varde::cli {

namespace fs = std::filesystem;

namespace {

bool removes_report(std::string const& kind) { return kind == "report.retracted" || kind == "report.withdrawn"; }
bool carries_report(std::string const& kind) { return kind == "report.published" || kind == "report.updated"; }

class ndjson_sink : public event_sink {
public:
    explicit ndjson_sink(std::ostream& out) : out_(out) {}
    void deliver(nlohmann::json const& event) override {
        out_ << event.dump() << '\n' << std::flush;
        if (!out_) throw cli_error(exit_code::failure, "cannot write to standard output");
    }
    std::string file_for(nlohmann::json const&) const override { return {}; }

private:
    std::ostream& out_;
};

class folder_sink : public event_sink {
public:
    explicit folder_sink(fs::path folder) : folder_(std::move(folder)) {}

    void deliver(nlohmann::json const& event) override {
        auto kind = event.value("event", "");
        auto path = file_for(event);
        if (path.empty()) return;  // no usable id: nothing this sink can store
        if (carries_report(kind)) write_durably(path, event["report"].dump(2) + "\n");
        else if (removes_report(kind)) remove_durably(path);
    }

    std::string file_for(nlohmann::json const& event) const override {
        auto id = safe_report_id(event);
        return id.empty() ? std::string() : (folder_ / (id + ".json")).string();
    }

private:
    fs::path folder_;
};

}  // namespace

std::string safe_report_id(nlohmann::json const& event) {
    auto report = event.find("report");
    if (report == event.end() || !report->is_object()) return {};
    auto id = report->value("id", "");
    // The id names a file: never let a node's answer reach outside the folder.
    bool safe = !id.empty() && id.size() <= 128 &&
                std::all_of(id.begin(), id.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; });
    return safe ? id : std::string();
}

std::unique_ptr<event_sink> make_ndjson_sink(std::ostream& out) { return std::make_unique<ndjson_sink>(out); }

std::unique_ptr<event_sink> make_folder_sink(std::string const& folder) {
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec) throw cli_error(exit_code::config, "cannot create the folder " + folder + ": " + ec.message());
    for (auto const& entry : fs::directory_iterator(folder, ec)) {
        auto name = entry.path().filename().string();
        if (name.starts_with(".") && name.ends_with(".json.tmp")) fs::remove(entry.path(), ec);
    }
    return std::make_unique<folder_sink>(folder);
}

}  // namespace varde::cli
