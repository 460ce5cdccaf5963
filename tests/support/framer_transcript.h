// What the request framer made of a byte stream fed in given pieces, as text: one line per
// request, then the error (if any). Bytes after an error, or after a request that closes the
// connection, are not looked at, as the connection does not either. Shared by the framer's unit
// tests and its fuzz target, which both require the same transcript however the bytes are cut.
#pragma once

#include <string>
#include <vector>

#include "http/request_framer.h"

namespace sbtest {

inline std::string framerTranscript(const std::string& input, const std::vector<std::size_t>& cuts,
                                    const switchboard::kernel::http::FramingLimits& limits) {
  using switchboard::kernel::http::RequestFramer;
  RequestFramer framer(limits);
  std::string out;
  std::size_t start = 0;
  auto ends = cuts;
  ends.push_back(input.size());
  for (const auto end : ends) {
    if (end <= start || end > input.size()) continue;
    const char* data = input.data() + start;
    std::size_t size = end - start;
    start = end;
    while (size > 0) {
      const auto step = framer.feed(data, size);
      data += step.consumed;
      size -= step.consumed;
      if (step.event == RequestFramer::Event::Error)
        return out + "ERR " + std::to_string(framer.error().status);
      if (step.event == RequestFramer::Event::NeedMore) break;
      const auto r = framer.takeRequest();
      out += "REQ " + r.method + " " + r.path + " body=" + r.body;
      for (const auto& [k, v] : r.query) out += " q:" + k + "=" + v;
      out += framer.keepAlive() ? " keep" : " close";
      out += "\n";
      if (!framer.keepAlive()) return out;
    }
  }
  return out;
}

}  // namespace sbtest
