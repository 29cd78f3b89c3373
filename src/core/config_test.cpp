#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>
#include <unistd.h>

#include "core/config.h"

namespace trivium {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("trivium-config-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    for (const char* v :
         {"TRIVIUM_LISTEN", "TRIVIUM_DATABASE_URL", "TRIVIUM_SMTP_PASSWORD", "TRIVIUM_CONTENT_PEERTUBE_HOSTS"})
      ::unsetenv(v);
    std::filesystem::remove_all(dir_);
  }
  std::string write(const std::string& text) {
    auto p = dir_ / "trivium.toml";
    std::ofstream(p) << text;
    return p.string();
  }
  std::filesystem::path dir_;
};

TEST_F(ConfigTest, FileThenEnvironmentOverride) {
  auto path = write("listen = \"127.0.0.1:9000\"\n[auth]\nregistration = \"closed\"\n[smtp]\nurl = \"smtp://127.0.0.1:25\"\n");
  ::setenv("TRIVIUM_LISTEN", "127.0.0.1:9100", 1);
  Config c = load_config(path);
  EXPECT_EQ(c.listen, "127.0.0.1:9100");
  EXPECT_EQ(c.registration, "closed");
  EXPECT_EQ(c.smtp.url, "smtp://127.0.0.1:25");
}

TEST_F(ConfigTest, BadValuesAreRefusedAtStart) {
  EXPECT_THROW(load_config(write("[auth]\nregistration = \"sometimes\"\n")), std::runtime_error);
  EXPECT_THROW(load_config(write("[auth]\nargon2_memory_kib = 1024\n")), std::runtime_error);  // AUTH-01 floor
  EXPECT_THROW(load_config(write("listen = [1,2]\n")), std::runtime_error);
  EXPECT_THROW(load_config(write("this is not toml")), std::runtime_error);
  EXPECT_THROW(load_config((dir_ / "missing.toml").string()), std::runtime_error);
}

TEST_F(ConfigTest, DescriptionHidesSecrets) {
  ::setenv("TRIVIUM_DATABASE_URL", "postgresql://app:s3cret@127.0.0.1:5432/trivium", 1);
  ::setenv("TRIVIUM_SMTP_PASSWORD", "mailpass", 1);
  Config c = load_config(write(""));
  finalize_config(c);
  std::string all;
  for (const auto& line : c.describe()) all += line + "\n";
  EXPECT_EQ(all.find("s3cret"), std::string::npos);
  EXPECT_EQ(all.find("mailpass"), std::string::npos);
  EXPECT_NE(all.find("postgresql://app:***@127.0.0.1:5432/trivium"), std::string::npos);
}

TEST_F(ConfigTest, DefaultsDeriveDatabaseFromDataDir) {
  Config c = load_config(write(""));
  c.data_dir = "/tmp/somewhere";
  finalize_config(c);
  EXPECT_EQ(c.database_url, "sqlite:/tmp/somewhere/trivium.db");
  EXPECT_EQ(c.public_url, "http://127.0.0.1:8080");
}

// [content] peertube_hosts: a TOML list or a comma list (the form the
// environment variable takes), held lower-case; anything but a host name
// is refused at start, so that an embed rule never compares against a URL.
TEST_F(ConfigTest, PeerTubeHostsFromFileOrEnvironment) {
  EXPECT_TRUE(load_config(write("")).content.peertube_hosts.empty());
  Config listed = load_config(write("[content]\npeertube_hosts = [\"Video.Example.org\", \"tube.example\"]\n"));
  EXPECT_EQ(listed.content.peertube_hosts, (std::vector<std::string>{"video.example.org", "tube.example"}));
  Config commas = load_config(write("[content]\npeertube_hosts = \" a.example , b.example,,a.example\"\n"));
  EXPECT_EQ(commas.content.peertube_hosts, (std::vector<std::string>{"a.example", "b.example"}));
  ::setenv("TRIVIUM_CONTENT_PEERTUBE_HOSTS", "env.example,Other.Example", 1);
  EXPECT_EQ(load_config(write("[content]\npeertube_hosts = [\"file.example\"]\n")).content.peertube_hosts,
            (std::vector<std::string>{"env.example", "other.example"}));
  std::string all;
  for (const auto& line : load_config(write("")).describe()) all += line + "\n";
  EXPECT_NE(all.find("PeerTube on env.example, other.example"), std::string::npos) << all;
  ::unsetenv("TRIVIUM_CONTENT_PEERTUBE_HOSTS");

  for (const char* bad : {"https://tube.example", "tube.example:8443", "tube.example/videos", "-tube.example",
                          "tube..example", "user@tube.example", "tube example"}) {
    EXPECT_THROW(load_config(write(std::string("[content]\npeertube_hosts = [\"") + bad + "\"]\n")), std::runtime_error)
        << bad;
  }
  EXPECT_THROW(load_config(write("[content]\npeertube_hosts = 3\n")), std::runtime_error);
  EXPECT_THROW(load_config(write("[content]\npeertube_hosts = [1]\n")), std::runtime_error);
  ::setenv("TRIVIUM_CONTENT_PEERTUBE_HOSTS", "ok.example,javascript:alert(1)", 1);
  EXPECT_THROW(load_config(write("")), std::runtime_error);
}

}  // namespace
}  // namespace trivium
