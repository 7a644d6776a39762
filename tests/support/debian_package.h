// Debian packages the tests need but the machine may not have installed (fail2ban's filters and
// sample logs, rsyslog next to syslog-ng): fetched at test time with `apt-get download` into the
// build tree and unpacked with `dpkg-deb -x`, never into the repository and never at build time.
// When that is impossible (no network, no apt) the caller skips with the reason.
#pragma once

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace logsift::testing {

inline std::string run_shell(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  while (std::size_t n = fread(buffer, 1, sizeof(buffer), pipe)) out.append(buffer, n);
  pclose(pipe);
  return out;
}

// Downloads `packages` into `root` and unpacks them all into root/x. Returns root/x once
// root/x/`marker` exists (also when it did from an earlier run), else an empty path and the reason.
inline std::filesystem::path unpack_debian_packages(const std::filesystem::path& root,
                                                    const std::vector<std::string>& packages,
                                                    const std::filesystem::path& marker, std::string& why_not) {
  namespace fs = std::filesystem;
  const fs::path tree = root / "x";
  if (fs::exists(tree / marker)) return tree;
  fs::create_directories(root);
  std::string names;
  for (const auto& p : packages) names += " " + p;
  run_shell("cd '" + root.string() + "' && apt-get download" + names + " >download.log 2>&1");
  std::vector<fs::path> debs;
  for (const auto& entry : fs::directory_iterator(root)) {
    if (entry.path().extension() == ".deb") debs.push_back(entry.path());
  }
  if (debs.size() < packages.size()) {
    std::ifstream log(root / "download.log");
    std::ostringstream text;
    text << log.rdbuf();
    why_not = "apt-get download" + names + " failed: " + text.str();
    return {};
  }
  for (const auto& deb : debs) run_shell("dpkg-deb -x '" + deb.string() + "' '" + tree.string() + "'");
  if (!fs::exists(tree / marker)) {
    why_not = "dpkg-deb -x did not yield " + marker.string();
    return {};
  }
  return tree;
}

}  // namespace logsift::testing
