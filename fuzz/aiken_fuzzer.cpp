// libFuzzer target for the Aiken reader and writer (F3): see round_trip.h.
#include "round_trip.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace trivium;
  return fuzz::round_trip("aiken", questions::parse_aiken, questions::to_aiken, data, size);
}
