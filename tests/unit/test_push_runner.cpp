#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>
#include <string>
#include <vector>

#include "journal/journal.hpp"
#include "json/writer.hpp"
#include "push/runner.hpp"
#include "scratch_dir.hpp"

namespace {

std::string temp_dir() { return claimkit_test::scratch_dir("claimkit-runner"); }

std::string read_file(const std::string& path) {
  std::string out;
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return out;
}

void write_file(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  REQUIRE(fd >= 0);
  REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  ::close(fd);
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Scripted target: what happens to the i-th record it is given.
enum class fate { apply, unknown, refuse, stop_here };

class fake_target : public claimkit::push::target {
 public:
  fake_target(std::vector<fate> script, bool dedupes, bool events = false)
      : script_(std::move(script)), dedupes_(dedupes), events_(events) {}
  std::string_view kind() const override { return "fake"; }
  bool takes_events() const override { return events_; }
  std::string identity() const override { return "fake"; }
  std::string journal_name() const override { return "fake:1"; }
  bool dedupes() const override { return dedupes_; }
  void open() override {}
  void describe(const claimkit::push::item&, claimkit::json::writer&) const override {}
  void push(std::vector<claimkit::push::item*>& batch, claimkit::journal::journal& j,
            claimkit::push::stop_reason& stop) override {
    ++batches;
    for (auto* it : batch) {
      fate f = next_ < script_.size() ? script_[next_] : fate::apply;
      ++next_;
      ++sent;
      if (f == fate::stop_here) {
        stop.stopped = true;
        stop.exit_code = 4;
        stop.message = "target unreachable: test";
        return;  // the rest stay pending: the runner must fail them
      }
      j.mark("fake:1", it->key, claimkit::journal::state::intent);
      it->attempts = 1;
      if (f == fate::apply) {
        j.mark("fake:1", it->key, claimkit::journal::state::done);
        it->outcome = claimkit::push::result::applied;
      } else if (f == fate::unknown) {
        it->outcome = claimkit::push::result::unknown;
        it->kind = "push_unknown";
        it->message = "no answer";
      } else {
        j.mark("fake:1", it->key, claimkit::journal::state::failed);
        it->outcome = claimkit::push::result::failed;
        it->kind = "target_refused";
        it->message = "refused";
      }
    }
  }
  int batches = 0;
  int sent = 0;

 private:
  std::vector<fate> script_;
  std::size_t next_ = 0;
  bool dedupes_;
  bool events_;
};

// Forwards to a target the test keeps, since run() owns the one it gets.
class proxy : public claimkit::push::target {
 public:
  explicit proxy(fake_target& t) : t_(t) {}
  std::string_view kind() const override { return t_.kind(); }
  std::string identity() const override { return t_.identity(); }
  std::string journal_name() const override { return t_.journal_name(); }
  bool dedupes() const override { return t_.dedupes(); }
  bool takes_events() const override { return t_.takes_events(); }
  void open() override {}
  void describe(const claimkit::push::item&, claimkit::json::writer&) const override {}
  void push(std::vector<claimkit::push::item*>& batch, claimkit::journal::journal& j,
            claimkit::push::stop_reason& stop) override {
    t_.push(batch, j, stop);
  }

 private:
  fake_target& t_;
};

struct run_result {
  int code;
  std::string out;
  std::string rejects;
};

run_result push(const std::string& dir, const std::string& input, fake_target& t, bool resend_unknown = false,
                std::size_t batch = 500) {
  write_file(dir + "/in.ndjson", input);
  claimkit::cli::common_options common;
  common.files = {dir + "/in.ndjson"};
  common.quiet = true;
  claimkit::cli::reporter rep("pm-push");
  rep.set_quiet(true);
  int fd = ::open((dir + "/out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  REQUIRE(fd >= 0);
  claimkit::io::output out(fd, "out");
  claimkit::cli::context ctx{out, rep, common};
  claimkit::push::options o;
  o.journal_path = dir + "/j.db";
  o.rejects_path = dir + "/rejects";
  o.resend_unknown = resend_unknown;
  o.batch_size = batch;
  int code = claimkit::push::run(ctx, o, std::make_unique<proxy>(t));
  out.flush();
  ::close(fd);
  return {code, read_file(dir + "/out"), read_file(dir + "/rejects")};
}

std::string records(int n) {
  std::string s;
  for (int i = 1; i <= n; ++i) {
    s += R"({"type":"claim_status","claim_id":"C)" + std::to_string(i) +
         R"(","state":"pending","statuses":[{"category":"P1","code":"20"}]})"
         "\n";
  }
  return s;
}

}  // namespace

TEST_CASE("runner: every record ends once; a rerun sends nothing") {
  std::string dir = temp_dir();
  fake_target t({}, true);
  auto r = push(dir, records(5), t, false, 2);
  CHECK(r.code == 0);
  CHECK(count(r.out, "\"result\":\"applied\"") == 5);
  CHECK(t.batches == 3);
  fake_target t2({}, true);
  r = push(dir, records(5), t2);
  CHECK(count(r.out, "\"result\":\"duplicate\"") == 5);
  CHECK(t2.sent == 0);
}

TEST_CASE("runner: maybe-sent records stay unknown on a target that cannot dedupe") {
  std::string dir = temp_dir();
  fake_target t({fate::apply, fate::unknown, fate::refuse}, false);
  auto r = push(dir, records(3), t);
  CHECK(count(r.out, "\"result\":\"applied\"") == 1);
  CHECK(count(r.out, "\"result\":\"unknown\"") == 1);
  CHECK(count(r.out, "\"result\":\"failed\"") == 1);
  CHECK(count(r.rejects, "\"type\":\"error\"") == 2);  // failed and unknown, each with its record
  CHECK(count(r.rejects, "\"record\":{\"type\":\"claim_status\"") == 2);

  fake_target again({}, false);
  r = push(dir, records(3), again);
  CHECK(count(r.out, "\"result\":\"duplicate\"") == 1);
  CHECK(count(r.out, "\"result\":\"unknown\"") == 1);  // not resent
  CHECK(count(r.out, "\"result\":\"applied\"") == 1);  // the refused one is sent again
  CHECK(again.sent == 1);

  fake_target forced({}, false);
  r = push(dir, records(3), forced, true);
  CHECK(forced.sent == 1);
  CHECK(count(r.out, "\"result\":\"duplicate\"") == 2);
}

TEST_CASE("runner: maybe-sent records are resent where the target dedupes") {
  std::string dir = temp_dir();
  fake_target first({fate::apply, fate::unknown}, true);
  push(dir, records(2), first);
  fake_target again({}, true);
  auto r = push(dir, records(2), again);
  CHECK(again.sent == 1);
  CHECK(count(r.out, "\"result\":\"applied\"") == 1);
}

TEST_CASE("runner: a stopped target fails the rest of the input, none is lost") {
  std::string dir = temp_dir();
  fake_target t({fate::apply, fate::stop_here}, false);
  auto r = push(dir, records(7), t, false, 3);
  CHECK(r.code == 4);
  CHECK(t.batches == 1);  // later batches are not offered to a stopped target
  CHECK(count(r.out, "\"result\":\"applied\"") == 1);
  CHECK(count(r.out, "\"result\":\"failed\"") == 6);
  CHECK(count(r.out, "not sent: target unreachable: test") == 6);
  CHECK(count(r.rejects, "\"kind\":\"target_unavailable\"") == 6);
}

namespace {
// A rejected 999 set, an accepted one, a rejected batch and a claim status.
const std::string kMixed =
    R"({"type":"ack","level":"transaction","acknowledged":{"group":"5120","transaction":"0002"},)"
    R"("accepted":false,"code":"R","source":{"channel":"x12","interchange":"000004303"},"state":"rejected"})"
    "\n"
    R"({"type":"ack","level":"transaction","acknowledged":{"group":"5120","transaction":"0001"},)"
    R"("accepted":true,"code":"A","source":{"channel":"x12","interchange":"000004303"},"state":"received"})"
    "\n"
    R"({"type":"batch_status","level":"information_receiver","statuses":[{"category":"A3","code":"19"}],)"
    R"("state":"rejected"})"
    "\n"
    R"({"type":"claim_status","claim_id":"C1","state":"pending","statuses":[{"category":"P1","code":"20"}]})"
    "\n";
}  // namespace

TEST_CASE("runner: acks and batch statuses are skipped where a note needs a claim") {
  std::string dir = temp_dir();
  fake_target t({}, false, false);
  auto r = push(dir, kMixed, t);
  CHECK(r.code == 0);
  CHECK(t.sent == 1);  // the claim status only
  CHECK(count(r.out, "\"result\":\"skipped\"") == 3);
  CHECK(count(r.out, "\"type\":\"push_result\",\"subject\":\"ack\",\"target\":\"fake\",\"result\":\"skipped\"") == 2);
  CHECK(count(r.out, "\"subject\":\"batch_status\"") == 1);
  CHECK(count(r.out, "an acknowledgment has no claim to attach a note to; not sent") == 2);
  CHECK(count(r.out, "\"claim_id\":\"C1\",\"target\":\"fake\",\"result\":\"applied\"") == 1);
  CHECK(r.rejects.empty());  // nothing a rerun could fix
  // Nothing was journaled for them: a later run to a target that takes them
  // (the same journal name here) still sends them; C1 is done already.
  fake_target ledger({}, true, true);
  r = push(dir, kMixed, ledger);
  CHECK(ledger.sent == 3);
  CHECK(count(r.out, "\"result\":\"applied\"") == 3);
  CHECK(count(r.out, "\"result\":\"duplicate\"") == 1);
}

TEST_CASE("runner: acks and batch statuses go to a target that takes them, once") {
  std::string dir = temp_dir();
  fake_target t({}, true, true);
  auto r = push(dir, kMixed, t);
  CHECK(r.code == 0);
  CHECK(t.sent == 4);
  CHECK(count(r.out, "\"result\":\"applied\"") == 4);
  CHECK(count(r.out, "\"subject\":") == 3);
  CHECK(count(r.out, "\"claim_id\":") == 1);
  fake_target again({}, true, true);
  r = push(dir, kMixed, again);
  CHECK(again.sent == 0);
  CHECK(count(r.out, "\"result\":\"duplicate\"") == 4);
}
