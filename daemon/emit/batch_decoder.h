// The library behind `logsift decode FILE|DIR...`: batches back to NDJSON, with verification.
//
// Directories contribute their batch files (an alert folder, or a sink's spool folder) (alerts-*.ndjson.zst) in sequence order; files named
// explicitly are read whatever their name. Each file is verified whole (batch_reader.h) before any
// of its lines is written, so the output never holds lines of a corrupt batch. A bad file is
// reported by name with what is wrong, and decoding goes on with the others. Sequence numbers of
// all files seen are checked for gaps. The caller turns DecodeReport::ok() into the exit status
// and may print write_decode_summary(). Nothing here prints or exits on its own. Not thread-safe
// (writes to the stream it is given).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "daemon/emit/batch_reader.h"

namespace logsift::emit {

struct DecodeOptions {
  bool include_headers = false;  // also write each batch's header line
  ReadOptions read;
};

// Sequences first_missing..last_missing (inclusive) were not among the files decoded.
struct SequenceGap {
  std::uint64_t first_missing = 0;
  std::uint64_t last_missing = 0;
};

struct DecodeReport {
  std::uint64_t files = 0;            // batch files examined
  std::uint64_t good_files = 0;       // files that verified and were written out
  std::uint64_t alerts = 0;           // alert lines written
  std::vector<std::string> errors;    // "<path>: <what is wrong>", one per bad file or path
  std::vector<SequenceGap> gaps;      // holes in the sequence numbers seen, ascending
  std::vector<std::uint64_t> duplicate_sequences;  // sequences seen in more than one file
                                                   // (a re-sent batch; not an error)
  std::uint64_t dropped_alerts = 0;   // sum of the headers' dropped_alerts: lost by policy
  bool ok() const { return errors.empty() && gaps.empty() && dropped_alerts == 0; }
};

DecodeReport decode_paths(const std::vector<std::string>& paths_or_dirs, std::ostream& ndjson_out,
                          const DecodeOptions& options = {});

// One line per error and gap, then a count line, e.g.
//   "alerts-...-07.ndjson.zst: content checksum mismatch: the file is corrupted"
//   "sequence gap: batches 8..9 are missing"
//   "decoded 12 alerts from 3 of 4 batch files; 1 bad file, 1 gap"
void write_decode_summary(const DecodeReport& report, std::ostream& out);

}  // namespace logsift::emit
