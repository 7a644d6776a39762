// logsiftd with several sinks: routes, and a full disk under a sink's folder.
#include <sys/mount.h>

#include "tests/integration/daemon_harness.h"

namespace logsift::integration {
namespace {

// Probes recur 3 times within a minute: the third opens a problem (route: problems only).
constexpr const char* kRecurringRules = R"(ruleset: it
rules:
  - id: it.probe
    name: Probe message
    match: 'logsift-probe (?<probe_id>\S+)'
    group_by: [probe_id]
    problem: { count: 3, within: 1m, resolve_after: 1h }
)";

TEST_CASE("each sink takes the alerts its route names, with its own batch sequence", "[integration][sinks]") {
  auto dir = scratch("routes");
  write_text(dir / "rules.yaml", kRecurringRules);
  Daemon d(dir, config_with(listener("tcp", "tcp"),
                            "sinks:\n"
                            "  - name: everything\n    type: file\n    dir: all\n"
                            "  - name: problems\n    type: file\n    dir: problems\n"
                            "    route: { actions: [\"problem.*\"] }\n"
                            "  - name: nothing\n    type: file\n    dir: none\n"
                            "    route: { rules: [\"sshd.*\"] }\n"));
  REQUIRE(d.ready());
  std::string lines;
  for (int i = 0; i < 3; ++i) lines += probe_line("a") + probe_line("b");
  REQUIRE(tcp_send(d.port("tcp"), lines));
  REQUIRE(eventually([&] { return d.metric("logsift_problems_opened_total") == 2; }));
  REQUIRE(d.stop() == 0);

  const auto all = decode_alerts(dir / "all");
  const auto problems = decode_alerts(dir / "problems");
  CHECK(all.count("problem.opened", "it.probe") == 2);
  CHECK(all.count("incident", "it.probe") >= 2);
  CHECK(problems.count("problem.opened", "it.probe") == 2);
  CHECK(problems.count("incident") == 0);
  CHECK(problems.lines.size() == 2);
  std::error_code ec;
  CHECK(fs::is_empty(dir / "none", ec));
}

TEST_CASE("a full disk under a sink's folder is counted, pushes back and recovers when space returns",
          "[integration][sinks][faults]") {
  auto dir = scratch("disk-full");
  fs::create_directories(dir / "alerts");
  if (::mount("tmpfs", (dir / "alerts").c_str(), "tmpfs", 0, "size=256k") != 0) {
    WARN("skipped: cannot mount a small tmpfs here (needs root): " << std::strerror(errno));
    return;
  }
  struct Unmount {
    fs::path path;
    ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } unmount{dir / "alerts"};
  // Fill the folder's filesystem so no batch fits.
  {
    std::ofstream filler(dir / "alerts" / "filler", std::ios::binary);
    const std::string block(4096, 'x');
    for (int i = 0; i < 64 && filler; ++i) filler << block;
  }
  write_text(dir / "rules.yaml", kProbeRules);
  Daemon d(dir, config_with(listener("tcp", "tcp"), "", "  max_alerts: 1\n"));
  REQUIRE(d.ready());
  constexpr int kProbes = 30;
  std::string lines;
  for (int i = 0; i < kProbes; ++i) lines += probe_line("p" + std::to_string(i));
  REQUIRE(tcp_send(d.port("tcp"), lines));

  const std::string errors = "logsift_sink_store_errors_total{sink=\"file\",type=\"file\"}";
  REQUIRE(eventually([&] { return d.metric(errors) >= 1; }));
  CHECK(eventually([&] { return d.log().find("alert batches not stored; retrying") != std::string::npos; }));
  CHECK(d.log().find("No space left on device") != std::string::npos);
  CHECK(d.metric("logsift_sink_batches_pending{sink=\"file\",type=\"file\"}") >= 1);

  // Space returns: every alert is written, none lost, none twice.
  fs::remove(dir / "alerts" / "filler");
  REQUIRE(eventually([&] {
    return d.metric("logsift_sink_batches_pending{sink=\"file\",type=\"file\"}") == 0 &&
           d.metric("logsift_sink_batches_stored_total{sink=\"file\",type=\"file\"}") >= kProbes;
  }));
  REQUIRE(d.stop() == 0);
  const auto alerts = decode_alerts(dir / "alerts");
  CHECK(alerts.count("incident", "it.probe") == kProbes);
}

}  // namespace
}  // namespace logsift::integration
