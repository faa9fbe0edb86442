// The configuration-file format: sections, comments, blanks, interface inheritance, and the
// line-level errors (outside a section, malformed header, missing value, unknown option).
#include <gtest/gtest.h>

#include <string>

#include "ptp/app/linuxptp_config_parser.h"

namespace ptp::app {
namespace {

Result<LinuxPtpConfig, ConfigError> parse(const std::string& text) {
  return parse_linuxptp_config(text, "ptp.cfg");
}

std::string error_of(const Result<LinuxPtpConfig, ConfigError>& result) {
  return result ? std::string("(parsed)") : result.error().message();
}

TEST(LinuxPtpConfigFile, ReadsGlobalAndInterfaceSectionsCommentsAndBlankLines) {
  const auto config = parse(
      "# ptp4win on two adapters\n"
      "\n"
      "[global]\n"
      "   # an indented comment\n"
      "priority1\t\t100\n"
      "  logSyncInterval   -3  \n"
      "message_tag  [my clock]\n"
      "\n"
      "[eth0]\n"
      "logSyncInterval -4\n"
      "[ Ethernet 2 ]\n"
      "network_transport UDPv6\n");
  ASSERT_TRUE(config) << error_of(config);
  EXPECT_EQ(config->clock.priority1.value, 100);
  EXPECT_EQ(config->clock.priority1.origin, SettingOrigin::kGlobalSection);
  EXPECT_EQ(config->clock.message_tag.value, "[my clock]");
  EXPECT_EQ(config->port.log_sync_interval.value, -3);
  ASSERT_EQ(config->interfaces.size(), 2U);
  EXPECT_EQ(config->interfaces[0].name, "eth0");
  EXPECT_EQ(config->interfaces[0].options.log_sync_interval.value, -4);
  EXPECT_EQ(config->interfaces[0].options.log_sync_interval.origin,
            SettingOrigin::kInterfaceSection);
  EXPECT_EQ(config->interfaces[0].options.network_transport.value, NetworkTransport::kUdpV4);
  // Windows adapter names have blanks; the name is what is between the brackets, trimmed.
  EXPECT_EQ(config->interfaces[1].name, "Ethernet 2");
  EXPECT_EQ(config->interfaces[1].options.log_sync_interval.value, -3);  // from [global]
  EXPECT_EQ(config->interfaces[1].options.log_sync_interval.origin, SettingOrigin::kGlobalSection);
  EXPECT_EQ(config->interfaces[1].options.network_transport.value, NetworkTransport::kUdpV6);
}

TEST(LinuxPtpConfigFile, GlobalPortOptionsReachInterfacesWhateverTheOrder) {
  // [global] after the interface's section still sets what the interface does not.
  const auto config = parse(
      "[eth0]\n"
      "logAnnounceInterval 2\n"
      "[global]\n"
      "logAnnounceInterval 0\n"
      "delay_filter_length 5\n");
  ASSERT_TRUE(config) << error_of(config);
  const PortOptions eth0 = port_options_for(*config, "eth0");
  EXPECT_EQ(eth0.log_announce_interval.value, 2);
  EXPECT_EQ(eth0.delay_filter_length.value, 5);
  EXPECT_EQ(port_options_for(*config, "other").log_announce_interval.value, 0);
}

TEST(LinuxPtpConfigFile, RepeatedSettingsAndSectionsBehaveAsInPtp4l) {
  const auto config = parse(
      "[global]\npriority1 1\npriority1 2\n"
      "[eth0]\nlogSyncInterval 1\n[GLOBAL]\npriority2 3\n[eth0]\nhybrid_e2e 1\n");
  ASSERT_TRUE(config) << error_of(config);
  EXPECT_EQ(config->clock.priority1.value, 2);  // the last one wins
  EXPECT_EQ(config->clock.priority2.value, 3);  // [global] in any case
  ASSERT_EQ(config->interfaces.size(), 1U);     // one interface, its sections merged
  EXPECT_EQ(config->interfaces[0].options.log_sync_interval.value, 1);
  EXPECT_TRUE(config->interfaces[0].options.hybrid_e2e.value);
}

TEST(LinuxPtpConfigFile, AnInterfaceSectionAloneAddsTheInterfaceAsInPtp4l) {
  const auto config = parse("[global]\npriority1 7\n[eth0]\n[eth1]\n# nothing\n");
  ASSERT_TRUE(config) << error_of(config);
  ASSERT_EQ(config->interfaces.size(), 2U);
  EXPECT_EQ(config->interfaces[1].name, "eth1");
  EXPECT_EQ(config->interfaces[1].options, config->port);
}

TEST(LinuxPtpConfigFile, AcceptsCrLfLineEndsAndAMissingFinalNewline) {
  const auto config = parse("[global]\r\npriority1 7\r\n\r\n[eth0]\r\nlogSyncInterval -1");
  ASSERT_TRUE(config) << error_of(config);
  EXPECT_EQ(config->clock.priority1.value, 7);
  EXPECT_EQ(config->interfaces.at(0).options.log_sync_interval.value, -1);
}

TEST(LinuxPtpConfigFile, EmptyTextGivesTheDefaults) {
  const auto config = parse("");
  ASSERT_TRUE(config);
  EXPECT_EQ(*config, LinuxPtpConfig{});
  EXPECT_EQ(*parse("# nothing\n\n   \n"), LinuxPtpConfig{});
}

TEST(LinuxPtpConfigFile, SettingOutsideASectionIsAnError) {
  const auto config = parse("# header\npriority1 5\n");
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().kind, ConfigErrorKind::kNotInSection);
  EXPECT_EQ(config.error().message(),
            "ptp.cfg:2: priority1: setting outside a section: start the file with [global] or "
            "[interface]");
}

TEST(LinuxPtpConfigFile, MalformedSectionHeadersAreErrors) {
  for (const std::string header : {"[eth0", "[]", "[  ]", "[eth0] x", "[eth[0]]"}) {
    const auto config = parse("[global]\n" + header + "\n");
    ASSERT_FALSE(config) << header;
    EXPECT_EQ(config.error().kind, ConfigErrorKind::kMalformedSectionHeader) << header;
    EXPECT_EQ(config.error().line, 2U);
  }
  EXPECT_EQ(error_of(parse("[eth0\n")),
            "ptp.cfg:1: malformed section header '[eth0': expected ']' at its end");
  EXPECT_EQ(error_of(parse("[global]\n[]\n")), "ptp.cfg:2: malformed section header '[]'");
}

TEST(LinuxPtpConfigFile, MissingValueIsAnError) {
  for (const std::string line : {"priority1", "priority1   ", "priority1\t"}) {
    const auto config = parse("[global]\n" + line + "\n");
    ASSERT_FALSE(config) << line;
    EXPECT_EQ(config.error().kind, ConfigErrorKind::kMissingValue);
    EXPECT_EQ(config.error().message(), "ptp.cfg:2: priority1: missing value");
  }
}

TEST(LinuxPtpConfigFile, UnknownAndUnsupportedOptionsAreErrors) {
  const auto unknown = parse("[global]\n\npriority3 1\n");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind, ConfigErrorKind::kUnknownOption);
  EXPECT_EQ(unknown.error().message(), "ptp.cfg:3: priority3: unknown option");

  const auto unsupported = parse("[global]\nsocket_priority 0\n");
  ASSERT_FALSE(unsupported);
  EXPECT_EQ(unsupported.error().kind, ConfigErrorKind::kUnsupportedOption);
  EXPECT_EQ(unsupported.error().message(),
            "ptp.cfg:2: socket_priority: a linuxptp option that ptpstack does not support");

  // Option names are case-sensitive, as in ptp4l; "name=value" is not the file's syntax.
  EXPECT_EQ(error_of(parse("[global]\nPriority1 1\n")), "ptp.cfg:2: Priority1: unknown option");
  EXPECT_EQ(error_of(parse("[global]\npriority1=1\n")), "ptp.cfg:2: priority1=1: unknown option");
}

TEST(LinuxPtpConfigFile, TrailingCommentsAreNotCommentsAsInPtp4l) {
  EXPECT_EQ(error_of(parse("[global]\npriority1 1 # primary\n")),
            "ptp.cfg:2: priority1: '1 # primary' is not an integer");
}

TEST(LinuxPtpConfigFile, GlobalOptionInAnInterfaceSectionNamesTheSection) {
  EXPECT_EQ(error_of(parse("[global]\n[Ethernet 2]\npriority1 1\n")),
            "ptp.cfg:3: priority1: a global option, not allowed in an interface section "
            "([Ethernet 2])");
}

TEST(LinuxPtpConfigFile, ReadsAFileFromDisk) {
  const auto config = parse_linuxptp_config_file(PTP_APPS_TEST_DATA_DIR "/ptp4win.cfg");
  ASSERT_TRUE(config) << error_of(config);
  EXPECT_EQ(config->clock.priority1.value, 127);
  EXPECT_EQ(config->clock.time_stamping.value, TimeStamping::kAuto);
  EXPECT_EQ(config->clock.clock_servo.value, ClockServo::kKalman);
  ASSERT_EQ(config->interfaces.size(), 1U);
  EXPECT_EQ(config->interfaces[0].name, "Ethernet");
  EXPECT_EQ(config->interfaces[0].options.log_sync_interval.value, -3);
}

TEST(LinuxPtpConfigFile, ErrorsOfAFileNameIt) {
  const auto bad = parse_linuxptp_config_file(PTP_APPS_TEST_DATA_DIR "/bad.cfg");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(),
            PTP_APPS_TEST_DATA_DIR "/bad.cfg:4: logSyncInterval: 200 is out of range [-128, 127]");
  const auto missing = parse_linuxptp_config_file(PTP_APPS_TEST_DATA_DIR "/no-such-file.cfg");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ConfigErrorKind::kCannotReadFile);
  EXPECT_EQ(missing.error().source, PTP_APPS_TEST_DATA_DIR "/no-such-file.cfg");
}

}  // namespace
}  // namespace ptp::app
