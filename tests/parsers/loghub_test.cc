// Real-world lines from the loghub-2k samples (shared/corpora/loghub-2k): every file parses
// without trouble, and known lines of the Linux and OpenSSH samples give the right host and app.
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "parsers/line_parser.h"
#include "tests/parsers/test_util.h"

using namespace logsift::parsers;

namespace {

std::filesystem::path loghub_dir() {
  return std::filesystem::path(LOGSIFT_SHARED_DIR) / "corpora/loghub-2k";
}

std::vector<std::string> read_lines(const std::filesystem::path& path) {
  std::vector<std::string> lines;
  std::ifstream in(path, std::ios::binary);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

LineParser make_parser() {
  ParseOptions options;
  options.reference_time_us = testing::utc_us(2026, 12, 31);
  return LineParser(options);
}

}  // namespace

TEST_CASE("every loghub-2k sample parses without crashing", "[parsers][loghub]") {
  if (!std::filesystem::exists(loghub_dir())) {
    WARN("skipped: " << loghub_dir() << " is absent");
    return;
  }
  LineParser parser = make_parser();
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(loghub_dir())) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || !name.ends_with("_2k.log")) continue;
    ++files;
    std::size_t lines = 0;
    for (const std::string& line : read_lines(entry.path())) {
      const Record r = parser.parse(line);
      REQUIRE(r.original.size() <= line.size());
      REQUIRE((r.quality == Quality::kClean) == (r.issue == ParseIssue::kNone));
      ++lines;
    }
    CHECK(lines > 0);
  }
  CHECK(files >= 14);
}

TEST_CASE("loghub Linux and OpenSSH lines give the right host, app and pid", "[parsers][loghub]") {
  const auto linux_log = loghub_dir() / "Linux/Linux_2k.log";
  const auto openssh_log = loghub_dir() / "OpenSSH/OpenSSH_2k.log";
  if (!std::filesystem::exists(linux_log) || !std::filesystem::exists(openssh_log)) {
    WARN("skipped: loghub Linux/OpenSSH samples are absent");
    return;
  }
  LineParser parser = make_parser();
  const std::vector<std::string> linux_lines = read_lines(linux_log);
  REQUIRE(linux_lines.size() == 2000);
  const Record first = parser.parse(linux_lines[0]);
  CHECK(first.format == Format::kRfc3164);
  CHECK(first.issue == ParseIssue::kNoPri);
  CHECK(first.host == "combo");
  CHECK(first.app == "sshd");
  CHECK(first.msgid == "pam_unix");
  CHECK(first.procid == "19939");
  CHECK(testing::format_utc(first.time_us) == "2026-06-14T15:16:01Z");
  CHECK(first.message.starts_with("authentication failure; logname= uid=0"));

  // Every Linux line has "Mmm dd hh:mm:ss combo": all get the host and a time.
  std::map<std::string, int> apps;
  for (const std::string& line : linux_lines) {
    const Record r = parser.parse(line);
    INFO(line);
    CHECK(r.host == "combo");
    CHECK(r.time_us != kNoTime);
    ++apps[std::string(r.app)];
  }
  CHECK(apps["ftpd"] == 916);
  CHECK(apps["sshd"] == 677);
  CHECK(apps["kernel"] == 76);

  const Record kernel = parser.parse(linux_lines[1910]);
  CHECK(kernel.app == "kernel");
  CHECK(kernel.message.starts_with("Linux version 2.6.5-1.358"));

  std::size_t sshd = 0;
  const std::vector<std::string> ssh_lines = read_lines(openssh_log);
  for (const std::string& line : ssh_lines) {
    const Record r = parser.parse(line);
    INFO(line);
    CHECK(r.host == "LabSZ");
    if (r.app == "sshd" && !r.procid.empty()) ++sshd;
  }
  CHECK(sshd == ssh_lines.size());
  const Record ssh = parser.parse(ssh_lines[1]);
  CHECK(ssh.procid == "24200");
  CHECK(ssh.message == "Invalid user webmaster from 173.234.31.186");
}
