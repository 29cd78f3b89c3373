// `trivium demo`: loads a demo catalog through the modules' public services
// (never SQL): the platform's MOOC and a SPOC derived from its run with a
// full 30-seat cohort, a demo company with two departments, an internal and
// an external COOC, and one account per role sharing one random password.
// The demo company's slug marks the demo as loaded: a second run changes
// nothing and prints the accounts again.
#include "app/demo.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <sstream>

#include "app/demo_content.h"
#include "core/ids.h"
#include "courses/courses.h"
#include "enrolment/enrolment.h"
#include "identity/identity.h"
#include "orgs/orgs.h"
#include "outline/outline.h"

namespace trivium::app {
namespace {

constexpr int64_t kDayMs = 24LL * 3'600'000;
// Where the audit log says a change came from.
constexpr const char* kRequestId = "trivium-demo";
constexpr const char* kPlatformZone = "Europe/Paris";
constexpr const char* kCompanyZone = "Europe/London";
constexpr int kSpocSeats = 30;

struct Account {
  std::string email;
  std::string name;
  std::string role;  // for the accounts file
};

// One account per role, then the SPOC's learners (learner@ is one of them).
std::vector<Account> demo_accounts() {
  std::vector<Account> a = {
      {"admin@northwind.demo", "Nadia Okafor", "organisation admin of Northwind Energy"},
      {"author@northwind.demo", "Tomás Ibarra", "organisation author; author of the two Northwind courses"},
      {"manager@northwind.demo", "Claire Dubois",
       "organisation manager (Field Operations); observer of the external course"},
      {"trainer@trivium.demo", "Samuel Kim",
       "platform course team: author of the MOOC, trainer of its run and of the SPOC run"},
      {"learner@trivium.demo", "Lea Novak", "learner in the MOOC run and in the SPOC's cohort"},
  };
  static const char* const kNames[] = {
      "Amara Diallo",  "Ben Carter",     "Chiara Rossi",  "Daniel Weber",  "Elif Yilmaz",    "Farid Haddad",
      "Grace O'Neill", "Hugo Martin",    "Ines Ferreira", "Jonas Berg",    "Kenji Sato",     "Laura Svensson",
      "Mateo García",  "Nora Lindqvist", "Omar Rahman",   "Priya Nair",    "Quentin Leroy",  "Rosa Jiménez",
      "Sven Andersen", "Tara Murphy",    "Uma Kapoor",    "Victor Petrov", "Wen Li",         "Xavier Dupont",
      "Yara Costa",    "Zoltan Nagy",    "Aisha Bello",   "Bruno Silva",   "Camille Laurent"};
  static_assert(std::size(kNames) == kSpocSeats - 1);
  for (size_t i = 0; i < std::size(kNames); ++i) {
    char email[64];
    std::snprintf(email, sizeof email, "learner%02zu@trivium.demo", i + 1);
    a.push_back({email, kNames[i], "learner in the SPOC's cohort"});
  }
  return a;
}

std::string describe(const Error& e) {
  std::string out = e.detail;
  for (const FieldError& f : e.fields) out += " [" + f.field + ": " + f.message + "]";
  return out;
}

// A failure with what was being done, for the message on stderr.
template <typename T>
Result<T> step(Result<T> r, const std::string& what) {
  if (r) return r;
  Error e = r.error();
  e.detail = what + ": " + describe(e);
  e.fields.clear();
  return fail(std::move(e));
}

// --- Dates ------------------------------------------------------------------

// The local date in `zone` of the instant `utc_ms`, moved by `days`
// ("YYYY-MM-DD"), for the first date of a weekly schedule.
Result<std::string> local_date(int64_t utc_ms, const std::string& zone, int days) {
  TRV_ASSIGN(std::string local, courses::format_local(utc_ms, zone));
  int y = 0;
  unsigned m = 0, d = 0;
  if (std::sscanf(local.c_str(), "%d-%u-%u", &y, &m, &d) != 3) return fail(ErrorKind::Internal, "bad local date");
  using namespace std::chrono;
  year_month_day ymd{sys_days{year_month_day{year{y}, month{m}, day{d}}} + std::chrono::days{days}};
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return std::string(out);
}

// "29 March 2027" (or "March 2027" without the day), from the local date of
// `utc_ms` in `zone`, for run titles.
Result<std::string> date_title(int64_t utc_ms, const std::string& zone, bool with_day) {
  static const char* const kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                        "July",    "August",   "September", "October", "November", "December"};
  TRV_ASSIGN(std::string date, local_date(utc_ms, zone, 0));
  int month = std::stoi(date.substr(5, 2));
  std::string day = with_day ? std::to_string(std::stoi(date.substr(8, 2))) + " " : "";
  return day + kMonths[month - 1] + " " + date.substr(0, 4);
}

// A weekly schedule (Mondays 09:00 local) starting on the first Monday at or
// after today + `from_day`, and a run over it: enrolment from `now - 14 days`,
// start with the first module, end a week after the last one opens.
Result<courses::NewRun> weekly_run(int64_t now, const std::string& zone, int from_day, int modules,
                                   const std::string& title_prefix) {
  courses::WeeklySchedule s;
  s.time_zone = zone;
  s.weekday = "monday";
  s.local_time = "09:00";
  TRV_ASSIGN(s.first_date, local_date(now, zone, from_day));
  courses::NewRun run;
  TRV_ASSIGN(int64_t start, courses::weekly_release(s, 0));
  TRV_ASSIGN(int64_t end, courses::weekly_release(s, modules + 1));
  TRV_ASSIGN(std::string day, date_title(start, zone, true));
  run.title = title_prefix + day;
  run.time_zone = zone;
  run.schedule = s;
  run.starts_at_ms = start;
  run.ends_at_ms = end;
  run.enrolment_opens_at_ms = std::min(now, start) - 14 * kDayMs;
  return run;
}

// --- The accounts file --------------------------------------------------------

std::string accounts_text(const std::string& password, const std::vector<Account>& accounts) {
  std::ostringstream t;
  t << "Demo accounts (password: " << password << "):\n";
  for (size_t i = 0; i < 5; ++i)
    t << "  " << accounts[i].email << std::string(26 - accounts[i].email.size(), ' ') << accounts[i].role << "\n";
  t << "  learner01..learner" << kSpocSeats - 1 << "@trivium.demo"
    << "  learners in the SPOC's cohort\n"
    << "The platform administrator is the first account made at installation (admin@trivium.localhost on a\n"
    << "fresh install; `trivium user reset-password --email admin@trivium.localhost` gives it a new password).\n"
    << "This is demo data, for trying Trivium: every demo account shares the password above.\n";
  return t.str();
}

// Written to a temporary file then renamed, readable by the owner only.
Result<void> write_private_file(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return fail(ErrorKind::Internal, "cannot write " + tmp.string() + ": " + std::strerror(errno));
  bool good = ::fchmod(fd, 0600) == 0;  // a leftover file may have had another mode
  for (size_t done = 0; good && done < text.size();) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    good = n > 0;
    if (good) done += static_cast<size_t>(n);
  }
  good = ::fsync(fd) == 0 && good;
  good = ::close(fd) == 0 && good;
  if (!good || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return fail(ErrorKind::Internal, "cannot write " + path.string() + ": " + why);
  }
  return ok();
}

// --- Loading ------------------------------------------------------------------

class Loader {
 public:
  explicit Loader(const DemoServices& s) : s_(s), now_(s.clock.now_ms()) {}

  int courses_loaded() const { return courses_; }

  Result<void> load(const std::string& platform_org_id, const std::string& password,
                    const std::vector<Account>& accounts) {
    TRV_ASSIGN(orgs::Organisation company,
               step(s_.orgs.create_organisation(org_actor(), {kDemoCompanySlug, "Northwind Energy", "company"}),
                    "create the demo company"));
    for (const Account& a : accounts) {
      TRV_ASSIGN(identity::User u, step(s_.identity.create_user(a.email, a.name, password, false), a.email));
      ids_[a.email] = u.id;
    }
    TRV_TRY(company_members(company.id));
    // The platform's course team: the trainer may create the platform's courses.
    TRV_TRY(step(s_.orgs.add_member(org_actor(), platform_org_id,
                                    {id("trainer@trivium.demo"), std::nullopt, {"author", "trainer"}, {}}),
                 "add the trainer to the platform organisation"));
    TRV_TRY(mooc_and_spoc(platform_org_id));
    TRV_TRY(coocs(company.id));
    return ok();
  }

 private:
  const std::string& id(const std::string& email) { return ids_.at(email); }
  static orgs::Actor org_actor() { return {"", true, "", kRequestId}; }
  courses::Actor course_actor(const std::string& email) { return {id(email), "", kRequestId}; }
  outline::Actor outline_actor(const std::string& email) { return {id(email), "", kRequestId}; }
  enrolment::Actor enrolment_actor(const std::string& email) { return {id(email), "", kRequestId}; }

  Result<void> company_members(const std::string& org_id) {
    TRV_ASSIGN(orgs::Department field,
               step(s_.orgs.create_department(org_actor(), org_id, {"Field Operations", {}}), "create a department"));
    TRV_TRY(step(s_.orgs.create_department(org_actor(), org_id, {"Customer Success", {}}), "create a department"));
    field_operations_ = field.id;
    struct Placement {
      const char* email;
      std::vector<std::string> roles, departments;
    };
    for (const Placement& p : std::vector<Placement>{{"admin@northwind.demo", {"admin"}, {}},
                                                     {"author@northwind.demo", {"author"}, {}},
                                                     {"manager@northwind.demo", {"manager"}, {field.id}}}) {
      TRV_TRY(step(s_.orgs.add_member(org_actor(), org_id, {id(p.email), std::nullopt, p.roles, p.departments}),
                   std::string("add ") + p.email + " to the demo company"));
    }
    return ok();
  }

  // A course with its outline published; the creator becomes its author.
  Result<courses::Course> course(const std::string& author, const std::string& org_id, const std::string& form,
                                 const demo::CourseSpec& spec, const std::function<void(courses::NewCourse&)>& tweak) {
    courses::NewCourse in;
    in.organisation_id = org_id;
    in.form = form;
    in.slug = spec.slug;
    in.title = spec.title;
    in.summary = spec.summary;
    in.description_md = spec.description_md;
    in.skills = spec.skills;
    in.effort_hours = spec.effort_hours;
    in.authors = spec.authors;
    if (tweak) tweak(in);
    TRV_ASSIGN(courses::Course c, step(s_.courses.create_course(course_actor(author), in), "create " + spec.slug));
    const outline::Actor who = outline_actor(author);
    for (const demo::ModuleSpec& m : spec.modules) {
      TRV_ASSIGN(outline::Module mod, step(s_.outline.add_module(who, c.id, {m.title, {}, std::nullopt, std::nullopt}),
                                           "add a module to " + spec.slug));
      for (const demo::UnitSpec& u : m.units) {
        TRV_ASSIGN(outline::Unit unit,
                   step(s_.outline.add_unit(who, c.id, mod.id, {u.title, std::nullopt}), "add a unit to " + spec.slug));
        for (const demo::TextBlock& b : u.blocks) {
          std::string settings = boost::json::serialize(boost::json::object{{"markdown", b.markdown}});
          TRV_TRY(step(s_.outline.add_block(who, c.id, unit.id, {"text", b.title, settings, std::nullopt}),
                       "add a block to " + spec.slug));
        }
      }
    }
    TRV_TRY(step(s_.outline.publish(who, c.id), "publish " + spec.slug));
    courses_ += 1;
    return c;
  }

  Result<void> mooc_and_spoc(const std::string& platform_org_id) {
    const std::string trainer = "trainer@trivium.demo";
    const demo::CourseSpec spec = demo::data_literacy();
    const int modules = static_cast<int>(spec.modules.size());
    TRV_ASSIGN(courses::Course mooc,
               course(trainer, platform_org_id, "mooc", spec, [](courses::NewCourse& in) { in.pacing = "scheduled"; }));
    // Starts on a Monday within the coming week.
    TRV_ASSIGN(courses::NewRun run_in, weekly_run(now_, kPlatformZone, 1, modules, "Session starting "));
    run_in.enrolment_closes_at_ms = *run_in.starts_at_ms + 14 * kDayMs;
    TRV_ASSIGN(courses::CourseRun run,
               step(s_.courses.create_run(course_actor(trainer), mooc.id, run_in), "create the MOOC's run"));
    TRV_TRY(step(s_.courses.grant(course_actor(trainer), {"run", run.id}, id(trainer), "trainer"),
                 "make the trainer trainer of the MOOC's run"));
    TRV_TRY(step(s_.enrolment.self_enrol(enrolment_actor("learner@trivium.demo"), run.id, ""),
                 "enrol the learner in the MOOC's run"));

    // The SPOC shares the MOOC's content; its run started a week or so ago,
    // so that its learners find released modules at once.
    courses::SpocDerivation d;
    d.source_run_id = run.id;
    d.slug = "data-literacy-guided-cohort";
    d.title = "Data Literacy for Everyone: Guided Cohort";
    d.capacity = kSpocSeats;
    TRV_ASSIGN(d.run, weekly_run(now_, kPlatformZone, -10, modules, "Guided cohort from "));
    d.run.enrolment_opens_at_ms.reset();  // by invitation and by the trainer only
    d.trainer_user_id = id(trainer);
    TRV_ASSIGN(auto spoc, step(s_.courses.derive_spoc(course_actor(trainer), d), "derive the SPOC"));
    courses_ += 1;
    std::vector<std::pair<std::string, std::optional<std::string>>> seats;
    seats.emplace_back(id("learner@trivium.demo"), "Cohort A");
    for (int i = 1; i < kSpocSeats; ++i) {
      char email[64];
      std::snprintf(email, sizeof email, "learner%02d@trivium.demo", i);
      seats.emplace_back(id(email), "Cohort A");
    }
    TRV_ASSIGN(auto outcomes, step(s_.enrolment.enrol_batch(enrolment_actor(trainer), spoc.second.id, seats),
                                   "enrol the SPOC's learners"));
    for (const std::string& o : outcomes) {
      if (o != "enrolled") return fail(ErrorKind::Internal, "a SPOC learner was " + o + ", not enrolled");
    }
    return ok();
  }

  Result<void> coocs(const std::string& org_id) {
    const std::string author = "author@northwind.demo";
    const int64_t hour = now_ - now_ % 3'600'000;  // round dates read better
    // Internal: for Field Operations only.
    TRV_ASSIGN(courses::Course internal,
               course(author, org_id, "cooc_internal", demo::safe_work(), [this](courses::NewCourse& in) {
                 in.department_ids = std::vector<std::string>{field_operations_};
               }));
    courses::NewRun always;
    always.title = "Self-paced, always open";
    always.time_zone = kCompanyZone;
    always.starts_at_ms = hour - 30 * kDayMs;
    always.enrolment_opens_at_ms = hour - 30 * kDayMs;
    TRV_TRY(step(s_.courses.create_run(course_actor(author), internal.id, always), "create the internal run"));

    // External: customers' installers ask for a place (approval).
    TRV_ASSIGN(courses::Course external, course(author, org_id, "cooc_external", demo::smart_meters(), {}));
    courses::NewRun intake;
    intake.time_zone = kCompanyZone;
    intake.starts_at_ms = hour - 3 * kDayMs;
    intake.ends_at_ms = hour + 90 * kDayMs;
    intake.enrolment_opens_at_ms = hour - 10 * kDayMs;
    intake.enrolment_closes_at_ms = hour + 60 * kDayMs;
    TRV_ASSIGN(std::string month, date_title(now_, kCompanyZone, false));
    intake.title = month + " intake";
    TRV_TRY(step(s_.courses.create_run(course_actor(author), external.id, intake), "create the external run"));
    TRV_TRY(
        step(s_.courses.grant(course_actor(author), {"course", external.id}, id("manager@northwind.demo"), "observer"),
             "make the manager observer of the external course"));
    return ok();
  }

  const DemoServices& s_;
  const int64_t now_;
  std::map<std::string, std::string> ids_;  // e-mail -> user id
  std::string field_operations_;
  int courses_ = 0;
};

Result<bool> company_exists(orgs::Service& orgs) {
  std::string after;
  for (;;) {
    TRV_ASSIGN(orgs::Page<orgs::Organisation> page, orgs.list_organisations({"", true, "", kRequestId}, after, 100));
    for (const orgs::Organisation& o : page.items)
      if (o.slug == kDemoCompanySlug) return true;
    if (!page.next_cursor) return false;
    after = *page.next_cursor;
  }
}

}  // namespace

int load_demo_content(const DemoServices& s, std::ostream& out, std::ostream& err) {
  const std::filesystem::path file = std::filesystem::path(s.config.data_dir) / kDemoAccountsFile;
  auto platform = s.orgs.ensure_platform_organisation();
  if (!platform) {
    err << "trivium: cannot read the platform organisation: " << describe(platform.error()) << "\n";
    return 1;
  }
  auto exists = company_exists(s.orgs);
  if (!exists) {
    err << "trivium: cannot read the organisations: " << describe(exists.error()) << "\n";
    return 1;
  }
  if (*exists) {
    std::ifstream in(file);
    if (!in) {
      out << "The demo is loaded in this database, but " << file.string() << " is missing (the demo was loaded\n"
          << "with another data folder). `trivium user reset-password --email learner@trivium.demo` sets a new\n"
          << "password for one demo account.\n";
      return 0;
    }
    std::ostringstream text;
    text << in.rdbuf();
    out << text.str();  // in one write, so that no log line cuts it
    return 0;
  }

  // The file is written first, so that the password is never lost even if
  // loading stops half-way.
  const std::vector<Account> accounts = demo_accounts();
  const std::string password = random_token(12);
  const std::string text = accounts_text(password, accounts);
  if (auto written = write_private_file(file, text); !written) {
    err << "trivium: " << written.error().detail << "\n";
    return 1;
  }
  Loader loader(s);
  if (auto loaded = loader.load(platform->id, password, accounts); !loaded) {
    err << "trivium: loading the demo failed: " << describe(loaded.error()) << "\n"
        << "The database now holds part of the demo; load it into a fresh data folder (or database).\n";
    return 1;
  }
  out << "Loaded the demo catalog: " + std::to_string(loader.courses_loaded()) +
             " courses, the company Northwind Energy with two departments, " + std::to_string(accounts.size()) +
             " accounts.\n" + text;
  return 0;
}

}  // namespace trivium::app
