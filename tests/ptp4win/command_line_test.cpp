// ptp4win's command line: every short option, -f, --option overrides and their precedence, the
// interface choice, and every error with its exact message.
#include "ptp/ptp4win/command_line.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ptp::ptp4win {
namespace {

const std::string kDataDir = PTP4WIN_TEST_DATA_DIR;

Result<CommandLine, CommandLineError> parse(const std::vector<std::string>& arguments) {
  return parse_command_line(arguments);
}

CommandLine parse_ok(const std::vector<std::string>& arguments) {
  auto result = parse(arguments);
  EXPECT_TRUE(result) << (result ? "" : result.error().message);
  return result ? *result : CommandLine{};
}

std::string parse_error(const std::vector<std::string>& arguments) {
  auto result = parse(arguments);
  EXPECT_FALSE(result);
  return result ? std::string("(accepted)") : result.error().message;
}

TEST(Ptp4winCommandLine, DefaultsAreLinuxPtpsWithAutomaticTimestamping) {
  const CommandLine line = parse_ok({"-i", "Ethernet 2"});
  EXPECT_EQ(line.action, CommandLineAction::kRun);
  EXPECT_EQ(line.interface_name, "Ethernet 2");
  EXPECT_EQ(line.config, [] {
    app::LinuxPtpConfig expected;
    (void)app::add_interface(expected, "Ethernet 2");
    return expected;
  }());
  EXPECT_FALSE(line.config.clock.time_stamping.explicitly_set());
}

TEST(Ptp4winCommandLine, EveryShortOption) {
  const CommandLine line = parse_ok({"-i", "eth0", "-6", "-S", "-s", "-m", "-q", "-l", "7"});
  const app::ClockOptions& clock = line.config.clock;
  EXPECT_EQ(line.config.port.network_transport.value, app::NetworkTransport::kUdpV6);
  EXPECT_EQ(line.config.port.network_transport.origin, app::SettingOrigin::kCommandLine);
  EXPECT_EQ(clock.time_stamping.value, app::TimeStamping::kSoftware);
  EXPECT_EQ(clock.time_stamping.origin, app::SettingOrigin::kCommandLine);
  EXPECT_TRUE(clock.slave_only.value);
  EXPECT_TRUE(clock.verbose.value);
  EXPECT_FALSE(clock.use_syslog.value);
  EXPECT_EQ(clock.logging_level.value, 7);

  const CommandLine other = parse_ok({"-i", "eth0", "-6", "-4", "-S", "-H"});
  EXPECT_EQ(other.config.port.network_transport.value, app::NetworkTransport::kUdpV4);
  EXPECT_EQ(other.config.clock.time_stamping.value, app::TimeStamping::kHardware);

  const CommandLine p2p = parse_ok({"-i", "eth0", "-P"});
  EXPECT_EQ(p2p.config.port.delay_mechanism.value, app::DelayMechanism::kP2P);
  EXPECT_EQ(p2p.config.port.delay_mechanism.origin, app::SettingOrigin::kCommandLine);
  EXPECT_EQ(parse_ok({"-i", "eth0", "-P", "-E"}).config.port.delay_mechanism.value,
            app::DelayMechanism::kE2E);
}

TEST(Ptp4winCommandLine, ShortOptionsCombineAndTakeAttachedValues) {
  const CommandLine line = parse_ok({"-ieth0", "-sm", "-l5"});
  EXPECT_EQ(line.interface_name, "eth0");
  EXPECT_TRUE(line.config.clock.slave_only.value);
  EXPECT_TRUE(line.config.clock.verbose.value);
  EXPECT_EQ(line.config.clock.logging_level.value, 5);
}

TEST(Ptp4winCommandLine, ServiceRunsTheClockWithTheSameOptions) {
  const CommandLine line = parse_ok({"--service", "-i", "eth0", "-q", "--priority1", "100"});
  EXPECT_TRUE(line.run_as_service);
  EXPECT_EQ(line.action, CommandLineAction::kRun);
  EXPECT_EQ(line.interface_name, "eth0");
  EXPECT_FALSE(line.config.clock.use_syslog.value);  // -q: no Event Log
  EXPECT_EQ(line.config.clock.priority1.value, 100);
  EXPECT_FALSE(parse_ok({"-i", "eth0"}).run_as_service);
  EXPECT_TRUE(parse_ok({"-i", "eth0"}).config.clock.use_syslog.value);
  EXPECT_NE(usage_text().find("--service"), std::string::npos);
  EXPECT_EQ(parse_error({"--service"}),
            "command line: no interface: give one with -i IFACE or an [interface] section in the "
            "-f file");
  EXPECT_EQ(parse_error({"--service", "--list-interfaces"}),
            "command line: --service: runs the clock: not with -h, -v, --list-interfaces or "
            "--diagnose");
  EXPECT_EQ(parse_error({"--service=1", "-i", "eth0"}),
            "command line: option '--service' does not take any arguments");
}

TEST(Ptp4winCommandLine, HelpVersionAndListInterfacesNeedNoInterface) {
  EXPECT_EQ(parse_ok({"-h"}).action, CommandLineAction::kHelp);
  EXPECT_EQ(parse_ok({"--help"}).action, CommandLineAction::kHelp);
  EXPECT_EQ(parse_ok({"-v"}).action, CommandLineAction::kVersion);
  EXPECT_EQ(parse_ok({"--version"}).action, CommandLineAction::kVersion);
  EXPECT_EQ(parse_ok({"--list-interfaces"}).action, CommandLineAction::kListInterfaces);
  EXPECT_EQ(parse_ok({"-v", "-h"}).action, CommandLineAction::kHelp);
  EXPECT_NE(usage_text().find("--list-interfaces"), std::string::npos);
  EXPECT_NE(usage_text().find("clock_servo envelope"), std::string::npos);
  EXPECT_NE(usage_text().find("time_stamping auto"), std::string::npos);
  EXPECT_EQ(version_text().rfind("ptp4win", 0), 0U);
}

TEST(Ptp4winCommandLine, DiagnoseNeedsAnInterfaceAndTakesJson) {
  const CommandLine text = parse_ok({"--diagnose", "-i", "Ethernet 2"});
  EXPECT_EQ(text.action, CommandLineAction::kDiagnose);
  EXPECT_EQ(text.interface_name, "Ethernet 2");
  EXPECT_FALSE(text.json);
  EXPECT_TRUE(parse_ok({"--diagnose", "--json", "-i", "3"}).json);
  EXPECT_EQ(parse_error({"--diagnose"}), "command line: --diagnose: needs -i IFACE");
  EXPECT_EQ(parse_error({"--json", "-i", "eth0"}), "command line: --json: only with --diagnose");
  EXPECT_EQ(parse_ok({"--diagnose", "-h"}).action, CommandLineAction::kHelp);
}

TEST(Ptp4winCommandLine, ConfigOptionsInBothSpellings) {
  const CommandLine line =
      parse_ok({"-i", "eth0", "--priority1", "100", "--logSyncInterval", "-4", "--free_running=1",
                "--clock_servo", "linreg", "--message_tag=[x]"});
  EXPECT_EQ(line.config.clock.priority1.value, 100);
  EXPECT_EQ(line.config.clock.priority1.origin, app::SettingOrigin::kCommandLine);
  EXPECT_EQ(line.config.port.log_sync_interval.value, -4);  // "-4" is a value, not IPv4
  EXPECT_EQ(line.config.port.network_transport.value, app::NetworkTransport::kUdpV4);
  EXPECT_TRUE(line.config.clock.free_running.value);
  EXPECT_EQ(line.config.clock.clock_servo.value, app::ClockServo::kLinreg);
  EXPECT_EQ(line.config.clock.message_tag.value, "[x]");
}

TEST(Ptp4winCommandLine, ReadsTheConfigFile) {
  const CommandLine line = parse_ok({"-f", kDataDir + "/ptp4win.cfg"});
  EXPECT_EQ(line.config_file, kDataDir + "/ptp4win.cfg");
  EXPECT_EQ(line.interface_name, "Ethernet 2");  // the file's only interface section
  const app::ClockOptions& clock = line.config.clock;
  EXPECT_EQ(clock.domain_number.value, 24);
  EXPECT_EQ(clock.priority1.value, 100);
  EXPECT_EQ(clock.clock_accuracy.value, 0x21);
  EXPECT_EQ(clock.time_stamping.value, app::TimeStamping::kSoftware);
  EXPECT_EQ(clock.message_tag.value, "[eth1]");
  EXPECT_EQ(app::port_options_for(line.config, "Ethernet 2").log_sync_interval.value, -4);
}

TEST(Ptp4winCommandLine, CommandLineBeatsTheFileButNotItsInterfaceSection) {
  const CommandLine line = parse_ok({"--priority1", "7", "-f", kDataDir + "/ptp4win.cfg", "-4",
                                     "--logSyncInterval", "1", "-l", "3"});
  EXPECT_EQ(line.config.clock.priority1.value, 7);
  EXPECT_EQ(line.config.clock.logging_level.value, 3);
  EXPECT_EQ(line.config.port.network_transport.value, app::NetworkTransport::kUdpV4);
  EXPECT_EQ(line.config.port.log_sync_interval.value, 1);
  EXPECT_EQ(app::port_options_for(line.config, "Ethernet 2").log_sync_interval.value, -4);
}

TEST(Ptp4winCommandLine, DashIChoosesAmongTheFilesInterfaces) {
  const CommandLine line = parse_ok({"-f", kDataDir + "/two_interfaces.cfg", "-i", "eth1"});
  EXPECT_EQ(line.interface_name, "eth1");
}

TEST(Ptp4winCommandLine, ErrorsNameTheirSource) {
  EXPECT_EQ(parse_error({"-i", "eth0", "-x"}), "command line: -x: unknown option");
  EXPECT_EQ(parse_error({"-i", "eth0", "-A"}), "command line: -A: unknown option");
  EXPECT_EQ(parse_error({"-i"}), "command line: -i: missing value");
  EXPECT_EQ(parse_error({"-i", "eth0", "-f"}), "command line: -f: missing value");
  EXPECT_EQ(parse_error({"-i", "eth0", "-l"}), "command line: -l: missing value");
  EXPECT_EQ(parse_error({"-i", "eth0", "-l", "8"}), "command line: -l: 8 is out of range [0, 7]");
  EXPECT_EQ(parse_error({"-i", "eth0", "-l", "x"}), "command line: -l: 'x' is not an integer");
  EXPECT_EQ(parse_error({"-i", "eth0", "-i", "eth1"}),
            "command line: -i: ptp4win runs one port: give one interface only");
  EXPECT_EQ(parse_error({"-i", "eth0", "stray"}), "command line: stray: unexpected argument");
  EXPECT_EQ(parse_error({"-i", "eth0", "--priority1", "256"}),
            "command line: --priority1: 256 is out of range [0, 255]");
  EXPECT_EQ(parse_error({"-i", "eth0", "--priority1"}), "command line: --priority1: missing value");
  EXPECT_EQ(parse_error({"-i", "eth0", "--no_such_option", "1"}),
            "command line: --no_such_option: unknown option");
  EXPECT_EQ(parse_error({"-i", "eth0", "--delay_mechanism=Auto"}),
            "command line: --delay_mechanism: Auto is not supported by ptpstack (supported: E2E, "
            "P2P)");
  EXPECT_EQ(parse_error({}),
            "command line: no interface: give one with -i IFACE or an [interface] section in "
            "the -f file");
}

TEST(Ptp4winCommandLine, FileErrorsNameFileLineAndOption) {
  const std::string bad = kDataDir + "/bad_value.cfg";
  EXPECT_EQ(parse_error({"-i", "eth0", "-f", bad}),
            bad + ":4: priority1: 256 is out of range [0, 255]");
  const std::string unknown = kDataDir + "/unknown_option.cfg";
  EXPECT_EQ(parse_error({"-i", "eth0", "-f", unknown}),
            unknown + ":2: no_such_option: unknown option");
  const std::string missing = kDataDir + "/missing.cfg";
  EXPECT_EQ(parse_error({"-i", "eth0", "-f", missing}).rfind(missing, 0), 0U);
  const std::string two = kDataDir + "/two_interfaces.cfg";
  EXPECT_EQ(parse_error({"-f", two}),
            two +
                ": ptp4win runs one port, but the file has several interface sections: "
                "choose one with -i IFACE");
}

}  // namespace
}  // namespace ptp::ptp4win
