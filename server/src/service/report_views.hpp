#pragma once
// Helpers shared by the report use cases (report_service.cpp, moderation.cpp): the choice of
// view per reader, the re-check of every row with the domain rule, and small lookups.
#include <optional>
#include <string>
#include <vector>

#include "domain/validation.hpp"
#include "domain/visibility.hpp"
#include "service/outcome.hpp"
#include "store/directory_store.hpp"
#include "store/report_store.hpp"

namespace varde::service::report_views {

class directory_view : public domain::recipient_directory {
public:
    explicit directory_view(store::directory_store::directory d) : d_(std::move(d)) {}
    bool org_exists(std::string_view slug) const override { return d_.org_slugs.contains(std::string(slug)); }
    bool sector_exists(std::string_view s) const override { return d_.sectors.contains(std::string(s)); }

private:
    store::directory_store::directory d_;
};

error not_found();
bool looks_like_uuid(std::string const& id);
domain::report_meta meta_of(store::report_store::stored_report const& r);
domain::access checked_access(store::report_store::stored_report const& r, domain::principal const& who);
std::vector<store::report_store::stored_report> only_visible(std::vector<store::report_store::stored_report> rows,
                                                             domain::principal const& who);
std::string render(store::report_store::stored_report const& r, domain::principal const& who,
                   std::optional<std::vector<std::string>> const& related = std::nullopt);
void append_rendered(std::string& out, store::report_store::stored_report const& r, domain::principal const& who,
                     std::optional<std::vector<std::string>> const& related = std::nullopt);

// The rendered rows as a JSON array, each in the view its reader gets.
// The same list as summaries (view=summary): header and title, created_at for owners only.
std::string summaries_json(std::vector<store::report_store::stored_report> const& rows, domain::principal const& who);
std::string items_json(std::vector<store::report_store::stored_report> const& rows, domain::principal const& who);
// The same arrays appended to `out` (a list page is built in one buffer).
void append_summaries(std::string& out, std::vector<store::report_store::stored_report> const& rows,
                      domain::principal const& who);
void append_items(std::string& out, std::vector<store::report_store::stored_report> const& rows,
                  domain::principal const& who);

}  // namespace varde::service::report_views
