// The option table: ptp4l's defaults, linuxptp's scopes, and for every option its valid
// spellings accepted and its bad values rejected with the exact "file:line: option: problem".
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "ptp/app/linuxptp_config_parser.h"
#include "ptp/app/linuxptp_options.h"

namespace ptp::app {
namespace {

// One setting in [global], as the file "t.cfg" would hold it (the setting is on line 2).
// unicast_master_table must name a table of the file: the range tests' largest id is INT_MAX.
Result<LinuxPtpConfig, ConfigError> parse_global(const std::string& name,
                                                 const std::string& value) {
  const std::string tables =
      name == "unicast_master_table" ? "[unicast_master_table]\ntable_id 2147483647\n" : "";
  return parse_linuxptp_config("[global]\n" + name + " " + value + "\n" + tables, "t.cfg");
}

std::string error_of(const Result<LinuxPtpConfig, ConfigError>& result) {
  return result ? std::string("(parsed)") : result.error().message();
}

TEST(LinuxPtpConfigDefaults, AreThePtp4lDefaults) {
  // linuxptp's config.c option table / default.cfg / ptp4l(8), option by option.
  const LinuxPtpConfig config;
  const ClockOptions& c = config.clock;
  EXPECT_EQ(c.domain_number.value, 0);
  EXPECT_EQ(c.priority1.value, 128);
  EXPECT_EQ(c.priority2.value, 128);
  EXPECT_EQ(c.clock_class.value, 248);
  EXPECT_EQ(c.clock_accuracy.value, 0xFE);
  EXPECT_EQ(c.offset_scaled_log_variance.value, 0xFFFF);
  EXPECT_FALSE(c.slave_only.value);
  EXPECT_TRUE(c.two_step.value);
  EXPECT_EQ(c.utc_offset_seconds.value, 37);
  EXPECT_EQ(c.time_source.value, 0xA0);
  EXPECT_EQ(c.time_stamping.value, TimeStamping::kHardware);
  EXPECT_EQ(c.tx_timestamp_timeout_ms.value, 10);
  EXPECT_FALSE(c.free_running.value);
  EXPECT_EQ(c.clock_servo.value, ClockServo::kPi);
  EXPECT_EQ(c.step_threshold_seconds.value, 0.0);
  EXPECT_EQ(c.first_step_threshold_seconds.value, 0.00002);
  EXPECT_EQ(c.max_frequency_ppb.value, 900000000);
  EXPECT_EQ(c.pi_proportional_const.value, 0.0);
  EXPECT_EQ(c.pi_integral_const.value, 0.0);
  EXPECT_EQ(c.pi_proportional_scale.value, 0.0);
  EXPECT_EQ(c.pi_proportional_exponent.value, -0.3);
  EXPECT_EQ(c.pi_proportional_norm_max.value, 0.7);
  EXPECT_EQ(c.pi_integral_scale.value, 0.0);
  EXPECT_EQ(c.pi_integral_exponent.value, 0.4);
  EXPECT_EQ(c.pi_integral_norm_max.value, 0.3);
  EXPECT_FALSE(c.kalman_delay_floor.value);
  EXPECT_EQ(c.summary_interval_log2_seconds.value, 0);
  EXPECT_EQ(c.logging_level.value, 6);
  EXPECT_FALSE(c.verbose.value);
  EXPECT_TRUE(c.use_syslog.value);
  EXPECT_EQ(c.message_tag.value, "");
  const PortOptions& p = config.port;
  EXPECT_EQ(p.log_announce_interval.value, 1);
  EXPECT_EQ(p.log_sync_interval.value, 0);
  EXPECT_EQ(p.log_min_delay_req_interval.value, 0);
  EXPECT_EQ(p.announce_receipt_timeout.value, 3);
  EXPECT_EQ(p.delay_mechanism.value, DelayMechanism::kE2E);
  EXPECT_EQ(p.network_transport.value, NetworkTransport::kUdpV4);
  EXPECT_FALSE(p.hybrid_e2e.value);
  EXPECT_FALSE(p.master_only.value);
  EXPECT_EQ(p.delay_filter.value, DelayFilter::kMovingMedian);
  EXPECT_EQ(p.delay_filter_length.value, 10);
  EXPECT_TRUE(config.interfaces.empty());
}

TEST(LinuxPtpConfigDefaults, NothingIsExplicitlySet) {
  const LinuxPtpConfig config;
  for (const OptionDescriptor& option : linuxptp_options()) {
    EXPECT_EQ(option_state(config, option).origin, SettingOrigin::kDefault) << option.name;
  }
}

TEST(LinuxPtpConfigOptionTable, ListsEveryOptionOfIssue7WithLinuxptpsScope) {
  const std::vector<std::string> global = {"domainNumber",
                                           "priority1",
                                           "priority2",
                                           "clockClass",
                                           "clockAccuracy",
                                           "offsetScaledLogVariance",
                                           "slaveOnly",
                                           "free_running",
                                           "time_stamping",
                                           "step_threshold",
                                           "first_step_threshold",
                                           "max_frequency",
                                           "clock_servo",
                                           "pi_proportional_const",
                                           "pi_integral_const",
                                           "summary_interval",
                                           "logging_level",
                                           "verbose",
                                           "message_tag",
                                           "twoStepFlag",
                                           "utc_offset",
                                           "timeSource",
                                           "tx_timestamp_timeout",
                                           "use_syslog",
                                           "pi_proportional_scale",
                                           "pi_proportional_exponent",
                                           "pi_proportional_norm_max",
                                           "pi_integral_scale",
                                           "pi_integral_exponent",
                                           "pi_integral_norm_max",
                                           "kalman_delay_floor",
                                           "clientOnly",
                                           "ptp_minor_version"};
  const std::vector<std::string> port = {"logAnnounceInterval",
                                         "logSyncInterval",
                                         "logMinDelayReqInterval",
                                         "announceReceiptTimeout",
                                         "delay_mechanism",
                                         "network_transport",
                                         "hybrid_e2e",
                                         "delay_filter_length",
                                         "delay_filter",
                                         "masterOnly",
                                         "serverOnly",
                                         "logMinPdelayReqInterval",
                                         "neighborPropDelayThresh",
                                         "min_neighbor_prop_delay"};
  for (const std::string& name : global) {
    const OptionDescriptor* option = find_option(name);
    ASSERT_NE(option, nullptr) << name;
    EXPECT_EQ(option->scope, OptionScope::kGlobal) << name;
  }
  for (const std::string& name : port) {
    const OptionDescriptor* option = find_option(name);
    ASSERT_NE(option, nullptr) << name;
    EXPECT_EQ(option->scope, OptionScope::kPort) << name;
  }
}

TEST(LinuxPtpConfigOptionTable, IsSortedUniqueAndDisjointFromTheUnsupportedList) {
  const auto options = linuxptp_options();
  const auto lower = [](std::string_view name) {
    std::string text(name);
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
  };
  for (std::size_t i = 1; i < options.size(); ++i) {
    EXPECT_LT(lower(options[i - 1].name), lower(options[i].name)) << options[i].name;
  }
  for (const OptionDescriptor& option : options) {
    EXPECT_FALSE(is_unsupported_linuxptp_option(option.name)) << option.name;
    EXPECT_EQ(find_option(option.name), &option);
    if (!option.alias_of.empty()) {
      const OptionDescriptor* target = find_option(option.alias_of);
      ASSERT_NE(target, nullptr) << option.name;
      EXPECT_EQ(target->scope, option.scope) << option.name;
    }
  }
  EXPECT_EQ(find_option("PRIORITY1"), nullptr);  // option names are case-sensitive, as in ptp4l
}

// The parameterised suite: one instance per option of the table.
class LinuxPtpConfigOption : public testing::TestWithParam<OptionDescriptor> {};

TEST_P(LinuxPtpConfigOption, DefaultTextIsTheDefaultValue) {
  const OptionDescriptor& option = GetParam();
  const auto parsed = parse_global(std::string(option.name), std::string(option.default_text));
  if (option.type == OptionType::kString && option.default_text.empty()) {
    EXPECT_EQ(std::get<std::string>(option_state(LinuxPtpConfig{}, option).value), "");
    return;
  }
  ASSERT_TRUE(parsed) << error_of(parsed);
  EXPECT_EQ(option_state(*parsed, option).value, option_state(LinuxPtpConfig{}, option).value);
  EXPECT_EQ(option_state(*parsed, option).origin, SettingOrigin::kGlobalSection);
}

TEST_P(LinuxPtpConfigOption, AcceptsItsValidSpellings) {
  const OptionDescriptor& option = GetParam();
  const std::string name(option.name);
  const auto expect_value = [&](const std::string& text, const OptionValue& expected) {
    const auto parsed = parse_global(name, text);
    ASSERT_TRUE(parsed) << name << " " << text << ": " << error_of(parsed);
    EXPECT_EQ(option_state(*parsed, option).value, expected) << name << " " << text;
  };
  switch (option.type) {
    case OptionType::kInteger:
      expect_value(std::to_string(option.supported_min), option.supported_min);
      expect_value(std::to_string(option.supported_max), option.supported_max);
      if (option.supported_max > 0) {
        // strtol's base 0: hexadecimal with 0x, and a leading + sign.
        std::string hex = "0x";
        for (std::int64_t v = option.supported_max, digits = 0; v > 0 || digits == 0;
             v /= 16, ++digits) {
          hex.insert(2, 1, "0123456789abcdef"[v % 16]);
        }
        expect_value(hex, option.supported_max);
        expect_value(std::string("+").append(std::to_string(option.supported_max)),
                     option.supported_max);
      }
      break;
    case OptionType::kDouble: {
      const double low = option.min_double == std::numeric_limits<double>::min()
                             ? 1e-9
                             : std::max(option.min_double, -1e300);
      const double high = std::min(option.max_double, 1e300);
      expect_value(option_value_text(option, low), low);
      expect_value(option_value_text(option, high), high);
      expect_value(std::string("+").append(option_value_text(option, high)), high);
      break;
    }
    case OptionType::kEnum:
      for (const EnumSpelling& spelling : option.spellings) {
        if (!spelling.supported) continue;
        std::string upper(spelling.name);
        std::string lower(spelling.name);
        for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        expect_value(std::string(spelling.name), spelling.value);
        expect_value(upper, spelling.value);  // case-insensitive, as linuxptp's strcasecmp
        expect_value(lower, spelling.value);
      }
      break;
    case OptionType::kString: expect_value("a tag with blanks", std::string("a tag with blanks"));
  }
}

TEST_P(LinuxPtpConfigOption, RejectsBadValuesNamingFileLineAndOption) {
  const OptionDescriptor& option = GetParam();
  const std::string name(option.name);
  const std::string where = "t.cfg:2: " + name + ": ";
  const auto expect_error = [&](const std::string& text, ConfigErrorKind kind,
                                const std::string& problem) {
    const auto parsed = parse_global(name, text);
    ASSERT_FALSE(parsed) << name << " " << text;
    EXPECT_EQ(parsed.error().kind, kind) << name << " " << text;
    EXPECT_EQ(parsed.error().message(), where + problem);
    EXPECT_EQ(parsed.error().line, 2U);
    EXPECT_EQ(parsed.error().option, name);
  };
  switch (option.type) {
    case OptionType::kInteger: {
      const std::string range = range_text(option);
      if (option.min > std::numeric_limits<std::int32_t>::min()) {
        const std::string below = std::to_string(option.min - 1);
        expect_error(below, ConfigErrorKind::kOutOfRange, below + " is out of range " + range);
      }
      const std::string above = std::to_string(option.max + 1);
      expect_error(above, ConfigErrorKind::kOutOfRange, above + " is out of range " + range);
      expect_error("99999999999999999999", ConfigErrorKind::kOutOfRange,
                   "99999999999999999999 is out of range " + range);
      expect_error("abc", ConfigErrorKind::kMalformedValue, "'abc' is not an integer");
      expect_error("1.5", ConfigErrorKind::kMalformedValue, "'1.5' is not an integer");
      expect_error("1 2", ConfigErrorKind::kMalformedValue, "'1 2' is not an integer");
      expect_error("08", ConfigErrorKind::kMalformedValue, "'08' is not an integer");  // octal
      expect_error("0x", ConfigErrorKind::kMalformedValue, "'0x' is not an integer");
      expect_error("--1", ConfigErrorKind::kMalformedValue, "'--1' is not an integer");
      break;
    }
    case OptionType::kDouble: {
      const std::string range = range_text(option);
      if (option.min_double == 0.0) {
        expect_error("-0.5", ConfigErrorKind::kOutOfRange, "-0.5 is out of range " + range);
      } else if (option.min_double == std::numeric_limits<double>::min()) {
        expect_error("0", ConfigErrorKind::kOutOfRange, "0 is out of range " + range);
      }
      if (option.max_double < 1e300) {
        expect_error("2.5", ConfigErrorKind::kOutOfRange, "2.5 is out of range " + range);
      }
      expect_error("1e999", ConfigErrorKind::kOutOfRange, "1e999 is out of range " + range);
      expect_error("x", ConfigErrorKind::kMalformedValue, "'x' is not a number");
      expect_error("nan", ConfigErrorKind::kMalformedValue, "'nan' is not a number");
      expect_error("0.1s", ConfigErrorKind::kMalformedValue, "'0.1s' is not a number");
      break;
    }
    case OptionType::kEnum: {
      std::string all;
      for (const EnumSpelling& spelling : option.spellings) {
        all += (all.empty() ? "" : ", ") + std::string(spelling.name);
        if (spelling.supported) continue;
        expect_error(std::string(spelling.name), ConfigErrorKind::kUnsupportedValue,
                     std::string(spelling.name) + " is not supported by ptpstack (supported: " +
                         supported_spellings(option) + ")");
      }
      expect_error("bogus", ConfigErrorKind::kBadEnumValue, "'bogus' is not one of " + all);
      break;
    }
    case OptionType::kString: break;
  }
}

TEST_P(LinuxPtpConfigOption, IsAllowedInAnInterfaceSectionExactlyWhenLinuxptpAllowsIt) {
  const OptionDescriptor& option = GetParam();
  const std::string name(option.name);
  const std::string value(option.default_text.empty() ? "x" : option.default_text);
  const auto parsed = parse_linuxptp_config("[eth0]\n" + name + " " + value + "\n", "t.cfg");
  if (option.scope == OptionScope::kPort) {
    ASSERT_TRUE(parsed) << error_of(parsed);
    EXPECT_EQ(option_state(*parsed, option, "eth0").origin, SettingOrigin::kInterfaceSection);
    EXPECT_EQ(option_state(*parsed, option).origin, SettingOrigin::kDefault);
  } else {
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().kind, ConfigErrorKind::kNotAllowedInInterfaceSection);
    EXPECT_EQ(
        parsed.error().message(),
        "t.cfg:2: " + name + ": a global option, not allowed in an interface section ([eth0])");
  }
}

INSTANTIATE_TEST_SUITE_P(EveryOption, LinuxPtpConfigOption, testing::ValuesIn(linuxptp_options()),
                         [](const testing::TestParamInfo<OptionDescriptor>& option_info) {
                           return std::string(option_info.param.name);
                         });

// A few messages spelt out, so that the format itself is pinned down.
TEST(LinuxPtpConfigOptionErrors, ReadAsDocumented) {
  EXPECT_EQ(error_of(parse_global("priority1", "256")),
            "t.cfg:2: priority1: 256 is out of range [0, 255]");
  EXPECT_EQ(error_of(parse_global("logSyncInterval", "-129")),
            "t.cfg:2: logSyncInterval: -129 is out of range [-128, 127]");
  EXPECT_EQ(error_of(parse_global("announceReceiptTimeout", "1")),
            "t.cfg:2: announceReceiptTimeout: 1 is out of range [2, 255]");
  EXPECT_EQ(error_of(parse_global("domainNumber", "one")),
            "t.cfg:2: domainNumber: 'one' is not an integer");
  EXPECT_EQ(error_of(parse_global("step_threshold", "-1")),
            "t.cfg:2: step_threshold: -1 is out of range [0, inf)");
  EXPECT_EQ(error_of(parse_global("pi_proportional_norm_max", "0")),
            "t.cfg:2: pi_proportional_norm_max: 0 is out of range (0, 1]");
  EXPECT_EQ(error_of(parse_global("delay_mechanism", "COMMON_P2P")),
            "t.cfg:2: delay_mechanism: COMMON_P2P is not supported by ptpstack (supported: E2E, "
            "P2P)");
  EXPECT_EQ(error_of(parse_global("ptp_minor_version", "2")),
            "t.cfg:2: ptp_minor_version: 2 is out of range [0, 1]");
  EXPECT_EQ(error_of(parse_global("min_neighbor_prop_delay", "0")),
            "t.cfg:2: min_neighbor_prop_delay: 0 is out of range [-2147483648, -1]");
  EXPECT_EQ(error_of(parse_global("network_transport", "L2")),
            "t.cfg:2: network_transport: L2 is not supported by ptpstack (supported: UDPv4, "
            "UDPv6)");
  EXPECT_EQ(error_of(parse_global("network_transport", "UDPv5")),
            "t.cfg:2: network_transport: 'UDPv5' is not one of UDPv4, UDPv6, L2");
  EXPECT_EQ(error_of(parse_global("time_stamping", "onestep")),
            "t.cfg:2: time_stamping: onestep is not supported by ptpstack (supported: hardware, "
            "software, auto)");
  EXPECT_EQ(error_of(parse_global("clock_servo", "ntpshm")),
            "t.cfg:2: clock_servo: ntpshm is not supported by ptpstack (supported: pi, linreg, "
            "kalman, envelope)");
  EXPECT_EQ(error_of(parse_global("delay_filter", "moving_average")),
            "t.cfg:2: delay_filter: moving_average is not supported by ptpstack (supported: "
            "moving_median)");
  EXPECT_EQ(error_of(parse_global("twoStepFlag", "0")),
            "t.cfg:2: twoStepFlag: 0 is not supported by ptpstack (supported: 1)");
  EXPECT_EQ(error_of(parse_global("twoStepFlag", "2")),
            "t.cfg:2: twoStepFlag: 2 is out of range [0, 1]");
}

TEST(LinuxPtpConfigOptionValues, ReadIntegersAsStrtolWithBaseZeroDoes) {
  EXPECT_EQ(parse_global("priority1", "0x7f")->clock.priority1.value, 127);
  EXPECT_EQ(parse_global("clockAccuracy", "0xFE")->clock.clock_accuracy.value, 0xFE);
  EXPECT_EQ(parse_global("priority1", "010")->clock.priority1.value, 8);  // octal, as ptp4l
  EXPECT_EQ(parse_global("priority1", "0")->clock.priority1.value, 0);
  EXPECT_EQ(parse_global("logSyncInterval", "-3")->port.log_sync_interval.value, -3);
  EXPECT_EQ(
      parse_global("summary_interval", "-2147483648")->clock.summary_interval_log2_seconds.value,
      std::numeric_limits<std::int32_t>::min());
  EXPECT_EQ(parse_global("step_threshold", "1e-3")->clock.step_threshold_seconds.value, 1e-3);
  EXPECT_EQ(parse_global("pi_integral_exponent", "-2.5")->clock.pi_integral_exponent.value, -2.5);
}

TEST(LinuxPtpConfigOptionValues, AliasesSetTheSameField) {
  EXPECT_TRUE(parse_global("clientOnly", "1")->clock.slave_only.value);
  EXPECT_TRUE(parse_global("slaveOnly", "1")->clock.slave_only.value);
  EXPECT_TRUE(parse_global("serverOnly", "1")->port.master_only.value);
  EXPECT_TRUE(parse_global("masterOnly", "1")->port.master_only.value);
  EXPECT_EQ(parse_global("pi_offset_const", "0.5")->clock.step_threshold_seconds.value, 0.5);
  EXPECT_EQ(parse_global("pi_f_offset_const", "0.5")->clock.first_step_threshold_seconds.value,
            0.5);
  EXPECT_EQ(parse_global("pi_max_frequency", "1000")->clock.max_frequency_ppb.value, 1000);
}

TEST(LinuxPtpConfigOptionValues, ValueTextRoundTrips) {
  for (const OptionDescriptor& option : linuxptp_options()) {
    const OptionValue value = option_state(LinuxPtpConfig{}, option).value;
    if (option.type == OptionType::kString) continue;
    const auto parsed = parse_global(std::string(option.name), option_value_text(option, value));
    ASSERT_TRUE(parsed) << error_of(parsed);
    EXPECT_EQ(option_state(*parsed, option).value, value) << option.name;
  }
}

}  // namespace
}  // namespace ptp::app
