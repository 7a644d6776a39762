#include "parsers/base/file_io.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cerrno>
#include <filesystem>
#include <string>

using namespace logsift::base;
namespace fs = std::filesystem;

namespace {

// A fresh folder under the system temp folder, removed with its content at scope exit.
struct TempFolder {
  TempFolder() {
    std::string pattern = (fs::temp_directory_path() / "logsift-base-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempFolder() {
    std::error_code ec;
    fs::permissions(path, fs::perms::owner_all, ec);
    fs::remove_all(path, ec);
  }
  std::string path;
};

}  // namespace

TEST_CASE("write_file_atomically replaces the file and leaves no temp file behind", "[base]") {
  TempFolder dir;
  const std::string path = dir.path + "/state.bin";
  REQUIRE(write_file_atomically(path, "first"));
  const auto written = write_file_atomically(path, std::string(70000, 'z'));
  REQUIRE(written);
  CHECK(*written == 70000);
  const auto read = read_file(path);
  REQUIRE(read);
  CHECK(*read == std::string(70000, 'z'));
  CHECK_FALSE(fs::exists(path + ".tmp"));
  CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) == 1);
}

TEST_CASE("write_file_atomically uses the temp path and mode it is given", "[base]") {
  TempFolder dir;
  const std::string path = dir.path + "/cache.db";
  AtomicWriteOptions options;
  options.temp_path = dir.path + "/.tmp-cache.db.42";
  options.mode = 0600;
  REQUIRE(write_file_atomically(path, "x", options));
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK_FALSE(fs::exists(options.temp_path));
}

TEST_CASE("write_file_atomically into a missing folder is an error naming the path", "[base]") {
  TempFolder dir;
  const std::string path = dir.path + "/missing/state.bin";
  const auto written = write_file_atomically(path, "x");
  REQUIRE_FALSE(written);
  CHECK(written.error().errno_value == ENOENT);
  CHECK(written.error().message.find(path + ".tmp") != std::string::npos);
}

TEST_CASE("a failed write keeps the old file and removes the temp file", "[base]") {
  if (::geteuid() == 0) {
    // root ignores folder permissions; a rename over a folder fails for everyone instead.
    TempFolder dir;
    const std::string path = dir.path + "/target";
    fs::create_directory(path);
    fs::create_directory(path + "/child");  // a non-empty folder cannot be replaced by a file
    const auto written = write_file_atomically(path, "x");
    REQUIRE_FALSE(written);
    CHECK(written.error().message.find("cannot rename") == 0);
    CHECK(fs::is_directory(path + "/child"));
    CHECK_FALSE(fs::exists(path + ".tmp"));
    return;
  }
  TempFolder dir;
  const std::string path = dir.path + "/state.bin";
  REQUIRE(write_file_atomically(path, "old"));
  fs::permissions(dir.path, fs::perms::owner_read | fs::perms::owner_exec);
  const auto written = write_file_atomically(path, "new");
  REQUIRE_FALSE(written);
  CHECK(written.error().errno_value == EACCES);
  fs::permissions(dir.path, fs::perms::owner_all);
  CHECK(*read_file(path) == "old");
}

TEST_CASE("read_file of a missing file is an error with errno", "[base]") {
  TempFolder dir;
  const auto read = read_file(dir.path + "/none");
  REQUIRE_FALSE(read);
  CHECK(read.error().errno_value == ENOENT);
}

TEST_CASE("parent_folder names the folder a rename must be made durable in", "[base]") {
  CHECK(parent_folder("a/b/c") == "a/b");
  CHECK(parent_folder("/c") == "/");
  CHECK(parent_folder("c") == ".");
}

TEST_CASE("read_file into a buffer replaces its content", "[base]") {
  TempFolder dir;
  const std::string path = dir.path + "/f";
  REQUIRE(write_file_atomically(path, "abc"));
  std::string out = "previous content, longer";
  const auto read = read_file(path, out);
  REQUIRE(read);
  CHECK(*read == 3);
  CHECK(out == "abc");
  CHECK(sync_folder(dir.path));
  CHECK_FALSE(sync_folder(dir.path + "/missing"));
}
