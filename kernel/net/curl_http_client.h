// Outbound HTTP over libcurl. Easy handles are pooled, so connections to an upstream are
// reused across calls (libcurl keeps them alive per handle).
#pragma once

#include <mutex>
#include <vector>

#include "switchboard/http_client.h"

typedef void CURL;

namespace sb::net {

class CurlHttpClient final : public switchboard::HttpClient {
 public:
  CurlHttpClient();
  ~CurlHttpClient() override;

  switchboard::OutboundResponse send(const switchboard::OutboundRequest& request) override;

 private:
  CURL* acquire();
  void release(CURL* handle);

  std::mutex mutex_;
  std::vector<CURL*> idle_;
};

}  // namespace sb::net
