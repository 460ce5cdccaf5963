// Applies ordered schema migrations, each in its own transaction, tracked per owner (the
// kernel, or a plugin by name) with a checksum: an applied file that changed stops start-up.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "storage/database.h"
#include "switchboard/store.h"

namespace switchboard::kernel::storage {

class MigrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The kernel's own migrations for a backend, compiled into the binary from schema/migrations/.
std::vector<switchboard::Migration> kernelMigrations(const std::string& backend);

// Applies what is missing, in name order. Returns the names applied now.
std::vector<std::string> migrate(Database& store, const std::string& owner,
                                 std::vector<switchboard::Migration> migrations);

// Splits SQL text into statements at semicolons outside quotes and comments.
std::vector<std::string> splitStatements(const std::string& sql);

}  // namespace switchboard::kernel::storage
