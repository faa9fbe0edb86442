// The lower bound beside the oracle: what an estimator could do on a run's own packets if it
// knew the whole run (non-causal), each direction's true delay floor, and the oscillators' phase
// trajectory up to the wander they cannot predict. It brackets the phase at each instant between
// the lowest-delay Sync and the lowest-delay Delay_Req within +-W (the Sync's excess over the
// floor can only put the offset too high, the Delay_Req's too low) and takes the middle; the
// window W is the best of 0.25-128 s for the run, each W paying the phase wander over it.
#pragma once

#include <span>
#include <vector>

namespace ptp::accuracy {

// One direction's event messages (Syncs, or Delay_Reqs): when each left (seconds of simulated
// time) and its true network delay (ns), as the simulator delivered them.
struct PathDelays {
  std::vector<double> sent_s;
  std::vector<double> delay_ns;
};

struct LowerBound {
  bool valid = false;
  double rms_ns = 0;    // over the evaluation instants, wander term included
  double window_s = 0;  // the half-window W that gives it
};

// `at_s`: the instants to evaluate (ascending). `diffusion_ppb2_per_s`: the frequency random walk
// of the crystals (their phase departs from a line over +-W by D W^3 / 6 in variance);
// `ramp_ns_per_s2`: a known-to-be-there frequency ramp (its phase bends by a W^2 / 2).
LowerBound lower_bound(const PathDelays& to_slave, const PathDelays& to_master,
                       std::span<const double> at_s, double diffusion_ppb2_per_s,
                       double ramp_ns_per_s2);

}  // namespace ptp::accuracy
