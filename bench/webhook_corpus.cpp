// Prints N signatures, one per line, for the courier webhooks the ingest benchmark sends:
// line i signs {"id":"<prefix>-<i>","type":"bench","noop":true}. wrk's Lua has no HMAC, so
// the signatures are made here, with the SDK's own helper.
//
//   webhook_corpus SECRET PREFIX COUNT > signatures.txt
#include <cstdio>
#include <string>

#include "switchboard/crypto.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s SECRET PREFIX COUNT\n", argv[0]);
    return 2;
  }
  const std::string secret = argv[1], prefix = argv[2];
  const long count = std::stol(argv[3]);
  for (long i = 0; i < count; ++i) {
    const std::string body =
        R"({"id":")" + prefix + "-" + std::to_string(i) + R"(","type":"bench","noop":true})";
    std::printf("%s\n", switchboard::crypto::hmacSha256Hex(secret, body).c_str());
  }
  return 0;
}
