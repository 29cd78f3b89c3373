// libFuzzer target for the GIFT reader and writer (F3): see round_trip.h.
#include "round_trip.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace trivium;
  return fuzz::round_trip("gift", questions::parse_gift, questions::to_gift, data, size);
}
