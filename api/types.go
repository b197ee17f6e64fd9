package api

import (
	"time"

	"switchboard/monitor"
)

// State is the body of GET /api/v1/state: the monitor's published view in
// stable snake_case names. It is a superset of `switchboard check --json`
// (active, and per provider name, kind, state, class, latency_ms, error),
// with one difference: in PANIC, active names the least-bad backend that
// traffic still goes to, and routable is false (check prints null there).
type State struct {
	Active      *string    `json:"active"`   // null when no provider is enabled
	Routable    bool       `json:"routable"` // a backend is routable: active is set and mode is not PANIC
	Mode        string     `json:"mode"`     // AUTO | PINNED | FORCED | PANIC
	ActiveSince time.Time  `json:"active_since"`
	ActiveCause string     `json:"active_cause"`
	Pinned      *Pinned    `json:"pinned"` // null unless an operator pinned a provider
	Next        *string    `json:"next"`   // the next backend in line, null if none
	Route       []string   `json:"route"`  // the order the gateway tries backends in
	Seq         uint64     `json:"seq"`    // the snapshot's sequence number
	EventSeq    uint64     `json:"event_seq"`
	At          time.Time  `json:"at"`  // when the monitor published it
	Now         time.Time  `json:"now"` // the server's clock, to measure ages against
	Demo        bool       `json:"demo"`
	Dropped     uint64     `json:"dropped"` // gateway reports dropped while the monitor was busy
	Traffic     Traffic    `json:"traffic"`
	Providers   []Provider `json:"providers"` // priority order
	Caller      Caller     `json:"caller"`    // who asked, so attach can go read-only for a viewer
	Fleet       *Fleet     `json:"fleet"`     // null outside a fleet
}

// Fleet is the fleet of replicas the answering one is part of.
type Fleet struct {
	Replica  string         `json:"replica"` // the replica that answers
	Leader   *string        `json:"leader"`  // null while no replica leads
	Leading  bool           `json:"leading"` // the answering replica leads
	Replicas []FleetReplica `json:"replicas"`
	Store    string         `json:"store"` // ok | unreachable: etcd, the fleet store
	// Since is when store last changed: with "unreachable", since when
	// the replica routes on its last route and refuses commands.
	Since time.Time `json:"since"`
	Error string    `json:"error,omitempty"` // why the store is unreachable
}

// Store states of Fleet.
const (
	StoreOK          = "ok"
	StoreUnreachable = "unreachable"
)

// FleetReplica is one replica the fleet store lists.
type FleetReplica struct {
	Name   string    `json:"name"`
	API    string    `json:"api"` // the address its API is advertised at
	Leader bool      `json:"leader"`
	Joined time.Time `json:"joined"` // when its current session with etcd began
	// LastSeen is when it was last known alive: the answer's time while
	// the store answers (its record lives only as long as its lease), else
	// when the store stopped answering.
	LastSeen time.Time `json:"last_seen"`
}

// Caller is who a request was authenticated as.
type Caller struct {
	Name string `json:"name"` // the token's name; "operator" for a local client without tokens
	Role string `json:"role"` // viewer | operator
}

// Pinned is the operator's pin.
type Pinned struct {
	Name  string     `json:"name"`
	Until *time.Time `json:"until"` // null: until "auto"
}

// Traffic is the gateway's traffic over the monitor's window.
type Traffic struct {
	Enabled       bool    `json:"enabled"`
	Listen        string  `json:"listen"`
	Requests      int     `json:"requests"`
	Errors        int     `json:"errors"`
	Retries       int     `json:"retries"`
	RatePerSecond float64 `json:"rate_per_second"`
}

// Provider is one provider in State.
type Provider struct {
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	Priority  int    `json:"priority"` // 0 = most preferred
	Enabled   bool   `json:"enabled"`
	State     string `json:"state"`
	Class     string `json:"class"`      // the last probe's outcome, "" before the first
	LatencyMS int64  `json:"latency_ms"` // the last probe's latency
	Error     string `json:"error"`      // the last probe's error, redacted; "" when it passed
	Status    int    `json:"http_status"`

	Since        time.Time `json:"since"` // when state was entered
	Cause        string    `json:"cause"` // why
	InRotation   bool      `json:"in_rotation"`
	OutOfService bool      `json:"out_of_service"`
	Carries      bool      `json:"carries_traffic"`

	P50MS        int64   `json:"p50_ms"`
	P95MS        int64   `json:"p95_ms"`
	ErrorRate    float64 `json:"error_rate"` // 0..1 over the window
	Availability float64 `json:"availability"`
	Samples      int     `json:"samples"`
	Failures     int     `json:"failures"`
	LastError    string  `json:"last_error"`
	IntervalMS   int64   `json:"interval_ms"`
	TimeoutMS    int64   `json:"timeout_ms"`

	RateLimitedUntil *time.Time `json:"rate_limited_until"`
	DrainedUntil     *time.Time `json:"drained_until"`
	HolddownUntil    *time.Time `json:"holddown_until"`
	Official         *Official  `json:"official"` // null without a status page
	OfficialDown     bool       `json:"official_down"`
	Traffic          Served     `json:"traffic"`
}

// Official is the provider's status page's word.
type Official struct {
	Indicator string    `json:"indicator"`
	Component string    `json:"component"`
	Error     string    `json:"error"`
	At        time.Time `json:"at"`
}

// Served counts the gateway requests one backend served in the window.
type Served struct {
	Served   int `json:"served"`
	Failures int `json:"failures"`
}

// Event is one line of the event log, in /api/v1/events and the stream.
type Event struct {
	Seq      uint64    `json:"seq"`
	At       time.Time `json:"at"`
	Kind     string    `json:"kind"` // state | active | operator
	Provider string    `json:"provider"`
	From     string    `json:"from"`
	To       string    `json:"to"`
	Cause    string    `json:"cause"`
	Actor    string    `json:"actor"`             // policy | gateway | operator | an API token's name
	Replica  string    `json:"replica,omitempty"` // in a fleet: the replica that recorded it, or that the order came through
}

// EventList is the body of GET /api/v1/events.
type EventList struct {
	Events []Event `json:"events"` // oldest first
	More   bool    `json:"more"`   // more events follow the last one: ask again with since = its seq
}

// Readiness is the body of GET /readyz.
type Readiness struct {
	Ready  bool   `json:"ready"`
	Reason string `json:"reason,omitempty"`
	Error  string `json:"error,omitempty"` // the reason again, where every error is read
	Active string `json:"active,omitempty"`
}

func stateOf(s *monitor.Snapshot, now time.Time) State {
	st := State{Active: orNull(s.Active), Routable: s.Routable(), Mode: string(s.Mode),
		ActiveSince: s.ActiveSince, ActiveCause: s.ActiveCause, Next: orNull(s.Next),
		Route: append([]string{}, s.Route...), Seq: s.Seq, EventSeq: newestSeq(s), At: s.At, Now: now,
		Demo: s.Demo, Dropped: s.Dropped, Traffic: Traffic(s.Traffic), Providers: make([]Provider, len(s.Providers))}
	if s.Pinned != "" {
		st.Pinned = &Pinned{Name: s.Pinned, Until: orNullTime(s.PinnedUntil)}
	}
	for i := range s.Providers {
		st.Providers[i] = providerOf(&s.Providers[i])
	}
	if f := s.Fleet; f != nil {
		st.Fleet = fleetOf(f, now)
	}
	return st
}

func fleetOf(f *monitor.FleetStatus, now time.Time) *Fleet {
	out := &Fleet{Replica: f.Replica, Leader: orNull(f.Leader), Leading: f.Leading, Store: StoreOK, Since: f.Since,
		Error: f.StoreErr, Replicas: make([]FleetReplica, len(f.Replicas))}
	seen := now
	if !f.StoreOK {
		out.Store, seen = StoreUnreachable, f.Since
	}
	for i, r := range f.Replicas {
		out.Replicas[i] = FleetReplica{Name: r.Name, API: r.API, Leader: r.Name == f.Leader, Joined: r.Joined, LastSeen: seen}
	}
	return out
}

func providerOf(p *monitor.ProviderSnapshot) Provider {
	out := Provider{Name: p.Name, Kind: p.Kind, Priority: p.Priority, Enabled: p.Enabled, State: string(p.State),
		Since: p.Since, Cause: p.Cause, InRotation: p.InRotation, OutOfService: p.OutOfService, Carries: p.CarriesTraffic,
		P50MS: ms(p.Stats.P50), P95MS: ms(p.Stats.P95), ErrorRate: p.Stats.ErrorRate, Availability: p.Stats.Availability,
		Samples: p.Stats.Samples, Failures: p.Stats.Failures, LastError: p.Stats.LastError,
		IntervalMS: ms(p.Interval), TimeoutMS: ms(p.Timeout), RateLimitedUntil: orNullTime(p.RateLimitedUntil),
		DrainedUntil: orNullTime(p.DrainedUntil), HolddownUntil: orNullTime(p.HolddownUntil),
		OfficialDown: p.OfficialDown, Traffic: Served(p.Traffic)}
	if p.HasLast {
		out.Class, out.LatencyMS, out.Error, out.Status = string(p.Last.Class), ms(p.Last.Latency), p.Last.Err, p.Last.Status
	}
	if o := p.Official; o != nil {
		out.Official = &Official{Indicator: o.Indicator, Component: o.Component, Error: o.Err, At: o.At}
	}
	return out
}

func eventOf(e monitor.Event) Event {
	return Event{Seq: e.Seq, At: e.At, Kind: string(e.Kind), Provider: e.Provider, From: e.From, To: e.To,
		Cause: e.Cause, Actor: string(e.Actor), Replica: e.Replica}
}

// newestSeq is the sequence number of the newest event s keeps, 0 for none.
func newestSeq(s *monitor.Snapshot) uint64 {
	if len(s.Events) == 0 {
		return 0
	}
	return s.Events[len(s.Events)-1].Seq
}

// ms rounds as check --json does.
func ms(d time.Duration) int64 { return d.Round(time.Millisecond).Milliseconds() }

func orNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func orNullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
