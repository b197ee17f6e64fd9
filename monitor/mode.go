package monitor

import "time"

// EventMode is the kind of an event that records the mode entering or
// leaving PANIC. Nothing else marks it: PANIC can begin without the active
// backend changing (the least-bad provider stays), and it is what an
// on-call most needs to hear of.
const EventMode EventKind = "mode"

// modeChanged records PANIC entered or left; other mode changes (a pin, a
// drain) already have the operator's event, or end by the clock alone.
// Provider names the backend active after the decision.
func (c *core) modeChanged(from, to Mode, active string, now time.Time, actor Actor) {
	if (from == ModePanic) == (to == ModePanic) {
		return
	}
	cause := "nothing routable: the least-bad backend stays active"
	if from == ModePanic {
		cause = "a backend is routable again"
		if to == ModePinned {
			cause = "the operator pinned a backend"
		}
	}
	c.event(Event{At: now, Kind: EventMode, Provider: active, From: string(from), To: string(to), Cause: cause, Actor: actor})
}
