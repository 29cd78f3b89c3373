#include "app/app.h"

#include <algorithm>
#include <map>
#include <iostream>
#include <spdlog/spdlog.h>
#include <stdexcept>

#include "app/demo.h"
#include "app/system_routes.h"
#include "audit/audit.h"
#include "authz/authz.h"
#include "core/db.h"
#include "core/http_server.h"
#include "core/metrics.h"
#include "core/pipeline.h"
#include "courses/courses.h"
#include "identity/identity.h"
#include "mail/mail.h"
#include "orgs/orgs.h"
#include "outline/outline.h"
#include "roster/roster.h"
#include "files/files.h"
#include "lrs/lrs.h"
#include "progress/progress.h"
#include "webapp/webapp.h"
#include "bank/bank.h"
#include "quizzes/quizzes.h"
#include "gradebook/gradebook.h"
#include "enrolment/enrolment.h"

namespace trivium::app {

// Everything the running service is made of, in construction order (members
// are destroyed in reverse: the server goes first, the store last).
struct App::Parts {
  Config config;
  SystemClock clock;
  std::unique_ptr<db::Store> store;
  std::unique_ptr<mail::Mailer> mailer;
  std::unique_ptr<mail::Outbox> outbox;
  std::unique_ptr<audit::AuditLog> audit;
  std::unique_ptr<identity::Service> identity;
  std::unique_ptr<identity::Authenticator> authenticator;
  std::unique_ptr<orgs::Service> orgs;
  std::unique_ptr<orgs::RoleSource> org_roles;
  std::unique_ptr<courses::Service> courses;
  std::unique_ptr<courses::RoleSource> course_roles;
  // [outline: parts]
  std::unique_ptr<outline::Service> outline;
  // [enrolment: parts]
  std::unique_ptr<enrolment::Service> enrolment;
  std::unique_ptr<enrolment::RoleSource> enrolment_roles;
  std::unique_ptr<roster::Service> roster;
  // [files: parts]
  std::unique_ptr<files::FileStore> file_store;
  std::unique_ptr<files::Service> files;
  // [lrs: parts]
  std::unique_ptr<lrs::Service> lrs;
  std::unique_ptr<lrs::Authenticator> lrs_authenticator;
  // [progress: parts]
  std::unique_ptr<progress::Service> progress;
  // [bank: parts]
  std::unique_ptr<bank::Service> bank;
  // [quizzes: parts]
  std::unique_ptr<quizzes::Service> quizzes;
  // [gradebook: parts]
  std::unique_ptr<gradebook::Service> gradebook;
  authz::Policy policy;
  http::Router router;
  http::Metrics* metrics = nullptr;  // owned by the pipeline; read by GET /metrics
  std::unique_ptr<http::Pipeline> pipeline;
};

namespace {

std::unique_ptr<db::Store> open_and_migrate(const Config& config) {
  auto store = db::open_store({config.database_url, config.db_pool_size, 5000});
  auto status = db::migrate(*store);
  if (!status) throw std::runtime_error("cannot migrate the database: " + status.error().detail);
  spdlog::info("schema version {}", status->database_version);
  return store;
}

identity::RequestInfo info_of(const roster::Actor& a) {
  identity::RequestInfo info;
  info.ip = a.ip;
  info.request_id = a.request_id;
  info.actor_id = a.user_id;
  return info;
}

// (id, name) of every department of an organisation, as the ports of
// roster imports and enrolment take them.
Result<std::vector<std::pair<std::string, std::string>>> department_names(App::Parts& p, const std::string& org_id) {
  TRV_ASSIGN(auto all, p.orgs->list_departments(org_id));
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(all.size());
  for (const auto& d : all) out.emplace_back(d.id, d.name);
  return out;
}

// Roster imports write through the other modules' services.
roster::Ports roster_ports(App::Parts& p) {
  roster::Ports ports;
  ports.departments = [&p](const std::string& org_id) -> Result<std::vector<std::pair<std::string, std::string>>> {
    TRV_ASSIGN(auto named, department_names(p, org_id));
    for (auto& [id, name] : named) std::swap(id, name);  // name -> id
    return named;
  };
  ports.run_organisation = [&p](const std::string& run_id) -> Result<std::string> {
    TRV_ASSIGN(auto run, p.courses->run_for_enrolment(run_id));
    return run.organisation_id;
  };
  ports.check_person = [&p](const std::string& email, const std::string& name) {
    return p.identity->check_account_request({email, name, "en"});
  };
  ports.provision = [&p](const roster::Actor& actor, const std::vector<std::pair<std::string, std::string>>& people,
                         bool notify) -> Result<std::vector<std::pair<std::string, bool>>> {
    std::vector<identity::AccountRequest> batch;
    batch.reserve(people.size());
    for (const auto& [email, name] : people) batch.push_back({email, name, "en"});
    TRV_ASSIGN(auto accounts, p.identity->provision_accounts(batch, notify, info_of(actor)));
    std::vector<std::pair<std::string, bool>> out;
    out.reserve(accounts.size());
    for (auto& a : accounts) out.emplace_back(std::move(a.user_id), a.created);
    return out;
  };
  ports.place = [&p](const roster::Actor& actor, const std::string& org_id,
                     const std::vector<std::pair<std::string, std::optional<std::string>>>& batch) {
    std::vector<orgs::MemberPlacement> placements;
    placements.reserve(batch.size());
    for (const auto& [user, department] : batch) placements.push_back({user, department});
    return p.orgs->place_members({actor.user_id, actor.platform_admin, actor.ip, actor.request_id}, org_id,
                                 placements);
  };
  ports.grant_staff = [&p](const roster::Actor& actor, const std::string& run_id, const std::string& user_id,
                           const std::string& role) -> Result<void> {
    auto granted = p.courses->grant({actor.user_id, actor.ip, actor.request_id}, {"run", run_id}, user_id, role);
    if (!granted && granted.error().kind == ErrorKind::Conflict) return ok();  // held already
    return granted;
  };
  ports.enrol = [&p](const roster::Actor& actor, const std::string& run_id,
                     const std::vector<std::pair<std::string, std::optional<std::string>>>& batch)
      -> Result<std::vector<roster::EnrolmentOutcome>> {
    TRV_ASSIGN(auto outcomes, p.enrolment->enrol_batch({actor.user_id, actor.ip, actor.request_id}, run_id, batch));
    std::vector<roster::EnrolmentOutcome> out;
    out.reserve(outcomes.size());
    for (auto& o : outcomes) out.push_back({std::move(o)});
    return out;
  };
  return ports;
}

// Progress reads runs, content and enrolments through the modules that own
// them; learners' names come from identity in one read.
quizzes::Ports quizzes_ports(App::Parts& p) {
  quizzes::Ports ports;
  ports.open_block = [&p](const std::string& user_id, const std::string& run_id, const std::string& block_id) {
    return p.progress->open_block(user_id, run_id, block_id);
  };
  ports.content = [&p](const std::string& run_id) { return p.outline->run_content(run_id); };
  return ports;
}

progress::Ports progress_ports(App::Parts& p) {
  progress::Ports ports;
  ports.get_run = [&p](const std::string& id) { return p.courses->get_run(id); };
  ports.get_course = [&p](const std::string& id) { return p.courses->get_course(id); };
  ports.content = [&p](const std::string& run_id) { return p.outline->run_content(run_id); };
  ports.enrolment = [&p](const std::string& user_id,
                         const std::string& run_id) -> Result<std::optional<progress::Enrolled>> {
    auto e = p.enrolment->mine(user_id, run_id);
    if (!e) {
      if (e.error().kind == ErrorKind::NotFound) return std::optional<progress::Enrolled>{};
      return e.failure();
    }
    if (e->state != "active" && e->state != "completed") return std::optional<progress::Enrolled>{};
    return std::optional<progress::Enrolled>(progress::Enrolled{e->id, e->state});
  };
  ports.learners = [&p](const std::string& run_id) -> Result<std::vector<progress::Learner>> {
    std::vector<progress::Learner> out;
    for (const char* state : {"active", "completed"}) {
      enrolment::ListQuery q;
      q.state = state;
      q.limit = 200;
      for (;;) {
        TRV_ASSIGN(auto page, p.enrolment->list(run_id, q));
        for (const auto& e : page.items)
          out.push_back(progress::Learner{e.user_id, e.id, e.state, e.cohort_id, "", ""});
        if (!page.next_cursor) break;
        q.cursor = *page.next_cursor;
      }
    }
    std::vector<std::string> ids;
    ids.reserve(out.size());
    for (const auto& l : out) ids.push_back(l.user_id);
    TRV_ASSIGN(auto users, p.identity->get_users(ids));
    std::map<std::string, const identity::User*> by_id;
    for (const auto& u : users) by_id[u.id] = &u;
    for (auto& l : out) {
      if (auto it = by_id.find(l.user_id); it != by_id.end()) {
        l.display_name = it->second->display_name;
        l.email = it->second->email;
      }
    }
    return out;
  };
  ports.runs_of = [&p](const std::string& user_id) -> Result<std::vector<progress::MyRun>> {
    std::vector<progress::MyRun> out;
    enrolment::ListQuery q;
    q.limit = 200;
    for (;;) {
      TRV_ASSIGN(auto page, p.enrolment->list_mine(user_id, q));
      for (const auto& m : page.items)
        if (m.enrolment.state == "active" || m.enrolment.state == "completed")
          out.push_back(progress::MyRun{m.enrolment.run_id, m.enrolment.state});
      if (!page.next_cursor) break;
      q.cursor = *page.next_cursor;
    }
    return out;
  };
  ports.public_url = p.identity->settings().public_url;
  return ports;
}

// The gradebook reads the run and its course's passing rule from courses,
// and the run's learners as progress does (enrolment, with identity's names).
gradebook::Ports gradebook_ports(App::Parts& p) {
  gradebook::Ports ports;
  ports.run = [&p](const std::string& run_id) -> Result<gradebook::RunInfo> {
    TRV_ASSIGN(auto run, p.courses->run_for_enrolment(run_id));
    return gradebook::RunInfo{run.organisation_id, run.run.ends_at_ms, run.settings.completion.min_grade};
  };
  ports.learners =
      [learners = progress_ports(p).learners](const std::string& run_id) -> Result<std::vector<gradebook::Learner>> {
    TRV_ASSIGN(auto all, learners(run_id));
    std::vector<gradebook::Learner> out;
    out.reserve(all.size());
    for (auto& l : all) out.push_back({std::move(l.user_id), std::move(l.display_name), std::move(l.email)});
    return out;
  };
  ports.is_learner = [&p](const std::string& user_id, const std::string& run_id) -> Result<bool> {
    auto e = p.enrolment->mine(user_id, run_id);
    if (!e) {
      if (e.error().kind == ErrorKind::NotFound) return false;
      return e.failure();
    }
    return e->state == "active" || e->state == "completed";
  };
  return ports;
}

}  // namespace

App::App(Config config) : parts_(std::make_unique<Parts>()) {
  Parts& p = *parts_;
  p.config = std::move(config);
  p.store = open_and_migrate(p.config);
  p.mailer = mail::make_mailer(p.config.smtp);
  p.outbox = std::make_unique<mail::Outbox>(*p.store, p.clock, *p.mailer);
  p.audit = std::make_unique<audit::AuditLog>(*p.store, p.clock);
  p.identity = std::make_unique<identity::Service>(*p.store, p.clock, *p.outbox, *p.audit,
                                                   identity::settings_from(p.config));
  p.authenticator = std::make_unique<identity::Authenticator>(*p.identity);
  p.orgs = std::make_unique<orgs::Service>(*p.store, p.clock, *p.audit, [&p](const std::string& email) {
    return p.identity->user_id_by_email(email);
  });
  p.org_roles = std::make_unique<orgs::RoleSource>(*p.store);
  p.courses = std::make_unique<courses::Service>(*p.store, p.clock, *p.audit, *p.orgs);
  p.courses->may_create = [&p](const std::string& user_id, const std::string& organisation_id) {
    http::Subject who;
    who.via = http::Subject::Via::Bearer;
    who.user_id = user_id;
    auto user = p.identity->get_user(user_id);
    who.platform_admin = user && user->platform_role == "admin";
    return p.policy.can(who, "courses.create", {"organisation", organisation_id});
  };
  p.course_roles = std::make_unique<courses::RoleSource>(*p.store, *p.orgs);
  // [files: construction] course files on disk under the data folder; the
  // quota is per organisation, so the module asks whose a course is.
  p.file_store = files::make_disk_store(p.config.data_dir + "/files");
  p.files = std::make_unique<files::Service>(
      *p.store, p.clock, *p.audit, *p.file_store, p.config.data_dir, files::Limits::from(p.config.files),
      files::Ports{[&p](const std::string& course_id) -> Result<std::string> {
                     TRV_ASSIGN(auto course, p.courses->get_course(course_id));
                     return course.organisation_id;
                   },
                   [&p](const std::string& run_id) -> Result<std::vector<std::string>> {
                     TRV_ASSIGN(auto run, p.courses->get_run(run_id));
                     TRV_ASSIGN(auto course, p.courses->get_course(run.course_id));
                     std::vector<std::string> ids{course.id};
                     if (course.content_source_course_id) ids.push_back(*course.content_source_course_id);
                     return ids;
                   }});
  // [outline: construction] blocks name course files, so the files service
  // is built first; PeerTube hosts for embeds come from [content].
  {
    outline::CourseLookup lookup = outline::course_lookup(*p.courses);
    auto info = [](const files::CourseFile& f) {
      return outline::FileInfo{f.id, f.course_id, f.name, f.media_type, f.size};
    };
    lookup.file = [&p, info](const std::string& course_id,
                             const std::string& file_id) -> Result<std::optional<outline::FileInfo>> {
      auto f = p.files->get(course_id, file_id);
      if (!f) {
        if (f.error().kind == ErrorKind::NotFound) return std::optional<outline::FileInfo>{};
        return f.failure();
      }
      return std::optional<outline::FileInfo>(info(*f));
    };
    // The files service has no lookup by name: its list (oldest first) is
    // searched, and of several files with one name the newest counts.
    lookup.file_by_name = [&p, info](const std::string& course_id,
                                     const std::string& name) -> Result<std::optional<outline::FileInfo>> {
      TRV_ASSIGN(auto all, p.files->list(course_id));
      std::optional<outline::FileInfo> newest;
      for (const auto& f : all)
        if (f.name == name) newest = info(f);
      return newest;
    };
    lookup.peertube_hosts = p.config.content.peertube_hosts;
    // Quiz settings are checked by the quizzes module (built later; called
    // only once requests arrive).
    lookup.check_assessment = [&p](const std::vector<std::string>& courses, const std::string& type,
                                   const std::string& settings_json) -> Result<void> {
      if (type != "quiz" || !p.quizzes) return ok();
      return p.quizzes->check_settings(courses, settings_json);
    };
    p.outline = std::make_unique<outline::Service>(*p.store, p.clock, *p.audit, std::move(lookup));
  }
  // [enrolment: construction]
  p.enrolment = std::make_unique<enrolment::Service>(*p.store, p.clock, *p.audit, *p.outbox, [&p] {
    enrolment::Ports ports;
    ports.run = [&p](const std::string& run_id) { return p.courses->run_for_enrolment(run_id); };
    ports.user_by_email = [&p](const std::string& email) { return p.identity->user_id_by_email(email); };
    ports.email_of = [&p](const std::string& user_id) -> Result<std::optional<std::string>> {
      auto user = p.identity->get_user(user_id);
      if (!user) {
        if (user.error().kind == ErrorKind::NotFound) return std::optional<std::string>{};
        return user.failure();
      }
      return std::optional<std::string>(user->email);
    };
    ports.in_audience = [&p](const courses::RunForEnrolment& run, const std::string& user_id) {
      return p.courses->in_audience(run, user_id);
    };
    ports.invite_new_user = [&p](const std::string& email, const enrolment::Actor& actor) {
      identity::RequestInfo info;
      info.ip = actor.ip;
      info.request_id = actor.request_id;
      info.actor_id = actor.user_id;
      return p.identity->invite(email, info);
    };
    ports.departments = [&p](const std::string& org_id) { return department_names(p, org_id); };
    ports.departments_of = [&p](const std::string& user_id, const std::string& org_id)
        -> Result<std::vector<std::pair<std::string, std::string>>> {
      TRV_ASSIGN(auto ids, p.orgs->departments_of(user_id, org_id));
      TRV_ASSIGN(auto all, department_names(p, org_id));
      std::vector<std::pair<std::string, std::string>> out;  // in the member's order
      for (const auto& id : ids) {
        auto d = std::find_if(all.begin(), all.end(), [&id](const auto& x) { return x.first == id; });
        if (d != all.end()) out.push_back(*d);
      }
      return out;
    };
    ports.public_url = p.identity->settings().public_url;
    return ports;
  }());
  p.enrolment_roles = std::make_unique<enrolment::RoleSource>(
      *p.store, [&p](const std::string& course_id) -> Result<std::vector<std::string>> {
        TRV_ASSIGN(auto runs, p.courses->list_runs(course_id));
        std::vector<std::string> ids;
        for (const auto& r : runs) ids.push_back(r.id);
        return ids;
      });
  p.roster = std::make_unique<roster::Service>(*p.store, p.clock, *p.audit, roster_ports(p));
  // [lrs: construction] xAPI clients authenticate with Basic credentials; the
  // rest goes on to the session and token authenticator.
  p.lrs = std::make_unique<lrs::Service>(*p.store, p.clock, *p.audit, p.identity->settings().public_url);
  p.lrs_authenticator = std::make_unique<lrs::Authenticator>(*p.lrs, *p.authenticator);
  // [progress: construction]
  p.progress = std::make_unique<progress::Service>(*p.store, p.clock, *p.lrs, progress_ports(p));
  // [bank: construction]
  p.bank = std::make_unique<bank::Service>(*p.store, p.clock, *p.audit, bank::Ports{[&p](const std::string& id) {
                                             return p.courses->get_course(id);
                                           }});
  // [quizzes: construction]
  p.quizzes = std::make_unique<quizzes::Service>(*p.store, p.clock, *p.audit, *p.bank, *p.progress,
                                                 quizzes_ports(p));
  // [gradebook: construction] quizzes are its first kind of grade item.
  p.gradebook = std::make_unique<gradebook::Service>(*p.store, p.clock, *p.audit, gradebook_ports(p));
  p.gradebook->add_source(gradebook::quiz_items(*p.quizzes));

  p.policy.declare(system_capabilities());
  p.policy.declare(identity::capabilities());
  p.policy.declare(orgs::capabilities());
  p.policy.declare(audit::capabilities());
  p.policy.declare(courses::capabilities());
  // [outline: capabilities]
  p.policy.declare(outline::capabilities());
  // [enrolment: capabilities]
  p.policy.declare(enrolment::capabilities());
  p.policy.declare(roster::capabilities());
  p.policy.declare(files::capabilities());
  // [lrs: capabilities]
  p.policy.declare(lrs::capabilities());
  // [progress: capabilities]
  p.policy.declare(progress::capabilities());
  // [webapp: capabilities]
  p.policy.declare(webapp::capabilities());
  // [bank: capabilities]
  p.policy.declare(bank::capabilities());
  // [quizzes: capabilities]
  p.policy.declare(quizzes::capabilities());
  // [gradebook: capabilities]
  p.policy.declare(gradebook::capabilities());
  p.policy.add_role_source("organisation", *p.org_roles);
  // The courses module owns the course and run contexts: it registers first.
  p.policy.add_role_source("course", *p.course_roles);
  p.policy.add_role_source("run", *p.course_roles);
  // [enrolment: role sources]
  p.policy.add_role_source("course", *p.enrolment_roles);
  p.policy.add_role_source("run", *p.enrolment_roles);

  register_system_routes(p.router, {*p.store, &p.metrics, openapi_document(),
                                    p.config.test_hooks ? &p.clock : nullptr});
  identity::register_routes(p.router, *p.identity);
  orgs::register_routes(p.router, *p.orgs);
  courses::register_routes(p.router, *p.courses);
  // [outline: routes]
  outline::register_routes(p.router, *p.outline);
  // [enrolment: routes]
  enrolment::register_routes(p.router, *p.enrolment);
  roster::register_routes(p.router, *p.roster);
  files::register_routes(p.router, *p.files);
  // [lrs: routes]
  lrs::register_routes(p.router, *p.lrs);
  // [progress: routes]
  progress::register_routes(p.router, *p.progress);
  // [bank: routes]
  bank::register_routes(p.router, *p.bank);
  // [quizzes: routes]
  quizzes::register_routes(p.router, *p.quizzes);
  // [gradebook: routes]
  gradebook::register_routes(p.router, *p.gradebook);
  audit::register_routes(p.router, *p.audit);
  // [webapp: routes] the built web app, read once at start; it answers the
  // GET paths no route claims (the router's fallback).
  {
    auto site = webapp::Site::load(p.config.web.root);
    if (!site) throw std::runtime_error("cannot load the web app: " + site.error().detail);
    webapp::register_routes(p.router, std::make_shared<const webapp::Site>(std::move(*site)),
                            {p.config.content.peertube_hosts});
  }
  // AC-01: a route whose capability nobody declared stops the start.
  if (auto ok = p.policy.verify_routes(p.router); !ok) throw std::logic_error(ok.error().detail);

  p.pipeline = std::make_unique<http::Pipeline>(p.config, p.clock, p.router, *p.lrs_authenticator, p.policy);
  p.metrics = &p.pipeline->metrics();
  p.metrics->add_collector([store = p.store.get()](std::string& out) {
    auto s = store->stats();
    out += "# HELP trivium_store_connections Store connections open and in use.\n";
    out += "# TYPE trivium_store_connections gauge\n";
    out += "trivium_store_connections{state=\"open\"} " + std::to_string(s.connections_total) + "\n";
    out += "trivium_store_connections{state=\"in_use\"} " + std::to_string(s.connections_in_use) + "\n";
    out += "# TYPE trivium_store_write_batches_total counter\n";
    out += "trivium_store_write_batches_total " + std::to_string(s.write_batches) + "\n";
    out += "# TYPE trivium_store_write_transactions_total counter\n";
    out += "trivium_store_write_transactions_total " + std::to_string(s.write_jobs) + "\n";
  });
}

App::~App() {
  if (parts_ && parts_->quizzes) parts_->quizzes->stop_timer();
  if (parts_ && parts_->roster) parts_->roster->stop();
  if (parts_ && parts_->files) parts_->files->stop();
  if (parts_ && parts_->outbox) parts_->outbox->stop();
  if (parts_ && parts_->store) parts_->store->close();
}

const http::Router& App::router() const { return parts_->router; }
const Config& App::config() const { return parts_->config; }

std::optional<std::string> App::bootstrap() {
  Parts& p = *parts_;
  if (auto org = p.orgs->ensure_platform_organisation(); !org)
    throw std::runtime_error("cannot create the platform organisation: " + org.error().detail);
  auto admin = p.identity->bootstrap_admin("admin@trivium.localhost");
  if (!admin) throw std::runtime_error("cannot create the first administrator: " + admin.error().detail);
  if (!*admin) return std::nullopt;
  return (*admin)->password;
}

void App::serve() {
  Parts& p = *parts_;
  http::HttpServer server(p.config, *p.pipeline);
  server.listen();
  p.outbox->start();
  p.roster->start();
  p.files->start();
  // Attempts whose time ran out while the server was down are finished at
  // once, then every few seconds.
  p.quizzes->start_timer();
  spdlog::info("listening on {} (port {})", p.config.listen, server.port());
  server.run();
  p.quizzes->stop_timer();
  p.roster->stop();
  p.files->stop();
  p.outbox->stop();
  p.store->close();
}

int App::create_user(const std::string& email, const std::string& name, const std::string& password, bool admin) {
  auto user = parts_->identity->create_user(email, name, password, admin);
  if (!user) {
    std::cerr << "cannot create the account: " << user.error().detail << "\n";
    for (const auto& f : user.error().fields) std::cerr << "  " << f.field << ": " << f.message << "\n";
    return 1;
  }
  std::cout << "created " << user->email << " (" << user->id << ")\n";
  return 0;
}

int App::reset_password(const std::string& email) {
  auto pw = parts_->identity->reset_password_cli(email);
  if (!pw) {
    std::cerr << "cannot reset the password: " << pw.error().detail << "\n";
    return 1;
  }
  std::cout << "new password for " << email << ": " << *pw << "\n(shown once; it must be changed at sign-in)\n";
  return 0;
}

int App::generate(const GenOptions& options, std::ostream& out) {
  Parts& p = *parts_;
  return app::generate({*p.store, *p.orgs, *p.lrs}, options, out);
}

int App::load_demo(std::ostream& out) {
  Parts& p = *parts_;
  return load_demo_content({p.config, p.clock, *p.identity, *p.orgs, *p.courses, *p.outline, *p.enrolment}, out,
                           std::cerr);
}

}  // namespace trivium::app
