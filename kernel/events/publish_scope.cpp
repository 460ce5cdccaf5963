#include "events/publish_scope.h"

namespace switchboard::kernel::events {
namespace {
thread_local PublishScope* installed = nullptr;
}

PublishScope::PublishScope(soci::session& tx, db::Session& session, int attempt)
    : tx_(tx), session_(session), attempt_(attempt), outer_(installed) {
  installed = this;
}

PublishScope::~PublishScope() {
  installed = outer_;
}

PublishScope* PublishScope::current() {
  return installed;
}

PublishScope::Detached::Detached() : saved_(installed) {
  installed = nullptr;
}

PublishScope::Detached::~Detached() {
  installed = saved_;
}

}  // namespace switchboard::kernel::events
