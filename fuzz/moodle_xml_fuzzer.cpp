// libFuzzer target for the Moodle XML reader and writer (F3; F2 through the
// DOCTYPEs and entity references the fuzzer builds): see round_trip.h.
#include "round_trip.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace trivium;
  return fuzz::round_trip("moodle_xml", questions::parse_moodle_xml, questions::to_moodle_xml, data, size);
}
