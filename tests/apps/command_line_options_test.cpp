// ptp4l's "--option value" overrides: both spellings, errors naming "command line", and
// precedence over the file's [global] (but not over an interface's own section), as in ptp4l.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "ptp/app/linuxptp_config_parser.h"

namespace ptp::app {
namespace {

Result<void, ConfigError> apply(LinuxPtpConfig& config, std::vector<std::string_view> arguments) {
  return apply_command_line_options(config, arguments);
}

TEST(LinuxPtpConfigCommandLine, AcceptsBothSpellings) {
  LinuxPtpConfig config;
  ASSERT_TRUE(apply(config, {"--priority1", "5", "--logSyncInterval=-3", "--message_tag=a=b",
                             "--logMinDelayReqInterval", "-2"}));
  EXPECT_EQ(config.clock.priority1.value, 5);
  EXPECT_EQ(config.clock.priority1.origin, SettingOrigin::kCommandLine);
  EXPECT_EQ(config.port.log_sync_interval.value, -3);
  EXPECT_EQ(config.port.log_min_delay_req_interval.value, -2);
  EXPECT_EQ(config.clock.message_tag.value, "a=b");
}

TEST(LinuxPtpConfigCommandLine, ErrorsNameTheCommandLineAndTheOption) {
  LinuxPtpConfig config;
  auto result = apply(config, {"--priority1", "256"});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message(), "command line: --priority1: 256 is out of range [0, 255]");
  EXPECT_EQ(result.error().line, 0U);

  result = apply(config, {"--delay_mechanism=NONE"});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message(),
            "command line: --delay_mechanism: NONE is not supported by ptpstack (supported: E2E, "
            "P2P)");

  result = apply(config, {"--bogus", "1"});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ConfigErrorKind::kUnknownOption);
  EXPECT_EQ(result.error().message(), "command line: --bogus: unknown option");

  result = apply(config, {"--priority2"});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ConfigErrorKind::kMissingValue);
  EXPECT_EQ(result.error().message(), "command line: --priority2: missing value");

  result = apply(config, {"--priority2="});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message(), "command line: --priority2: missing value");

  result = apply(config, {"priority1", "5"});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ConfigErrorKind::kNotAnOption);
  EXPECT_EQ(result.error().message(),
            "command line: priority1: expected an option as --name value or --name=value");
}

TEST(LinuxPtpConfigCommandLine, OverridesTheFilesGlobalSectionWhateverTheOrder) {
  const std::string file = "[global]\npriority1 10\nlogSyncInterval 0\n";
  auto after = parse_linuxptp_config(file, "ptp.cfg");
  ASSERT_TRUE(after);
  ASSERT_TRUE(apply(*after, {"--priority1", "20"}));
  EXPECT_EQ(after->clock.priority1.value, 20);

  // ptp4l reads the command line first and locks what it set against the file.
  LinuxPtpConfig before;
  ASSERT_TRUE(apply(before, {"--priority1", "20"}));
  ASSERT_TRUE(read_linuxptp_config(before, file, "ptp.cfg"));
  EXPECT_EQ(before.clock.priority1.value, 20);
  EXPECT_EQ(before.clock.priority1.origin, SettingOrigin::kCommandLine);
  EXPECT_EQ(before, *after);
}

TEST(LinuxPtpConfigCommandLine, InterfaceSectionsKeepTheirOwnValuesAsInPtp4l) {
  auto config = parse_linuxptp_config("[eth0]\nlogSyncInterval -4\n[eth1]\n", "ptp.cfg");
  ASSERT_TRUE(config);
  ASSERT_TRUE(apply(*config, {"--logSyncInterval", "-2"}));
  EXPECT_EQ(port_options_for(*config, "eth0").log_sync_interval.value, -4);
  EXPECT_EQ(port_options_for(*config, "eth1").log_sync_interval.value, -2);
  EXPECT_EQ(port_options_for(*config, "eth1").log_sync_interval.origin,
            SettingOrigin::kCommandLine);
  // An interface added afterwards (ptp4l's -i) starts from the [global] values.
  EXPECT_EQ(add_interface(*config, "eth2").options.log_sync_interval.value, -2);
}

}  // namespace
}  // namespace ptp::app
