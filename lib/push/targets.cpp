#include <fmt/format.h>

#include "core/error.hpp"
#include "push/http_target.hpp"
#include "push/postgres_target.hpp"
#include "push/runner.hpp"
#include "push/sqlite_target.hpp"

namespace claimkit::push {

std::unique_ptr<target> make_target(const options& o) {
  const std::string& to = o.to;
  if (to.rfind("sqlite:", 0) == 0 && to.size() > 7)
    return std::make_unique<sqlite_target>(to.substr(7), o.http.config_path);
  if (ledger::is_postgres_uri(to)) return std::make_unique<postgres_target>(to, o.http.config_path);
  if (to == "athena") return make_athena_target(o);
  if (to == "nextgen") return make_nextgen_target(o);
  if (to.rfind("http:", 0) == 0 && to.size() > 5) return make_webhook_target(o, to.substr(5));
  throw error(cli::exit_code::usage,
              "--to: expected sqlite:PATH, postgresql://USER@HOST/DB, athena, nextgen or http:URL");
}

}  // namespace claimkit::push
