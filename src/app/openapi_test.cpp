// The OpenAPI document (api/openapi.json) and the router must name the same
// operations, with the same capability: a route added without documenting it,
// or a documented route that does not exist, fails here.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <unistd.h>

#include "app/app.h"

namespace trivium::app {
namespace {

std::string to_lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class OpenApiSync : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("trivium-openapi-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    Config c;
    c.data_dir = dir_.string();
    c.test_hooks = true;  // the document lists the TEST_ hook too, marked as such
    finalize_config(c);
    app_ = std::make_unique<App>(c);
  }
  void TearDown() override {
    app_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<App> app_;
};

TEST_F(OpenApiSync, DocumentAndRouterNameTheSameOperations) {
  auto doc = boost::json::parse(openapi_document()).as_object();
  EXPECT_TRUE(std::string_view(doc.at("openapi").as_string()).starts_with("3.1"));
  std::set<std::string> documented;
  std::map<std::string, std::string> documented_action;
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [method, op] : item.as_object()) {
      if (method == "parameters") continue;
      std::string key = to_lower(std::string(method)) + " " + std::string(path);
      documented.insert(key);
      if (auto* a = op.as_object().if_contains("x-trivium-action")) documented_action[key] = std::string(a->as_string());
    }
  }
  std::set<std::string> routed;
  for (const auto& r : app_->router().routes()) {
    if (&r == app_->router().fallback()) continue;  // the web app's pages (src/webapp) are not API
    std::string key = to_lower(std::string(http::method_name(r.method))) + " " + r.pattern;
    routed.insert(key);
    EXPECT_TRUE(documented.count(key)) << "route missing from api/openapi.json: " << key;
    EXPECT_EQ(documented_action[key], r.action) << "x-trivium-action differs for " << key;
  }
  for (const auto& key : documented) EXPECT_TRUE(routed.count(key)) << "documented but not routed: " << key;
}

TEST_F(OpenApiSync, CommittedFileIsTheServedDocument) {
  const char* src = std::getenv("TRIVIUM_SOURCE_DIR");
  ASSERT_NE(src, nullptr);
  std::ifstream in(std::filesystem::path(src) / "api" / "openapi.json");
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), std::string(openapi_document()));
}

}  // namespace
}  // namespace trivium::app
