// decode_paths(); see batch_decoder.h.
#include "daemon/emit/batch_decoder.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <system_error>

#include "daemon/emit/file_sink.h"

namespace logsift::emit {
namespace {

namespace fs = std::filesystem;

struct Input {
  std::string path;
  std::optional<std::uint64_t> name_sequence;  // from the file name, when it follows the pattern
};

// Expands directories into their batch files sorted by sequence; keeps files as given.
std::vector<Input> expand(const std::vector<std::string>& paths, DecodeReport& report) {
  std::vector<Input> inputs;
  for (const std::string& path : paths) {
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) {
      report.errors.push_back(path + ": no such file or directory");
      continue;
    }
    const auto name_seq = [](const fs::path& p) {
      return parse_batch_file_name(p.filename().native());
    };
    if (!fs::is_directory(st)) {
      inputs.push_back({path, name_seq(path)});
      continue;
    }
    std::vector<Input> in_dir;
    fs::directory_iterator it(path, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
      if (const auto seq = name_seq(it->path())) in_dir.push_back({it->path().native(), seq});
    }
    if (ec) {
      report.errors.push_back(path + ": cannot read directory: " + ec.message());
      continue;
    }
    if (in_dir.empty()) report.errors.push_back(path + ": no batch files (alerts-*.ndjson.zst)");
    std::sort(in_dir.begin(), in_dir.end(),
              [](const Input& a, const Input& b) { return a.name_sequence < b.name_sequence; });
    inputs.insert(inputs.end(), in_dir.begin(), in_dir.end());
  }
  return inputs;
}

void find_gaps(std::vector<std::uint64_t> sequences, DecodeReport& report) {
  std::sort(sequences.begin(), sequences.end());
  for (std::size_t i = 1; i < sequences.size(); ++i) {
    const std::uint64_t prev = sequences[i - 1];
    const std::uint64_t cur = sequences[i];
    if (cur == prev) {
      if (report.duplicate_sequences.empty() || report.duplicate_sequences.back() != cur) {
        report.duplicate_sequences.push_back(cur);
      }
    } else if (cur > prev + 1) {
      report.gaps.push_back({prev + 1, cur - 1});
    }
  }
}

}  // namespace

DecodeReport decode_paths(const std::vector<std::string>& paths_or_dirs, std::ostream& ndjson_out,
                          const DecodeOptions& options) {
  DecodeReport report;
  std::vector<std::uint64_t> sequences;
  for (const Input& input : expand(paths_or_dirs, report)) {
    ++report.files;
    auto bytes = read_whole_file(input.path);
    if (!bytes) {
      report.errors.push_back(std::move(bytes).error());
      if (input.name_sequence) sequences.push_back(*input.name_sequence);
      continue;
    }
    auto batch = decode_batch(bytes.value(), options.read);
    if (!batch) {
      report.errors.push_back(input.path + ": " + std::move(batch).error());
      // The file's name still tells which sequence it held: report it as bad, not as a gap.
      if (input.name_sequence) sequences.push_back(*input.name_sequence);
      continue;
    }
    if (input.name_sequence && *input.name_sequence != batch->header.sequence) {
      report.errors.push_back(input.path + ": the header says sequence " +
                              std::to_string(batch->header.sequence) +
                              " but the file name says " + std::to_string(*input.name_sequence));
    }
    sequences.push_back(batch->header.sequence);
    const std::string_view lines =
        options.include_headers ? std::string_view(batch->ndjson) : batch->alert_lines();
    ndjson_out.write(lines.data(), static_cast<std::streamsize>(lines.size()));
    ++report.good_files;
    report.alerts += batch->header.alerts;
    report.dropped_alerts += batch->header.dropped_alerts;
  }
  if (!ndjson_out) report.errors.push_back("cannot write the decoded output");
  find_gaps(std::move(sequences), report);
  return report;
}

void write_decode_summary(const DecodeReport& report, std::ostream& out) {
  for (const std::string& e : report.errors) out << e << '\n';
  for (const SequenceGap& g : report.gaps) {
    if (g.first_missing == g.last_missing) {
      out << "sequence gap: batch " << g.first_missing << " is missing\n";
    } else {
      out << "sequence gap: batches " << g.first_missing << ".." << g.last_missing
          << " are missing\n";
    }
  }
  if (report.dropped_alerts > 0) {
    out << "loss: " << report.dropped_alerts
        << " alerts were dropped by policy (a full spool) before batches decoded here\n";
  }
  for (const std::uint64_t seq : report.duplicate_sequences) {
    out << "note: batch " << seq << " appears more than once (a re-sent batch)\n";
  }
  const std::uint64_t bad = report.files - report.good_files;
  out << "decoded " << report.alerts << " alerts from " << report.good_files << " of "
      << report.files << " batch files";
  if (!report.ok()) {
    out << "; " << bad << (bad == 1 ? " bad file, " : " bad files, ") << report.gaps.size()
        << (report.gaps.size() == 1 ? " gap" : " gaps");
    if (report.dropped_alerts > 0) out << ", " << report.dropped_alerts << " alerts dropped";
  }
  out << '\n';
}

}  // namespace logsift::emit
