#include "query/build_command.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "cli/config.hpp"
#include "core/error.hpp"
#include "csv/input.hpp"
#include "json/writer.hpp"
#include "ndjson/reader.hpp"
#include "query/build_276.hpp"
#include "query/control_number.hpp"

namespace claimkit::query {
namespace {

std::time_t build_time() {
  // Reproducible builds and golden tests pin the clock with SOURCE_DATE_EPOCH.
  if (const char* s = std::getenv("SOURCE_DATE_EPOCH"); s != nullptr && *s != '\0') {
    char* end = nullptr;
    errno = 0;
    long long v = std::strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < 0) {
      throw error(cli::exit_code::usage, "SOURCE_DATE_EPOCH is not a number of seconds");
    }
    return static_cast<std::time_t>(v);
  }
  return std::time(nullptr);
}

/// Hands out ISA13 numbers: consecutive from --control-number, or one
/// atomic step of the counter file per interchange.
class control_source {
 public:
  control_source(std::optional<std::uint64_t> first, std::string file) : next_(first), file_(std::move(file)) {}
  std::uint64_t take() {
    if (!next_) return next_control_number(file_);
    if (*next_ > kMaxControlNumber) {
      throw error(cli::exit_code::usage, "control numbers past 999999999 needed; use a smaller --control-number");
    }
    return (*next_)++;
  }

 private:
  std::optional<std::uint64_t> next_;
  std::string file_;
};

void write_file_exclusive(const std::string& dir, const std::string& name, const std::string& text) {
  std::string final_path = dir + "/" + name;
  std::string tmp = fmt::format("{}/.{}.{}.part", dir, name, ::getpid());
  // Registered before it exists, so a signal cannot fall between creation
  // and registration (the name holds our pid: nobody else's file).
  cli::register_temp_file(tmp);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    int e = errno;
    cli::unregister_temp_file(tmp);
    throw error(cli::exit_code::io, fmt::format("{}: cannot create: {}", tmp, std::strerror(e)));
  }
  auto fail = [&](std::string_view what) {
    int e = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    cli::unregister_temp_file(tmp);
    throw error(cli::exit_code::io, fmt::format("{}: {}: {}", final_path, what, std::strerror(e)));
  };
  ::fchmod(fd, 0600);
  std::string_view left = text;
  while (!left.empty()) {
    ssize_t n = ::write(fd, left.data(), left.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("write failed");
    }
    left.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::fsync(fd) != 0) fail("sync failed");
  if (::close(fd) != 0) {
    fd = -1;
    fail("close failed");
  }
  // link() refuses an existing name: a batch already written is never replaced.
  if (::link(tmp.c_str(), final_path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    cli::unregister_temp_file(tmp);
    throw error(cli::exit_code::io, fmt::format("{}: cannot create: {}", final_path, std::strerror(e)));
  }
  ::unlink(tmp.c_str());
  cli::unregister_temp_file(tmp);
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace

int run_build(cli::context& ctx, const build_options& o) {
  const csv::input_format format_in = csv::parse_input_format(o.format_in);
  const csv::column_map columns = csv::parse_columns(o.columns);
  const std::vector<std::string> inputs = ctx.inputs();
  const cli::config cfg = cli::config::load_default(o.config_path);
  envelope_settings env;
  env.sender_id = cfg.setting(o.sender_id, "sender", "id");
  env.sender_qualifier = cfg.setting(o.sender_qualifier, "sender", "qualifier", "ZZ");
  env.info_receiver_name = cfg.setting(o.sender_name, "sender", "name");
  env.sender_application_code = cfg.get_or("sender", "application_code", "");
  env.info_receiver_id = cfg.get_or("sender", "etin", "");
  env.receiver_id = cfg.setting(o.receiver_id, "receiver", "id");
  env.receiver_qualifier = cfg.setting(o.receiver_qualifier, "receiver", "qualifier", "ZZ");
  env.receiver_application_code = cfg.get_or("receiver", "application_code", "");
  env.test = o.test;
  auto problems = check_envelope(env);
  if (!problems.empty()) throw error(cli::exit_code::usage, problems.front());

  std::optional<std::uint64_t> first;
  std::string control_file;
  if (!o.control_number.empty()) {
    std::uint64_t v = 0;
    if (!parse_control_number(o.control_number, v)) {
      throw error(cli::exit_code::usage, "--control-number must be a number from 1 to 999999999");
    }
    first = v;
  } else {
    control_file = cli::expand_home(cfg.setting(o.control_file, "build", "control_file"));
    if (control_file.empty()) {
      throw error(cli::exit_code::usage,
                  "a control number is needed: --control-number N, --control-file FILE or [build] control_file");
    }
  }
  std::size_t max_claims = o.max_claims;
  if (max_claims == 0) {
    if (auto m = cfg.get("build", "max_claims")) {
      char* end = nullptr;
      unsigned long long v = std::strtoull(m->c_str(), &end, 10);
      if (*end != '\0' || v == 0) {
        throw error(cli::exit_code::usage, fmt::format("{}: [build] max_claims must be a positive number", cfg.path()));
      }
      max_claims = static_cast<std::size_t>(v);
    }
  }
  std::string out_dir = o.out_dir;
  while (out_dir.size() > 1 && out_dir.back() == '/') out_dir.pop_back();
  if (!out_dir.empty()) {
    struct stat st {};
    if (::stat(out_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      throw error(cli::exit_code::io, fmt::format("{}: not a directory", out_dir));
    }
  }
  csv::check_inputs(inputs, format_in, columns, !o.columns.empty());
  env.timestamp = build_time();
  control_source controls(first, control_file);

  std::vector<claim_276> pending;
  std::size_t written = 0, interchanges = 0;
  std::string text;
  auto flush = [&] {
    if (pending.empty()) return;
    std::uint64_t control = controls.take();
    text.clear();
    write_interchange(text, env, control, pending);
    if (out_dir.empty()) {
      ctx.out.append(text);
      ctx.out.maybe_flush();
    } else {
      std::string name = fmt::format("276-{:09}.x12", control);
      write_file_exclusive(out_dir, name, text);
      json::writer w(ctx.out.buffer());
      w.begin_object();
      w.key("type");
      w.string("batch");
      w.key("file");
      w.string(out_dir + "/" + name);
      w.key("interchange");
      w.string(fmt::format("{:09}", control));
      w.key("claims");
      w.integer(static_cast<std::int64_t>(pending.size()));
      w.end_object();
      ctx.out.buffer().push_back('\n');
      // Each file is announced as soon as it exists: an interrupted run has
      // listed every batch it left behind.
      ctx.out.flush();
    }
    written += pending.size();
    ++interchanges;
    pending.clear();
  };

  claim_276 claim;
  csv::for_each_claim_record(inputs, format_in, columns, ctx.report, [&](ndjson::record& rec) {
    std::string msg = read_claim(rec.members, o.trace_field, claim);
    if (!msg.empty()) throw ndjson::bad_record{"invalid_claim", msg};
    pending.push_back(std::move(claim));
    if (max_claims != 0 && pending.size() >= max_claims) flush();
  });
  flush();
  std::uint64_t left_out = ctx.report.errors();
  ctx.report.note(fmt::format("{} claim{} written in {} interchange{}{}", written, written == 1 ? "" : "s",
                              interchanges, interchanges == 1 ? "" : "s",
                              left_out == 0 ? std::string() : fmt::format(", {} left out", left_out)));
  return left_out == 0 ? 0 : 1;
}

void add_build_command(CLI::App& parent, cli::common_options& common, std::function<int(cli::context&)>& body) {
  auto o = std::make_shared<build_options>();
  CLI::App* sub = parent.add_subcommand("build", "Write claims (NDJSON) as an X12 276 005010X212 claim status request");
  sub->footer(
      "Examples:\n"
      "  claim-query build --control-file ~/.claimkit/276.ctl claims.ndjson > batch.x12\n"
      "  claim-query build --sender-id PRACTICE01 --sender-name 'VALLEY CLINIC' --receiver-id CLEARHOUSE \\\n"
      "      --control-number 1001 --max-claims 500 --out-dir outbox claims.ndjson");
  cli::add_common_options(*sub, common);
  sub->add_option("--config", o->config_path, "Config file (default $CLAIMKIT_CONFIG or ~/.config/claimkit/config)")
      ->type_name("FILE");
  sub->add_option("--sender-id", o->sender_id, "Interchange sender id (ISA06, GS02; NM1*41 ETIN)")->type_name("ID");
  sub->add_option("--sender-qualifier", o->sender_qualifier, "ISA05 qualifier of the sender id (default ZZ)")
      ->type_name("QUAL");
  sub->add_option("--sender-name", o->sender_name, "Information receiver name (NM1*41), the requesting organisation")
      ->type_name("NAME");
  sub->add_option("--receiver-id", o->receiver_id, "Interchange receiver id (ISA08, GS03)")->type_name("ID");
  sub->add_option("--receiver-qualifier", o->receiver_qualifier, "ISA07 qualifier of the receiver id (default ZZ)")
      ->type_name("QUAL");
  auto* cn = sub->add_option("--control-number", o->control_number,
                             "First control number (ISA13, GS06, ST02); later interchanges count up")
                 ->type_name("N");
  auto* cf = sub->add_option("--control-file", o->control_file,
                             "Counter file holding the last control number used; taken atomically")
                 ->type_name("FILE");
  cn->excludes(cf);
  sub->add_option("--max-claims", o->max_claims, "At most N claims per interchange (default: all in one)")
      ->type_name("N")
      ->check(CLI::PositiveNumber);
  sub->add_option("--out-dir", o->out_dir,
                  "Write each interchange to DIR/276-<ISA13>.x12 and list the files on stdout as NDJSON")
      ->type_name("DIR");
  sub->add_option("--trace-field", o->trace_field, "Claim field sent as the TRN02 trace (default claim_id)")
      ->type_name("FIELD");
  csv::add_input_options(*sub, o->format_in, o->columns);
  sub->add_flag("--test", o->test, "Mark the interchanges as test data (ISA15 T)");
  sub->parse_complete_callback([&body, o] { body = [o](cli::context& ctx) { return run_build(ctx, *o); }; });
}

}  // namespace claimkit::query
