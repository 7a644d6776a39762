// `logsift explain`, `logsift test --config`, and the command-line handling every command shares:
// unknown options and bad values are usage errors that name them, --help prints usage and exits 0.
#include <catch2/catch.hpp>

#include "cli_test_support.h"

using namespace logsift::cli::testing;

namespace {

constexpr const char* kRules = R"(ruleset: t
rules:
  - id: ssh.fail
    name: SSH password failure
    when: { app: [sshd, sshd-session] }
    match: 'Failed password for (?<user_name>\S+) from (?<source_ip>\S+) port \d+'
  - id: ssh.key
    name: SSH key failure
    when: { app: sshd }
    match: 'Failed publickey for (?<user_name>\S+) from (?<source_ip>\S+) port \d+'
  - id: svc.boom
    name: Boom
    when: { app: billing }
    match: 'boom (?<code>\d+)'
)";

// A daemon config whose JSON mapping differs from the built-in one.
constexpr const char* kConfig = R"(listeners:
  - { name: json-in, protocol: ndjson, address: 127.0.0.1, port: 0, format: json }
json: { message: [event.text], app: [svc] }
parse: { default_timezone_offset: "+02:00" }
)";

}  // namespace

TEST_CASE("logsift explain shows the parsed fields and why each close rule matched or not", "[cli]") {
  auto dir = scratch_dir("explain");
  write_file(dir / "r.yaml", kRules);
  auto r = run_logsift("explain --rules " + (dir / "r.yaml").string() +
                           " 'Mar  9 07:12:46 edge3 sshd[2211]: Failed password for root from 203.0.113.45 port 51130 ssh2'",
                       dir);
  INFO(r.out << r.err);
  CHECK(r.status == 0);
  CHECK(r.out.find("host:     \"edge3\"") != std::string::npos);
  CHECK(r.out.find("app:      \"sshd\"") != std::string::npos);
  CHECK(r.out.find("1 of 3 rules match, 1 more came close") != std::string::npos);
  CHECK(r.out.find("ssh.fail: MATCH") != std::string::npos);
  CHECK(r.out.find("user_name=\"root\" source_ip=\"203.0.113.45\"") != std::string::npos);
  CHECK(r.out.find("ssh.key: no match") != std::string::npos);
  CHECK(r.out.find("\"Failed\" found, \"publickey\" MISSING, \"for\" found, \"from\" found, \"port\" found") !=
        std::string::npos);
  CHECK(r.out.find("svc.boom") == std::string::npos);  // nowhere near

  // The same text from another program: the pattern matches, the `when` condition does not.
  r = run_logsift("explain --rules " + (dir / "r.yaml").string() +
                      " 'Mar  9 07:12:46 edge3 dropbear[2211]: Failed password for root from 203.0.113.45 port 51130 ssh2'",
                  dir);
  INFO(r.out << r.err);
  CHECK(r.out.find("0 of 3 rules match") != std::string::npos);
  CHECK(r.out.find("when app is one of \"sshd\", \"sshd-session\": FAILS (app = \"dropbear\")") != std::string::npos);
  CHECK(r.out.find("a pattern matches, but a `when` condition fails") != std::string::npos);

  // An ignore pattern that vetoes the match is named.
  write_file(dir / "i.yaml", "ruleset: i\nrules:\n  - id: ssh.ign\n    name: Ignored\n"
                             "    match: 'Failed password for (?<user_name>\\S+)'\n    ignore: 'for root '\n");
  r = run_logsift("explain --rules " + (dir / "i.yaml").string() +
                      " 'Mar  9 07:12:46 edge3 sshd[2211]: Failed password for root from 203.0.113.45 port 51130 ssh2'",
                  dir);
  INFO(r.out << r.err);
  CHECK(r.out.find("ignore 1 on message \"for root \": matches") != std::string::npos);
  CHECK(r.out.find("a pattern matches, but an `ignore` pattern holds it back") != std::string::npos);

  // --all shows every rule.
  r = run_logsift("explain --all --rules " + (dir / "r.yaml").string() + " 'hello'", dir);
  CHECK(r.out.find("svc.boom: no match") != std::string::npos);
}

TEST_CASE("logsift explain and test read JSON lines with the daemon config's mapping", "[cli]") {
  auto dir = scratch_dir("explain-config");
  write_file(dir / "r.yaml", kRules);
  write_file(dir / "d.yaml", kConfig);
  write_file(dir / "in.ndjson", R"({"svc":"billing","event":{"text":"boom 42"}})" "\n");
  const std::string rules = " --rules " + (dir / "r.yaml").string();

  auto r = run_logsift("test" + rules + " " + (dir / "in.ndjson").string(), dir);
  INFO(r.out << r.err);
  CHECK(r.out == "{\"line\":1,\"matches\":[]}\n");  // the built-in mapping knows neither field

  r = run_logsift("test" + rules + " --config " + (dir / "d.yaml").string() + " " + (dir / "in.ndjson").string(), dir);
  INFO(r.out << r.err);
  CHECK(r.status == 0);
  CHECK(r.out == "{\"line\":1,\"matches\":[{\"rule\":\"svc.boom\",\"fields\":{\"code\":\"42\"}}]}\n");

  r = run_logsift("explain" + rules + " --config " + (dir / "d.yaml").string() +
                      " '{\"svc\":\"billing\",\"event\":{\"text\":\"boom 42\"}}'",
                  dir);
  INFO(r.out << r.err);
  CHECK(r.out.find("message:  \"boom 42\"") != std::string::npos);
  CHECK(r.out.find("svc.boom: MATCH") != std::string::npos);

  r = run_logsift("test" + rules + " --config " + (dir / "missing.yaml").string() + " " + (dir / "in.ndjson").string(), dir);
  CHECK(r.status == 1);
  CHECK(r.err.find("missing.yaml: cannot open") != std::string::npos);
}

TEST_CASE("every logsift command rejects an unknown option and names it", "[cli]") {
  auto dir = scratch_dir("unknown-option");
  write_file(dir / "r.yaml", kRules);
  write_file(dir / "x.log", "Mar  9 07:12:46 edge3 sshd[1]: hello\n");
  const std::string rules = (dir / "r.yaml").string();
  const std::string log = (dir / "x.log").string();
  for (const std::string& args :
       {"check --bogus " + rules, "test --rules " + rules + " --bogus " + log,
        "replay --rules " + rules + " --out " + (dir / "o").string() + " --bogus " + log,
        "decode --bogus " + (dir / "o").string(), "mine --bogus " + log,
        "explain --rules " + rules + " --bogus x"}) {
    auto r = run_logsift(args, dir);
    INFO(args << "\n" << r.out << r.err);
    CHECK(r.status == 2);
    CHECK(r.err.find("unknown option --bogus") != std::string::npos);
    CHECK(r.err.find("usage: logsift ") != std::string::npos);
  }
  // A misspelt option is not taken for a file to replay.
  auto r = run_logsift("replay --rules " + rules + " --out " + (dir / "o2").string() + " --confg " + log, dir);
  CHECK(r.status == 2);
  CHECK(r.err.find("logsift replay: unknown option --confg") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "o2"));
  r = run_logsift("mine -x " + log, dir);
  CHECK(r.status == 2);
  CHECK(r.err.find("unknown option -x") != std::string::npos);
}

TEST_CASE("logsift commands name a bad option value", "[cli]") {
  auto dir = scratch_dir("bad-value");
  write_file(dir / "r.yaml", kRules);
  const std::string rules = (dir / "r.yaml").string();
  auto r = run_logsift("test --rules " + rules + " --format xml -", dir);
  CHECK(r.status == 2);
  CHECK(r.err.find("--format: 'xml' is not auto, rfc5424, rfc3164 or json") != std::string::npos);
  r = run_logsift("mine --format json -", dir);
  CHECK(r.status == 2);
  CHECK(r.err.find("--format: 'json' is not auto or raw") != std::string::npos);
  r = run_logsift("explain --rules " + rules + " --format=yaml x", dir);
  CHECK(r.status == 2);
  CHECK(r.err.find("--format: 'yaml'") != std::string::npos);
  r = run_logsift("test --rules", dir);
  CHECK(r.status == 2);
  CHECK(r.err.find("option --rules needs a value") != std::string::npos);
  r = run_logsift("decode --headers=yes x", dir);
  CHECK(r.status == 2);
  CHECK(r.err.find("option --headers takes no value") != std::string::npos);
}

TEST_CASE("logsift COMMAND --help prints the command's usage to stdout and exits 0", "[cli]") {
  auto dir = scratch_dir("help");
  for (const std::string command : {"check", "test", "replay", "decode", "mine", "explain"}) {
    auto r = run_logsift(command + " --help", dir);
    INFO(command << "\n" << r.out << r.err);
    CHECK(r.status == 0);
    CHECK(r.out.find("usage: logsift " + command) == 0);
    CHECK(r.err.empty());
  }
  auto r = run_logsift("--help", dir);
  CHECK(r.status == 0);
  CHECK(r.out.find("explain") != std::string::npos);
}
