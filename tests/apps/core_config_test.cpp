// to_port_config and to_servo_config: every option reaches its core field, in the core's units,
// and a combination the core refuses is reported, not hidden.
#include <gtest/gtest.h>

#include "ptp/app/core_config.h"
#include "ptp/app/linuxptp_config.h"

namespace ptp::app {
namespace {

const ClockIdentity kIdentity{{0x02, 0, 0, 0xFF, 0xFE, 0, 0, 1}};

TEST(CoreConfig, DefaultsGiveTheCoreDefaults) {
  const auto port = to_port_config(ClockOptions{}, PortOptions{}, kIdentity);
  ASSERT_TRUE(port.has_value());
  EXPECT_EQ(port->clock_identity, kIdentity);
  EXPECT_EQ(port->priority1, 128);
  EXPECT_EQ(port->priority2, 128);
  EXPECT_EQ(port->log_sync_interval, 0);
  EXPECT_EQ(port->log_announce_interval, 1);
  EXPECT_EQ(port->announce_receipt_timeout, 3);
  EXPECT_EQ(port->delay_filter_length, 10U);
  EXPECT_FALSE(port->slave_only);
  EXPECT_TRUE(port->two_step);

  const auto servo = to_servo_config(ClockOptions{}, true);
  EXPECT_EQ(servo.kind, servo::ServoKind::kPi);
  EXPECT_EQ(servo.step_threshold, Nanoseconds(0));
  EXPECT_EQ(servo.first_step_threshold, Nanoseconds(20'000));
  EXPECT_EQ(servo.max_frequency_ppb, 900'000'000.0);
  EXPECT_TRUE(servo.hardware_timestamps);
}

TEST(CoreConfig, EveryPortOptionReachesThePortConfig) {
  ClockOptions clock;
  clock.domain_number.value = 24;
  clock.priority1.value = 10;
  clock.priority2.value = 20;
  clock.clock_class.value = 6;
  clock.clock_accuracy.value = 0x21;
  clock.offset_scaled_log_variance.value = 0x4E5D;
  clock.slave_only.value = true;
  clock.utc_offset_seconds.value = 36;
  clock.time_source.value = 0x20;
  clock.free_running.value = true;
  clock.ptp_minor_version.value = 0;
  PortOptions port;
  port.delay_mechanism.value = DelayMechanism::kP2P;
  port.log_min_pdelay_req_interval.value = -1;
  port.neighbor_prop_delay_thresh_ns.value = 900;
  port.min_neighbor_prop_delay_ns.value = -5;
  port.log_announce_interval.value = 0;
  port.log_sync_interval.value = -3;
  port.log_min_delay_req_interval.value = -2;
  port.announce_receipt_timeout.value = 4;
  port.hybrid_e2e.value = true;
  port.delay_filter_length.value = 16;
  const auto config = to_port_config(clock, port, kIdentity);
  ASSERT_TRUE(config.has_value());
  EXPECT_EQ(config->domain_number, 24);
  EXPECT_EQ(config->priority1, 10);
  EXPECT_EQ(config->priority2, 20);
  EXPECT_EQ(config->clock_quality.clock_class, 6);
  EXPECT_EQ(config->clock_quality.clock_accuracy, ClockAccuracy{0x21});
  EXPECT_EQ(config->clock_quality.offset_scaled_log_variance, 0x4E5D);
  EXPECT_TRUE(config->slave_only);
  EXPECT_EQ(config->local_time_properties.current_utc_offset, 36);
  EXPECT_EQ(config->local_time_properties.time_source, TimeSource::kGnss);
  EXPECT_TRUE(config->free_running);
  EXPECT_EQ(config->log_announce_interval, 0);
  EXPECT_EQ(config->log_sync_interval, -3);
  EXPECT_EQ(config->log_min_delay_req_interval, -2);
  EXPECT_EQ(config->announce_receipt_timeout, 4);
  EXPECT_TRUE(config->hybrid_e2e);
  EXPECT_EQ(config->delay_filter_length, 16U);
  EXPECT_EQ(config->delay_mechanism, ptp::DelayMechanism::kP2P);
  EXPECT_EQ(config->log_min_pdelay_req_interval, -1);
  EXPECT_EQ(config->neighbor_prop_delay_thresh, Nanoseconds(900));
  EXPECT_EQ(config->min_neighbor_prop_delay, Nanoseconds(-5));
  EXPECT_EQ(config->minor_version_ptp, 0);
}

TEST(CoreConfig, SlaveOnlyAndMasterOnlyIsRefused) {
  ClockOptions clock;
  clock.slave_only.value = true;
  PortOptions port;
  port.master_only.value = true;
  const auto config = to_port_config(clock, port, kIdentity);
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error(), PortConfigError::kSlaveOnlyAndMasterOnly);
}

TEST(CoreConfig, AllZeroIdentityIsRefused) {
  const auto config = to_port_config(ClockOptions{}, PortOptions{}, ClockIdentity{});
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error(), PortConfigError::kClockIdentityZero);
}

TEST(CoreConfig, ServoOptionsConvertSecondsToNanoseconds) {
  ClockOptions clock;
  clock.clock_servo.value = ClockServo::kKalman;
  clock.step_threshold_seconds.value = 0.001;
  clock.first_step_threshold_seconds.value = 0.0000005;
  clock.max_frequency_ppb.value = 500'000;
  clock.pi_proportional_const.value = 0.5;
  clock.pi_integral_const.value = 0.25;
  clock.pi_proportional_scale.value = 0.6;
  clock.pi_proportional_exponent.value = -0.2;
  clock.pi_proportional_norm_max.value = 0.8;
  clock.pi_integral_scale.value = 0.2;
  clock.pi_integral_exponent.value = 0.5;
  clock.pi_integral_norm_max.value = 0.4;
  clock.kalman_delay_floor.value = true;
  const auto servo = to_servo_config(clock, false);
  EXPECT_EQ(servo.kind, servo::ServoKind::kKalman);
  EXPECT_EQ(servo.step_threshold, Nanoseconds(1'000'000));
  EXPECT_EQ(servo.first_step_threshold, Nanoseconds(500));
  EXPECT_EQ(servo.max_frequency_ppb, 500'000.0);
  EXPECT_FALSE(servo.hardware_timestamps);
  EXPECT_EQ(servo.pi.proportional_const, 0.5);
  EXPECT_EQ(servo.pi.integral_const, 0.25);
  EXPECT_EQ(servo.pi.proportional_scale, 0.6);
  EXPECT_EQ(servo.pi.proportional_exponent, -0.2);
  EXPECT_EQ(servo.pi.proportional_norm_max, 0.8);
  EXPECT_EQ(servo.pi.integral_scale, 0.2);
  EXPECT_EQ(servo.pi.integral_exponent, 0.5);
  EXPECT_EQ(servo.pi.integral_norm_max, 0.4);
  EXPECT_TRUE(servo.kalman.delay_floor);
  EXPECT_TRUE(servo::validate(servo).has_value());
}

TEST(CoreConfig, EveryServoNameMaps) {
  ClockOptions clock;
  clock.clock_servo.value = ClockServo::kLinreg;
  EXPECT_EQ(to_servo_config(clock, true).kind, servo::ServoKind::kLinreg);
  clock.clock_servo.value = ClockServo::kPi;
  EXPECT_EQ(to_servo_config(clock, true).kind, servo::ServoKind::kPi);
}

}  // namespace
}  // namespace ptp::app
