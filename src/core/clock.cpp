#include "core/clock.h"

#include <chrono>

namespace trivium {

namespace {

void put_digits(char* out, int64_t value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

}  // namespace

// Formatted by hand: it runs for most API responses, and snprintf with
// gmtime_r cost more than the rest of a cached /api/v1/me together.
std::string format_rfc3339(int64_t epoch_ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> t{milliseconds{epoch_ms}};
  const sys_days day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss<milliseconds> hms{t - day};
  std::string s(24, '\0');  // 2026-11-23T01:54:00.123Z
  char* p = s.data();
  put_digits(p, static_cast<int>(ymd.year()), 4);
  p[4] = '-';
  put_digits(p + 5, static_cast<unsigned>(ymd.month()), 2);
  p[7] = '-';
  put_digits(p + 8, static_cast<unsigned>(ymd.day()), 2);
  p[10] = 'T';
  put_digits(p + 11, hms.hours().count(), 2);
  p[13] = ':';
  put_digits(p + 14, hms.minutes().count(), 2);
  p[16] = ':';
  put_digits(p + 17, hms.seconds().count(), 2);
  p[19] = '.';
  put_digits(p + 20, hms.subseconds().count(), 3);
  p[23] = 'Z';
  return s;
}

}  // namespace trivium
