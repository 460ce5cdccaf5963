#include "net/curl_http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>

namespace switchboard::kernel::net {
namespace {

std::size_t onBody(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

std::size_t onHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto* headers = static_cast<std::vector<switchboard::HttpHeader>*>(user);
  std::string line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) headers->clear();  // a new response (after 100 or redirect)
  const auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    std::string value = line.substr(colon + 1);
    const auto first = value.find_first_not_of(" \t");
    const auto last = value.find_last_not_of(" \t\r\n");
    value = first == std::string::npos ? "" : value.substr(first, last - first + 1);
    headers->push_back({std::move(name), std::move(value)});
  }
  return size * count;
}

struct GlobalInit {
  GlobalInit() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

}  // namespace

CurlHttpClient::CurlHttpClient() {
  static GlobalInit once;
}

CurlHttpClient::~CurlHttpClient() {
  for (CURL* h : idle_) curl_easy_cleanup(h);
}

CURL* CurlHttpClient::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      CURL* h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  return curl_easy_init();
}

void CurlHttpClient::release(CURL* handle) {
  std::lock_guard lock(mutex_);
  idle_.push_back(handle);
}

switchboard::OutboundResponse CurlHttpClient::perform(const switchboard::OutboundRequest& request,
                                                      std::chrono::milliseconds connect_timeout) {
  switchboard::OutboundResponse response;
  CURL* h = acquire();
  if (!h) {
    response.error = "cannot create a libcurl handle";
    return response;
  }
  curl_easy_reset(h);  // keeps the handle's live connections, drops the previous options
  curl_slist* headers = nullptr;
  for (const auto& hd : request.headers)
    headers = curl_slist_append(headers, (hd.name + ": " + hd.value).c_str());
  // libcurl would otherwise send "Expect: 100-continue" for larger bodies and wait for it.
  headers = curl_slist_append(headers, "Expect:");

  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method == "HEAD") curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
      request.method == "PATCH") {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min(request.timeout, connect_timeout).count()));
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, onBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, onHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &response.headers);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");

  const CURLcode rc = curl_easy_perform(h);
  if (rc == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
  } else {
    response.error = curl_easy_strerror(rc);
    response.body.clear();
    response.headers.clear();
    response.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    // No byte of the request left: repeating it cannot do anything twice.
    long sent = 0;
    curl_easy_getinfo(h, CURLINFO_REQUEST_SIZE, &sent);
    response.connect_failed = sent == 0;
  }
  curl_slist_free_all(headers);
  release(h);
  return response;
}

}  // namespace switchboard::kernel::net
