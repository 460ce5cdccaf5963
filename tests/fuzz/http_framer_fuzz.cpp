// libFuzzer target for the HTTP framing layer (scripts/fuzz). Besides crashes, hangs and
// sanitizer reports, it checks the framer's contract: the same bytes give the same requests
// and the same error whether they arrive in one piece, byte by byte or cut where the input says.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "support/framer_transcript.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  switchboard::kernel::http::FramingLimits limits;
  limits.max_request_line = 512;
  limits.max_header_bytes = 2048;
  limits.max_headers = 32;
  limits.max_body_bytes = 8192;
  // The first two bytes choose where the rest is cut.
  const unsigned stride = 1 + data[0] % 17;
  const unsigned offset = data[1];
  const std::string input(reinterpret_cast<const char*>(data + 2), size - 2);
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1 + offset % 5; i < input.size(); i += stride + (i * 7 + offset) % 3)
    cuts.push_back(i);
  const auto whole = sbtest::framerTranscript(input, {}, limits);
  if (sbtest::framerTranscript(input, cuts, limits) != whole) std::abort();
  if (input.size() <= 4096) {
    std::vector<std::size_t> every;
    for (std::size_t i = 1; i < input.size(); ++i) every.push_back(i);
    if (sbtest::framerTranscript(input, every, limits) != whole) std::abort();
  }
  return 0;
}
