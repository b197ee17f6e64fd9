package monitor

import (
	"time"

	"switchboard/probes"
)

// State is a provider's health state.
type State string

// Health states. Only up, degraded and unknown (before the first probe)
// take traffic; the others are out of rotation until probes say otherwise.
const (
	StateUnknown       State = "unknown"
	StateUp            State = "up"
	StateDegraded      State = "degraded"
	StateDown          State = "down"
	StateRateLimited   State = "rate-limited"
	StateMisconfigured State = "misconfigured"
	StateDisabled      State = "disabled"
)

// Routable reports whether traffic may be sent to a provider in this state.
// Unknown counts as routable so a fresh start can serve before the first probe.
func (s State) Routable() bool {
	return s == StateUp || s == StateDegraded || s == StateUnknown
}

// Mode says who is choosing the active backend.
type Mode string

// Modes shown in the dashboard header.
const (
	ModeAuto   Mode = "AUTO"
	ModePinned Mode = "PINNED"
	ModeForced Mode = "FORCED" // a force failover drain is in effect
	ModePanic  Mode = "PANIC"  // nothing routable; least-bad stays active
)

// Actor says who caused an event.
type Actor string

// Actors of events.
const (
	ActorPolicy   Actor = "policy"
	ActorOperator Actor = "operator"
	ActorGateway  Actor = "gateway"
	ActorConfig   Actor = "config" // a config reload added, removed or changed a provider
)

// EventKind separates provider state changes from active-backend changes.
type EventKind string

// Event kinds.
const (
	EventState    EventKind = "state"    // a provider changed health state
	EventActive   EventKind = "active"   // the active backend changed
	EventOperator EventKind = "operator" // an operator command was applied
)

// Event is one line of the event log.
type Event struct {
	Seq      uint64 // 1, 2, 3…: a reader that saw n has seen every event up to n
	At       time.Time
	Kind     EventKind
	Provider string // the provider concerned (for EventActive: the new active)
	From, To string // states, or backend names for EventActive ("" = none)
	Cause    string // e.g. "3× timeout", "pinned by operator", "recovered, hold-down 30s passed"
	Actor    Actor
	// Replica is the fleet replica that recorded the event, or through
	// which the order that caused it came; "" outside a fleet.
	Replica string `json:",omitempty"`
}

// Sample is one point of a latency sparkline.
type Sample struct {
	At      time.Time
	Latency time.Duration
	Class   probes.Class // failures are drawn distinctly, never as zero latency
}

// Stats are window statistics of a provider's probes.
type Stats struct {
	Samples      int
	Failures     int
	ErrorRate    float64 // 0..1
	Availability float64 // 0..1
	P50, P95     time.Duration
	ByClass      map[probes.Class]int
	LastError    string
}

// ProviderSnapshot is one provider at one instant.
type ProviderSnapshot struct {
	Name     string
	Kind     string
	Priority int // 0 = most preferred (config order)
	Enabled  bool
	State    State
	Since    time.Time // when State was entered
	Cause    string    // why State was entered
	Last     probes.Result
	HasLast  bool
	Stats    Stats
	Samples  []Sample // oldest first, bounded
	Official *probes.StatusWord
	// OfficialDown is set while an authoritative status page reports an
	// outage: the policy then keeps the provider out of rotation whatever
	// its probes say, and so must everything that reads the Snapshot.
	OfficialDown bool

	RateLimitedUntil time.Time
	DrainedUntil     time.Time // force failover drain
	HolddownUntil    time.Time // failback hold-down after an ejection
	Interval         time.Duration
	Timeout          time.Duration // current (adaptive) probe timeout
	Traffic          BackendTraffic
	App              AppStats // what the applications' own requests felt

	// ProbeCalls and ProbeTokens count this provider's probes and the
	// tokens they spent since the monitor started (probes.Result.Tokens):
	// running totals, for a counter metric and the detail pane's estimate.
	ProbeCalls  uint64
	ProbeTokens uint64

	// CarriesTraffic is false for a kind that only reports health (kind
	// http): it is shown but never active, next, or in the route.
	CarriesTraffic bool
	// InRotation says the published Route lists this provider: new
	// requests may be sent to it.
	InRotation bool
	// OutOfService says the monitor has taken the provider out (disabled,
	// failing, officially down, or it carries no traffic) and it is not
	// the active backend: attempts still waiting on it should move. A
	// drained provider is not out of service: a drain is a preference,
	// and its in-flight requests may finish.
	OutOfService bool
}

// BackendTraffic counts gateway requests served by one backend in the window.
type BackendTraffic struct {
	Served   int
	Failures int
}

// AppStats is what the applications' requests through the gateway felt
// of one backend, beside what its probes say: a provider that probes fine
// but serves real requests slowly shows here. Figures are over the
// window, the rate over the last 10 s; a zero means no such request.
type AppStats struct {
	RatePerSecond float64       // requests that ended on this backend, per second
	Streams       int           // streamed answers it served: the TTFT's samples
	TTFTP50       time.Duration // their median time to first token (from a histogram)
	// TokensPerSecond is the tokens its answers generated per second of
	// answer time, over the answers that reported their usage.
	TokensPerSecond float64
}

// Traffic summarises the gateway over the window.
type Traffic struct {
	Enabled       bool
	Listen        string
	Requests      int
	Errors        int // client-visible errors
	Retries       int // attempts beyond the first
	RatePerSecond float64
}

// Snapshot is an immutable view of every provider at one instant.
// Consumers must not modify it.
type Snapshot struct {
	Seq         uint64
	At          time.Time
	Providers   []ProviderSnapshot // priority order
	Active      string             // "" when no provider is configured/enabled
	ActiveSince time.Time
	ActiveCause string
	Mode        Mode
	Pinned      string
	PinnedUntil time.Time // zero: until cleared
	Next        string    // next backend in line, "" if none
	// Route is the order in which the gateway tries backends: the active
	// one first, then every provider in rotation in the order the policy
	// would fail over to them, so a retry goes where the policy is about to
	// send traffic anyway. In PANIC it holds the active (least-bad) backend
	// alone. The monitor decides it once per snapshot; readers never
	// re-derive it.
	Route []string
	// Dropped counts gateway reports (passive results, request records)
	// the monitor had to drop because its goroutine was busy.
	Dropped uint64
	// JournalErr says why the newest events could not be recorded to the
	// state file ("" when all is kept): they are lost on a restart.
	JournalErr string
	Events     []Event // newest last, bounded
	Traffic    Traffic
	Demo       bool
	// Fleet is the fleet this replica is part of (nil outside a fleet):
	// who leads, who is there, and whether the fleet store is reachable.
	Fleet *FleetStatus `json:",omitempty"`
	// Window is the span the statistics and samples cover, so a chart of
	// the samples can keep one time scale from the first sample on.
	Window time.Duration
}

// Provider returns the named provider's snapshot.
func (s *Snapshot) Provider(name string) (*ProviderSnapshot, bool) {
	for i := range s.Providers {
		if s.Providers[i].Name == name {
			return &s.Providers[i], true
		}
	}
	return nil, false
}

// Routable reports whether traffic has a backend the policy stands by: an
// active one, not PANIC's least bad. `check`'s exit code and the API's
// state say this.
func (s *Snapshot) Routable() bool { return s.Active != "" && s.Mode != ModePanic }
