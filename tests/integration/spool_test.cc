// logsiftd delivering to a network sink through its spool: a dead destination, kill -9 in the
// middle of delivery, a restart, and a full disk under the spool. Counted from the fake
// destination's own record of what it stored.
#include <sys/mount.h>

#include <set>

#include "tests/integration/daemon_harness.h"
#include "tests/sinks/fake_server.h"

namespace logsift::integration {
namespace {

using sinks::testing::FakeWebhook;

std::string webhook_sinks(const FakeWebhook& hook, const std::string& extra = "") {
  return "sinks:\n"
         "  - name: hook\n    type: webhook\n    url: " + hook.url() + "/in\n"
         "    template: '{\"id\": {{ event.id }}}'\n"
         "    retry_initial: 50ms\n    retry_max: 200ms\n" + extra;
}

std::set<std::string> stored_ids(const FakeWebhook& hook) {
  std::set<std::string> ids;
  for (const auto& r : hook.stored()) ids.insert(r.headers.at("x-logsift-event-id"));
  return ids;
}

std::string probes(int first, int count) {
  std::string lines;
  for (int i = first; i < first + count; ++i) lines += probe_line("p" + std::to_string(i));
  return lines;
}

TEST_CASE("kill -9 while the destination is down loses no spooled alert; the restart delivers them",
          "[integration][sinks][spool]") {
  auto dir = scratch("spool-kill");
  write_text(dir / "rules.yaml", kProbeRules);
  FakeWebhook hook;
  const std::string config = config_with(listener("tcp", "tcp"), webhook_sinks(hook));
  constexpr int kFirst = 40, kSecond = 40;
  std::size_t delivered_before_kill = 0;
  {
    Daemon d(dir, config);
    REQUIRE(d.ready());
    REQUIRE(tcp_send(d.port("tcp"), probes(0, kFirst)));
    REQUIRE(eventually([&] { return stored_ids(hook).size() == kFirst; }));
    hook.go_down();
    REQUIRE(tcp_send(d.port("tcp"), probes(kFirst, kSecond)));
    const std::string spooled = "logsift_sink_spool_batches{sink=\"hook\",type=\"webhook\"}";
    REQUIRE(eventually([&] { return d.metric("logsift_incidents_total") == kFirst + kSecond && d.metric(spooled) >= 1; }));
    CHECK(eventually([&] { return d.metric("logsift_sink_delivery_failures_total{sink=\"hook\",type=\"webhook\"}") >= 1; }));
    delivered_before_kill = stored_ids(hook).size();
    d.signal(SIGKILL);
    REQUIRE(eventually([&] { return !d.running(); }));
  }
  CHECK(delivered_before_kill == kFirst);
  hook.come_back();
  Daemon again(dir, config);
  REQUIRE(again.ready());
  REQUIRE(eventually([&] { return stored_ids(hook).size() == kFirst + kSecond; }));
  CHECK(again.metric("logsift_sink_spool_batches{sink=\"hook\",type=\"webhook\"}") == 0);
  REQUIRE(again.stop() == 0);
  // Every alert once or more, none missing; resends carry the same event.id.
  CHECK(stored_ids(hook).size() == kFirst + kSecond);
  CHECK(hook.stored().size() >= kFirst + kSecond);
}

TEST_CASE("a full disk under a spool is counted, pushes back and recovers when space returns",
          "[integration][sinks][spool][faults]") {
  auto dir = scratch("spool-full");
  fs::create_directories(dir / "spool");
  if (::mount("tmpfs", (dir / "spool").c_str(), "tmpfs", 0, "size=256k") != 0) {
    WARN("skipped: cannot mount a small tmpfs here (needs root): " << std::strerror(errno));
    return;
  }
  struct Unmount {
    fs::path path;
    ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } unmount{dir / "spool"};
  write_text(dir / "rules.yaml", kProbeRules);
  FakeWebhook hook;
  hook.go_down();
  std::string config = config_with(listener("tcp", "tcp"), webhook_sinks(hook), "  max_alerts: 1\n  spool_dir: spool\n");
  Daemon d(dir, config);
  REQUIRE(d.ready());
  {
    std::ofstream filler(dir / "spool" / "filler", std::ios::binary);
    const std::string block(4096, 'x');
    for (int i = 0; i < 64 && filler; ++i) filler << block;
  }
  constexpr int kProbes = 30;
  REQUIRE(tcp_send(d.port("tcp"), probes(0, kProbes)));
  const std::string errors = "logsift_sink_store_errors_total{sink=\"hook\",type=\"webhook\"}";
  REQUIRE(eventually([&] { return d.metric(errors) >= 1; }));
  CHECK(eventually([&] { return d.log().find("alert batches not stored; retrying") != std::string::npos; }));
  CHECK(d.metric("logsift_sink_batches_pending{sink=\"hook\",type=\"webhook\"}") >= 1);

  fs::remove(dir / "spool" / "filler");
  hook.come_back();
  REQUIRE(eventually([&] { return stored_ids(hook).size() == kProbes; }));
  REQUIRE(d.stop() == 0);
  CHECK(stored_ids(hook).size() == kProbes);
}

}  // namespace
}  // namespace logsift::integration
