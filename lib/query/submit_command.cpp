#include "query/submit_command.hpp"

#include "core/error.hpp"

namespace claimkit::query {

void add_submit_command(CLI::App& parent, cli::common_options& common,
                        std::function<int(cli::context&)>& body) {
  CLI::App* sub = parent.add_subcommand("submit", "Check claim status over a clearinghouse API");
  cli::add_common_options(*sub, common);
  sub->parse_complete_callback([&body] {
    body = [](cli::context&) -> int {
      throw error(cli::exit_code::internal, "submit: not available yet");
    };
  });
}

}  // namespace claimkit::query
