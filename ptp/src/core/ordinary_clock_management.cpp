// OrdinaryClock's management port: requests go to the pure responder with a snapshot of the data
// sets; a SET it accepts is applied here, and a priority or domain change re-runs the BMCA, since
// it may change who is master.
#include "ptp/core/management_responder.h"
#include "ptp/core/ordinary_clock.h"

namespace ptp {

void OrdinaryClock::handle_management(const wire::Message& message, const ReceivedMessage& received,
                                      Nanoseconds now, PortActions& out) {
  ManagementContext context;
  context.default_ds = default_ds_;
  context.current_ds = clock_ds_.current;
  context.parent_ds = clock_ds_.parent;
  context.time_properties_ds = clock_ds_.time_properties;
  context.port_ds = port_ds_;
  context.port_identity = port_ds_.port_identity;
  context.domain_number = default_ds_.domain_number;

  SendMessage reply;
  reply.channel = MessageChannel::kGeneral;
  const auto outcome = respond_to_management(message, context, reply.buffer);
  if (!outcome) {
    drop(DropReason::kManagementError);
    return;
  }
  if (!outcome.value()) {
    drop(DropReason::kNotForUs);  // a reply to someone, or a request for another clock
    return;
  }
  reply.length = outcome.value()->response_length;
  if (message.header.flags.unicast()) reply.unicast_to = received.source;
  ++counters_.management_replies;
  ++counters_.sent[static_cast<std::size_t>(wire::MessageType::kManagement)];
  out.push(reply);

  if (const auto& change = outcome.value()->change) {
    default_ds_ = with_management_change(default_ds_, *change);
    if (change->setting == ManagementSetting::kDomainNumber) {
      // Another domain is another network: nothing heard so far applies.
      foreign_masters_.clear();
    }
    run_state_decision(now, out);
  }
}

}  // namespace ptp
