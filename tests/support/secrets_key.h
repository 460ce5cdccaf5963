// The AES-256 key (32 bytes, base64) every test and bench server gets as SWITCHBOARD_SECRETS_KEY,
// the environment variable the directory plugin reads to encrypt catalog secrets at rest.
#pragma once

namespace sbtest {

inline const char* kSecretsKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

}  // namespace sbtest
