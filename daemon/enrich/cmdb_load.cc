// Cmdb::parse: CSV and YAML files into the lookup table, every problem with file and line.
#include <xxhash.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "daemon/enrich/cmdb.h"
#include "daemon/enrich/csv_reader.h"

namespace logsift::enrich {

// Collects entries and errors; builds the table when there are none.
class CmdbBuilder {
 public:
  CmdbBuilder(const std::string& file, std::vector<CmdbError>& errors) : file_(file), errors_(errors) {
    table_ = std::make_shared<Cmdb>();
    table_->file_ = file;
  }

  void error(int line, std::string message) { errors_.push_back({file_, line, std::move(message)}); }

  // One entry: its matches (host names, globs, addresses, ranges) and its context.
  void add(parsers::ServiceContext context, const std::vector<std::string>& matches, int line) {
    if (matches.empty()) {
      error(line, "entry matches no host: give a host name, a glob or an address range");
      return;
    }
    if (context.empty()) {
      error(line, "entry sets none of service, environment, owner, sla_tier, labels");
      return;
    }
    for (const auto& [name, value] : context.labels) {
      if (!valid_label_name(name)) {
        error(line, "label name '" + name + "': use lower-case letters, digits and '_'");
      }
    }
    std::sort(context.labels.begin(), context.labels.end());
    for (std::size_t i = 1; i < context.labels.size(); ++i) {
      if (context.labels[i].first == context.labels[i - 1].first) {
        error(line, "label '" + context.labels[i].first + "' given twice");
      }
    }
    context.source = file_ + ":" + std::to_string(line);
    context.fingerprint = fingerprint(context);
    const auto entry = static_cast<std::uint32_t>(table_->contexts_.size());
    table_->contexts_.push_back(std::move(context));
    for (const std::string& m : matches) add_match(m, entry, line);
  }

  std::shared_ptr<const Cmdb> finish() {
    auto& ranges = table_->ranges_;
    std::stable_sort(ranges.begin(), ranges.end(), [](const Cmdb::Range& a, const Cmdb::Range& b) {
      return a.range.specificity() > b.range.specificity();
    });
    return table_;
  }

 private:
  static bool valid_label_name(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
  }

  static std::uint64_t fingerprint(const parsers::ServiceContext& c) {
    std::string encoded;
    for (const std::string* s : {&c.service, &c.environment, &c.owner, &c.sla_tier}) {
      encoded += *s;
      encoded += '\0';
    }
    for (const auto& [k, v] : c.labels) {
      encoded += k;
      encoded += '\0';
      encoded += v;
      encoded += '\0';
    }
    return XXH3_64bits(encoded.data(), encoded.size());
  }

  void add_match(const std::string& m, std::uint32_t entry, int line) {
    if (m.empty()) {
      error(line, "empty host match");
      return;
    }
    const bool looks_like_address = m.find('/') != std::string::npos || parse_ip(m).has_value();
    if (looks_like_address) {
      auto range = parse_address_range(m);
      if (!range) {
        error(line, "'" + m + "' is no address range: write 10.1.0.0/16, 2001:db8::/32 or one address");
        return;
      }
      for (const auto& r : table_->ranges_) {
        if (r.range.prefix_bits == range->prefix_bits && r.range.base.bytes == range->base.bytes) {
          error(line, "address range '" + m + "' already mapped at " + table_->contexts_[r.entry].source);
          return;
        }
      }
      table_->ranges_.push_back({*range, entry});
    } else if (is_glob(m)) {
      table_->globs_.push_back({m, entry});
    } else {
      auto [it, inserted] = table_->exact_.emplace(m, entry);
      if (!inserted) error(line, "host '" + m + "' already mapped at " + table_->contexts_[it->second].source);
    }
  }

  const std::string& file_;
  std::vector<CmdbError>& errors_;
  std::shared_ptr<Cmdb> table_;
};

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

// CSV: a header row naming the columns, then one entry per row. `match` may hold several
// matches separated by spaces or ';'.
void parse_csv(std::string_view text, CmdbBuilder& b) {
  CsvReader reader(text);
  std::vector<std::string> header;
  int header_line = 0;
  std::vector<std::string> row;
  int match_col = -1;
  struct Column {
    enum Kind { kMatch, kService, kEnvironment, kOwner, kTier, kLabel } kind;
    std::string label;
  };
  std::vector<Column> columns;
  while (auto line = reader.next(row)) {
    if (!reader.error().empty()) {
      b.error(*line, reader.error());
      return;
    }
    if (row.size() == 1 && trim(row[0]).empty()) continue;              // blank line
    if (!row.empty() && !row[0].empty() && row[0][0] == '#') continue;  // comment
    if (header_line == 0) {
      header_line = *line;
      for (std::size_t i = 0; i < row.size(); ++i) {
        const std::string name = trim(row[i]);
        Column c{Column::kLabel, {}};
        if (name == "match") {
          c.kind = Column::kMatch;
          match_col = static_cast<int>(i);
        } else if (name == "service") {
          c.kind = Column::kService;
        } else if (name == "environment") {
          c.kind = Column::kEnvironment;
        } else if (name == "owner") {
          c.kind = Column::kOwner;
        } else if (name == "sla_tier") {
          c.kind = Column::kTier;
        } else if (name.starts_with("labels.") && name.size() > 7) {
          c.label = name.substr(7);
        } else {
          b.error(*line, "unknown column '" + name + "' (match, service, environment, owner, sla_tier, labels.<name>)");
          continue;
        }
        columns.push_back(std::move(c));
      }
      if (match_col < 0) b.error(*line, "the header names no 'match' column");
      if (match_col < 0 || columns.size() != row.size()) return;  // rows cannot be read
      continue;
    }
    if (row.size() != columns.size()) {
      b.error(*line, "expected " + std::to_string(columns.size()) + " fields as the header on line " +
                         std::to_string(header_line) + " names, found " + std::to_string(row.size()));
      continue;
    }
    parsers::ServiceContext context;
    std::vector<std::string> matches;
    for (std::size_t i = 0; i < row.size(); ++i) {
      std::string value = trim(row[i]);
      switch (columns[i].kind) {
        case Column::kMatch: {
          std::string current;
          for (char c : value + ' ') {
            if (c == ' ' || c == ';') {
              if (!current.empty()) matches.push_back(std::move(current));
              current.clear();
            } else {
              current += c;
            }
          }
          break;
        }
        case Column::kService: context.service = std::move(value); break;
        case Column::kEnvironment: context.environment = std::move(value); break;
        case Column::kOwner: context.owner = std::move(value); break;
        case Column::kTier: context.sla_tier = std::move(value); break;
        case Column::kLabel:
          if (!value.empty()) context.labels.emplace_back(columns[i].label, std::move(value));
          break;
      }
    }
    b.add(std::move(context), matches, *line);
  }
  if (header_line == 0) b.error(0, "no header row: the first line names the columns (match, service, ...)");
}

int line_of(const YAML::Node& n) { return n.Mark().line + 1; }

void parse_yaml(std::string_view text, CmdbBuilder& b) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    b.error(e.mark.line + 1, e.msg);
    return;
  }
  if (!root.IsMap() || !root["entries"]) {
    b.error(root.IsDefined() && !root.IsNull() ? line_of(root) : 0, "expected a mapping with 'entries:'");
    return;
  }
  for (const auto& kv : root) {
    if (kv.first.as<std::string>() != "entries") b.error(line_of(kv.first), "unknown key '" + kv.first.as<std::string>() + "'");
  }
  const YAML::Node entries = root["entries"];
  if (!entries.IsSequence()) {
    b.error(line_of(entries), "'entries' must be a list");
    return;
  }
  auto scalar_list = [&](const YAML::Node& n, std::vector<std::string>& out) {
    if (n.IsScalar()) {
      out.push_back(n.as<std::string>());
    } else if (n.IsSequence()) {
      for (const auto& item : n) {
        if (item.IsScalar()) out.push_back(item.as<std::string>());
        else b.error(line_of(item), "expected a host name, glob or address range");
      }
    } else {
      b.error(line_of(n), "expected one value or a list");
    }
  };
  for (const auto& e : entries) {
    const int line = line_of(e);
    if (!e.IsMap()) {
      b.error(line, "an entry is a mapping (hosts, addresses, service, environment, owner, sla_tier, labels)");
      continue;
    }
    parsers::ServiceContext context;
    std::vector<std::string> matches;
    for (const auto& kv : e) {
      const std::string key = kv.first.as<std::string>();
      const YAML::Node& v = kv.second;
      const bool scalar = v.IsScalar();
      if (key == "hosts" || key == "addresses") {
        scalar_list(v, matches);
      } else if (key == "labels") {
        if (!v.IsMap()) {
          b.error(line_of(v), "'labels' must be a mapping of name: value");
          continue;
        }
        for (const auto& l : v) context.labels.emplace_back(l.first.as<std::string>(), l.second.as<std::string>());
      } else if (key == "service" && scalar) {
        context.service = v.as<std::string>();
      } else if (key == "environment" && scalar) {
        context.environment = v.as<std::string>();
      } else if (key == "owner" && scalar) {
        context.owner = v.as<std::string>();
      } else if (key == "sla_tier" && scalar) {
        context.sla_tier = v.as<std::string>();
      } else if (key == "service" || key == "environment" || key == "owner" || key == "sla_tier") {
        b.error(line_of(v), "'" + key + "' must be one value");
      } else {
        b.error(line_of(kv.first), "unknown key '" + key + "' (hosts, addresses, service, environment, owner, sla_tier, labels)");
      }
    }
    b.add(std::move(context), matches, line);
  }
}

}  // namespace

Expected<std::shared_ptr<const Cmdb>, std::vector<CmdbError>> Cmdb::parse(std::string_view text,
                                                                         const std::string& file) {
  std::vector<CmdbError> errors;
  CmdbBuilder builder(file, errors);
  try {
    if (ends_with(file, ".csv")) parse_csv(text, builder);
    else parse_yaml(text, builder);
  } catch (const YAML::Exception& e) {
    errors.push_back({file, e.mark.line + 1, e.msg});
  }
  if (!errors.empty()) return Unexpected{std::move(errors)};
  return builder.finish();
}

}  // namespace logsift::enrich
