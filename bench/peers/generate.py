#!/usr/bin/env python3
"""Corpus and rule sets for the peer comparison, from fixed seeds.

  generate.py OUT_DIR [--lines N] [--rules R] [--seed S]

Writes to OUT_DIR:
  corpus.log      RFC 3164 lines (about 118 bytes on average, 500 hosts), 3.5 % of them
                  failures written from a rule, the rest ordinary traffic no rule matches
  corpus.ndjson   the same events as NDJSON ({"@timestamp","host","app","pid","message"})
  patterns.txt    one regex a line: the rules as the bare hs_scan sees them
  rules.yaml      the rules for logsift
  syslog-ng.rules the rules as syslog-ng match() filter expressions, OR-ed
  rsyslog.rules   the rules as rsyslog re_match() conditions
  expected.txt    the number of lines at least one rule matches
The regexes stay inside POSIX ERE (rsyslog's re_match), PCRE (syslog-ng) and Hyperscan alike:
character classes, alternation, repetition; no \\d, no non-capturing or named groups. Each rule
carries a word of its own, so a failure line matches exactly one rule.
"""
import argparse
import os
import random

APPS = ["sshd", "sudo", "nginx", "postgres", "kernel", "cron", "dovecot", "postfix/smtpd", "haproxy", "app"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# Rule shapes of the kind fail2ban and SIEM teams write; {w} is the rule's own word.
SHAPES = [
    ("{w} authentication failure for user [a-z0-9_]+ from [0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+",
     lambda w, r: f"{w} authentication failure for user {r.choice(['root', 'admin', 'oracle', 'deploy'])}{r.randint(0, 99)} from 10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"),
    ("{w} (timeout|refused|reset) after [0-9]+ ?ms",
     lambda w, r: f"{w} {r.choice(['timeout', 'refused', 'reset'])} after {r.randint(1, 30000)}ms"),
    ("{w}: (error|fatal|critical) code=[0-9]+ in [a-z_]+",
     lambda w, r: f"{w}: {r.choice(['error', 'fatal', 'critical'])} code={r.randint(1, 999)} in {r.choice(['handler', 'db_pool', 'auth_check'])}"),
    ("{w} denied: [A-Z]+ /[a-z0-9/]+ status=4[0-9][0-9]",
     lambda w, r: f"{w} denied: {r.choice(['GET', 'POST', 'PUT'])} /{r.choice(['admin', 'api/v1/users', 'login'])} status=4{r.randint(0, 2)}{r.randint(0, 9)}"),
]

ORDINARY = [
    lambda r: f"Accepted publickey for deploy from 192.168.{r.randint(0, 255)}.{r.randint(1, 254)} port {r.randint(1024, 65535)} ssh2",
    lambda r: f"GET /static/app.{r.randint(1000, 9999)}.js HTTP/1.1 200 {r.randint(200, 90000)} rt={r.random():.3f}",
    lambda r: f"connection received: host=10.0.{r.randint(0, 255)}.{r.randint(1, 254)} port={r.randint(1024, 65535)}",
    lambda r: f"session opened for user www-data by (uid=0) id={r.randint(1, 10**6)}",
    lambda r: f"checkpoint complete: wrote {r.randint(1, 5000)} buffers ({r.random() * 10:.1f}%)",
    lambda r: f"queue {r.randint(10**5, 10**6):X}: from=<noreply@example.org>, size={r.randint(500, 90000)}, nrcpt=1",
]


def rule_word(i):
    return f"lsx{i * 7919 % 1000003:06d}q"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--lines", type=int, default=200000)
    p.add_argument("--rules", type=int, default=1000)
    p.add_argument("--seed", type=int, default=8)
    p.add_argument("--failure-rate", type=float, default=0.035)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    r = random.Random(a.seed)

    regexes = [SHAPES[i % len(SHAPES)][0].format(w=rule_word(i)) for i in range(a.rules)]
    with open(os.path.join(a.out, "patterns.txt"), "w") as f:
        for x in regexes:
            f.write(x + "\n")
    with open(os.path.join(a.out, "rules.yaml"), "w") as f:
        f.write("ruleset: peers\nrules:\n")
        for i, x in enumerate(regexes):
            f.write(f"  - id: peers.r{i}\n    name: peer rule {i}\n    match: '{x}'\n    severity: medium\n")
    with open(os.path.join(a.out, "syslog-ng.rules"), "w") as f:
        f.write(" or\n".join(f'match("{x}" value("MESSAGE") type("pcre"))'.replace("\\", "\\\\") for x in regexes))
        f.write("\n")
    with open(os.path.join(a.out, "rsyslog.rules"), "w") as f:
        f.write(" or\n".join(f're_match($msg, "{x}")'.replace("\\", "\\\\") for x in regexes))
        f.write("\n")

    hosts = [f"{r.choice(['web', 'db', 'edge', 'app', 'mx'])}{i:03d}.dc{i % 4}.example.net" for i in range(500)]
    matched = 0
    with open(os.path.join(a.out, "corpus.log"), "w") as log, open(os.path.join(a.out, "corpus.ndjson"), "w") as js:
        for n in range(a.lines):
            host = r.choice(hosts)
            app = r.choice(APPS)
            pid = r.randint(100, 65000)
            if a.rules and r.random() < a.failure_rate:
                i = r.randrange(a.rules)
                message = SHAPES[i % len(SHAPES)][1](rule_word(i), r)
                matched += 1
            else:
                message = r.choice(ORDINARY)(r)
            day, hh, mm, ss = 1 + n // 86400 % 28, n // 3600 % 24, n // 60 % 60, n % 60
            log.write(f"<{r.choice([30, 38, 86, 131, 134])}>Mar {day:2d} {hh:02d}:{mm:02d}:{ss:02d} {host} {app}[{pid}]: {message}\n")
            js.write('{"@timestamp":"2026-03-%02dT%02d:%02d:%02dZ","host":"%s","app":"%s","pid":%d,"message":"%s"}\n'
                     % (day, hh, mm, ss, host, app, pid, message.replace("\\", "\\\\").replace('"', '\\"')))
    with open(os.path.join(a.out, "expected.txt"), "w") as f:
        f.write(f"{matched}\n")


if __name__ == "__main__":
    main()
