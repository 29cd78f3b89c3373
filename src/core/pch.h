// Precompiled header: the standard library and the JSON/log headers nearly
// every translation unit uses. Never Beast or Asio (see core/http_server.cpp).
#pragma once
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include <boost/json.hpp>
#include <spdlog/spdlog.h>
