// OrdinaryClock as a master (1588-2019 9.5): what it sends on becoming MASTER, two-step Sync and
// Follow_Up with the transmit timestamp (and no Follow_Up without one), per-class sequence ids,
// and the Delay_Resp to each Delay_Req (11.3). Every message is decoded back with the codec.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>

#include "ordinary_clock_test_support.h"

namespace ptp::clock_test {
namespace {

using wire::HeaderFlags;
using wire::MessageType;

// No field at its default, so a field taken from the wrong place shows.
PortConfig master_config() {
  PortConfig config = base_config();
  config.priority1 = 111;
  config.priority2 = 122;
  config.clock_quality = ClockQuality{187, ClockAccuracy::kWithin1us, 0x1234};
  config.log_announce_interval = 0;
  config.log_sync_interval = -2;
  config.log_min_delay_req_interval = -3;
  config.local_time_properties = TimePropertiesDataSet{.current_utc_offset = 36,
                                                       .current_utc_offset_valid = true,
                                                       .leap59 = false,
                                                       .leap61 = true,
                                                       .time_traceable = true,
                                                       .frequency_traceable = false,
                                                       .ptp_timescale = true,
                                                       .time_source = TimeSource::kGnss};
  return config;
}

constexpr Nanoseconds kStart = seconds(1000);
constexpr Nanoseconds kTimeout = seconds(1004);

// start() and the announce receipt timeout: MASTER. Returns the timeout's actions.
std::span<const PortAction> become_master(Harness& h) {
  h.start(kStart);
  return h.timer(PortTimer::kAnnounceReceipt, kTimeout);
}

TEST(OrdinaryClockMasterTest, ListeningTimeoutBecomesMasterAndAnnouncesTheDefaultDataSet) {
  Harness h(master_config());
  const auto actions = become_master(h);

  EXPECT_EQ(h.state(), PortState::kMaster);
  const auto changes = all_of<StateChanged>(actions);
  ASSERT_EQ(changes.size(), 1U);
  EXPECT_EQ(changes[0].from, PortState::kListening);
  EXPECT_EQ(changes[0].to, PortState::kMaster);
  EXPECT_EQ(changes[0].event, PortEvent::kAnnounceReceiptTimeoutExpires);

  const auto announces = sends_of(actions, MessageType::kAnnounce);
  ASSERT_EQ(announces.size(), 1U);
  EXPECT_EQ(announces[0].channel, MessageChannel::kGeneral);
  EXPECT_FALSE(announces[0].unicast_to.has_value());
  EXPECT_FALSE(announces[0].timestamp_id.has_value());
  const wire::Message message = decode(announces[0]);
  const wire::Header& hdr = message.header;
  EXPECT_EQ(hdr.domain_number, 0);
  EXPECT_EQ(hdr.source_port_identity, kOurPort);
  EXPECT_EQ(hdr.sequence_id, 0);
  EXPECT_EQ(hdr.log_message_interval, 0);
  EXPECT_EQ(hdr.control_field, 5);
  EXPECT_EQ(hdr.correction_field.scaled(), 0);
  EXPECT_EQ(hdr.flags.bits(), HeaderFlags::kLeap61 | HeaderFlags::kCurrentUtcOffsetValid |
                                  HeaderFlags::kPtpTimescale | HeaderFlags::kTimeTraceable);
  const auto& body = std::get<wire::Announce>(message.body);
  EXPECT_EQ(body.grandmaster_priority1, 111);
  EXPECT_EQ(body.grandmaster_priority2, 122);
  EXPECT_EQ(body.grandmaster_clock_quality, (ClockQuality{187, ClockAccuracy::kWithin1us, 0x1234}));
  EXPECT_EQ(body.grandmaster_identity, kOurClock);
  EXPECT_EQ(body.steps_removed, 0);
  EXPECT_EQ(body.current_utc_offset, 36);
  EXPECT_EQ(body.time_source, TimeSource::kGnss);

  // Timers: announce every 2^0 s, sync every 2^-2 s; the receipt timer stops.
  EXPECT_EQ(armed_at(actions, PortTimer::kAnnounceTransmit), kTimeout + seconds(1));
  EXPECT_EQ(armed_at(actions, PortTimer::kSyncTransmit), kTimeout + ms(250));
  EXPECT_FALSE(h.deadline(PortTimer::kAnnounceReceipt).has_value());
  EXPECT_FALSE(h.deadline(PortTimer::kDelayRequest).has_value());
  EXPECT_EQ(h.counters().sent[static_cast<std::size_t>(MessageType::kAnnounce)], 1U);
}

TEST(OrdinaryClockMasterTest, MasterSendsTwoStepSyncWithATimestampRequest) {
  Harness h(master_config());
  const auto actions = become_master(h);
  const auto syncs = sends_of(actions, MessageType::kSync);
  ASSERT_EQ(syncs.size(), 1U);
  EXPECT_EQ(syncs[0].channel, MessageChannel::kEvent);
  EXPECT_FALSE(syncs[0].unicast_to.has_value());
  ASSERT_TRUE(syncs[0].timestamp_id.has_value());
  const wire::Message message = decode(syncs[0]);
  EXPECT_TRUE(message.header.flags.two_step());
  EXPECT_EQ(message.header.source_port_identity, kOurPort);
  EXPECT_EQ(message.header.sequence_id, 0);
  EXPECT_EQ(message.header.log_message_interval, -2);
  EXPECT_EQ(message.header.control_field, 0);
  EXPECT_EQ(std::get<wire::Sync>(message.body).origin_timestamp, Timestamp{});
}

TEST(OrdinaryClockMasterTest, TransmitTimestampBecomesTheFollowUpsPreciseOrigin) {
  Harness h(master_config());
  const auto sync_send = sends_of(become_master(h), MessageType::kSync).at(0);
  const Nanoseconds transmitted = seconds(1'700'000'000) + ns(123'456'789);
  const auto actions = h.tx_timestamp(*sync_send.timestamp_id, transmitted, kTimeout + ns(50));
  const auto follow_ups = sends_of(actions, MessageType::kFollowUp);
  ASSERT_EQ(follow_ups.size(), 1U);
  EXPECT_EQ(actions.size(), 1U);
  EXPECT_EQ(follow_ups[0].channel, MessageChannel::kGeneral);
  EXPECT_FALSE(follow_ups[0].unicast_to.has_value());
  EXPECT_FALSE(follow_ups[0].timestamp_id.has_value());
  const wire::Message message = decode(follow_ups[0]);
  EXPECT_EQ(message.header.sequence_id, 0);
  EXPECT_EQ(message.header.source_port_identity, kOurPort);
  EXPECT_EQ(message.header.control_field, 2);
  EXPECT_EQ(message.header.log_message_interval, -2);
  EXPECT_EQ(message.header.correction_field.scaled(), 0);
  EXPECT_FALSE(message.header.flags.two_step());
  EXPECT_EQ(std::get<wire::FollowUp>(message.body).precise_origin_timestamp,
            (Timestamp{1'700'000'000, 123'456'789}));

  // The same timestamp again: nothing outstanding any more.
  EXPECT_TRUE(h.tx_timestamp(*sync_send.timestamp_id, transmitted, kTimeout + ns(60)).empty());
  EXPECT_EQ(h.counters().tx_timestamps_unknown, 1U);
}

TEST(OrdinaryClockMasterTest, LostTransmitTimestampSendsNoFollowUp) {
  Harness h(master_config());
  const auto sync_send = sends_of(become_master(h), MessageType::kSync).at(0);
  EXPECT_TRUE(h.tx_timestamp_lost(*sync_send.timestamp_id, kTimeout + ms(1)).empty());
  EXPECT_EQ(h.counters().tx_timestamps_lost, 1U);
  EXPECT_EQ(h.counters().follow_ups_not_sent, 1U);
  // A late timestamp for it does not produce a wrong Follow_Up either.
  EXPECT_TRUE(h.tx_timestamp(*sync_send.timestamp_id, seconds(5), kTimeout + ms(2)).empty());
  EXPECT_EQ(h.counters().tx_timestamps_unknown, 1U);
  EXPECT_EQ(h.counters().sent[static_cast<std::size_t>(MessageType::kFollowUp)], 0U);
}

TEST(OrdinaryClockMasterTest, TimestampThatNeverComesIsCountedAtTheNextSync) {
  Harness h(master_config());
  become_master(h);
  const auto actions = h.timer(PortTimer::kSyncTransmit, kTimeout + ms(250));
  EXPECT_EQ(sends_of(actions, MessageType::kSync).size(), 1U);
  EXPECT_EQ(h.counters().follow_ups_not_sent, 1U);
}

TEST(OrdinaryClockMasterTest, UnknownTimestampIdIsCounted) {
  Harness h(master_config());
  become_master(h);
  EXPECT_TRUE(h.tx_timestamp(TxTimestampId{0xDEAD}, seconds(7), kTimeout + ms(1)).empty());
  EXPECT_EQ(h.counters().tx_timestamps_unknown, 1U);
  EXPECT_EQ(h.counters().follow_ups_not_sent, 0U);
}

TEST(OrdinaryClockMasterTest, SequenceIdsCountPerMessageClass) {
  Harness h(master_config());
  const auto first_sync = sends_of(become_master(h), MessageType::kSync).at(0);
  h.tx_timestamp(*first_sync.timestamp_id, seconds(10), kTimeout + ns(1));

  std::vector<std::uint16_t> sync_ids;
  std::vector<std::uint16_t> follow_up_ids;
  std::vector<std::uint32_t> timestamp_ids{first_sync.timestamp_id->value};
  Nanoseconds now = kTimeout;
  for (int i = 1; i <= 5; ++i) {
    now = now + ms(250);
    const auto sent = sends_of(h.timer(PortTimer::kSyncTransmit, now), MessageType::kSync);
    ASSERT_EQ(sent.size(), 1U);
    EXPECT_EQ(armed_at(h.actions(), PortTimer::kSyncTransmit), now + ms(250));
    sync_ids.push_back(decode(sent[0]).header.sequence_id);
    timestamp_ids.push_back(sent[0].timestamp_id->value);
    const auto follow_up = sends_of(h.tx_timestamp(*sent[0].timestamp_id, seconds(10 + i), now),
                                    MessageType::kFollowUp);
    ASSERT_EQ(follow_up.size(), 1U);
    follow_up_ids.push_back(decode(follow_up[0]).header.sequence_id);
  }
  EXPECT_EQ(sync_ids, (std::vector<std::uint16_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(follow_up_ids, sync_ids);
  // TX timestamp ids are never reused.
  for (std::size_t i = 1; i < timestamp_ids.size(); ++i) {
    EXPECT_NE(timestamp_ids[i], timestamp_ids[i - 1]);
  }

  // Announces have their own counter: the second Announce is 1 after five more Syncs.
  const auto announces = sends_of(h.timer(PortTimer::kAnnounceTransmit, kTimeout + seconds(1)),
                                  MessageType::kAnnounce);
  ASSERT_EQ(announces.size(), 1U);
  EXPECT_EQ(decode(announces[0]).header.sequence_id, 1);
  EXPECT_EQ(armed_at(h.actions(), PortTimer::kAnnounceTransmit), kTimeout + seconds(2));
}

TEST(OrdinaryClockMasterTest, DelayReqIsAnsweredWithItsReceiveTimeAndCorrection) {
  Harness h(master_config());
  become_master(h);
  const PortIdentity requester = port_id(0x60, 3);
  const TimeInterval correction = scaled(1234, 0x8000);  // 1234.5 ns of residence time
  const Nanoseconds received_at = seconds(1'700'000'123) + ns(999'999'999);
  const auto actions =
      h.event(delay_req(requester, 777, correction), received_at, kTimeout + ms(3), kAddressSlave);
  const auto responses = sends_of(actions, MessageType::kDelayResp);
  ASSERT_EQ(responses.size(), 1U);
  EXPECT_EQ(actions.size(), 1U);
  EXPECT_EQ(responses[0].channel, MessageChannel::kGeneral);
  EXPECT_FALSE(responses[0].unicast_to.has_value());
  EXPECT_FALSE(responses[0].timestamp_id.has_value());
  const wire::Message message = decode(responses[0]);
  EXPECT_EQ(message.header.sequence_id, 777);
  EXPECT_EQ(message.header.source_port_identity, kOurPort);
  EXPECT_EQ(message.header.correction_field, correction);
  EXPECT_EQ(message.header.log_message_interval, -3);
  EXPECT_EQ(message.header.control_field, 3);
  EXPECT_FALSE(message.header.flags.unicast());
  const auto& body = std::get<wire::DelayResp>(message.body);
  EXPECT_EQ(body.receive_timestamp, (Timestamp{1'700'000'123, 999'999'999}));
  EXPECT_EQ(body.requesting_port_identity, requester);
  EXPECT_EQ(h.counters().received[static_cast<std::size_t>(MessageType::kDelayReq)], 1U);
  EXPECT_EQ(h.counters().sent[static_cast<std::size_t>(MessageType::kDelayResp)], 1U);
  EXPECT_EQ(h.counters().total_drops(), 0U);
}

TEST(OrdinaryClockMasterTest, UnicastDelayReqGetsAUnicastDelayResp) {
  Harness h(master_config());
  become_master(h);
  const auto actions = h.event(delay_req(port_id(0x60, 3), 5, {}, /*unicast=*/true), seconds(3),
                               kTimeout + ms(3), kAddressSlave);
  const auto responses = sends_of(actions, MessageType::kDelayResp);
  ASSERT_EQ(responses.size(), 1U);
  EXPECT_EQ(responses[0].unicast_to, kAddressSlave);
  EXPECT_TRUE(decode(responses[0]).header.flags.unicast());
}

TEST(OrdinaryClockMasterTest, DelayReqWithoutReceiveTimeIsDropped) {
  Harness h(master_config());
  become_master(h);
  const auto actions = h.receive(delay_req(port_id(0x60, 3), 5), MessageChannel::kEvent,
                                 std::nullopt, kTimeout + ms(3), kAddressSlave);
  EXPECT_TRUE(actions.empty());
  EXPECT_EQ(h.counters().drops(DropReason::kNoReceiveTimestamp), 1U);
  EXPECT_EQ(h.counters().total_drops(), 1U);
}

TEST(OrdinaryClockMasterTest, DelayReqWhileNotMasterIsNotForUs) {
  // Other slaves' multicast requests to their master reach every port: not ours to answer.
  Harness h(master_config());
  h.start(kStart);
  EXPECT_TRUE(h.event(delay_req(port_id(0x60, 3), 5), seconds(3), kStart + ms(1)).empty());
  EXPECT_EQ(h.counters().drops(DropReason::kNotForUs), 1U);
  EXPECT_EQ(h.counters().total_drops(), 1U);
}

TEST(OrdinaryClockMasterTest, SyncFromAnotherMasterWhileMasterIsWrongState) {
  Harness h(master_config());
  become_master(h);
  SyncSpec spec;
  spec.sender = kWorseMaster;
  EXPECT_TRUE(h.event(sync(spec), seconds(3), kTimeout + ms(1)).empty());
  EXPECT_EQ(h.counters().drops(DropReason::kWrongState), 1U);
}

TEST(OrdinaryClockMasterTest, TransmitTimersAreIgnoredOutsideMaster) {
  Harness h(master_config());
  h.start(kStart);
  EXPECT_TRUE(h.timer(PortTimer::kSyncTransmit, kStart + seconds(1)).empty());
  EXPECT_TRUE(h.timer(PortTimer::kAnnounceTransmit, kStart + seconds(1)).empty());
  EXPECT_EQ(h.state(), PortState::kListening);
}

// The driver tells the core which timescale its clock runs (ARB on a UTC system clock): the
// next Announce says so, the other flags stay as configured.
TEST(OrdinaryClockMasterTest, LocalTimescaleSetAtRunTimeIsWhatTheGrandmasterAnnounces) {
  Harness h(master_config());
  h.local_ptp_timescale(false);
  EXPECT_FALSE(h.clock().time_properties_data_set().ptp_timescale);
  const auto announces = sends_of(become_master(h), MessageType::kAnnounce);
  ASSERT_EQ(announces.size(), 1U);
  EXPECT_EQ(decode(announces[0]).header.flags.bits(), HeaderFlags::kLeap61 |
                                                          HeaderFlags::kCurrentUtcOffsetValid |
                                                          HeaderFlags::kTimeTraceable);

  h.local_ptp_timescale(true);
  EXPECT_TRUE(h.clock().time_properties_data_set().ptp_timescale);
  const auto next = sends_of(h.timer(PortTimer::kAnnounceTransmit, kTimeout + seconds(1)),
                             MessageType::kAnnounce);
  ASSERT_EQ(next.size(), 1U);
  EXPECT_TRUE(decode(next[0]).header.flags.ptp_timescale());
}

// While a parent is followed its announced timescale stays; the local one returns with M2.
TEST(OrdinaryClockMasterTest, LocalTimescaleDoesNotOverwriteTheParentsProperties) {
  Harness h(base_config());
  h.start(kStart);
  qualify_master_a(h, kStart + seconds(1));
  ASSERT_EQ(h.state(), PortState::kUncalibrated);
  ASSERT_TRUE(h.clock().time_properties_data_set().ptp_timescale);  // A's flags
  h.local_ptp_timescale(false);
  EXPECT_TRUE(h.clock().time_properties_data_set().ptp_timescale);
  EXPECT_EQ(h.clock().time_properties_data_set().current_utc_offset, 37);

  const auto receipt = h.deadline(PortTimer::kAnnounceReceipt);
  ASSERT_TRUE(receipt.has_value());
  h.timer(PortTimer::kAnnounceReceipt, *receipt);
  ASSERT_EQ(h.state(), PortState::kMaster);
  EXPECT_FALSE(h.clock().time_properties_data_set().ptp_timescale);
}

}  // namespace
// The core tells the driver when the followed timescale changes (a UTC clock needs another
// offset then): once per change of ptpTimescale, currentUtcOffset or its validity, never for an
// Announce that repeats the same properties.
TEST(OrdinaryClockMasterTest, TimescaleChangedIsEmittedOncePerChangeOfTheFollowedTimescale) {
  Harness h(base_config());
  h.start(kStart);
  const auto local = all_of<TimescaleChanged>(h.local_ptp_timescale(false));
  ASSERT_EQ(local.size(), 1U);
  EXPECT_FALSE(local[0].time_properties.ptp_timescale);
  EXPECT_TRUE(all_of<TimescaleChanged>(h.local_ptp_timescale(false)).empty());

  AnnounceSpec spec;
  h.general(announce(spec), kStart + seconds(1));
  spec.sequence_id = 1;
  const auto parent = all_of<TimescaleChanged>(h.general(announce(spec), kStart + seconds(3)));
  ASSERT_EQ(h.state(), PortState::kUncalibrated);
  ASSERT_EQ(parent.size(), 1U);
  EXPECT_TRUE(parent[0].time_properties.ptp_timescale);
  EXPECT_TRUE(parent[0].time_properties.current_utc_offset_valid);
  EXPECT_EQ(parent[0].time_properties.current_utc_offset, 37);

  spec.sequence_id = 2;
  EXPECT_TRUE(all_of<TimescaleChanged>(h.general(announce(spec), kStart + seconds(5))).empty());
  // The grandmaster's leap second: its new offset is followed.
  spec.sequence_id = 3;
  spec.current_utc_offset = 38;
  const auto leap = all_of<TimescaleChanged>(h.general(announce(spec), kStart + seconds(7)));
  ASSERT_EQ(leap.size(), 1U);
  EXPECT_EQ(leap[0].time_properties.current_utc_offset, 38);
  // The local timescale does not touch a parent's properties.
  EXPECT_TRUE(all_of<TimescaleChanged>(h.local_ptp_timescale(true)).empty());
  EXPECT_TRUE(all_of<TimescaleChanged>(h.local_ptp_timescale(false)).empty());

  // The master falls silent: the clock is its own grandmaster on its local (ARB) timescale.
  const auto receipt = h.deadline(PortTimer::kAnnounceReceipt);
  ASSERT_TRUE(receipt.has_value());
  const auto own = all_of<TimescaleChanged>(h.timer(PortTimer::kAnnounceReceipt, *receipt));
  ASSERT_EQ(h.state(), PortState::kMaster);
  ASSERT_EQ(own.size(), 1U);
  EXPECT_FALSE(own[0].time_properties.ptp_timescale);
  EXPECT_EQ(own[0].time_properties, h.clock().time_properties_data_set());
}

}  // namespace ptp::clock_test
