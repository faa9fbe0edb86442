// PortConfig validation of the unicast settings (master table size, unicast_req_duration,
// logQueryInterval).
#include "ptp/core/port_config.h"

#include <gtest/gtest.h>

namespace ptp {
namespace {

PortConfig valid_config() {
  PortConfig config;
  config.clock_identity.octets = {0x02, 0, 0, 0xFF, 0xFE, 0, 0, 1};
  return config;
}

TEST(PortConfigUnicastTest, DefaultsAreMulticastOnlyAndValid) {
  const PortConfig config = valid_config();
  EXPECT_FALSE(config.unicast.has_master_table());
  EXPECT_FALSE(config.unicast.listen);
  EXPECT_EQ(config.unicast.request_duration_seconds, 3600U);
  EXPECT_TRUE(validate(config).has_value());
}

TEST(PortConfigUnicastTest, RejectsATableLargerThanItsCapacity) {
  PortConfig config = valid_config();
  config.unicast.master_count = kMaxUnicastMasters;
  EXPECT_TRUE(validate(config).has_value());
  config.unicast.master_count = kMaxUnicastMasters + 1;
  EXPECT_EQ(validate(config).error(), PortConfigError::kUnicastMasterTableTooLarge);
}

TEST(PortConfigUnicastTest, RejectsRequestDurationsOutsidePtp4lsRange) {
  PortConfig config = valid_config();
  config.unicast.request_duration_seconds = 9;
  EXPECT_EQ(validate(config).error(), PortConfigError::kUnicastRequestDurationOutOfRange);
  config.unicast.request_duration_seconds = 10;
  EXPECT_TRUE(validate(config).has_value());
  config.unicast.request_duration_seconds = 0x8000'0000U;
  EXPECT_EQ(validate(config).error(), PortConfigError::kUnicastRequestDurationOutOfRange);
}

TEST(PortConfigUnicastTest, RejectsAQueryIntervalOutOfRange) {
  PortConfig config = valid_config();
  config.unicast.log_query_interval = 11;
  EXPECT_EQ(validate(config).error(), PortConfigError::kLogIntervalOutOfRange);
}

}  // namespace
}  // namespace ptp
