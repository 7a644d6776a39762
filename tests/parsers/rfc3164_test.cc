#include <catch2/catch.hpp>

#include "parsers/rfc3164.h"
#include "tests/parsers/test_util.h"

using namespace logsift::parsers;
using logsift::parsers::testing::format_utc;
using logsift::parsers::testing::utc_us;

namespace {
Rfc3164Options reference(int year, unsigned month, unsigned day, std::int32_t offset_s = 0) {
  Rfc3164Options options;
  options.reference_time_us = utc_us(year, month, day, 12);
  options.default_utc_offset_s = offset_s;
  return options;
}
}  // namespace

TEST_CASE("rfc3164 reads pri, time, host, tag and pid of a typical line", "[parsers][rfc3164]") {
  const Record r = parse_rfc3164(
      "<38>Mar  9 07:12:44 edge3 sshd[2211]: Failed password for invalid user oracle",
      reference(2026, 3, 9));
  CHECK(r.format == Format::kRfc3164);
  CHECK(r.quality == Quality::kClean);
  CHECK(r.pri == 38);
  CHECK(r.facility == 4);
  CHECK(r.severity == 6);
  CHECK(format_utc(r.time_us) == "2026-03-09T07:12:44Z");
  CHECK(r.host == "edge3");
  CHECK(r.app == "sshd");
  CHECK(r.procid == "2211");
  CHECK(r.message == "Failed password for invalid user oracle");
}

TEST_CASE("rfc3164 reads log-file lines without PRI and marks them recovered",
          "[parsers][rfc3164]") {
  const Record r = parse_rfc3164(
      "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname=",
      reference(2026, 7, 1));
  CHECK(r.format == Format::kRfc3164);
  CHECK(r.quality == Quality::kRecovered);
  CHECK(r.issue == ParseIssue::kNoPri);
  CHECK(r.pri == -1);
  CHECK(r.severity == -1);
  CHECK(r.host == "combo");
  CHECK(r.app == "sshd");
  CHECK(r.msgid == "pam_unix");
  CHECK(r.procid == "19939");
  CHECK(r.message == "authentication failure; logname=");
}

TEST_CASE("rfc3164 sees a TAG right after the time as a sender without hostname",
          "[parsers][rfc3164]") {
  const Record a = parse_rfc3164("<13>Oct 11 22:14:15 su[12]: hi", reference(2026, 10, 12));
  CHECK(a.host.empty());
  CHECK(a.app == "su");
  CHECK(a.procid == "12");
  CHECK(a.message == "hi");
  const Record b = parse_rfc3164("<13>Oct 11 22:14:15 CRON: hi", reference(2026, 10, 12));
  CHECK(b.host.empty());
  CHECK(b.app == "CRON");
  CHECK(b.message == "hi");
  CHECK(b.quality == Quality::kClean);
}

TEST_CASE("rfc3164 puts a December message received in January in the previous year",
          "[parsers][rfc3164]") {
  const Record r = parse_rfc3164("<13>Dec 31 23:59:58 h app: x", reference(2027, 1, 1));
  CHECK(format_utc(r.time_us) == "2026-12-31T23:59:58Z");
}

TEST_CASE("rfc3164 puts a January message received on 31 December in the next year",
          "[parsers][rfc3164]") {
  const Record r = parse_rfc3164("<13>Jan  1 00:00:03 h app: x", reference(2026, 12, 31));
  CHECK(format_utc(r.time_us) == "2027-01-01T00:00:03Z");
}

TEST_CASE("rfc3164 places a time months before the reference in the reference year",
          "[parsers][rfc3164]") {
  CHECK(format_utc(parse_rfc3164("<13>Jun 14 15:16:01 h a: x", reference(2026, 11, 2)).time_us) ==
        "2026-06-14T15:16:01Z");
  // Weeks ahead of the reference is not clock skew: it is last year's message.
  CHECK(format_utc(parse_rfc3164("<13>Jul 20 15:16:01 h a: x", reference(2026, 6, 25)).time_us) ==
        "2025-07-20T15:16:01Z");
}

TEST_CASE("rfc3164 leaves the time unset without a reference time", "[parsers][rfc3164]") {
  const Record r = parse_rfc3164("<13>Oct 11 22:14:15 host app: x", Rfc3164Options{});
  CHECK(r.time_us == kNoTime);
  CHECK(r.quality == Quality::kClean);
  CHECK(r.host == "host");
}

TEST_CASE("rfc3164 applies the default UTC offset to zone-less times", "[parsers][rfc3164]") {
  const Record r =
      parse_rfc3164("<13>Oct 11 22:14:15 host app: x", reference(2026, 10, 12, 2 * 3600));
  CHECK(format_utc(r.time_us) == "2026-10-11T20:14:15Z");
}

TEST_CASE("rfc3164 accepts single-digit days with one or two spaces", "[parsers][rfc3164]") {
  CHECK(format_utc(parse_rfc3164("<13>Feb 5 17:32:18 h a: x", reference(2026, 3, 1)).time_us) ==
        "2026-02-05T17:32:18Z");
  CHECK(format_utc(parse_rfc3164("<13>Feb 05 17:32:18 h a: x", reference(2026, 3, 1)).time_us) ==
        "2026-02-05T17:32:18Z");
}

TEST_CASE("rfc3164 marks 29 February far from a leap year as a bad timestamp",
          "[parsers][rfc3164]") {
  const Record r = parse_rfc3164("<13>Feb 29 10:00:00 h a: x", reference(2026, 3, 1));
  CHECK(r.issue == ParseIssue::kBadTimestamp);
  CHECK(r.time_us == kNoTime);
  CHECK(r.app == "a");
  CHECK(format_utc(parse_rfc3164("<13>Feb 29 10:00:00 h a: x", reference(2028, 3, 1)).time_us) ==
        "2028-02-29T10:00:00Z");
}

TEST_CASE("rfc3164 reads rsyslog's high-precision RFC 3339 timestamps", "[parsers][rfc3164]") {
  const Record r = parse_rfc3164(
      "<13>2026-03-09T07:12:44.123456+01:00 host app[1]: msg", Rfc3164Options{});
  CHECK(r.quality == Quality::kClean);
  CHECK(format_utc(r.time_us) == "2026-03-09T06:12:44.123456Z");
  CHECK(r.host == "host");
  CHECK(r.app == "app");
  CHECK(r.procid == "1");
  CHECK(r.message == "msg");
}

TEST_CASE("rfc3164 reads Cisco IOS lines with sequence number and mnemonic",
          "[parsers][rfc3164]") {
  const Record r = parse_rfc3164(
      "<189>123: *Mar  1 18:46:11.123: %LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed "
      "state to up",
      reference(2026, 3, 2));
  CHECK(r.format == Format::kRfc3164);
  CHECK(r.quality == Quality::kClean);
  CHECK(r.pri == 189);
  CHECK(r.severity == 5);
  CHECK(format_utc(r.time_us) == "2026-03-01T18:46:11.123000Z");
  CHECK(r.host.empty());
  CHECK(r.msgid == "%LINK-3-UPDOWN");
  CHECK(r.app == "LINK");
  CHECK(r.message == "Interface GigabitEthernet0/1, changed state to up");
}

TEST_CASE("rfc3164 reads Cisco lines with a year and a UTC zone", "[parsers][rfc3164]") {
  const Record r = parse_rfc3164(
      "<187>45: Mar  1 2026 18:46:11 UTC: %SYS-5-CONFIG_I: Configured from console by vty0",
      reference(2027, 6, 1, 3600));
  CHECK(format_utc(r.time_us) == "2026-03-01T18:46:11Z");
  CHECK(r.msgid == "%SYS-5-CONFIG_I");
  CHECK(r.app == "SYS");
  CHECK(r.message == "Configured from console by vty0");
}

TEST_CASE("rfc3164 reads Cisco mnemonics after a hostname, and takes SEV without PRI",
          "[parsers][rfc3164]") {
  const Record a = parse_rfc3164("<189>Mar  1 18:46:11 router1 %LINK-3-UPDOWN: Interface x",
                                 reference(2026, 3, 2));
  CHECK(a.host == "router1");
  CHECK(a.msgid == "%LINK-3-UPDOWN");
  CHECK(a.severity == 5);
  CHECK(a.message == "Interface x");
  const Record b = parse_rfc3164("Mar  1 18:46:11 router1 %LINK-3-UPDOWN: Interface x",
                                 reference(2026, 3, 2));
  CHECK(b.severity == 3);
  const Record c = parse_rfc3164(
      "<189>Mar  1 18:46:12 router1 52: .Mar  1 18:46:11.123: %SYS-5-RESTART: System restarted",
      reference(2026, 3, 2));
  CHECK(c.host == "router1");
  CHECK(c.msgid == "%SYS-5-RESTART");
  CHECK(c.message == "System restarted");
}

TEST_CASE("rfc3164 reads Cisco lines without timestamps, and leaves other numbers alone",
          "[parsers][rfc3164]") {
  const Record a = parse_rfc3164("<187>2034: %LINK-3-UPDOWN: Interface Gi0/2, changed state to down",
                                 {});
  CHECK(a.issue == ParseIssue::kNoTimestamp);
  CHECK(a.msgid == "%LINK-3-UPDOWN");
  CHECK(a.message == "Interface Gi0/2, changed state to down");
  const Record b = parse_rfc3164("<13>42: answer", {});
  CHECK(b.app == "42");
  CHECK(b.message == "answer");
}

TEST_CASE("rfc3164 removes the uptime stamp from kernel lines", "[parsers][rfc3164]") {
  const Record r = parse_rfc3164(
      "<6>Mar  9 07:12:44 host kernel: [   12.345678] usb 1-1: new high-speed USB device",
      reference(2026, 3, 9));
  CHECK(r.app == "kernel");
  CHECK(r.procid.empty());
  CHECK(r.message == "usb 1-1: new high-speed USB device");
  CHECK(parse_rfc3164("<6>Mar  9 07:12:44 host kernel: [12345.678] x", reference(2026, 3, 9))
            .message == "x");
}

TEST_CASE("rfc3164 does not take a word without colon, or a URL, as TAG", "[parsers][rfc3164]") {
  const Record a = parse_rfc3164("<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!", {});
  CHECK(a.host == "10.0.0.99");
  CHECK(a.app.empty());
  CHECK(a.message == "Use the BFG!");
  const Record b = parse_rfc3164("<13>Feb  5 17:32:18 host http://example.org/ is down", {});
  CHECK(b.app.empty());
  CHECK(b.message == "http://example.org/ is down");
}

TEST_CASE("rfc3164 keeps a PRI-only line as recovered without timestamp", "[parsers][rfc3164]") {
  const Record r = parse_rfc3164("<13>app: message text", {});
  CHECK(r.format == Format::kRfc3164);
  CHECK(r.quality == Quality::kRecovered);
  CHECK(r.issue == ParseIssue::kNoTimestamp);
  CHECK(r.app == "app");
  CHECK(r.message == "message text");
}

TEST_CASE("rfc3164 skips a malformed PRI when a header follows", "[parsers][rfc3164]") {
  const Record r = parse_rfc3164("<00>Oct 11 22:14:15 host app: x", reference(2026, 10, 12));
  CHECK(r.format == Format::kRfc3164);
  CHECK(r.issue == ParseIssue::kBadPri);
  CHECK(r.pri == -1);
  CHECK(r.host == "host");
  CHECK(r.message == "x");
}

TEST_CASE("rfc3164 returns garbage as a raw record holding the whole line", "[parsers][rfc3164]") {
  for (std::string_view line : {"hello world", "", "<", "<999>", "\xff\xfe\x00garbage",
                                "Oct 11 22:1"}) {
    INFO(line);
    const Record r = parse_rfc3164(line, {});
    CHECK(r.format == Format::kRaw);
    CHECK(r.quality == Quality::kRaw);
    CHECK(r.message == line);
    CHECK(r.original == line);
  }
}

TEST_CASE("rfc3164 reads journald short-iso and short-iso-precise lines", "[parsers][rfc3164]") {
  const Record a = parse_rfc3164(
      "2026-03-09T07:12:44+0100 edge3 sshd[2211]: Failed password for root from 203.0.113.45 "
      "port 51130 ssh2",
      {});
  CHECK(a.format == Format::kRfc3164);
  CHECK(a.issue == ParseIssue::kNoPri);
  CHECK(format_utc(a.time_us) == "2026-03-09T06:12:44Z");
  CHECK(a.host == "edge3");
  CHECK(a.app == "sshd");
  CHECK(a.procid == "2211");
  CHECK(a.message.starts_with("Failed password for root"));
  const Record b = parse_rfc3164(
      "2026-03-09T07:12:44.201733+01:00 edge3 sshd-session[2211]: Connection closed", {});
  CHECK(format_utc(b.time_us) == "2026-03-09T06:12:44.201733Z");
  CHECK(b.app == "sshd-session");
  CHECK(b.message == "Connection closed");
}

TEST_CASE("rfc3164 reads ISO times with a space, a comma fraction and a spaced offset",
          "[parsers][rfc3164]") {
  const Record a = parse_rfc3164("2026-03-09 07:12:44 web1 nginx: x", {});
  CHECK(format_utc(a.time_us) == "2026-03-09T07:12:44Z");
  CHECK(a.host == "web1");
  CHECK(a.app == "nginx");
  const Record b = parse_rfc3164("2026-03-09 07:12:44,250 +0530 web1 app[7]: x", {});
  CHECK(format_utc(b.time_us) == "2026-03-09T01:42:44.250000Z");
  CHECK(b.host == "web1");
  CHECK(b.app == "app");
  CHECK(b.message == "x");
  const Record c = parse_rfc3164("<13>2026-03-09 07:12:44.5-05 web1 app: x", {});
  CHECK(format_utc(c.time_us) == "2026-03-09T12:12:44.500000Z");
  CHECK(c.quality == Quality::kClean);
  CHECK(c.host == "web1");
  // A word after the time is the host, not a zone.
  const Record d = parse_rfc3164("2026-03-09 07:12:44 Zeus app: x", {});
  CHECK(d.host == "Zeus");
  CHECK(d.app == "app");
}

TEST_CASE("rfc3164 skips the padding of columns separated by several spaces",
          "[parsers][rfc3164]") {
  const Record r = parse_rfc3164("Mar  9 07:12:44  edge3   sshd[2211]:  Accepted key", reference(2026, 3, 9));
  CHECK(r.host == "edge3");
  CHECK(r.app == "sshd");
  CHECK(r.procid == "2211");
  CHECK(r.message == "Accepted key");
}

TEST_CASE("rfc3164 takes the Solaris message id prefix out of the message", "[parsers][rfc3164]") {
  const Record a = parse_rfc3164(
      "Mar  9 07:12:44 sol11 sshd[1021]: [ID 800047 auth.info] Failed password for root from "
      "203.0.113.45 port 51130 ssh2",
      reference(2026, 3, 9));
  CHECK(a.host == "sol11");
  CHECK(a.app == "sshd");
  CHECK(a.procid == "1021");
  CHECK(a.msgid == "800047");
  CHECK(a.facility == 4);
  CHECK(a.severity == 6);
  CHECK(a.message.starts_with("Failed password for root"));
  // A PRI wins over the selector; unknown selectors leave the text alone.
  const Record b = parse_rfc3164("<35>Mar  9 07:12:44 sol11 su: [ID 366847 auth.notice] 'su root' failed",
                                 reference(2026, 3, 9));
  CHECK(b.severity == 3);
  CHECK(b.message == "'su root' failed");
  const Record c = parse_rfc3164("Mar  9 07:12:44 h app: [ID 1 bogus.info] x", reference(2026, 3, 9));
  CHECK(c.message == "[ID 1 bogus.info] x");
  CHECK(c.msgid.empty());
}

TEST_CASE("rfc3164 splits prog(module)[pid] tags into app and msgid", "[parsers][rfc3164]") {
  const Record r = parse_rfc3164("Jun 15 02:04:59 combo su(pam_unix)[21416]: session opened for user cyrus",
                                 reference(2026, 6, 15));
  CHECK(r.app == "su");
  CHECK(r.msgid == "pam_unix");
  CHECK(r.procid == "21416");
  CHECK(r.message == "session opened for user cyrus");
}

TEST_CASE("rfc3164 reads Cisco lines with a sequence number and an origin hostname",
          "[parsers][rfc3164]") {
  const Record a = parse_rfc3164(
      "<189>124: sw1: *Mar  1 18:46:11.123: %LINK-3-UPDOWN: Interface Gi0/1, changed state to up",
      reference(2026, 3, 2));
  CHECK(a.quality == Quality::kClean);
  CHECK(a.host == "sw1");
  CHECK(a.app == "LINK");
  CHECK(a.msgid == "%LINK-3-UPDOWN");
  CHECK(format_utc(a.time_us) == "2026-03-01T18:46:11.123000Z");
  CHECK(a.message == "Interface Gi0/1, changed state to up");
  const Record b = parse_rfc3164("<189>sw2.example.net: Mar  1 18:46:11: %SYS-5-CONFIG_I: Configured",
                                 reference(2026, 3, 2));
  CHECK(b.host == "sw2.example.net");
  CHECK(b.app == "SYS");
  const Record c = parse_rfc3164(
      "<189>Mar  1 18:46:12 10.0.0.2 124: sw1: *Mar  1 18:46:11.123: %LINK-3-UPDOWN: Interface x",
      reference(2026, 3, 2));
  CHECK(c.host == "10.0.0.2");
  CHECK(c.msgid == "%LINK-3-UPDOWN");
  CHECK(c.message == "Interface x");
  // An ordinary TAG followed by a time in the text stays a TAG.
  const Record d = parse_rfc3164("<13>app: Mar  1 18:46:11 was the last run", {});
  CHECK(d.app == "app");
  CHECK(d.host.empty());
}

TEST_CASE("rfc3164 reads dmesg lines as kernel messages", "[parsers][rfc3164]") {
  const Record a = parse_rfc3164("[12345.678901] usb 1-1: new high-speed USB device number 2", {});
  CHECK(a.format == Format::kRfc3164);
  CHECK(a.quality == Quality::kRecovered);
  CHECK(a.app == "kernel");
  CHECK(a.time_us == kNoTime);
  CHECK(a.message == "usb 1-1: new high-speed USB device number 2");
  const Record b = parse_rfc3164("[    0.000000] Linux version 6.1.0-18-amd64", {});
  CHECK(b.app == "kernel");
  CHECK(b.message == "Linux version 6.1.0-18-amd64");
  const Record c = parse_rfc3164("<3>[ 4242.100200] EXT4-fs error (device sda1): bad block", {});
  CHECK(c.app == "kernel");
  CHECK(c.severity == 3);
  CHECK(c.issue == ParseIssue::kNoTimestamp);
  CHECK(c.message == "EXT4-fs error (device sda1): bad block");
  const Record d = parse_rfc3164("[Mon Mar  9 07:12:44 2026] Out of memory: Killed process 4242", {});
  CHECK(d.app == "kernel");
  CHECK(format_utc(d.time_us) == "2026-03-09T07:12:44Z");
  CHECK(d.message == "Out of memory: Killed process 4242");
  // Apache's error log shares dmesg -T's clock, but is not the kernel.
  const Record e = parse_rfc3164(
      "[Mon Mar 09 07:19:01.123456 2026] [auth_basic:error] [pid 1234] [client 203.0.113.98:51122] "
      "AH01617: user admin: authentication failure for \"/admin\": Password Mismatch",
      {});
  CHECK(e.app.empty());
  CHECK(format_utc(e.time_us) == "2026-03-09T07:19:01.123456Z");
  CHECK(e.message.starts_with("[auth_basic:error] [pid 1234]"));
  // A bracketed number without a fraction is no uptime stamp.
  CHECK(parse_rfc3164("[1234] something", {}).format == Format::kRaw);
}
