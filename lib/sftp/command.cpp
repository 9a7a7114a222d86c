#include "sftp/command.hpp"

#include "core/error.hpp"

namespace claimkit::sftp {

void add_send_command(CLI::App&, cli::common_options&, std::function<int(cli::context&)>&) {}
void add_fetch_command(CLI::App&, cli::common_options&, std::function<int(cli::context&)>&) {}

}  // namespace claimkit::sftp
