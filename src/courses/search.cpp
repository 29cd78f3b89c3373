// The catalog: who sees which course (shared with the RoleSource, so that
// the catalog never lists a course its page would refuse), and the search
// with keyset pagination.

#include <set>

#include "courses/impl.h"

namespace trivium::courses {

Result<Standing> standing_in(orgs::Service& orgs, const std::string& user_id, const std::string& org_id) {
  Standing s;
  if (user_id.empty()) return s;
  auto member = orgs.get_member(org_id, user_id);
  if (!member) {
    if (member.error().kind == ErrorKind::NotFound) return s;
    return member.failure();
  }
  s.member = true;
  s.admin = one_of(member->roles, "admin");
  if (member->department_ids.empty()) return s;
  TRV_ASSIGN(std::vector<orgs::Department> all, orgs.list_departments(org_id));
  std::set<std::string> reached;
  for (const std::string& id : member->department_ids) {
    // Up the tree from each of the member's departments; bounded by the
    // number of departments in case of a malformed cycle.
    std::optional<std::string> at = id;
    for (size_t steps = 0; at && steps <= all.size() && reached.insert(*at).second; ++steps) {
      auto it = std::find_if(all.begin(), all.end(), [&](const orgs::Department& d) { return d.id == *at; });
      at = it == all.end() ? std::nullopt : it->parent_id;
    }
  }
  s.departments.assign(reached.begin(), reached.end());
  return s;
}

Result<bool> visible_by_settings(orgs::Service& orgs, const Course& c, const std::string& user_id) {
  if (c.settings.visibility == "public") return true;
  if (c.settings.visibility != "organisation" || user_id.empty()) return false;
  TRV_ASSIGN(Standing s, standing_in(orgs, user_id, c.organisation_id));
  if (!s.member) return false;
  if (c.settings.department_ids.empty()) return true;
  for (const std::string& d : c.settings.department_ids) {
    if (one_of(s.departments, d)) return true;
  }
  return false;
}

namespace {

Result<queries::Visibility> visibility_of(orgs::Service& orgs, const Viewer& viewer) {
  queries::Visibility v;
  v.all = viewer.platform_admin;
  v.user_id = viewer.user_id;
  if (v.all || v.user_id.empty()) return v;
  std::string after;
  for (int pages = 0; pages < 50; ++pages) {
    TRV_ASSIGN(orgs::Page<orgs::Organisation> page,
               orgs.list_organisations(orgs::Actor{viewer.user_id, false, "", ""}, after, 200));
    for (const orgs::Organisation& o : page.items) {
      TRV_ASSIGN(Standing s, standing_in(orgs, viewer.user_id, o.id));
      if (!s.member) continue;
      v.member_of.push_back(o.id);
      if (s.admin) v.admin_of.push_back(o.id);
      v.departments.insert(v.departments.end(), s.departments.begin(), s.departments.end());
    }
    if (!page.next_cursor) break;
    after = *page.next_cursor;
  }
  return v;
}

Result<void> check_query(const CatalogQuery& q) {
  Error e{ErrorKind::Invalid, "The request has invalid fields.", {}, 0};
  if (q.form && !one_of(kForms, *q.form)) e.fields.push_back({"form", "enum", "One of the course forms."});
  if (q.language && !one_of(kLanguages, *q.language)) e.fields.push_back({"language", "enum", "A known language."});
  if (q.when && *q.when != "upcoming" && *q.when != "ongoing") {
    e.fields.push_back({"when", "enum", "upcoming or ongoing."});
  }
  if (q.q.size() > 200) e.fields.push_back({"q", "too_long", "At most 200 characters."});
  if (!e.fields.empty()) return fail(std::move(e));
  return ok();
}

}  // namespace

Result<Page<CatalogEntry>> Service::search(const Viewer& viewer, const CatalogQuery& query) {
  TRV_TRY(check_query(query));
  std::optional<CursorKey> after;
  if (!query.cursor.empty()) {
    after = decode_cursor(query.cursor);
    if (!after) return invalid("cursor", "format", "Not a cursor of this listing.");
  }
  const int64_t limit = std::clamp(query.limit <= 0 ? kDefaultPage : query.limit, 1, kMaxPage);
  TRV_ASSIGN(queries::Visibility v, visibility_of(impl_->orgs, viewer));
  const int64_t now = impl_->clock.now_ms();
  Page<CatalogEntry> page;
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::vector<queries::SearchHit> hits, queries::search(tx, v, query, after, now, limit + 1));
    if (static_cast<int64_t>(hits.size()) > limit) {
      hits.resize(static_cast<size_t>(limit));
      const queries::SearchHit& last = hits.back();
      page.next_cursor = encode_cursor({last.rank, last.start, last.course_id});
    }
    for (const queries::SearchHit& hit : hits) {
      TRV_ASSIGN(std::optional<Course> course, queries::find_course(tx, hit.course_id));
      if (!course) continue;
      TRV_ASSIGN(std::optional<CourseRun> run, queries::next_run(tx, hit.course_id, now));
      page.items.push_back(CatalogEntry{std::move(*course), std::move(run), hit.rank});
    }
    return ok();
  }));
  return page;
}

uint64_t Service::catalog_generation() const { return impl_->generation.load(std::memory_order_acquire); }

std::shared_ptr<const std::string> Service::cached_catalog_page(const std::string& key) {
  const uint64_t current = catalog_generation();
  const int64_t now = impl_->clock.now_ms();
  std::lock_guard lock(impl_->cache_mu);
  auto it = impl_->pages.find(key);
  if (it == impl_->pages.end()) return nullptr;
  if (it->second.generation != current || it->second.expires_at_ms <= now) {
    impl_->pages.erase(it);
    return nullptr;
  }
  return it->second.body;
}

void Service::keep_catalog_page(const std::string& key, uint64_t generation, std::shared_ptr<const std::string> body) {
  if (generation != catalog_generation()) return;  // computed across a change
  const int64_t expires = impl_->clock.now_ms() + kCatalogCacheMs;
  std::lock_guard lock(impl_->cache_mu);
  // Bounded: a flood of distinct queries empties the cache rather than
  // growing it.
  if (impl_->pages.size() >= Impl::kMaxCachedPages) impl_->pages.clear();
  impl_->pages[key] = Impl::CachedPage{generation, expires, std::move(body)};
}

}  // namespace trivium::courses
