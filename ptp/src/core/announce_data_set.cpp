// announce_data_set: the fields of an Announce (header and body) the BMCA compares and copies.
#include "ptp/core/announce_data_set.h"

namespace ptp {

AnnounceDataSet announce_data_set(const wire::Header& header, const wire::Announce& announce,
                                  const PortIdentity& receiver) {
  AnnounceDataSet data_set;
  data_set.grandmaster_priority1 = announce.grandmaster_priority1;
  data_set.grandmaster_clock_quality = announce.grandmaster_clock_quality;
  data_set.grandmaster_priority2 = announce.grandmaster_priority2;
  data_set.grandmaster_identity = announce.grandmaster_identity;
  data_set.steps_removed = announce.steps_removed;
  data_set.sender = header.source_port_identity;
  data_set.receiver = receiver;
  data_set.time_source = announce.time_source;
  data_set.current_utc_offset = announce.current_utc_offset;
  const wire::HeaderFlags flags = header.flags;
  data_set.flags.leap61 = flags.leap61();
  data_set.flags.leap59 = flags.leap59();
  data_set.flags.current_utc_offset_valid = flags.current_utc_offset_valid();
  data_set.flags.ptp_timescale = flags.ptp_timescale();
  data_set.flags.time_traceable = flags.time_traceable();
  data_set.flags.frequency_traceable = flags.frequency_traceable();
  return data_set;
}

}  // namespace ptp
