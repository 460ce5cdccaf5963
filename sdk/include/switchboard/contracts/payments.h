// The payments contract: topping up a company's prepaid balance and refunding (Stripe today).
#pragma once

#include <boost/config.hpp>
#include <string>

#include "switchboard/domain/company.h"
#include "switchboard/domain/external_ref.h"
#include "switchboard/domain/money.h"

namespace switchboard::contracts {

struct CheckoutRequest {
  domain::CompanyId company;
  domain::Money amount;
  std::string success_url, cancel_url;
  std::string reference;  // ours; the idempotency key and the payment's metadata
};

struct Checkout {
  domain::ExternalRef ref;
  std::string url;  // where the admin pays
};

struct RefundRequest {
  domain::CompanyId company;
  domain::ExternalRef payment;
  domain::Money amount;
  std::string reason;
  std::string reference;  // ours; the idempotency key
};

struct Refund {
  domain::ExternalRef ref;
  std::string status;  // pending | succeeded | failed
};

class BOOST_SYMBOL_VISIBLE Payments {
 public:
  static constexpr const char* kServiceName = "contract.payments";
  virtual ~Payments();
  virtual Checkout createCheckout(const CheckoutRequest& request) = 0;
  virtual Refund refund(const RefundRequest& request) = 0;
};

}  // namespace switchboard::contracts
