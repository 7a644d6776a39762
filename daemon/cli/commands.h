// The `logsift` subcommands. Each takes the full argv and the index of its first argument, writes
// results to standard output and problems to standard error, and returns the exit status:
// 0 all well, 1 the input has problems (failing rules, corrupt batches), 2 a usage error.
#pragma once

namespace logsift::cli {

int run_check(int argc, char** argv, int first);
int run_test(int argc, char** argv, int first);
int run_replay(int argc, char** argv, int first);
int run_mine(int argc, char** argv, int first);
int run_decode(int argc, char** argv, int first);
int run_import(int argc, char** argv, int first);
int run_explain(int argc, char** argv, int first);

}  // namespace logsift::cli
