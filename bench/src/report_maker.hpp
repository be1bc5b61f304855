#pragma once
// Realistic, unique reports for publishing: the seed case (~2 KB of text with identifying
// terms for the anonymiser to scrub) with its own title and 10 indicators per report.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace varde::bench {

class report_maker {
public:
    // Reads the template; `run` (random by default) keeps reports of different runs apart.
    explicit report_maker(std::string const& template_file, std::uint64_t run = 0);

    // Report number n of this run, JSON; a non-empty title replaces the generated one.
    std::string make(std::uint64_t n, std::string const& title = {}) const;

    std::string const& run_tag() const { return tag_; }

private:
    nlohmann::json indicators(std::uint64_t n) const;
    nlohmann::json template_;
    std::uint64_t run_;
    std::string tag_;  // hex of run
};

}  // namespace varde::bench
