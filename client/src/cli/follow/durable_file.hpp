#pragma once
// Files that are either wholly old or wholly new after a crash: written to a temporary file
// beside the target, flushed to disk, then renamed over it (and the folder flushed).
#include <optional>
#include <string>

namespace varde::cli {

// Throws cli_error(failure) naming the file when a step fails.
void write_durably(std::string const& path, std::string const& content);

// Removes the file if it is there (and flushes the folder); throws on other failures.
void remove_durably(std::string const& path);

// The file's whole content, or nullopt if it does not exist.
std::optional<std::string> read_if_present(std::string const& path);

// The temporary name write_durably uses for `path` (".NAME.tmp" in the same folder).
std::string temporary_name_for(std::string const& path);

}  // namespace varde::cli
