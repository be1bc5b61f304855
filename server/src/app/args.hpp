#pragma once
// Command-line options: "--name value", "--name=value" and bare "--flag", repeatable.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace varde::app {

class args {
public:
    // Parses argv[first..]; positional words are kept in order.
    args(int argc, char** argv, int first);
    args(std::vector<std::string> words);

    std::optional<std::string> get(std::string const& name) const;  // last occurrence
    std::vector<std::string> all(std::string const& name) const;
    bool has(std::string const& name) const { return options_.contains(name); }
    std::vector<std::string> const& positional() const { return positional_; }
    std::map<std::string, std::vector<std::string>> const& options() const { return options_; }

private:
    void parse(std::vector<std::string> const& words);
    std::map<std::string, std::vector<std::string>> options_;
    std::vector<std::string> positional_;
};

}  // namespace varde::app
