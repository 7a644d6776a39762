// kafka_mock_cluster: a Kafka cluster for tests and benchmarks, from librdkafka's mock brokers.
//
//   kafka_mock_cluster [--brokers N] [--exit-with-parent] [TOPIC:PARTITIONS[:REPLICATION]]...
//
// Starts N mock brokers (default 3) listening on 127.0.0.1 with ephemeral ports, creates the
// topics named on the command line (the mock serves no CreateTopics; topics nobody created are
// auto-created with 4 partitions on first use), prints the bootstrap list ("127.0.0.1:p1,...") as
// the first line on stdout and then serves until SIGTERM or SIGINT.
//
// Faults on demand, for clients in other processes (logsiftd, kcat, rsyslog's omkafka):
//   SIGUSR1   every broker goes down (connections closed, new ones refused)
//   SIGUSR2   every broker comes back up
// and, for finer control, one command per line on stdin, each answered on stdout with "ok" or
// "error: <why>":
//   down <broker id|all>            up <broker id|all>
//   rtt <broker id|all> <ms>        leader <topic> <partition> <broker id>
//   topic <name> <partitions> [<replication>]
// Broker ids run from 1 to N. With --exit-with-parent the process also ends when its parent dies,
// so a crashed test leaves no cluster behind. Everything lives in memory: a restart is an empty
// cluster.
//
// librdkafka documents the mock cluster as experimental (no API or ABI promise); this program is
// the one place the test suite depends on it, apart from the Kafka sink benchmark.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct TopicSpec {
  std::string name;
  int partitions = 1;
  int replication = 1;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "kafka_mock_cluster: %s\n"
               "usage: kafka_mock_cluster [--brokers N] [--exit-with-parent] "
               "[TOPIC:PARTITIONS[:REPLICATION]]...\n",
               why);
  std::exit(2);
}

bool parse_int(const std::string& text, int min, int max, int& out) {
  char* end = nullptr;
  errno = 0;
  const long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0 || v < min || v > max) return false;
  out = static_cast<int>(v);
  return true;
}

// "alerts:6" or "alerts:6:3"; replication defaults to min(3, brokers) like auto-created topics.
bool parse_topic(const std::string& arg, int brokers, TopicSpec& out) {
  const auto first = arg.find(':');
  if (first == 0 || first == std::string::npos) return false;
  out.name = arg.substr(0, first);
  const auto second = arg.find(':', first + 1);
  const std::string parts = arg.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
  if (!parse_int(parts, 1, 100000, out.partitions)) return false;
  out.replication = brokers < 3 ? brokers : 3;
  if (second != std::string::npos && !parse_int(arg.substr(second + 1), 1, brokers, out.replication)) return false;
  return true;
}

// Applies `fn` to one broker id, or to every broker for "all".
template <typename Fn>
rd_kafka_resp_err_t each_broker(const std::string& which, int brokers, Fn&& fn) {
  if (which == "all") {
    for (int id = 1; id <= brokers; ++id) {
      if (const auto err = fn(id); err != RD_KAFKA_RESP_ERR_NO_ERROR) return err;
    }
    return RD_KAFKA_RESP_ERR_NO_ERROR;
  }
  int id = 0;
  if (!parse_int(which, 1, brokers, id)) return RD_KAFKA_RESP_ERR__INVALID_ARG;
  return fn(id);
}

// Runs one stdin command; the answer line for stdout.
std::string run_command(rd_kafka_mock_cluster_t* cluster, int brokers, const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  if (words.empty()) return "error: empty command";
  const std::string& verb = words[0];
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR__INVALID_ARG;
  int a = 0, b = 0;
  if ((verb == "down" || verb == "up") && words.size() == 2) {
    err = each_broker(words[1], brokers, [&](int id) {
      return verb == "down" ? rd_kafka_mock_broker_set_down(cluster, id) : rd_kafka_mock_broker_set_up(cluster, id);
    });
  } else if (verb == "rtt" && words.size() == 3 && parse_int(words[2], 0, 3600 * 1000, a)) {
    err = each_broker(words[1], brokers, [&](int id) { return rd_kafka_mock_broker_set_rtt(cluster, id, a); });
  } else if (verb == "leader" && words.size() == 4 && parse_int(words[2], 0, 100000, a) &&
             parse_int(words[3], 1, brokers, b)) {
    err = rd_kafka_mock_partition_set_leader(cluster, words[1].c_str(), a, b);
  } else if (verb == "topic" && (words.size() == 3 || words.size() == 4)) {
    TopicSpec t;
    std::string spec = words[1] + ":" + words[2] + (words.size() == 4 ? ":" + words[3] : "");
    if (parse_topic(spec, brokers, t)) {
      err = rd_kafka_mock_topic_create(cluster, t.name.c_str(), t.partitions, t.replication);
    }
  } else {
    return "error: unknown command: " + line;
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return std::string("error: ") + rd_kafka_err2str(err);
  return "ok";
}

void print_line(const std::string& line) {
  std::fputs(line.c_str(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  int brokers = 3;
  bool exit_with_parent = false;
  std::vector<std::string> topic_args;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--brokers") {
      if (i + 1 >= argc || !parse_int(argv[++i], 1, 64, brokers)) usage("--brokers takes a number from 1 to 64");
    } else if (arg == "--exit-with-parent") {
      exit_with_parent = true;
    } else if (arg == "--help" || arg == "-h") {
      usage("a mock Kafka cluster on loopback");
    } else {
      topic_args.push_back(arg);
    }
  }
  std::vector<TopicSpec> topics;
  for (const auto& arg : topic_args) {
    TopicSpec t;
    if (!parse_topic(arg, brokers, t)) usage(("bad topic \"" + arg + "\" (expected NAME:PARTITIONS[:REPLICATION])").c_str());
    topics.push_back(t);
  }

  // Block the signals before librdkafka starts its threads, so they inherit the mask and every
  // signal reaches the signalfd below instead of killing the process from another thread.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGTERM, SIGINT, SIGUSR1, SIGUSR2}) sigaddset(&signals, s);
  if (pthread_sigmask(SIG_BLOCK, &signals, nullptr) != 0) return 1;
  const int signal_fd = ::signalfd(-1, &signals, SFD_CLOEXEC);
  if (signal_fd < 0) return 1;
  const pid_t parent = ::getppid();
  if (exit_with_parent && (::prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || ::getppid() != parent)) {
    return 0;  // the parent is already gone
  }

  // The mock needs a client handle to live in; it never connects anywhere itself.
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err_text[512];
  rd_kafka_conf_set(conf, "log_level", "3", err_text, sizeof err_text);  // no "no bootstrap" warning
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err_text, sizeof err_text);
  if (rk == nullptr) {
    std::fprintf(stderr, "kafka_mock_cluster: %s\n", err_text);
    return 1;
  }
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(rk, brokers);
  if (cluster == nullptr) {
    std::fprintf(stderr, "kafka_mock_cluster: could not start %d mock brokers\n", brokers);
    return 1;
  }
  for (const auto& t : topics) {
    if (const auto err = rd_kafka_mock_topic_create(cluster, t.name.c_str(), t.partitions, t.replication)) {
      std::fprintf(stderr, "kafka_mock_cluster: topic %s: %s\n", t.name.c_str(), rd_kafka_err2str(err));
      return 1;
    }
  }
  print_line(rd_kafka_mock_cluster_bootstraps(cluster));

  pollfd fds[2] = {{signal_fd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
  std::string pending;
  bool running = true;
  while (running) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[0].revents & POLLIN) {
      signalfd_siginfo info{};
      if (::read(signal_fd, &info, sizeof info) != sizeof info) continue;
      if (info.ssi_signo == SIGUSR1) run_command(cluster, brokers, "down all");
      else if (info.ssi_signo == SIGUSR2) run_command(cluster, brokers, "up all");
      else running = false;
    }
    if (fds[1].revents & (POLLIN | POLLHUP)) {
      char buffer[4096];
      const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
      if (n <= 0) {
        fds[1].fd = -1;  // stdin closed: keep serving, signals still work
        continue;
      }
      pending.append(buffer, static_cast<std::size_t>(n));
      for (std::size_t end; (end = pending.find('\n')) != std::string::npos;) {
        const std::string line = pending.substr(0, end);
        pending.erase(0, end + 1);
        print_line(run_command(cluster, brokers, line));
      }
    }
  }
  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(rk);
  return 0;
}
