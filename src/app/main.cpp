// trivium: the command-line entry point (serve, migrate, user, demo, version, routes).
#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <filesystem>
#include <iostream>
#include <malloc.h>
#include <spdlog/spdlog.h>

#include "app/app.h"
#include "core/db.h"
#include "core/log.h"

namespace {

using trivium::Config;

int run_serve(Config config) {
  std::filesystem::create_directories(config.data_dir);
  trivium::app::App app(config);
  auto password = app.bootstrap();
  std::cout << "Trivium " << TRIVIUM_VERSION << " listening on http://" << app.config().listen << "\n";
  if (password) {
    std::cout << "Initial administrator: admin@trivium.localhost password: " << *password << "\n"
              << "(shown once; sign in and change it)\n";
  }
  std::cout.flush();
  app.serve();
  spdlog::info("stopped");
  trivium::shutdown_logging();
  return 0;
}

// Like serve's start (migrations, first administrator), then the demo.
int run_demo(const Config& config) {
  std::filesystem::create_directories(config.data_dir);
  trivium::app::App app(config);
  auto password = app.bootstrap();
  if (password) {
    std::cout << "Initial administrator: admin@trivium.localhost password: " + *password +
                     "\n(shown once; sign in and change it)\n";
  }
  int status = app.load_demo(std::cout);
  std::cout.flush();
  return status;
}

int run_migrate(const Config& config, bool status_only) {
  std::filesystem::create_directories(config.data_dir);
  auto store = trivium::db::open_store({config.database_url, 2, 5000});
  auto result = status_only ? trivium::db::migration_status(*store) : trivium::db::migrate(*store);
  if (!result) {
    std::cerr << "migration failed: " << result.error().detail << "\n";
    return 1;
  }
  for (const auto& name : result->applied_now) std::cout << "applied " << name << "\n";
  std::cout << "schema version " << result->database_version << " (binary knows " << result->binary_version
            << ")\n";
  store->close();
  return 0;
}

int print_routes(const trivium::app::App& app) {
  boost::json::array out;
  for (const auto& r : app.router().routes())
    out.push_back({{"method", trivium::http::method_name(r.method)},
                   {"path", r.pattern},
                   {"action", r.action},
                   {"summary", r.summary},
                   {"body", r.body == trivium::http::BodyKind::Json}});
  std::cout << boost::json::serialize(out) << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Responses of tens of kilobytes are allocated and freed per request; with
  // glibc's defaults the freed memory goes back to the kernel and every
  // request faults its pages in again (a twentieth of the time of a large
  // outline). Keep up to 16 MiB of free heap per arena instead.
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
  mallopt(M_TRIM_THRESHOLD, 16 << 20);
  CLI::App cli{"Trivium: one engine for MOOCs, corporate courses (COOCs) and small private courses (SPOCs)."};
  cli.require_subcommand(1);
  std::string config_file, data_dir, listen;
  cli.add_option("-c,--config", config_file, "TOML configuration file (default ./trivium.toml if present)");

  auto* serve = cli.add_subcommand("serve", "Serve the API and the web app");
  serve->add_option("--data", data_dir, "Data folder (default ./var)");
  serve->add_option("--listen", listen, "HOST:PORT to listen on (default 127.0.0.1:8080)");

  auto* migrate = cli.add_subcommand("migrate", "Apply pending schema migrations and exit");
  bool status_only = false;
  migrate->add_option("--data", data_dir, "Data folder (default ./var)");
  migrate->add_flag("--status", status_only, "Only print the schema version");

  auto* user = cli.add_subcommand("user", "Manage accounts from the command line");
  user->require_subcommand(1);
  user->add_option("--data", data_dir, "Data folder (default ./var)");
  std::string email, name, password;
  bool admin = false;
  auto* create = user->add_subcommand("create", "Create an account");
  create->add_option("--email", email, "E-mail address")->required();
  create->add_option("--name", name, "Display name")->required();
  create->add_option("--password", password, "Password (asked for nothing: use the reset flow otherwise)")->required();
  create->add_flag("--admin", admin, "Make the account a platform administrator");
  auto* reset = user->add_subcommand("reset-password", "Set a new random password and print it once");
  reset->add_option("--email", email, "E-mail address")->required();

  auto* demo =
      cli.add_subcommand("demo", "Load the demo catalog and accounts (once; then print the accounts again) and exit");
  demo->add_option("--data", data_dir, "Data folder (default ./var)");

  auto* gen = cli.add_subcommand("gen", "Fill the data folder with benchmark data through the services and exit");
  gen->add_option("--data", data_dir, "Data folder (default ./var)");
  trivium::app::GenOptions gen_options;
  gen->add_option("--statements", gen_options.statements, "xAPI statements to write")->check(CLI::NonNegativeNumber);
  gen->add_option("--learners", gen_options.learners, "Distinct learners in the statements")->check(CLI::PositiveNumber);
  gen->add_option("--activities", gen_options.activities, "Distinct activities")->check(CLI::PositiveNumber);
  gen->add_option("--seed", gen_options.seed, "Seed: the same seed writes the same data");
  gen->add_option("--org", gen_options.organisation_slug, "Slug of the organisation to fill (created if missing)");

  auto* version = cli.add_subcommand("version", "Print the version");
  auto* routes = cli.add_subcommand("routes", "Print the route table as JSON (method, path, capability)");

  CLI11_PARSE(cli, argc, argv);

  if (*version) {
    std::cout << "trivium " << TRIVIUM_VERSION << "\n";
    return 0;
  }
  try {
    Config config = trivium::load_config(config_file);
    if (!data_dir.empty()) config.data_dir = data_dir;
    if (!listen.empty()) config.listen = listen;
    trivium::finalize_config(config);
    trivium::setup_logging(config);
    for (const auto& line : config.describe()) spdlog::info("config: {}", line);
    if (*serve) return run_serve(config);
    if (*migrate) return run_migrate(config, status_only);
    if (*demo) {
      int status = run_demo(config);
      trivium::shutdown_logging();
      return status;
    }
    std::filesystem::create_directories(config.data_dir);
    trivium::app::App app(config);
    if (*routes) return print_routes(app);
    if (*gen) return app.generate(gen_options, std::cout);
    if (*create) return app.create_user(email, name, password, admin);
    if (*reset) return app.reset_password(email);
  } catch (const std::exception& e) {
    std::cerr << "trivium: " << e.what() << "\n";
    trivium::shutdown_logging();
    return 1;
  }
  return 0;
}
