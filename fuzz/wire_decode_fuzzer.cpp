// libFuzzer target for the wire codec: any octets in, no memory error, no UB, and round trips
// that hold.
//
// For each input:
//  1. TlvReader walks the raw input as if it were a TLV area (so the typed TLV decoders are
//     reached without a valid PTP header in front), and must agree with validate_tlv_area.
//  2. decode_message; if it succeeds:
//     - encode_message must succeed into a buffer of exactly messageLength octets (ASan catches any
//       write past it) and fail cleanly with kBufferTooSmall one octet short;
//     - decoding the encoding must give the same Message, with messageLength == octets written;
//     - encoding that again must give the same octets (encoding is a function of the Message);
//     - TlvList over message.tlvs must see exactly what TlvReader sees.
//  3. Every TLV seen goes to every typed decoder: the decoder for its type must not be confused
//     by it, and decoders for other types must refuse it with kWrongTlvType. A TLV that decodes is
//     appended again with its append_* function, read back and decoded, and must compare equal.
//
// A broken property is a bug, reported with __builtin_trap() so libFuzzer saves the input.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "ptp/wire/management_error_status_tlv.h"
#include "ptp/wire/management_tlv.h"
#include "ptp/wire/message.h"
#include "ptp/wire/organization_extension_tlv.h"
#include "ptp/wire/path_trace_tlv.h"
#include "ptp/wire/tlv.h"
#include "ptp/wire/unicast_negotiation_tlv.h"

namespace {

using ptp::ClockIdentity;
using namespace ptp::wire;  // NOLINT(google-build-using-namespace): a harness of this namespace

// Not assert(): it must hold in the RelWithDebInfo (NDEBUG) build the fuzz preset makes.
inline void check(bool property) {
  if (!property) __builtin_trap();
}

// Fills the space an encoder is given, so that octets it writes beyond what it reports show up.
constexpr std::byte kPoison{0xA5};

// Appends one TLV with `append` into `scratch` (sized for a TLV whose value is at most a pad
// octet longer than the `original` it came from) and reads it back: it must be the only TLV
// written, of type `type`, and nothing past it may have been touched.
template <class Append>
TlvView reappend(std::vector<std::byte>& scratch, const TlvView& original, TlvType type,
                 Append append) {
  // A fresh heap block of just this size: ASan reports any write past its end.
  scratch = std::vector<std::byte>(kTlvHeaderSize + original.value.size() + 2, kPoison);
  TlvWriter writer(scratch);
  // Every value a decoder returns must be encodable again.
  check(bool(append(writer)));
  const std::span<const std::byte> written = writer.written();
  check(std::ranges::all_of(std::span(scratch).subspan(written.size()),
                            [](std::byte b) { return b == kPoison; }));
  check(bool(validate_tlv_area(written)));
  TlvReader reader(written);
  auto first = reader.next();
  check(first && first->has_value());
  auto second = reader.next();
  check(second && !second->has_value());
  const TlvView view = **first;
  check(view.type == type);
  check(view.value.size() + kTlvHeaderSize == written.size());
  return view;
}

void fuzz_management_tlv(const TlvView& tlv, std::vector<std::byte>& scratch) {
  auto decoded = decode_management_tlv(tlv);
  if (tlv.type != TlvType::kManagement) {
    check(!decoded && decoded.error() == WireError::kWrongTlvType);
    return;
  }
  if (!decoded) return;
  const TlvView again_view = reappend(scratch, tlv, TlvType::kManagement, [&](TlvWriter& writer) {
    return append_management_tlv(writer, *decoded);
  });
  auto again = decode_management_tlv(again_view);
  check(bool(again));
  // The decoder rejects odd dataFields (15.5.2), so the encoder's padding never changes data
  // that came off the wire.
  if (const auto* raw = std::get_if<RawManagementData>(&decoded->data)) {
    check(raw->octets.size() % 2 == 0);
  }
  check(*again == *decoded);
}

void fuzz_management_error_status_tlv(const TlvView& tlv, std::vector<std::byte>& scratch) {
  auto decoded = decode_management_error_status_tlv(tlv);
  if (tlv.type != TlvType::kManagementErrorStatus) {
    check(!decoded && decoded.error() == WireError::kWrongTlvType);
    return;
  }
  if (!decoded) return;
  // displayData is a view into the TLV.
  if (!decoded->display_data.empty()) {
    const auto* text = reinterpret_cast<const std::byte*>(decoded->display_data.data());  // NOLINT
    check(text >= tlv.value.data() &&
          text + decoded->display_data.size() <= tlv.value.data() + tlv.value.size());
  }
  const TlvView again_view = reappend(
      scratch, tlv, TlvType::kManagementErrorStatus,
      [&](TlvWriter& writer) { return append_management_error_status_tlv(writer, *decoded); });
  check(again_view.value.size() % 2 == 0);  // 15.5.4.1: padded to an even length
  auto again = decode_management_error_status_tlv(again_view);
  check(again && *again == *decoded);
}

void fuzz_path_trace_tlv(const TlvView& tlv, std::vector<std::byte>& scratch) {
  auto decoded = decode_path_trace_tlv(tlv);
  if (tlv.type != TlvType::kPathTrace) {
    check(!decoded && decoded.error() == WireError::kWrongTlvType);
    return;
  }
  if (!decoded) return;
  check(decoded->size() * sizeof(ClockIdentity::octets) == tlv.value.size());
  std::vector<ClockIdentity> path;
  path.reserve(decoded->size());
  for (std::size_t i = 0; i < decoded->size(); ++i) path.push_back((*decoded)[i]);
  const TlvView again_view = reappend(scratch, tlv, TlvType::kPathTrace, [&](TlvWriter& writer) {
    return append_path_trace_tlv(writer, path);
  });
  check(std::ranges::equal(again_view.value, tlv.value));  // no reserved bits: octet-exact
  auto again = decode_path_trace_tlv(again_view);
  check(again && again->size() == path.size());
  for (std::size_t i = 0; i < path.size(); ++i) check((*again)[i] == path[i]);
}

void fuzz_organization_extension_tlv(const TlvView& tlv, std::vector<std::byte>& scratch) {
  auto decoded = decode_organization_extension_tlv(tlv);
  if (!is_organization_extension(tlv.type)) {
    check(!decoded && decoded.error() == WireError::kWrongTlvType);
    return;
  }
  if (!decoded) return;
  check(decoded->type == tlv.type);
  const TlvView again_view = reappend(scratch, tlv, tlv.type, [&](TlvWriter& writer) {
    return append_organization_extension_tlv(writer, *decoded);
  });
  check(std::ranges::equal(again_view.value, tlv.value));  // no reserved bits: octet-exact
  auto again = decode_organization_extension_tlv(again_view);
  check(again && *again == *decoded);
}

void fuzz_unicast_negotiation_tlv(const TlvView& tlv, std::vector<std::byte>& scratch) {
  auto decoded = decode_unicast_negotiation_tlv(tlv);
  if (!is_unicast_negotiation(tlv.type)) {
    check(!decoded && decoded.error() == WireError::kWrongTlvType);
    return;
  }
  if (!decoded) return;
  // Reserved bits are dropped, so the octets may differ; the decoded TLV may not.
  const TlvView again_view = reappend(scratch, tlv, tlv.type, [&](TlvWriter& writer) {
    return append_unicast_negotiation_tlv(writer, *decoded);
  });
  check(again_view.value.size() == tlv.value.size());
  auto again = decode_unicast_negotiation_tlv(again_view);
  check(again && *again == *decoded);
}

void fuzz_typed_tlvs(const TlvView& tlv, std::vector<std::byte>& scratch) {
  fuzz_management_tlv(tlv, scratch);
  fuzz_management_error_status_tlv(tlv, scratch);
  fuzz_path_trace_tlv(tlv, scratch);
  fuzz_organization_extension_tlv(tlv, scratch);
  fuzz_unicast_negotiation_tlv(tlv, scratch);
}

// Walks `area` with TlvReader, checking each view lies inside it; returns the TLVs seen, and
// whether the walk ended cleanly (std::nullopt: it stopped on an error).
std::optional<std::vector<TlvView>> walk(std::span<const std::byte> area) {
  std::vector<TlvView> seen;
  TlvReader reader(area);
  for (;;) {
    auto next = reader.next();
    if (!next) {
      check(next.error() == WireError::kBadTlvLength);
      // A failed reader stays failed-over: it reports the end, never a TLV past the error.
      auto after = reader.next();
      check(after && !after->has_value());
      return std::nullopt;
    }
    if (!next->has_value()) return seen;
    const TlvView& view = **next;
    check(view.value.data() >= area.data() + kTlvHeaderSize &&
          view.value.data() + view.value.size() <= area.data() + area.size());
    seen.push_back(view);
  }
}

bool same_views(const std::vector<TlvView>& a, const std::vector<TlvView>& b) {
  return std::ranges::equal(a, b, [](const TlvView& x, const TlvView& y) {
    return x.type == y.type && x.value.data() == y.value.data() && x.value.size() == y.value.size();
  });
}

void fuzz_raw_tlv_area(std::span<const std::byte> input, std::vector<std::byte>& scratch) {
  const auto seen = walk(input);
  const bool valid = bool(validate_tlv_area(input));
  check(valid == seen.has_value());
  if (!seen) return;
  // A validated area may be iterated by TlvList; it must see the same TLVs.
  std::vector<TlvView> listed;
  for (const TlvView view : TlvList(input)) listed.push_back(view);
  check(same_views(listed, *seen));
  for (const TlvView& view : *seen) fuzz_typed_tlvs(view, scratch);
}

void fuzz_message(std::span<const std::byte> input, std::vector<std::byte>& scratch) {
  auto decoded = decode_message(input);
  if (!decoded) return;
  const Message& message = *decoded;
  const std::size_t length = message.header.message_length;
  check(length <= input.size());
  check(message.type() == message.header.message_type);
  check(fixed_message_length(message.type()) + message.tlvs.size() == length);
  check(message.tlvs.data() == input.data() + fixed_message_length(message.type()));

  // The encoder gets exactly the room it needs, on the heap so ASan sees any octet beyond it.
  std::vector<std::byte> encoded(length);
  auto written = encode_message(message, encoded);
  check(written && *written == length);
  if (length > 0) {
    std::vector<std::byte> short_buffer(length - 1);
    auto refused = encode_message(message, short_buffer);
    check(!refused && refused.error() == WireError::kBufferTooSmall);
  }

  auto again = decode_message(encoded);
  check(bool(again));
  check(*again == message);
  check(again->header.message_length == *written);

  std::vector<std::byte> encoded_again(length);
  auto written_again = encode_message(*again, encoded_again);
  check(written_again && *written_again == *written && encoded_again == encoded);

  // The TLV area is validated: TlvList and TlvReader must agree on it.
  const auto seen = walk(message.tlvs);
  check(seen.has_value());
  std::vector<TlvView> listed;
  for (const TlvView view : message.tlv_list()) listed.push_back(view);
  check(same_views(listed, *seen));
  check(message.tlv_list().empty() == seen->empty());
  for (const TlvView& view : listed) fuzz_typed_tlvs(view, scratch);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the fuzzer's octets as std::byte.
  const std::span<const std::byte> input(reinterpret_cast<const std::byte*>(data), size);
  // Holds each re-appended TLV while its views are checked.
  std::vector<std::byte> scratch;
  fuzz_raw_tlv_area(input, scratch);
  fuzz_message(input, scratch);
  return 0;
}
