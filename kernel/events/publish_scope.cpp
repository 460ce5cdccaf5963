#include "events/publish_scope.h"

namespace switchboard::kernel::events {
namespace {
thread_local PublishScope* installed = nullptr;
}

PublishScope::PublishScope(soci::session& tx) : tx_(tx), outer_(installed) {
  installed = this;
}

PublishScope::~PublishScope() {
  installed = outer_;
}

PublishScope* PublishScope::current() {
  return installed;
}

}  // namespace switchboard::kernel::events
