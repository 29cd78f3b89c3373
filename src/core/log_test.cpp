// The access log: lines from several threads all reach standard output, each
// thread's in order, whether written by the background flusher, by a thread
// the flusher could not keep up with, or at the end.
#include "core/log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace trivium {
namespace {

TEST(AccessLog, EveryLineArrivesInOrderPerThread) {
  char path[] = "/tmp/trivium-access-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  std::fflush(stdout);
  const int saved = dup(STDOUT_FILENO);
  ASSERT_GE(dup2(fd, STDOUT_FILENO), 0);
  constexpr int kThreads = 4, kLines = 30000;  // about 6 MB: the queue fills, writers drain it too
  {
    AccessLog log(true);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&log, t] {
        for (int i = 0; i < kLines; ++i) {
          const std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
          log.record({"GET", "/api/v1/courses?q=\"x\"", id, "203.0.113.7", "", 200, 1234, 0.25});
        }
      });
    }
    for (auto& th : threads) th.join();
  }  // the destructor writes what is left
  std::fflush(stdout);
  dup2(saved, STDOUT_FILENO);
  close(saved);
  close(fd);

  std::ifstream in(path);
  std::string line;
  std::map<int, int> next;  // thread -> next expected line number
  int lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    ASSERT_EQ(line.front(), '{') << line;
    ASSERT_EQ(line.back(), '}') << line;
    ASSERT_NE(line.find("\"target\":\"/api/v1/courses?q=\\\"x\\\"\""), std::string::npos) << line;
    const size_t at = line.find("\"request_id\":\"t");
    ASSERT_NE(at, std::string::npos) << line;
    const int t = std::stoi(line.substr(at + 15));
    const int i = std::stoi(line.substr(line.find('-', at + 15) + 1));
    ASSERT_EQ(i, next[t]) << "thread " << t << " out of order";
    next[t] = i + 1;
  }
  std::remove(path);
  EXPECT_EQ(lines, kThreads * kLines);
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(next[t], kLines);
}

}  // namespace
}  // namespace trivium
