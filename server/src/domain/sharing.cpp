#include "domain/sharing.hpp"

namespace varde::domain {

namespace {

class scrubber {
public:
    scrubber(organisation const& origin, scrub_policy policy, std::vector<field_redaction>& out)
        : anonymiser_(origin.terms), policy_(policy), out_(out) {}

    void text(std::string& value, std::string const& field) {
        auto result = anonymiser_.scrub(value, policy_);
        for (auto& r : result.redactions)
            out_.push_back({field, std::string(to_string(r.kind)), std::move(r.original)});
        value = std::move(result.text);
    }

    void list(std::vector<std::string>& values, std::string const& field) {
        for (std::size_t i = 0; i < values.size(); ++i)
            text(values[i], field + "[" + std::to_string(i) + "]");
    }

private:
    anonymiser anonymiser_;
    scrub_policy policy_;
    std::vector<field_redaction>& out_;
};

std::vector<indicator> shared_indicators(std::vector<indicator> const& all, scrubber& scrub,
                                         std::vector<field_redaction>& redactions) {
    std::vector<indicator> kept;
    for (std::size_t i = 0; i < all.size(); ++i) {
        auto const field = "indicators[" + std::to_string(i) + "]";
        if (all[i].role == indicator_role::victim) {
            redactions.push_back({field, "victim-indicator", all[i].value});
            continue;
        }
        kept.push_back(all[i]);
        scrub.text(kept.back().note, field + ".note");
    }
    return kept;
}

}  // namespace

shared_report prepare_for_sharing(report_draft const& validated, organisation const& origin,
                                  scrub_policy policy) {
    shared_report out{validated, {}};
    scrubber scrub(origin, policy, out.redactions);
    auto& c = out.content;
    scrub.text(c.title, "title");
    scrub.text(c.summary, "summary");
    scrub.text(c.what.sector, "incident.sector");  // free text: it could name the victim
    scrub.list(c.threat_actors, "threat_actors");
    scrub.list(c.malware, "malware");
    // A reference can point at the victim's own site or intranet; scrubbed like text.
    scrub.list(c.references, "references");
    c.indicators = shared_indicators(validated.indicators, scrub, out.redactions);
    return out;
}

}  // namespace varde::domain
