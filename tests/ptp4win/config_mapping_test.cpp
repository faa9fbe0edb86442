// The configuration -> core mapping: every option's effect on PortConfig and ServoConfig, the
// address family, the timestamping choice, identities, and the Asio timers' counter arithmetic.
#include "ptp/ptp4win/config_mapping.h"

#include <gtest/gtest.h>

#include <chrono>

#include "ptp/app/linuxptp_config_parser.h"
#include "ptp/ptp4win/asio_timers.h"

namespace ptp::ptp4win {
namespace {

const ClockIdentity kIdentity{{0x00, 0x11, 0x22, 0xFF, 0xFE, 0x33, 0x44, 0x55}};

app::LinuxPtpConfig configured() {
  auto config =
      app::parse_linuxptp_config_file(std::string(PTP4WIN_TEST_DATA_DIR) + "/ptp4win.cfg");
  EXPECT_TRUE(config);
  return config ? *config : app::LinuxPtpConfig{};
}

TEST(Ptp4winConfigMapping, PortConfigTakesEveryOption) {
  const app::LinuxPtpConfig config = configured();
  auto port = to_port_config(config, "Ethernet 2", kIdentity);
  ASSERT_TRUE(port) << port.error().message;
  EXPECT_EQ(port->clock_identity, kIdentity);
  EXPECT_EQ(port->port_number, 1);
  EXPECT_EQ(port->domain_number, 24);
  EXPECT_EQ(port->priority1, 100);
  EXPECT_EQ(port->priority2, 101);
  EXPECT_EQ(port->clock_quality.clock_class, 13);
  EXPECT_EQ(static_cast<int>(port->clock_quality.clock_accuracy), 0x21);
  EXPECT_EQ(port->clock_quality.offset_scaled_log_variance, 0x4E5D);
  EXPECT_TRUE(port->free_running);
  EXPECT_FALSE(port->slave_only);
  EXPECT_EQ(port->log_announce_interval, 0);
  EXPECT_EQ(port->log_sync_interval, -4);  // the interface section's
  EXPECT_EQ(port->log_min_delay_req_interval, -2);
  EXPECT_EQ(port->announce_receipt_timeout, 4);
  EXPECT_EQ(port->delay_mechanism, DelayMechanism::kE2E);
  EXPECT_TRUE(port->hybrid_e2e);
  EXPECT_EQ(port->delay_filter_length, 7U);
  EXPECT_TRUE(port->two_step);

  auto other = to_port_config(config, "eth9", kIdentity);  // no section: [global]'s values
  ASSERT_TRUE(other);
  EXPECT_EQ(other->log_sync_interval, -3);
}

TEST(Ptp4winConfigMapping, DefaultsAreTheDefaultProfiles) {
  app::LinuxPtpConfig config;
  auto port = to_port_config(config, "eth0", kIdentity);
  ASSERT_TRUE(port);
  PortConfig expected;
  expected.clock_identity = kIdentity;
  EXPECT_EQ(port->domain_number, expected.domain_number);
  EXPECT_EQ(port->priority1, expected.priority1);
  EXPECT_EQ(port->clock_quality, expected.clock_quality);
  EXPECT_EQ(port->log_announce_interval, expected.log_announce_interval);
  EXPECT_EQ(port->log_sync_interval, expected.log_sync_interval);
  EXPECT_EQ(port->announce_receipt_timeout, expected.announce_receipt_timeout);
  EXPECT_EQ(port->local_time_properties, expected.local_time_properties);
  EXPECT_FALSE(port->free_running);
}

TEST(Ptp4winConfigMapping, SlaveOnlyAndRejectedCombinations) {
  app::LinuxPtpConfig config;
  ASSERT_TRUE(app::apply_command_line_option(config, "slaveOnly", "1"));
  auto port = to_port_config(config, "eth0", kIdentity);
  ASSERT_TRUE(port);
  EXPECT_TRUE(port->slave_only);
  ASSERT_TRUE(app::apply_command_line_option(config, "masterOnly", "1"));
  auto both = to_port_config(config, "eth0", kIdentity);
  ASSERT_FALSE(both);
  EXPECT_EQ(
      both.error().message,
      "port configuration: " + std::string(to_string(PortConfigError::kSlaveOnlyAndMasterOnly)));
  EXPECT_FALSE(to_port_config(app::LinuxPtpConfig{}, "eth0", ClockIdentity{}));
}

TEST(Ptp4winConfigMapping, ServoConfigTakesEveryOption) {
  const app::LinuxPtpConfig config = configured();
  auto servo = to_servo_config(config, "Ethernet 2", false, 500'000);
  ASSERT_TRUE(servo) << servo.error().message;
  EXPECT_EQ(servo->kind, servo::ServoKind::kLinreg);
  EXPECT_EQ(servo->step_threshold, Nanoseconds(500'000'000));
  EXPECT_EQ(servo->first_step_threshold, Nanoseconds(1'000'000));
  EXPECT_EQ(servo->max_frequency_ppb, 500'000.0);
  EXPECT_EQ(servo->clock_max_frequency_ppb, 500'000.0);
  EXPECT_FALSE(servo->hardware_timestamps);
  EXPECT_EQ(servo->pi.proportional_const, 0.5);
  EXPECT_EQ(servo->pi.integral_const, 0.25);
  EXPECT_EQ(servo->sync_interval, Nanoseconds(62'500'000));  // 2^-4 s

  auto defaults = to_servo_config(app::LinuxPtpConfig{}, "eth0", true, 0);
  ASSERT_TRUE(defaults);
  // ptp4win's one default that is not ptp4l's: our servo, unless clock_servo is set.
  EXPECT_EQ(defaults->kind, servo::ServoKind::kEnvelope);
  EXPECT_EQ(requested_servo(app::LinuxPtpConfig{}), servo::ServoKind::kEnvelope);
  EXPECT_EQ(defaults->step_threshold, Nanoseconds(0));
  EXPECT_EQ(defaults->first_step_threshold, Nanoseconds(20'000));
  EXPECT_EQ(defaults->max_frequency_ppb, 900'000'000.0);
  EXPECT_EQ(defaults->sync_interval, Nanoseconds(1'000'000'000));
  EXPECT_TRUE(defaults->hardware_timestamps);

  app::LinuxPtpConfig kalman;
  ASSERT_TRUE(app::apply_command_line_option(kalman, "clock_servo", "kalman"));
  EXPECT_EQ(to_servo_config(kalman, "eth0", true, 0)->kind, servo::ServoKind::kKalman);
  app::LinuxPtpConfig pi;
  ASSERT_TRUE(app::apply_command_line_option(pi, "clock_servo", "pi"));
  EXPECT_EQ(requested_servo(pi), servo::ServoKind::kPi);
  EXPECT_EQ(to_servo_config(pi, "eth0", true, 0)->kind, servo::ServoKind::kPi);
  app::LinuxPtpConfig linreg;
  ASSERT_TRUE(app::apply_command_line_option(linreg, "clock_servo", "linreg"));
  EXPECT_EQ(to_servo_config(linreg, "eth0", false, 0)->kind, servo::ServoKind::kLinreg);
}

TEST(Ptp4winConfigMapping, FamilyAndTimestamping) {
  app::LinuxPtpConfig config;
  EXPECT_EQ(address_family(config, "eth0"), hal::AddressFamily::kIpv4);
  EXPECT_EQ(requested_time_stamping(config), app::TimeStamping::kAuto);
  ASSERT_TRUE(app::apply_command_line_option(config, "network_transport", "UDPv6"));
  ASSERT_TRUE(app::apply_command_line_option(config, "time_stamping", "hardware"));
  EXPECT_EQ(address_family(config, "eth0"), hal::AddressFamily::kIpv6);
  EXPECT_EQ(requested_time_stamping(config), app::TimeStamping::kHardware);

  EXPECT_TRUE(uses_hardware_timestamps(app::TimeStamping::kAuto, hal::TimestampSource::kHardware));
  EXPECT_FALSE(uses_hardware_timestamps(app::TimeStamping::kHardware, hal::TimestampSource::kNone));
  EXPECT_EQ(time_stamping_warning(app::TimeStamping::kAuto, hal::TimestampSource::kNone), "");
  EXPECT_EQ(time_stamping_warning(app::TimeStamping::kSoftware, hal::TimestampSource::kSoftware),
            "");
  EXPECT_EQ(time_stamping_warning(app::TimeStamping::kHardware, hal::TimestampSource::kSoftware),
            "hardware time stamping requested, but the interface provides software timestamps: "
            "using those");
  EXPECT_EQ(time_stamping_warning(app::TimeStamping::kSoftware, hal::TimestampSource::kNone),
            "software time stamping requested, but the interface provides application-level "
            "timestamps: using those");
}

TEST(Ptp4winConfigMapping, IdentitiesAreStableEui64AndPrintedAsPtp4lDoes) {
  EXPECT_EQ(format_clock_identity(kIdentity), "001122.fffe.334455");
  const ClockIdentity a = clock_identity_from_key("{00000004-0000-0000-0000-4E6574446576}");
  EXPECT_EQ(a, clock_identity_from_key("{00000004-0000-0000-0000-4E6574446576}"));
  EXPECT_NE(a, clock_identity_from_key("{00000005-0000-0000-0000-4E6574446576}"));
  EXPECT_EQ(a.octets[3], 0xFF);
  EXPECT_EQ(a.octets[4], 0xFE);
  EXPECT_EQ(a.octets[0] & 0x03, 0x02);  // locally administered, unicast
}

TEST(Ptp4winAsioTimers, CounterArithmetic) {
  using std::chrono::nanoseconds;
  EXPECT_EQ(counter_distance(hal::CounterTicks{100}, hal::CounterTicks{50}, 10'000'000),
            nanoseconds(0));
  EXPECT_EQ(counter_distance(hal::CounterTicks{100}, hal::CounterTicks{101}, 10'000'000),
            nanoseconds(100));
  EXPECT_EQ(counter_distance(hal::CounterTicks{0}, hal::CounterTicks{30'000'001}, 10'000'000),
            nanoseconds(3'000'000'100));
  EXPECT_EQ(counter_distance(hal::CounterTicks{0}, hal::CounterTicks{1}, 3),
            nanoseconds(333'333'334));
  EXPECT_EQ(counter_time(hal::CounterTicks{123'456'789'012}, 10'000'000),
            Nanoseconds(12'345'678'901'200));
  EXPECT_EQ(counter_time(hal::CounterTicks{-1}, 10'000'000), Nanoseconds(0));
}

}  // namespace
}  // namespace ptp::ptp4win
