#include "parsers/json.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

#include "parsers/timestamp.h"

namespace logsift::parsers {
namespace {

namespace ondemand = simdjson::ondemand;

static_assert(kJsonPaddingBytes == simdjson::SIMDJSON_PADDING);

// Record fields a path can fill; kExtra0 + i is Record::extra[i].
enum Target : std::uint8_t { kMessage, kHost, kTime, kSeverity, kApp, kProcid, kExtra0 };
constexpr std::size_t kTargetCount = kExtra0 + kMaxExtraFields;

// One configured path and the Record field it fills.
struct PathEntry {
  std::string path;
  std::uint8_t target = 0;
  std::uint8_t rank = 0;  // position in its candidate list; lower wins
};

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim_json_space(std::string_view text) {
  while (!text.empty() && is_json_space(text.back())) text.remove_suffix(1);
  while (!text.empty() && is_json_space(text.front())) text.remove_prefix(1);
  return text;
}

bool valid_path(std::string_view path) {
  return !path.empty() && path.front() != '.' && path.back() != '.' &&
         path.find("..") == std::string_view::npos;
}

// A leaf value, read once and applied to every target whose path names it.
struct Scalar {
  std::string_view text;   // unescaped string, or the raw token of a number/bool
  bool is_string = false;
  bool is_number = false;
};

int severity_from_name(std::string_view name) {
  char lower[16];
  if (name.empty() || name.size() > sizeof lower) return -1;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    lower[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
  }
  const std::string_view n(lower, name.size());
  if (n.size() == 1 && n[0] >= '0' && n[0] <= '7') return n[0] - '0';
  struct Name { std::string_view name; int severity; };
  static constexpr Name kNames[] = {
      {"emerg", 0}, {"emergency", 0}, {"panic", 0}, {"alert", 1}, {"crit", 2}, {"critical", 2},
      {"fatal", 2}, {"err", 3}, {"error", 3}, {"warn", 4}, {"warning", 4}, {"notice", 5},
      {"info", 6}, {"informational", 6}, {"information", 6}, {"debug", 7}, {"trace", 7}};
  for (const Name& entry : kNames) {
    if (entry.name == n) return entry.severity;
  }
  return -1;
}

// Numbers: syslog 0..7, or the pino/bunyan levels 10 (trace) .. 60 (fatal).
int severity_from_number(std::string_view token) {
  int value = -1;
  const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (ec != std::errc() || ptr != token.data() + token.size()) return -1;
  if (value >= 0 && value <= 7) return value;
  switch (value) {
    case 10: case 20: return 7;
    case 30: return 6;
    case 40: return 4;
    case 50: return 3;
    case 60: return 2;
    default: return -1;
  }
}

// Epoch seconds, milliseconds, microseconds or nanoseconds, told apart by magnitude.
std::int64_t time_from_epoch_number(std::string_view token) {
  double value = 0;
  const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (ec != std::errc() || ptr != token.data() + token.size() || !std::isfinite(value)) {
    return kNoTime;
  }
  const double magnitude = std::fabs(value);
  double us = 0;
  if (magnitude < 1e11) {
    us = value * 1e6;
  } else if (magnitude < 1e14) {
    us = value * 1e3;
  } else if (magnitude < 1e17) {
    us = value;
  } else if (magnitude < 9e18) {
    us = value / 1e3;
  } else {
    return kNoTime;
  }
  return static_cast<std::int64_t>(std::llround(us));
}

class FieldMatcher {
 public:
  FieldMatcher(const std::vector<PathEntry>& entries, Record* record, std::int32_t offset_s)
      : entries_(entries), record_(record), default_utc_offset_s_(offset_s) {
    std::fill(std::begin(best_rank_), std::end(best_rank_), std::uint8_t{255});
  }

  bool found(Target target) const { return best_rank_[target] != 255; }

  simdjson::error_code walk(ondemand::object object, std::string_view prefix) {
    for (auto field_result : object) {
      ondemand::field field;
      if (auto error = std::move(field_result).get(field)) return error;
      std::string_view key;
      if (auto error = field.unescaped_key().get(key)) return error;

      const PathEntry* leaves[kTargetCount];
      std::size_t leaf_count = 0;
      std::string_view child_prefix;
      const std::size_t path_length = prefix.size() + key.size();
      for (const PathEntry& entry : entries_) {
        const std::string_view path = entry.path;
        // Cheap rejections first (length, the byte after the key, first byte): most keys match
        // no path, and this loop runs for every key of every line.
        if (path.size() < path_length ||
            (path.size() > path_length && path[path_length] != '.') ||
            (!key.empty() && path[prefix.size()] != key[0]) ||
            path.compare(prefix.size(), key.size(), key) != 0 || !path.starts_with(prefix)) {
          continue;
        }
        if (path.size() == path_length) {
          if (entry.rank < best_rank_[entry.target] && leaf_count < kTargetCount) {
            leaves[leaf_count++] = &entry;
          }
        } else if (path[path_length] == '.') {
          child_prefix = path.substr(0, path_length + 1);
        }
      }
      if (leaf_count == 0 && child_prefix.empty()) continue;

      ondemand::json_type type;
      if (auto error = field.value().type().get(type)) return error;
      Scalar scalar;
      switch (type) {
        case ondemand::json_type::object: {
          if (child_prefix.empty()) continue;
          ondemand::object child;
          if (auto error = field.value().get_object().get(child)) return error;
          if (auto error = walk(child, child_prefix)) return error;
          continue;
        }
        case ondemand::json_type::array:
        case ondemand::json_type::null:
          continue;
        case ondemand::json_type::string:
          if (auto error = field.value().get_string().get(scalar.text)) return error;
          scalar.is_string = true;
          break;
        case ondemand::json_type::number: {
          // On-demand does not validate an atom until it is read: read it to reject "12x".
          scalar.text = trim_json_space(field.value().raw_json_token());
          scalar.is_number = true;
          simdjson::ondemand::number number;
          if (auto error = field.value().get_number().get(number)) return error;
          break;
        }
        case ondemand::json_type::boolean: {
          bool value = false;
          if (auto error = field.value().get_bool().get(value)) return error;
          scalar.text = value ? "true" : "false";
          break;
        }
      }
      for (std::size_t i = 0; i < leaf_count; ++i) apply(*leaves[i], scalar);
    }
    return simdjson::SUCCESS;
  }

 private:
  void apply(const PathEntry& entry, const Scalar& scalar) {
    switch (entry.target) {
      case kMessage: record_->message = scalar.text; break;
      case kHost: record_->host = scalar.text; break;
      case kApp: record_->app = scalar.text; break;
      case kProcid: record_->procid = scalar.text; break;
      case kTime: {
        std::int64_t time_us = kNoTime;
        if (scalar.is_number) {
          time_us = time_from_epoch_number(scalar.text);
        } else if (scalar.is_string) {
          const Rfc3339Time t = parse_rfc3339(scalar.text, default_utc_offset_s_);
          if (t.error != TimeError::kSyntax && t.error != TimeError::kRange) time_us = t.time_us;
        }
        if (time_us == kNoTime) return;  // unusable: a later candidate may still fill it
        record_->time_us = time_us;
        break;
      }
      case kSeverity: {
        const int severity = scalar.is_number ? severity_from_number(scalar.text)
                             : scalar.is_string ? severity_from_name(scalar.text)
                                                : -1;
        if (severity < 0) return;
        record_->severity = static_cast<std::int8_t>(severity);
        break;
      }
      default: record_->extra[entry.target - kExtra0] = scalar.text; break;
    }
    best_rank_[entry.target] = entry.rank;
  }

  const std::vector<PathEntry>& entries_;
  Record* record_;
  std::int32_t default_utc_offset_s_;
  std::uint8_t best_rank_[kTargetCount];
};

JsonError json_error_from(simdjson::error_code error) {
  switch (error) {
    case simdjson::SUCCESS: return JsonError::kNone;
    case simdjson::UTF8_ERROR: return JsonError::kInvalidUtf8;
    case simdjson::INCORRECT_TYPE: return JsonError::kNotObject;
    case simdjson::CAPACITY: return JsonError::kTooLarge;
    case simdjson::EMPTY: return JsonError::kEmpty;
    default: return JsonError::kSyntax;
  }
}

}  // namespace

JsonMapError validate_json_field_map(const JsonFieldMap& map) {
  std::size_t total = 0;
  for (const auto* list : {&map.message, &map.host, &map.time, &map.severity, &map.app,
                           &map.procid, &map.extra}) {
    for (const std::string& path : *list) {
      if (!valid_path(path)) return JsonMapError::kEmptyPath;
    }
    total += list->size();
  }
  if (map.extra.size() > kMaxExtraFields) return JsonMapError::kTooManyExtraFields;
  if (total > kMaxJsonPaths) return JsonMapError::kTooManyPaths;
  return JsonMapError::kNone;
}

struct JsonParser::State {
  std::vector<PathEntry> entries;
  ondemand::parser parser;
  std::unique_ptr<char[]> scratch;
  std::size_t scratch_capacity = 0;
};

JsonParser::JsonParser(JsonFieldMap map)
    : map_(std::move(map)), state_(std::make_unique<State>()) {
  std::vector<PathEntry>& entries = state_->entries;
  const auto add = [&entries](const std::vector<std::string>& paths, std::uint8_t target) {
    std::uint8_t rank = 0;
    for (const std::string& path : paths) {
      if (valid_path(path) && entries.size() < kMaxJsonPaths && rank < 255) {
        entries.push_back(PathEntry{path, target, rank++});
      }
    }
  };
  add(map_.message, kMessage);
  add(map_.host, kHost);
  add(map_.time, kTime);
  add(map_.severity, kSeverity);
  add(map_.app, kApp);
  add(map_.procid, kProcid);
  for (std::size_t i = 0; i < map_.extra.size() && i < kMaxExtraFields; ++i) {
    add({map_.extra[i]}, static_cast<std::uint8_t>(kExtra0 + i));
  }
}

JsonParser::~JsonParser() = default;
JsonParser::JsonParser(JsonParser&&) noexcept = default;
JsonParser& JsonParser::operator=(JsonParser&&) noexcept = default;

Record JsonParser::parse(std::string_view line) {
  State& state = *state_;
  const std::size_t needed = line.size() + simdjson::SIMDJSON_PADDING;
  if (needed > state.scratch_capacity) {
    state.scratch_capacity = std::max(needed, state.scratch_capacity * 2);
    state.scratch = std::make_unique<char[]>(state.scratch_capacity);
  }
  if (!line.empty()) std::memcpy(state.scratch.get(), line.data(), line.size());
  std::memset(state.scratch.get() + line.size(), 0, simdjson::SIMDJSON_PADDING);
  return parse_document(line, state.scratch.get(), needed);
}

Record JsonParser::parse(PaddedLine line) {
  return parse_document(line.view(), line.view().data(), line.size() + simdjson::SIMDJSON_PADDING);
}

Record JsonParser::parse_document(std::string_view line, const char* data, std::size_t capacity) {
  Record record;
  record.original = line;
  record.message = line;
  const auto fail = [&](JsonError error) {
    last_error_ = error;
    record = Record{};
    record.original = line;
    record.message = line;
    record.issue = error == JsonError::kNotObject ? ParseIssue::kJsonNotObject
                   : error == JsonError::kEmpty   ? ParseIssue::kEmpty
                                                  : ParseIssue::kJsonSyntax;
    return record;
  };
  if (trim_json_space(line).empty()) return fail(JsonError::kEmpty);

  ondemand::document document;
  if (auto error = state_->parser.iterate(data, line.size(), capacity).get(document)) {
    return fail(json_error_from(error));
  }
  ondemand::json_type type;
  if (auto error = document.type().get(type)) return fail(json_error_from(error));
  if (type != ondemand::json_type::object) return fail(JsonError::kNotObject);
  ondemand::object object;
  if (auto error = document.get_object().get(object)) return fail(json_error_from(error));

  record.message = {};
  FieldMatcher matcher(state_->entries, &record, map_.default_utc_offset_s);
  if (auto error = matcher.walk(object, {})) return fail(json_error_from(error));

  last_error_ = JsonError::kNone;
  record.format = Format::kJson;
  record.quality = Quality::kClean;
  record.extra_count = static_cast<std::uint8_t>(std::min(map_.extra.size(), kMaxExtraFields));
  if (!matcher.found(kMessage)) {
    record.message = line;
    record.quality = Quality::kRecovered;
    record.issue = ParseIssue::kJsonNoMessage;
  }
  return record;
}

}  // namespace logsift::parsers
