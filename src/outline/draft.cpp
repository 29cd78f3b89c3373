// Editing the draft. Each edit loads the course's draft (merged with the
// shared modules of the source for a derived SPOC) in one write transaction,
// changes it in memory, and writes back the rows it touched with its audit
// event. A change to a shared module copies the module first (copy-on-write).

#include <algorithm>
#include <boost/json/serialize.hpp>

#include "core/ids.h"
#include "outline/impl.h"

namespace trivium::outline {

namespace {

Failure no_such(const std::string& what) {
  return fail(ErrorKind::NotFound, "No such " + what + " in this course.");
}

bool changes_nothing(const ModuleChange& c) {
  return !c.title && !c.prerequisites && !c.release_week && !c.position;
}
bool changes_nothing(const UnitChange& c) {
  return !c.title && !c.module_id && !c.position;
}
bool changes_nothing(const BlockChange& c) {
  return !c.title && !c.settings_json && !c.unit_id && !c.position;
}

// A block's settings checked against the files of the course (and of its
// content source), before the edit's write transaction: the file lookups
// must not run inside it (see db::Store::write).
Result<void> check_settings(const CourseLookup& lookup, const courses::Course& course, const std::string& type,
                            const std::string& settings_json) {
  FileScope files(lookup, course.id, course.content_source_course_id);
  return check_block(type, settings_json, files, lookup.peertube_hosts);
}

}  // namespace

Service::Service(db::Store& store, const Clock& clock, audit::AuditLog& audit, CourseLookup courses)
    : impl_(std::make_unique<Impl>(store, clock, audit, std::move(courses))) {}

Service::~Service() = default;

audit::Event Service::Impl::event(const Actor& actor, std::string action, const courses::Course& course,
                                  std::string target_kind, std::string target_id) const {
  audit::Event e;
  e.action = std::move(action);
  e.actor_id = actor.user_id;
  e.organisation_id = course.organisation_id;
  e.target_kind = std::move(target_kind);
  e.target_id = std::move(target_id);
  e.ip = actor.ip;
  e.request_id = actor.request_id;
  e.detail_json = bj::serialize(bj::object{{"course_id", course.id}});
  return e;
}

Result<void> Service::Impl::edit(
    const Actor& actor, const std::string& course_id, const std::string& action,
    const std::function<Result<void>(db::Tx&, DraftState&, int64_t, std::string& target)>& fn) {
  TRV_ASSIGN(courses::Course course, courses.get_course(course_id));
  const int64_t now = clock.now_ms();
  return store.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(DraftState d, load_draft(tx, course.id, course.content_source_course_id));
    std::string target;
    TRV_TRY(fn(tx, d, now, target));
    // "outline.unit_created" is about a "unit".
    const std::string kind = action.substr(action.find('.') + 1, action.find('_') - action.find('.') - 1);
    return audit.record(tx, event(actor, action, course, kind, target));
  });
}

Result<DraftState> Service::Impl::current(const std::string& course_id) {
  TRV_ASSIGN(courses::Course course, courses.get_course(course_id));
  DraftState out;
  TRV_TRY(store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(out, load_draft(tx, course.id, course.content_source_course_id));
    return ok();
  }));
  return out;
}

Result<Outline> Service::draft(const std::string& course_id) {
  TRV_ASSIGN(DraftState d, impl_->current(course_id));
  return Outline{d.course_id, std::move(d.modules)};
}

// --- Modules ---------------------------------------------------------------

Result<Module> Service::add_module(const Actor& actor, const std::string& course_id, const NewModule& in) {
  TRV_TRY(check_title("title", in.title));
  TRV_TRY(check_position(in.position));
  TRV_TRY(check_release_week(in.release_week));
  Module m{new_id(), in.title, in.prerequisites, in.release_week, std::nullopt, std::nullopt, {}};
  TRV_TRY(impl_->edit(actor, course_id, "outline.module_created",
                      [&](db::Tx& tx, DraftState& d, int64_t now, std::string& target) -> Result<void> {
                        target = m.id;
                        TRV_TRY(check_prerequisites(d, m.id, m.prerequisites));
                        size_t at = insert_at(d.modules, m, in.position);
                        TRV_TRY(insert_module(tx, d.course_id, m, static_cast<int>(at), now));
                        return write_module_order(tx, d, now);
                      }));
  return m;
}

Result<Module> Service::update_module(const Actor& actor, const std::string& course_id, const std::string& module_id,
                                      const ModuleChange& change) {
  if (change.title) TRV_TRY(check_title("title", *change.title));
  TRV_TRY(check_position(change.position));
  if (change.release_week) TRV_TRY(check_release_week(*change.release_week));
  if (changes_nothing(change)) {  // changes nothing, so copies nothing in a SPOC
    TRV_ASSIGN(DraftState d, impl_->current(course_id));
    auto i = find_module(d, module_id);
    if (!i) return no_such("module");
    return d.modules[*i];
  }
  Module out;
  TRV_TRY(impl_->edit(actor, course_id, "outline.module_updated",
                      [&](db::Tx& tx, DraftState& d, int64_t now, std::string& target) -> Result<void> {
                        target = module_id;
                        auto i = find_module(d, module_id);
                        if (!i) return no_such("module");
                        if (change.prerequisites) TRV_TRY(check_prerequisites(d, module_id, *change.prerequisites));
                        TRV_TRY(copy_module(tx, d, *i, now));
                        Module& m = d.modules[*i];
                        if (change.title) m.title = *change.title;
                        if (change.prerequisites) m.prerequisites = *change.prerequisites;
                        if (change.release_week) m.release_week = *change.release_week;
                        TRV_TRY(update_module_row(tx, d.course_id, m, now));
                        size_t at = *i;
                        if (change.position) at = move_to(d.modules, *i, change.position);
                        out = d.modules[at];
                        return write_module_order(tx, d, now);
                      }));
  return out;
}

Result<void> Service::delete_module(const Actor& actor, const std::string& course_id, const std::string& module_id) {
  return impl_->edit(actor, course_id, "outline.module_deleted",
                     [&](db::Tx& tx, DraftState& d, int64_t now, std::string& target) -> Result<void> {
                       target = module_id;
                       auto i = find_module(d, module_id);
                       if (!i) return no_such("module");
                       const Module& m = d.modules[*i];
                       // A SPOC keeps a tombstone for a module of its source, or the
                       // shared module would come back from the source's publication.
                       if (d.source_course_id && (m.shared_from || m.copied_from)) {
                         TRV_TRY(hide_module(tx, d.course_id, m, static_cast<int>(*i), now));
                       } else {
                         TRV_TRY(delete_module_rows(tx, d.course_id, m.id));
                       }
                       d.modules.erase(d.modules.begin() + static_cast<std::ptrdiff_t>(*i));
                       for (Module& other : d.modules) {
                         auto it = std::find(other.prerequisites.begin(), other.prerequisites.end(), module_id);
                         if (it == other.prerequisites.end() || other.shared_from) continue;
                         other.prerequisites.erase(it);
                         TRV_TRY(update_module_row(tx, d.course_id, other, now));
                       }
                       return write_module_order(tx, d, now);
                     });
}

// --- Units -----------------------------------------------------------------

Result<Unit> Service::add_unit(const Actor& actor, const std::string& course_id, const std::string& module_id,
                               const NewUnit& in) {
  TRV_TRY(check_title("title", in.title));
  TRV_TRY(check_position(in.position));
  Unit u{new_id(), in.title, {}};
  TRV_TRY(impl_->edit(actor, course_id, "outline.unit_created",
                      [&](db::Tx& tx, DraftState& d, int64_t now, std::string& target) -> Result<void> {
                        target = u.id;
                        auto i = find_module(d, module_id);
                        if (!i) return no_such("module");
                        TRV_TRY(copy_module(tx, d, *i, now));
                        Module& m = d.modules[*i];
                        size_t at = insert_at(m.units, u, in.position);
                        TRV_TRY(insert_unit(tx, d.course_id, m.id, u, static_cast<int>(at)));
                        return write_units(tx, d.course_id, m);
                      }));
  return u;
}

Result<Unit> Service::update_unit(const Actor& actor, const std::string& course_id, const std::string& unit_id,
                                  const UnitChange& change) {
  if (change.title) TRV_TRY(check_title("title", *change.title));
  TRV_TRY(check_position(change.position));
  if (changes_nothing(change)) {
    TRV_ASSIGN(DraftState d, impl_->current(course_id));
    auto p = find_unit(d, unit_id);
    if (!p) return no_such("unit");
    return d.modules[p->module].units[p->unit];
  }
  Unit out;
  TRV_TRY(impl_->edit(actor, course_id, "outline.unit_updated",
                      [&](db::Tx& tx, DraftState& d, int64_t now, std::string& target) -> Result<void> {
                        target = unit_id;
                        auto p = find_unit(d, unit_id);
                        if (!p) return no_such("unit");
                        size_t to = p->module;
                        if (change.module_id) {
                          auto k = find_module(d, *change.module_id);
                          if (!k) return invalid("module_id", "unknown", "Not a module of this course.");
                          to = *k;
                        }
                        TRV_TRY(copy_module(tx, d, p->module, now));
                        TRV_TRY(copy_module(tx, d, to, now));
                        Module& from = d.modules[p->module];
                        if (change.title) from.units[p->unit].title = *change.title;
                        if (to == p->module) {
                          size_t at = p->unit;
                          if (change.position) at = move_to(from.units, p->unit, change.position);
                          out = from.units[at];
                          return write_units(tx, d.course_id, from);
                        }
                        Unit u = std::move(from.units[p->unit]);
                        from.units.erase(from.units.begin() + static_cast<std::ptrdiff_t>(p->unit));
                        Module& dest = d.modules[to];
                        out = dest.units[insert_at(dest.units, std::move(u), change.position)];
                        TRV_TRY(write_units(tx, d.course_id, from));
                        return write_units(tx, d.course_id, dest);
                      }));
  return out;
}

Result<void> Service::delete_unit(const Actor& actor, const std::string& course_id, const std::string& unit_id) {
  return impl_->edit(actor, course_id, "outline.unit_deleted",
                     [&](db::Tx& tx, DraftState& d, int64_t now, std::string& target) -> Result<void> {
                       target = unit_id;
                       auto p = find_unit(d, unit_id);
                       if (!p) return no_such("unit");
                       TRV_TRY(copy_module(tx, d, p->module, now));
                       TRV_TRY(delete_unit_rows(tx, d.course_id, unit_id));
                       Module& m = d.modules[p->module];
                       m.units.erase(m.units.begin() + static_cast<std::ptrdiff_t>(p->unit));
                       return write_units(tx, d.course_id, m);
                     });
}

// --- Blocks ----------------------------------------------------------------

Result<Block> Service::add_block(const Actor& actor, const std::string& course_id, const std::string& unit_id,
                                 const NewBlock& in) {
  TRV_TRY(check_title("title", in.title));
  TRV_TRY(check_position(in.position));
  {
    TRV_ASSIGN(courses::Course course, impl_->courses.get_course(course_id));
    TRV_TRY(check_settings(impl_->courses, course, in.type, in.settings_json));
  }
  Block b{new_id(), in.type, in.title, in.settings_json};
  TRV_TRY(impl_->edit(actor, course_id, "outline.block_created",
                      [&](db::Tx& tx, DraftState& d, int64_t now, std::string& target) -> Result<void> {
                        target = b.id;
                        auto p = find_unit(d, unit_id);
                        if (!p) return no_such("unit");
                        TRV_TRY(copy_module(tx, d, p->module, now));
                        Unit& u = d.modules[p->module].units[p->unit];
                        size_t at = insert_at(u.blocks, b, in.position);
                        TRV_TRY(insert_block(tx, d.course_id, u.id, b, static_cast<int>(at)));
                        return write_blocks(tx, d.course_id, u);
                      }));
  return b;
}

Result<Block> Service::update_block(const Actor& actor, const std::string& course_id, const std::string& block_id,
                                    const BlockChange& change) {
  if (change.title) TRV_TRY(check_title("title", *change.title));
  TRV_TRY(check_position(change.position));
  if (changes_nothing(change)) {
    TRV_ASSIGN(DraftState d, impl_->current(course_id));
    auto p = find_block(d, block_id);
    if (!p) return no_such("block");
    return d.modules[p->module].units[p->unit].blocks[p->block];
  }
  if (change.settings_json) {
    // A block's type never changes, so the type read here is the one the
    // edit below finds.
    TRV_ASSIGN(courses::Course course, impl_->courses.get_course(course_id));
    TRV_ASSIGN(DraftState d, impl_->current(course.id));
    auto p = find_block(d, block_id);
    if (!p) return no_such("block");
    TRV_TRY(check_settings(impl_->courses, course, d.modules[p->module].units[p->unit].blocks[p->block].type,
                           *change.settings_json));
  }
  Block out;
  TRV_TRY(impl_->edit(actor, course_id, "outline.block_updated",
                      [&](db::Tx& tx, DraftState& d, int64_t now, std::string& target) -> Result<void> {
                        target = block_id;
                        auto p = find_block(d, block_id);
                        if (!p) return no_such("block");
                        UnitPlace to{p->module, p->unit};
                        if (change.unit_id) {
                          auto k = find_unit(d, *change.unit_id);
                          if (!k) return invalid("unit_id", "unknown", "Not a unit of this course.");
                          to = *k;
                        }
                        Block& b = d.modules[p->module].units[p->unit].blocks[p->block];
                        TRV_TRY(copy_module(tx, d, p->module, now));
                        TRV_TRY(copy_module(tx, d, to.module, now));
                        if (change.title) b.title = *change.title;
                        if (change.settings_json) b.settings_json = *change.settings_json;
                        Unit& from = d.modules[p->module].units[p->unit];
                        Unit& dest = d.modules[to.module].units[to.unit];
                        if (&from == &dest) {
                          size_t at = p->block;
                          if (change.position) at = move_to(from.blocks, p->block, change.position);
                          out = from.blocks[at];
                          return write_blocks(tx, d.course_id, from);
                        }
                        Block moved = std::move(from.blocks[p->block]);
                        from.blocks.erase(from.blocks.begin() + static_cast<std::ptrdiff_t>(p->block));
                        out = dest.blocks[insert_at(dest.blocks, std::move(moved), change.position)];
                        TRV_TRY(write_blocks(tx, d.course_id, from));
                        return write_blocks(tx, d.course_id, dest);
                      }));
  return out;
}

Result<void> Service::delete_block(const Actor& actor, const std::string& course_id, const std::string& block_id) {
  return impl_->edit(actor, course_id, "outline.block_deleted",
                     [&](db::Tx& tx, DraftState& d, int64_t now, std::string& target) -> Result<void> {
                       target = block_id;
                       auto p = find_block(d, block_id);
                       if (!p) return no_such("block");
                       TRV_TRY(copy_module(tx, d, p->module, now));
                       TRV_TRY(delete_block_row(tx, d.course_id, block_id));
                       Unit& u = d.modules[p->module].units[p->unit];
                       u.blocks.erase(u.blocks.begin() + static_cast<std::ptrdiff_t>(p->block));
                       return write_blocks(tx, d.course_id, u);
                     });
}

}  // namespace trivium::outline
