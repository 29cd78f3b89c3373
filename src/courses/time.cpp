// Time zones and weekly schedules on the operating system's tz database
// (date/tz.h with USE_OS_TZDB). A weekly release is computed in local time
// and converted to UTC per occurrence, so "Mondays 09:00 Europe/Paris" stays
// at 09:00 local on both sides of a daylight-saving change.

#include <date/date.h>
#include <date/tz.h>

#include <charconv>
#include <chrono>

#include "courses/courses.h"

namespace trivium::courses {
namespace {

const date::time_zone* zone_of(const std::string& name) {
  if (name.empty() || name.size() > 64) return nullptr;
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;
  }
}

bool parse_int(std::string_view s, int& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

// "YYYY-MM-DD" -> a valid calendar date.
std::optional<date::year_month_day> parse_date(const std::string& s) {
  int y = 0, m = 0, d = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (!parse_int(std::string_view(s).substr(0, 4), y) || !parse_int(std::string_view(s).substr(5, 2), m) ||
      !parse_int(std::string_view(s).substr(8, 2), d)) {
    return std::nullopt;
  }
  date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(m)}, date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

// "HH:MM" -> minutes after midnight.
std::optional<int> parse_time(const std::string& s) {
  int h = 0, m = 0;
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  if (!parse_int(std::string_view(s).substr(0, 2), h) || !parse_int(std::string_view(s).substr(3, 2), m)) {
    return std::nullopt;
  }
  if (h < 0 || h > 23 || m < 0 || m > 59) return std::nullopt;
  return h * 60 + m;
}

std::optional<unsigned> weekday_of(const std::string& name) {
  static const char* names[] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
  for (unsigned i = 0; i < 7; ++i) {
    if (name == names[i]) return i;
  }
  return std::nullopt;
}

}  // namespace

bool is_time_zone(const std::string& name) {
  return zone_of(name) != nullptr;
}

Result<int64_t> weekly_release(const WeeklySchedule& s, int index) {
  Error e{ErrorKind::Invalid, "The schedule is invalid.", {}, 0};
  const date::time_zone* zone = zone_of(s.time_zone);
  if (!zone) e.fields.push_back({"time_zone", "unknown_zone", "An IANA time zone name."});
  auto weekday = weekday_of(s.weekday);
  if (!weekday) e.fields.push_back({"weekday", "enum", "A weekday in English, lower-case (monday ...)."});
  auto minutes = parse_time(s.local_time);
  if (!minutes) e.fields.push_back({"local_time", "format", "HH:MM, 24-hour."});
  auto first = parse_date(s.first_date);
  if (!first) e.fields.push_back({"first_date", "format", "A date, YYYY-MM-DD."});
  if (index < 0 || index > 10'000) e.fields.push_back({"index", "out_of_range", "From 0 to 10000."});
  if (!e.fields.empty()) return fail(std::move(e));

  const date::local_days start{*first};
  const date::weekday want{*weekday};
  // Days from the first date to the first wanted weekday, then whole weeks.
  const date::days to_weekday = want - date::weekday{start};
  const date::local_days day = start + to_weekday + date::weeks{index};
  const auto local = date::local_time<std::chrono::minutes>{day.time_since_epoch() + std::chrono::minutes{*minutes}};
  // A time skipped by a spring-forward change is taken at the change; a
  // repeated one in autumn at its first occurrence.
  const auto utc = zone->to_sys(local, date::choose::earliest);
  return std::chrono::duration_cast<std::chrono::milliseconds>(utc.time_since_epoch()).count();
}

Result<std::string> format_local(int64_t utc_ms, const std::string& time_zone) {
  const date::time_zone* zone = zone_of(time_zone);
  if (!zone) return invalid("tz", "unknown_zone", "An IANA time zone name.");
  const date::sys_time<std::chrono::seconds> t{
      std::chrono::floor<std::chrono::seconds>(std::chrono::milliseconds{utc_ms})};
  const date::zoned_time<std::chrono::seconds> zt{zone, t};
  return date::format("%Y-%m-%dT%H:%M:%S%Ez", zt);
}

}  // namespace trivium::courses

namespace trivium::courses {

std::optional<int64_t> parse_rfc3339(const std::string& s) {
  // YYYY-MM-DDTHH:MM:SS[.fff...](Z|+HH:MM|-HH:MM)
  if (s.size() < 20 || s.size() > 40 || (s[10] != 'T' && s[10] != 't')) return std::nullopt;
  auto ymd = parse_date(s.substr(0, 10));
  int h = 0, mi = 0, sec = 0;
  if (!ymd || s[13] != ':' || s[16] != ':' || !parse_int(std::string_view(s).substr(11, 2), h) ||
      !parse_int(std::string_view(s).substr(14, 2), mi) || !parse_int(std::string_view(s).substr(17, 2), sec) ||
      h > 23 || mi > 59 || sec > 60 || h < 0 || mi < 0 || sec < 0) {
    return std::nullopt;
  }
  size_t i = 19;
  int64_t ms = 0;
  if (i < s.size() && s[i] == '.') {
    size_t digits = 0;
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++digits) {
      if (digits < 3) ms = ms * 10 + (s[i] - '0');
    }
    if (digits == 0) return std::nullopt;
    for (; digits < 3; ++digits) ms *= 10;
  }
  int offset_min = 0;
  const std::string_view zone = std::string_view(s).substr(i);
  if (zone == "Z" || zone == "z") {
    offset_min = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    int oh = 0, om = 0;
    if (!parse_int(zone.substr(1, 2), oh) || !parse_int(zone.substr(4, 2), om) || oh > 23 || om > 59 || oh < 0 ||
        om < 0) {
      return std::nullopt;
    }
    offset_min = (zone[0] == '+' ? 1 : -1) * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  const date::sys_days day{*ymd};
  const int64_t days = day.time_since_epoch().count();
  return ((days * 86400 + h * 3600 + mi * 60 + std::min(sec, 59)) - offset_min * 60LL) * 1000 + ms;
}

}  // namespace trivium::courses
