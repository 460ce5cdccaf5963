// Outbound HTTP: plugins call upstream APIs through this, never through libcurl directly.
#pragma once

#include <boost/config.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "switchboard/http.h"

namespace switchboard {

struct OutboundRequest {
  std::string method = "GET";
  std::string url;
  std::vector<HttpHeader> headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};
};

struct OutboundResponse {
  int status = 0;                   // 0 when no response came (see error)
  std::vector<HttpHeader> headers;  // names in lower case
  std::string body;
  std::string error;  // transport failure, empty on any HTTP answer

  bool ok() const { return status >= 200 && status < 300; }
};

class BOOST_SYMBOL_VISIBLE HttpClient {
 public:
  virtual ~HttpClient();
  // Never throws for network or HTTP failures; they come back in the response.
  virtual OutboundResponse send(const OutboundRequest& request) = 0;
};

}  // namespace switchboard
