// JSON log lines (NDJSON, ECS, journald export, Docker/Bunyan/pino...) parsed with the simdjson
// ON-DEMAND API into a Record, through a configurable field mapping.
//
// JsonParser owns a simdjson::ondemand::parser and a padded scratch buffer (behind a pointer, so
// this header does not pull in simdjson.h), both reused: after
// warm-up (the longest line seen so far) a parse allocates nothing. One JsonParser per thread; it
// is not thread-safe. Lifetime: string views in the returned Record that come from JSON strings
// (message, host, app, ... and extra[]) point into this parser's buffers and stay valid until the
// next parse() on the same JsonParser; `original` points into the caller's line.
//
// Mapping: each Record field has an ordered list of candidate paths; the first candidate present
// (with a non-null value) wins. A path "a.b" matches the nested key b of object a and also a
// literal top-level key "a.b" (as ECS shippers write "log.level"). The object is iterated once;
// nested objects are only entered when a configured path continues into them.
// Values: strings are unescaped; numbers and booleans give their raw JSON token. `time` accepts
// RFC 3339 strings and epoch numbers (seconds, milliseconds, microseconds or nanoseconds, told
// apart by magnitude); `severity` accepts syslog names (emerg..debug, also warn/warning, error,
// fatal, critical, trace, information; case-insensitive) and numbers 0..7, as numbers or strings.
// Never fails: broken JSON, invalid UTF-8 or a non-object document gives Format::kRaw,
// Quality::kRaw, message = whole line and issue kJsonSyntax/kJsonNotObject (last_error() says
// more); an object without any message field gives Quality::kRecovered, issue kJsonNoMessage and
// message = whole line, so rules still see the text. As with any on-demand parse, the structure,
// strings and UTF-8 of the whole line are validated, but number/true/false/null atoms only where
// a mapped path reads them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/padded_line.h"
#include "parsers/record.h"

namespace logsift::parsers {

struct JsonFieldMap {
  std::vector<std::string> message = {"message", "msg", "log", "MESSAGE"};
  std::vector<std::string> host = {"host", "hostname", "host.name", "_HOSTNAME"};
  std::vector<std::string> time = {"@timestamp", "timestamp", "time", "ts"};
  std::vector<std::string> severity = {"level", "log.level", "severity", "PRIORITY"};
  std::vector<std::string> app = {"app", "service.name", "program", "SYSLOG_IDENTIFIER",
                                  "appname"};
  std::vector<std::string> procid = {"pid", "process.pid", "_PID"};
  // Further paths a rule set wants; their values land in Record::extra[i], in this order. At most
  // kMaxExtraFields are used. Record::extra_count is the number of configured paths; the entry of
  // a path absent from the line is empty.
  std::vector<std::string> extra;
  // Seconds east of UTC for time strings without an offset.
  std::int32_t default_utc_offset_s = 0;
};

// Configuration problems, for the daemon to report at load time (the parser itself ignores
// unusable paths and extra paths beyond kMaxExtraFields).
enum class JsonMapError : std::uint8_t {
  kNone,
  kEmptyPath,         // "" or a path with an empty segment ("a..b", ".a")
  kTooManyExtraFields,
  kTooManyPaths,      // more than kMaxJsonPaths paths in total
};
inline constexpr std::size_t kMaxJsonPaths = 64;
JsonMapError validate_json_field_map(const JsonFieldMap& map);

// Why the last parse() produced no JSON record (for counters).
enum class JsonError : std::uint8_t {
  kNone,
  kEmpty,        // empty or whitespace-only line
  kSyntax,       // malformed or truncated JSON
  kInvalidUtf8,  // the line is not valid UTF-8
  kNotObject,    // valid JSON but not an object
  kTooLarge,     // longer than the parser's maximum capacity
};

class JsonParser {
 public:
  explicit JsonParser(JsonFieldMap map = JsonFieldMap{});
  ~JsonParser();
  JsonParser(JsonParser&&) noexcept;  // a moved-from JsonParser may only be destroyed or assigned
  JsonParser& operator=(JsonParser&&) noexcept;

  // Copies `line` into the reused padded buffer, then parses.
  Record parse(std::string_view line);
  // Zero-copy: simdjson reads the line in place, padding included.
  Record parse(PaddedLine line);

  JsonError last_error() const { return last_error_; }
  const JsonFieldMap& field_map() const { return map_; }

 private:
  struct State;  // simdjson parser, scratch buffer, compiled paths
  Record parse_document(std::string_view line, const char* data, std::size_t capacity);

  JsonFieldMap map_;
  std::unique_ptr<State> state_;
  JsonError last_error_ = JsonError::kNone;
};

}  // namespace logsift::parsers
