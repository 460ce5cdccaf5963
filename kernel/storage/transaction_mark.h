// Whether the calling thread holds a database transaction: the rule "no upstream call inside a
// transaction" (switchboard/inbox.h) made checkable. Marked where the kernel opens one for
// plugin code (db::Database::write, an inbox item's processing, an upstream job's record step);
// the upstream client refuses a call made under the mark (net/upstream_client.cpp).
#pragma once

namespace switchboard::kernel::storage {

class TransactionMark {
 public:
  TransactionMark() { ++depth(); }
  ~TransactionMark() { --depth(); }
  TransactionMark(const TransactionMark&) = delete;
  TransactionMark& operator=(const TransactionMark&) = delete;

  static bool held() { return depth() > 0; }

 private:
  static int& depth() {
    thread_local int d = 0;
    return d;
  }
};

}  // namespace switchboard::kernel::storage
