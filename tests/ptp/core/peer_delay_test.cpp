// PeerDelay: the requester's matching and arithmetic of 11.4, fed hand-built replies with
// explicit times.
#include "ptp/core/peer_delay.h"

#include <gtest/gtest.h>

#include "test_data_sets.h"

namespace ptp {
namespace {

using test::port_id;

const PortIdentity kUs = port_id(0x50, 1);
const PortIdentity kPeer = port_id(0x10, 1);
const PortIdentity kOtherPeer = port_id(0x20, 1);

Timestamp ts(std::int64_t nanoseconds) {
  const auto value = Timestamp::from_nanoseconds(Nanoseconds(nanoseconds));
  EXPECT_TRUE(value.has_value());
  return value.has_value() ? value.value() : Timestamp{};
}

wire::Header reply_header(wire::MessageType type, const PortIdentity& from, std::uint16_t sequence,
                          std::int64_t correction_ns = 0, bool two_step = true) {
  wire::Header header;
  header.message_type = type;
  header.source_port_identity = from;
  header.sequence_id = sequence;
  header.correction_field = TimeInterval::from_scaled(correction_ns * 65536);
  header.flags.set(wire::HeaderFlags::kTwoStep, two_step);
  return header;
}

PeerDelayConfig config(std::size_t filter_length = 1) {
  PeerDelayConfig peer;
  peer.port_identity = kUs;
  peer.filter_length = filter_length;
  return peer;
}

// One two-step exchange: t1 local send, t2/t3 the responder's clock, t4 local receive.
PeerDelayVerdict exchange(PeerDelay& peer, std::uint16_t sequence, std::int64_t t1, std::int64_t t2,
                          std::int64_t t3, std::int64_t t4, std::int64_t c1 = 0,
                          std::int64_t c2 = 0, const PortIdentity& from = kPeer) {
  const TxTimestampId id{sequence + 1000U};
  (void)peer.request_sent(sequence, id);
  EXPECT_TRUE(peer.request_transmitted(id, Nanoseconds(t1)));
  EXPECT_EQ(peer.response(reply_header(wire::MessageType::kPdelayResp, from, sequence, c1),
                          wire::PdelayResp{ts(t2), kUs}, Nanoseconds(t4)),
            PeerDelayVerdict::kWaiting);
  return peer.follow_up(reply_header(wire::MessageType::kPdelayRespFollowUp, from, sequence, c2),
                        wire::PdelayRespFollowUp{ts(t3), kUs});
}

TEST(PeerDelay, TwoStepLinkDelayIsHalfTheRoundTripLessTheTurnaround) {
  PeerDelay peer(config());
  // Link 500 ns each way, responder 7 us ahead of us, turnaround 20 us.
  EXPECT_EQ(exchange(peer, 1, 1'000'000, 1'007'500, 1'027'500, 1'021'000),
            PeerDelayVerdict::kMeasured);
  ASSERT_TRUE(peer.mean_link_delay().has_value());
  EXPECT_EQ(peer.mean_link_delay()->count(), 500);
  EXPECT_TRUE(peer.capable());
  EXPECT_EQ(peer.peer(), kPeer);
}

TEST(PeerDelay, CorrectionFieldsCountAsTurnaround) {
  PeerDelay peer(config());
  // As above, but the Follow_Up's correctionField (the request's, sent back) holds 100 ns and
  // the response's 40 ns: both are subtracted from the round trip.
  EXPECT_EQ(exchange(peer, 1, 1'000'000, 1'007'500, 1'027'500, 1'021'140, 40, 100),
            PeerDelayVerdict::kMeasured);
  EXPECT_EQ(peer.mean_link_delay()->count(), 500);
}

TEST(PeerDelay, FollowUpBeforeResponseStillPairs) {
  PeerDelay peer(config());
  const TxTimestampId id{7};
  (void)peer.request_sent(3, id);
  EXPECT_EQ(peer.follow_up(reply_header(wire::MessageType::kPdelayRespFollowUp, kPeer, 3),
                           wire::PdelayRespFollowUp{ts(1'027'500), kUs}),
            PeerDelayVerdict::kWaiting);
  EXPECT_EQ(peer.response(reply_header(wire::MessageType::kPdelayResp, kPeer, 3),
                          wire::PdelayResp{ts(1'007'500), kUs}, Nanoseconds(1'021'000)),
            PeerDelayVerdict::kWaiting);  // t1 not yet reported
  EXPECT_TRUE(peer.request_transmitted(id, Nanoseconds(1'000'000)));
  EXPECT_EQ(peer.try_complete(), PeerDelayVerdict::kMeasured);
  EXPECT_EQ(peer.mean_link_delay()->count(), 500);
}

TEST(PeerDelay, OneStepResponseCarriesTheTurnaroundInItsCorrection) {
  PeerDelay peer(config());
  const TxTimestampId id{1};
  (void)peer.request_sent(1, id);
  EXPECT_TRUE(peer.request_transmitted(id, Nanoseconds(1'000'000)));
  EXPECT_EQ(peer.response(reply_header(wire::MessageType::kPdelayResp, kPeer, 1, 20'000, false),
                          wire::PdelayResp{Timestamp{}, kUs}, Nanoseconds(1'021'000)),
            PeerDelayVerdict::kMeasured);
  EXPECT_EQ(peer.mean_link_delay()->count(), 500);
}

TEST(PeerDelay, NeighborRateRatioScalesOurIntervalToTheResponders) {
  PeerDelay peer(config());
  // The responder runs 100 ppm fast: over 1 s of ours, 1.0001 s of its. Link 500 ns (in the
  // responder's units), turnaround 1 ms of the responder's clock.
  const double ratio = 1.0001;
  auto local = [&](std::int64_t responder_ns) {
    return static_cast<std::int64_t>(static_cast<double>(responder_ns) / ratio);
  };
  std::int64_t base = 10'000'000'000;
  for (std::uint16_t sequence = 0; sequence < 3; ++sequence) {
    const std::int64_t t2 = base + 500;
    const std::int64_t t3 = t2 + 1'000'000;
    const std::int64_t t1 = local(base);
    const std::int64_t t4 = local(t3 + 500);
    EXPECT_EQ(exchange(peer, sequence, t1, t2, t3, t4), PeerDelayVerdict::kMeasured);
    base += 1'000'100'000;
  }
  EXPECT_TRUE(peer.rate_ratio_valid());
  EXPECT_NEAR(peer.neighbor_rate_ratio(), ratio, 1e-8);
  // Without the ratio the 1 ms turnaround would be off by 100 ns, the delay by 50 ns.
  EXPECT_NEAR(static_cast<double>(peer.mean_link_delay()->count()), 500.0, 1.0);
}

TEST(PeerDelay, RepliesThatMatchNoRequestAreRefused) {
  PeerDelay peer(config());
  const auto response = [&](const PortIdentity& from, std::uint16_t sequence,
                            const PortIdentity& requester) {
    return peer.response(reply_header(wire::MessageType::kPdelayResp, from, sequence),
                         wire::PdelayResp{ts(1), requester}, Nanoseconds(5));
  };
  EXPECT_EQ(response(kPeer, 1, kUs), PeerDelayVerdict::kNoRequest);
  (void)peer.request_sent(4, TxTimestampId{1});
  EXPECT_EQ(response(kPeer, 4, kOtherPeer), PeerDelayVerdict::kNotForUs);
  EXPECT_EQ(response(kPeer, 3, kUs), PeerDelayVerdict::kWrongSequence);
  EXPECT_EQ(response(kPeer, 4, kUs), PeerDelayVerdict::kWaiting);
  EXPECT_EQ(response(kPeer, 4, kUs), PeerDelayVerdict::kWrongSequence);  // repeated
  EXPECT_EQ(response(kOtherPeer, 4, kUs), PeerDelayVerdict::kSecondResponder);
}

TEST(PeerDelay, SeveralRespondersInThreeIntervalsInARowFault) {
  PeerDelay peer(config());
  for (std::uint16_t sequence = 0; sequence < 4; ++sequence) {
    const auto outcome = peer.request_sent(sequence, TxTimestampId{sequence + 1U});
    EXPECT_EQ(outcome.multiple_peers_fault, sequence == 3) << sequence;
    EXPECT_EQ(outcome.previous_unanswered, sequence > 0);
    (void)peer.response(reply_header(wire::MessageType::kPdelayResp, kPeer, sequence),
                        wire::PdelayResp{ts(1), kUs}, Nanoseconds(5));
    EXPECT_EQ(peer.response(reply_header(wire::MessageType::kPdelayResp, kOtherPeer, sequence),
                            wire::PdelayResp{ts(1), kUs}, Nanoseconds(5)),
              PeerDelayVerdict::kSecondResponder);
  }
}

TEST(PeerDelay, DelayBeyondTheThresholdMakesThePortNotCapable) {
  PeerDelayConfig limits = config();
  limits.neighbor_prop_delay_thresh = Nanoseconds(800);
  limits.min_neighbor_prop_delay = Nanoseconds(100);
  PeerDelay peer(limits);
  EXPECT_EQ(exchange(peer, 1, 1'000'000, 1'000'500, 1'020'500, 1'021'000),
            PeerDelayVerdict::kMeasured);  // 500 ns
  EXPECT_TRUE(peer.capable());
  EXPECT_EQ(exchange(peer, 2, 2'000'000, 2'000'900, 2'020'900, 2'021'800),
            PeerDelayVerdict::kMeasured);  // 900 ns
  EXPECT_FALSE(peer.capable());
  EXPECT_EQ(exchange(peer, 3, 3'000'000, 3'000'050, 3'020'050, 3'020'100),
            PeerDelayVerdict::kMeasured);  // 50 ns
  EXPECT_FALSE(peer.capable());
  EXPECT_EQ(exchange(peer, 4, 4'000'000, 4'000'500, 4'020'500, 4'021'000),
            PeerDelayVerdict::kMeasured);
  EXPECT_TRUE(peer.capable());
}

TEST(PeerDelay, LostRequestTimestampVoidsTheExchange) {
  PeerDelay peer(config());
  (void)peer.request_sent(1, TxTimestampId{9});
  EXPECT_TRUE(peer.request_lost(TxTimestampId{9}));
  EXPECT_EQ(peer.response(reply_header(wire::MessageType::kPdelayResp, kPeer, 1),
                          wire::PdelayResp{ts(1), kUs}, Nanoseconds(5)),
            PeerDelayVerdict::kNoRequest);
  EXPECT_FALSE(peer.mean_link_delay().has_value());
}

}  // namespace
}  // namespace ptp
