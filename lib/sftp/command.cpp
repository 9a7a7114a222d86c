#include "sftp/command.hpp"

#include <sys/stat.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "cli/config.hpp"
#include "core/error.hpp"
#include "json/writer.hpp"
#include "sftp/client.hpp"
#include "sftp/inbox.hpp"

namespace claimkit::sftp {
namespace {

struct transfer_options {
  std::string config_path;
  std::string url;     // send: --to; fetch: the positional URL
  std::string into;    // fetch: --into DIR
  std::string record;  // fetch: --record FILE
  std::string identity;
  std::string known_hosts;
  std::string move_remote;
  bool delete_remote = false;
};

std::string base_name(const std::string& path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

/// Resolves what options leave open from the config file and environment.
connect_options connection(const transfer_options& o, const cli::config& cfg) {
  connect_options c;
  c.identity = cli::expand_home(cfg.setting(o.identity, "sftp", "identity"));
  c.known_hosts = cli::expand_home(cfg.setting(o.known_hosts, "sftp", "known_hosts", "~/.ssh/known_hosts"));
  if (const char* pw = std::getenv("CLAIMKIT_SFTP_PASSWORD"); pw != nullptr) c.password = pw;
  if (c.identity.empty() && c.password.empty()) {
    throw error(cli::exit_code::usage,
                "no credentials: give --identity FILE ([sftp] identity) or set CLAIMKIT_SFTP_PASSWORD");
  }
  return c;
}

void write_transfer(io::output& out, std::string_view direction, const std::string& name, const std::string& file,
                    std::uint64_t bytes, const std::string& remote, std::string_view remote_action,
                    std::string_view quarantined = {}) {
  json::writer w(out.buffer());
  w.begin_object();
  w.key("type");
  w.string("transfer");
  w.key("direction");
  w.string(direction);
  w.key("name");
  w.string(name);
  w.key("file");
  w.string(file);
  w.key("bytes");
  w.integer(static_cast<std::int64_t>(bytes));
  w.key("remote");
  w.string(remote);
  w.field("remote_action", remote_action);
  w.field("quarantined", quarantined);
  w.end_object();
  out.buffer().push_back('\n');
  // One line per file as it happens: a watcher sees progress, a crash loses nothing.
  out.flush();
}

int run_send(cli::context& ctx, const transfer_options& o) {
  cli::config cfg = cli::config::load_default(o.config_path);
  std::string url = cfg.setting(o.url, "sftp", "send_to");
  if (url.empty())
    throw error(cli::exit_code::usage, "no destination: give --to sftp://user@host/dir/ ([sftp] send_to)");
  location where = parse_location(url);
  if (ctx.common.files.empty()) throw error(cli::exit_code::usage, "send needs the files to upload");
  for (const auto& f : ctx.common.files) {
    if (f == "-") throw error(cli::exit_code::usage, "send uploads named files, not standard input");
    if (!safe_file_name(base_name(f))) {
      throw error(cli::exit_code::usage, fmt::format("{}: file name cannot be used on the server", f));
    }
    // Every file is checked before the first one goes, so a typo does not
    // leave half a set of batches on the server.
    struct stat st {};
    if (::stat(f.c_str(), &st) != 0) {
      throw error(cli::exit_code::io, fmt::format("{}: cannot open: {}", f, std::strerror(errno)));
    }
    if (!S_ISREG(st.st_mode)) throw error(cli::exit_code::io, fmt::format("{}: not a regular file", f));
  }
  client sftp(where, connection(o, cfg));
  for (const auto& f : ctx.common.files) {
    std::string name = base_name(f);
    try {
      std::uint64_t bytes = sftp.upload(f, name);
      write_transfer(ctx.out, "send", name, f, bytes, where.display() + name, {});
    } catch (const file_error& e) {
      ctx.report.error(cli::position{f, 0}, "transfer_failed", e.what());
    }
  }
  return ctx.report.errors() == 0 ? 0 : 1;
}

int run_fetch(cli::context& ctx, const transfer_options& o) {
  cli::config cfg = cli::config::load_default(o.config_path);
  std::string url = cfg.setting(o.url, "sftp", "fetch_from");
  if (url.empty()) throw error(cli::exit_code::usage, "no source: give sftp://user@host/dir/ ([sftp] fetch_from)");
  location where = parse_location(url);
  std::string into = cli::expand_home(cfg.setting(o.into, "sftp", "inbox"));
  if (into.empty()) throw error(cli::exit_code::usage, "no inbox: give --into DIR ([sftp] inbox)");
  connect_options conn = connection(o, cfg);
  inbox box(into, cli::expand_home(cfg.setting(o.record, "sftp", "record")));
  client sftp(where, conn);
  std::vector<remote_file> files = sftp.list();
  std::size_t fetched = 0, skipped = 0, quarantined = 0;
  for (const auto& f : files) {
    if (box.fetched(f.name, f.size)) {
      ++skipped;
      continue;
    }
    // Names come from the server: printed escaped, and one that cannot be a
    // local file name is fetched into quarantine/ under a generated name, so
    // it never stops the files after it.
    const std::string shown = printable(f.name);
    cli::position pos{shown, 0};
    const std::string why = box.unusable(f.name);
    int fd = -1;
    try {
      fd = box.begin(f.name, !why.empty());
    } catch (const file_error& e) {
      ctx.report.error(pos, "transfer_failed", e.what());
      continue;
    }
    std::uint64_t bytes = 0;
    try {
      bytes = sftp.download(f.name, f.size, fd);
    } catch (const file_error& e) {
      box.abandon(f.name, fd);
      ctx.report.error(pos, "transfer_failed", printable(e.what()));
      continue;
    } catch (...) {
      box.abandon(f.name, fd);
      throw;
    }
    std::string path;
    try {
      path = box.commit(f.name, fd, bytes, where.display() + f.name, why);
    } catch (const file_error& e) {
      ctx.report.error(pos, "transfer_failed", printable(e.what()));
      continue;
    }
    if (!why.empty()) {
      ++quarantined;
      ctx.report.warning(
          pos, "quarantined",
          fmt::format("remote file name cannot be used locally ({}); fetched as {}", why, printable(path)));
    } else {
      ++fetched;
    }
    // Only a download that was verified and recorded may cost the server its
    // copy; a name SFTP commands cannot quote stays where it is.
    std::string_view action;
    try {
      if ((o.delete_remote || !o.move_remote.empty()) && !safe_file_name(f.name)) {
        ctx.report.warning(pos, "remote_action_failed",
                           "fetched, but the name cannot be given to the server to move or delete it");
      } else if (o.delete_remote) {
        sftp.remove(f.name);
        action = "deleted";
      } else if (!o.move_remote.empty()) {
        sftp.move(f.name, o.move_remote);
        action = "moved";
      }
    } catch (const file_error& e) {
      ctx.report.error(pos, "remote_action_failed", fmt::format("fetched, but {}", printable(e.what())));
    }
    write_transfer(ctx.out, "fetch", f.name, path, bytes, where.display() + f.name, action, why);
  }
  ctx.report.note(fmt::format("{} file{} fetched, {} into quarantine, {} fetched before", fetched,
                              fetched == 1 ? "" : "s", quarantined, skipped));
  return ctx.report.errors() == 0 ? 0 : 1;
}

void add_connection_options(CLI::App* sub, transfer_options& o) {
  sub->add_option("--config", o.config_path, "Config file (default $CLAIMKIT_CONFIG or ~/.config/claimkit/config)")
      ->type_name("FILE");
  sub->add_option("--identity", o.identity, "Private key file for the SFTP login (else CLAIMKIT_SFTP_PASSWORD)")
      ->type_name("FILE");
  sub->add_option("--known-hosts", o.known_hosts, "Trusted host keys (default ~/.ssh/known_hosts)")->type_name("FILE");
}

}  // namespace

void add_send_command(CLI::App& parent, cli::common_options& common, std::function<int(cli::context&)>& body) {
  auto o = std::make_shared<transfer_options>();
  CLI::App* sub = parent.add_subcommand("send", "Upload 276 batch files to an SFTP directory");
  sub->footer(
      "Examples:\n"
      "  claim-query send --to sftp://practice@sftp.example.net/inbound/ --identity ~/.ssh/id_ecdsa outbox/*.x12");
  cli::add_common_options(*sub, common);
  sub->add_option("--to", o->url, "Destination directory sftp://user@host[:port]/dir/")->type_name("URL");
  add_connection_options(sub, *o);
  sub->parse_complete_callback([&body, o] { body = [o](cli::context& ctx) { return run_send(ctx, *o); }; });
}

void add_fetch_command(CLI::App& parent, cli::common_options& common, std::function<int(cli::context&)>& body) {
  auto o = std::make_shared<transfer_options>();
  CLI::App* sub = parent.add_subcommand("fetch", "Download new files (277, 277CA, 999) from an SFTP directory");
  sub->footer(
      "Examples:\n"
      "  claim-query fetch sftp://practice@sftp.example.net/outbound/ --into inbox --identity ~/.ssh/id_ecdsa\n"
      "  claim-query fetch sftp://practice@sftp.example.net/outbound/ --into inbox --move-remote archive");
  cli::add_common_options(*sub, common, false);
  sub->add_option("URL", o->url, "Source directory sftp://user@host[:port]/dir/")->type_name("URL");
  sub->add_option("--into", o->into, "Local inbox directory the files are written to")->type_name("DIR");
  sub->add_option("--record", o->record,
                  "File recording what was fetched (default DIR/.claimkit-fetched; [sftp] record)")
      ->type_name("FILE");
  auto* del = sub->add_flag("--delete-remote", o->delete_remote, "Delete each remote file after a verified download");
  auto* mv =
      sub->add_option("--move-remote", o->move_remote,
                      "Move each remote file into DIR (remote; relative to the source) after a verified download")
          ->type_name("DIR");
  del->excludes(mv);
  add_connection_options(sub, *o);
  sub->parse_complete_callback([&body, o] { body = [o](cli::context& ctx) { return run_fetch(ctx, *o); }; });
}

}  // namespace claimkit::sftp
