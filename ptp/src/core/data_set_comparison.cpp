// The data set comparison algorithm (1588-2019 9.3.4). Each branch carries the name of its box in
// Figure 34 (grandmaster part) or Figure 35 (topology part), so a reader can follow the figure.
#include "ptp/core/data_set_comparison.h"

namespace ptp {
namespace {

// Lower values win every field of Figure 34; ties fall through to the next box.
enum class FieldOrder : std::uint8_t { kALower, kBLower, kEqual };

template <class T>
constexpr FieldOrder order(const T& a, const T& b) {
  if (a < b) return FieldOrder::kALower;
  if (b < a) return FieldOrder::kBLower;
  return FieldOrder::kEqual;
}

// Clock identities order as unsigned octet strings, port identities by clockIdentity and
// then portNumber. Spelled out rather than through the types' defaulted operator<=>, which
// clang-tidy 14 misreports (modernize-use-nullptr) wherever a relational use instantiates it.
FieldOrder order(const ClockIdentity& a, const ClockIdentity& b) {
  return order(a.octets, b.octets);
}

FieldOrder order(const PortIdentity& a, const PortIdentity& b) {
  const FieldOrder by_clock = order(a.clock_identity, b.clock_identity);
  return by_clock != FieldOrder::kEqual ? by_clock : order(a.port_number, b.port_number);
}

// Figure 35, the boxes "Compare Identities of Receiver of X and Sender of X", for the data set X
// whose stepsRemoved is exactly one more than the other's (identities compared as PortIdentity:
// clockIdentity, then portNumber).
ComparisonResult compare_receiver_with_sender(const AnnounceDataSet& x, bool x_is_a) {
  switch (order(x.receiver, x.sender)) {
    case FieldOrder::kALower:  // Receiver < Sender: the other is better than X
      return x_is_a ? ComparisonResult::kBBetter : ComparisonResult::kABetter;
    case FieldOrder::kBLower:  // Receiver > Sender: the other is better by topology than X
      return x_is_a ? ComparisonResult::kBBetterByTopology : ComparisonResult::kABetterByTopology;
    case FieldOrder::kEqual: break;  // Receiver = Sender
  }
  return ComparisonResult::kError1;
}

// Figure 35: A and B name the same grandmaster; prefer the shorter or lower-identity path.
ComparisonResult compare_topology(const AnnounceDataSet& a, const AnnounceDataSet& b) {
  const int steps_a = a.steps_removed;
  const int steps_b = b.steps_removed;
  // Box "Compare Steps Removed of A and B".
  if (steps_a > steps_b + 1) return ComparisonResult::kBBetter;                     // A > B+1
  if (steps_a + 1 < steps_b) return ComparisonResult::kABetter;                     // A+1 < B
  if (steps_a > steps_b) return compare_receiver_with_sender(a, /*x_is_a=*/true);   // A = B+1
  if (steps_a < steps_b) return compare_receiver_with_sender(b, /*x_is_a=*/false);  // A+1 = B
  // A = B: box "Compare Identities of Senders of A and B".
  switch (order(a.sender, b.sender)) {
    case FieldOrder::kALower: return ComparisonResult::kABetterByTopology;  // A < B
    case FieldOrder::kBLower: return ComparisonResult::kBBetterByTopology;  // A > B
    case FieldOrder::kEqual: break;
  }
  // Box "Compare Port Numbers of Receivers of A and B".
  switch (order(a.receiver.port_number, b.receiver.port_number)) {
    case FieldOrder::kALower: return ComparisonResult::kABetterByTopology;  // A < B
    case FieldOrder::kBLower: return ComparisonResult::kBBetterByTopology;  // A > B
    case FieldOrder::kEqual: break;
  }
  return ComparisonResult::kError2;  // A = B
}

constexpr ComparisonResult winner(FieldOrder field_order) {
  return field_order == FieldOrder::kALower ? ComparisonResult::kABetter
                                            : ComparisonResult::kBBetter;
}

}  // namespace

ComparisonResult compare_data_sets(const AnnounceDataSet& a, const AnnounceDataSet& b) {
  // Figure 34, box "GM Identity of A = GM Identity of B?": yes goes to Figure 35.
  if (a.grandmaster_identity == b.grandmaster_identity) return compare_topology(a, b);

  const ClockQuality& quality_a = a.grandmaster_clock_quality;
  const ClockQuality& quality_b = b.grandmaster_clock_quality;
  // Box "Compare GM Priority1 Values".
  if (const auto o = order(a.grandmaster_priority1, b.grandmaster_priority1);
      o != FieldOrder::kEqual) {
    return winner(o);
  }
  // Box "Compare GM Class Values".
  if (const auto o = order(quality_a.clock_class, quality_b.clock_class); o != FieldOrder::kEqual) {
    return winner(o);
  }
  // Box "Compare GM Accuracy Values": the numeric enumeration values (Table 5), lower is better.
  if (const auto o = order(quality_a.clock_accuracy, quality_b.clock_accuracy);
      o != FieldOrder::kEqual) {
    return winner(o);
  }
  // Box "Compare GM offsetScaledLogVariance Values".
  if (const auto o =
          order(quality_a.offset_scaled_log_variance, quality_b.offset_scaled_log_variance);
      o != FieldOrder::kEqual) {
    return winner(o);
  }
  // Box "Compare GM Priority2 Values".
  if (const auto o = order(a.grandmaster_priority2, b.grandmaster_priority2);
      o != FieldOrder::kEqual) {
    return winner(o);
  }
  // Box "Compare GM Identity Values": the tie-break; they differ, or Figure 35 would have run.
  return winner(order(a.grandmaster_identity, b.grandmaster_identity));
}

AnnounceDataSet d0_data_set(const DefaultDataSet& default_ds) {
  const PortIdentity self{default_ds.clock_identity, 0};
  AnnounceDataSet d0;
  d0.grandmaster_priority1 = default_ds.priority1;
  d0.grandmaster_clock_quality = default_ds.clock_quality;
  d0.grandmaster_priority2 = default_ds.priority2;
  d0.grandmaster_identity = default_ds.clock_identity;
  d0.steps_removed = 0;
  d0.sender = self;
  d0.receiver = self;
  return d0;
}

std::string_view to_string(ComparisonResult result) {
  switch (result) {
    case ComparisonResult::kABetter: return "A better than B";
    case ComparisonResult::kBBetter: return "B better than A";
    case ComparisonResult::kABetterByTopology: return "A better by topology than B";
    case ComparisonResult::kBBetterByTopology: return "B better by topology than A";
    case ComparisonResult::kError1: return "error-1";
    case ComparisonResult::kError2: return "error-2";
  }
  return "unknown comparison result";
}

}  // namespace ptp
