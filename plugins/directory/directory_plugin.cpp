// The directory: loads the tenants' catalog (one YAML file per company) into the database and
// provides the SDK's domain repositories, which enforce tenant isolation for every plugin.
//
//   directory:
//     library: directory
//     config:
//       tenants: ../config/tenants            # a folder; relative to the main config file
//       secrets_key_env: SWITCHBOARD_SECRETS_KEY   # names the variable holding the AES key
#include <spdlog/spdlog.h>
#include <switchboard/sdk.h>
#include <yaml-cpp/yaml.h>

#include <mutex>

#include "catalog.h"
#include "stores.h"
#include "switchboard/config/diagnostic.h"
#include "switchboard/db.h"

namespace directory {

// schema/migrations/domain/<backend>/*.sql, embedded at build time.
std::vector<switchboard::Migration> domainMigrations(const std::string& backend);

namespace {

class DirectoryPlugin final : public switchboard::Plugin {
 public:
  switchboard::PluginInfo info() const override {
    return {"directory",
            "1.0.0",
            {domain::Directory::kServiceName, domain::Customers::kServiceName,
             domain::Calls::kServiceName, domain::Appointments::kServiceName,
             domain::Ledger::kServiceName, domain::ReferenceData::kServiceName},
            {}};
  }

  std::vector<switchboard::Migration> migrations(const std::string& backend) const override {
    return domainMigrations(backend);
  }

  void configure(switchboard::Host& host) override {
    host_ = &host;
    const YAML::Node& config = host.config();
    if (!config.IsMap()) throw switchboard::ConfigError(config, "directory needs a config map");
    for (const auto& kv : config)
      if (kv.first.Scalar() != "tenants" && kv.first.Scalar() != "secrets_key_env")
        throw switchboard::ConfigError(kv.first, "unknown key '" + kv.first.Scalar() +
                                                     "' (expected tenants, secrets_key_env)");
    if (!config["tenants"] || !config["tenants"].IsScalar())
      throw switchboard::ConfigError(config, "directory needs tenants: the catalog folder");
    tenants_node_ = config["tenants"];
    tenants_dir_ = host.resolvePath(config["tenants"].Scalar());
    key_env_ = config["secrets_key_env"] ? config["secrets_key_env"].as<std::string>()
                                         : "SWITCHBOARD_SECRETS_KEY";
    catalog_ = readCatalog();

    directory_ = std::make_shared<DirectoryStore>(box_);
    host.services().provide<domain::Directory>(directory_);
    host.services().provide<domain::Customers>(std::make_shared<CustomerStore>(host.clock()));
    host.services().provide<domain::Calls>(std::make_shared<CallStore>());
    host.services().provide<domain::Appointments>(std::make_shared<AppointmentStore>());
    host.services().provide<domain::Ledger>(std::make_shared<LedgerStore>());
    host.services().provide<domain::ReferenceData>(std::make_shared<ReferenceStore>());
  }

  void start() override { apply(catalog_); }

  void reload() override {
    Catalog next = readCatalog();
    apply(next);
    catalog_ = std::move(next);
  }

 private:
  // Reads and validates the whole catalog; the secrets key must open what it holds.
  Catalog readCatalog() {
    Catalog catalog = loadCatalog(
        tenants_dir_, [this](const std::string& path) { return host_->readConfigFile(path); });
    std::string error;
    auto box = SecretBox::fromEnvironment(key_env_, error);
    const bool key_set = std::getenv(key_env_.c_str()) != nullptr;
    if (!box && (catalog.hasSecrets() || key_set))
      throw switchboard::ConfigError(
          tenants_node_,
          error + (catalog.hasSecrets() ? "; the catalog holds secrets, which are stored encrypted"
                                        : ""));
    if (box && !box_) box_ = std::make_shared<const SecretBox>(std::move(*box));
    return catalog;
  }

  void apply(const Catalog& catalog) {
    host_->store().database().write([&](switchboard::db::Session& tx) {
      directory_->apply(tx, catalog, host_->clock().now());
    });
    std::size_t numbers = 0;
    for (const auto& e : catalog.companies) numbers += e.numbers.size();
    host_->log()->info("catalog from {}: {} companies, {} phone numbers", tenants_dir_,
                       catalog.companies.size(), numbers);
  }

  switchboard::Host* host_ = nullptr;
  YAML::Node tenants_node_;
  std::string tenants_dir_;
  std::string key_env_;
  Catalog catalog_;
  std::shared_ptr<const SecretBox> box_;
  std::shared_ptr<DirectoryStore> directory_;
};

}  // namespace
}  // namespace directory

SWITCHBOARD_PLUGIN(directory::DirectoryPlugin)
SWITCHBOARD_USES_DOMAIN()
