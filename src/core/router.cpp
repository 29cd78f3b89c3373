#include <map>
#include <stdexcept>

#include "core/http.h"

namespace trivium::http {

// A trie over path segments. Each node may have literal children, one
// parameter child, and routes by method for the path that ends there.
struct Router::Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literals;
  std::unique_ptr<Node> param;
  std::string param_name;
  std::vector<std::pair<Method, size_t>> routes;  // index into routes_
};

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;

namespace {

// Splits "/a/b/c" into {"a","b","c"}; "/" gives {}.
template <typename F>
bool for_each_segment(std::string_view path, F&& f) {
  if (path.empty() || path.front() != '/') return false;
  path.remove_prefix(1);
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view seg = path.substr(0, slash);
    if (!f(seg)) return false;
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
    if (path.empty()) return f(std::string_view{});  // trailing slash: an empty last segment
  }
  return true;
}

}  // namespace

void Router::add(Route route) {
  if (route.action.empty()) throw std::logic_error("route " + route.pattern + " declares no action");
  if (!route.handler) throw std::logic_error("route " + route.pattern + " has no handler");
  Node* node = root_.get();
  bool ok = for_each_segment(route.pattern, [&](std::string_view seg) {
    if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
      std::string name(seg.substr(1, seg.size() - 2));
      if (!node->param) {
        node->param = std::make_unique<Node>();
        node->param_name = name;
      } else if (node->param_name != name) {
        throw std::logic_error("route " + route.pattern + " renames parameter " + node->param_name);
      }
      node = node->param.get();
    } else {
      auto& child = node->literals[std::string(seg)];
      if (!child) child = std::make_unique<Node>();
      node = child.get();
    }
    return true;
  });
  if (!ok) throw std::logic_error("route pattern must start with '/': " + route.pattern);
  for (const auto& [m, idx] : node->routes)
    if (m == route.method)
      throw std::logic_error("duplicate route " + std::string(method_name(m)) + " " + route.pattern);
  node->routes.emplace_back(route.method, routes_.size());
  routes_.push_back(std::move(route));
}

void Router::add_fallback(Route route) {
  if (route.action.empty()) throw std::logic_error("fallback route " + route.pattern + " declares no action");
  if (!route.handler) throw std::logic_error("fallback route " + route.pattern + " has no handler");
  if (route.method != Method::Get) throw std::logic_error("the fallback route answers GET only");
  if (fallback_) throw std::logic_error("a second fallback route: " + route.pattern);
  fallback_ = routes_.size();
  routes_.push_back(std::move(route));
}

Match Router::unmatched(Method method) const {
  Match out;
  if (fallback_ && (method == Method::Get || method == Method::Head)) {
    out.kind = Match::Kind::Found;
    out.route = &routes_[*fallback_];
  }
  return out;
}

Match Router::match(Method method, std::string_view path) const {
  Match out;
  const Node* node = root_.get();
  std::vector<std::pair<std::string_view, std::string_view>> raw_params;
  bool walked = for_each_segment(path, [&](std::string_view seg) {
    if (auto it = node->literals.find(seg); it != node->literals.end()) {
      node = it->second.get();
      return true;
    }
    if (node->param && !seg.empty()) {
      raw_params.emplace_back(node->param_name, seg);
      node = node->param.get();
      return true;
    }
    return false;
  });
  if (!walked || node->routes.empty()) return unmatched(method);
  const Route* found = nullptr;
  for (const auto& [m, idx] : node->routes) {
    if (m == method || (method == Method::Head && m == Method::Get && !found)) found = &routes_[idx];
  }
  if (!found) {
    out.kind = Match::Kind::MethodNotAllowed;
    for (const auto& [m, idx] : node->routes) {
      if (!out.allow.empty()) out.allow += ", ";
      out.allow += method_name(m);
    }
    return out;
  }
  for (const auto& [name, value] : raw_params) {
    auto decoded = url_decode(value, false);
    if (!decoded) return out;  // an undecodable id names nothing: 404
    // The parameter name lives in the trie, which outlives every request.
    out.params.emplace_back(name, std::move(*decoded));
  }
  out.kind = Match::Kind::Found;
  out.route = found;
  return out;
}

}  // namespace trivium::http
