#include "app/app.h"

#include <iostream>
#include <spdlog/spdlog.h>
#include <stdexcept>

#include "app/system_routes.h"
#include "audit/audit.h"
#include "authz/authz.h"
#include "core/db.h"
#include "core/http_server.h"
#include "core/metrics.h"
#include "core/pipeline.h"
#include "identity/identity.h"
#include "mail/mail.h"
#include "orgs/orgs.h"

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

  p.policy.declare(system_capabilities());
  p.policy.declare(identity::capabilities());
  p.policy.declare(orgs::capabilities());
  p.policy.declare(audit::capabilities());
  p.policy.add_role_source("organisation", *p.org_roles);

  register_system_routes(p.router, {*p.store, &p.metrics, openapi_document(),
                                    p.config.test_hooks ? &p.clock : nullptr});
  identity::register_routes(p.router, *p.identity);
  orgs::register_routes(p.router, *p.orgs);
  audit::register_routes(p.router, *p.audit);
  // AC-01: a route whose capability nobody declared stops the start.
  if (auto ok = p.policy.verify_routes(p.router); !ok) throw std::logic_error(ok.error().detail);

  p.pipeline = std::make_unique<http::Pipeline>(p.config, p.clock, p.router, *p.authenticator, p.policy);
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
  spdlog::info("listening on {} (port {})", p.config.listen, server.port());
  server.run();
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

}  // namespace trivium::app
