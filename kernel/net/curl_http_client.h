// Outbound HTTP over libcurl. Easy handles are pooled, so connections to an upstream are
// reused across calls (libcurl keeps them alive per handle).
#pragma once

#include <mutex>
#include <vector>

#include "net/transport.h"

typedef void CURL;

namespace switchboard::kernel::net {

class CurlHttpClient final : public Transport {
 public:
  CurlHttpClient();
  ~CurlHttpClient() override;

  switchboard::OutboundResponse perform(const switchboard::OutboundRequest& request,
                                        std::chrono::milliseconds connect_timeout) override;

 private:
  CURL* acquire();
  void release(CURL* handle);

  std::mutex mutex_;
  std::vector<CURL*> idle_;
};

}  // namespace switchboard::kernel::net
