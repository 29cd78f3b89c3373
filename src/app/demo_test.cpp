// `trivium demo` on a fresh SQLite folder: loads once, writes the accounts
// file readable by its owner only, and a second run changes nothing and
// prints the same accounts. (tests/integration/demo.test.mjs checks what the
// demo looks like over HTTP, on both stores.)
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "app/app.h"

namespace trivium::app {
namespace {

class DemoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("trivium-demo-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    config_.data_dir = dir_.string();
    finalize_config(config_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // One `trivium demo`: a new App on the same folder, as the CLI does.
  std::pair<int, std::string> run_demo() {
    App app(config_);
    app.bootstrap();  // as `trivium demo` does: the platform organisation first
    std::ostringstream out;
    int status = app.load_demo(out);
    return {status, out.str()};
  }

  static std::string password_in(const std::string& text) {
    std::smatch m;
    if (!std::regex_search(text, m, std::regex(R"(Demo accounts \(password: (\S+)\):)"))) return "";
    return m[1];
  }

  std::filesystem::path dir_;
  Config config_;
};

TEST_F(DemoTest, LoadsOnceAndPrintsTheSameAccountsAfterwards) {
  auto [status, out] = run_demo();
  ASSERT_EQ(status, 0) << out;
  EXPECT_NE(out.find("Loaded the demo catalog: 4 courses"), std::string::npos) << out;
  const std::string password = password_in(out);
  ASSERT_GE(password.size(), 16u) << out;

  const auto file = dir_ / "demo-accounts.txt";
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(out.find(text.str()), std::string::npos) << "the file is what was printed";
  EXPECT_NE(text.str().find("demo data"), std::string::npos);

  auto [again, out2] = run_demo();
  EXPECT_EQ(again, 0) << out2;
  EXPECT_EQ(out2, text.str()) << "a second run only prints the accounts";
  EXPECT_EQ(password_in(out2), password);
}

}  // namespace
}  // namespace trivium::app
