package monitor

import "time"

// Journal makes what the monitor decides survive a restart and kill -9.
// The monitor calls it from its one decider goroutine; an implementation
// (store.Store, a bbolt file) need not lock against the monitor.
type Journal interface {
	// Commit durably records (fsync) the events and the state they left,
	// in one transaction, and returns only once they are on disk. The
	// monitor calls it before it publishes a snapshot that shows the
	// events and before it acknowledges an operator's order; an error
	// refuses the order (ErrNotRecorded) and undoes it.
	Commit(state *Persisted, events []Event) error
	// Samples hands over probe samples for the latency charts. They may
	// be written in batches: a crash may lose the last second of them,
	// never a decision or an event. It must not block.
	Samples(provider string, samples []Sample)
}

// OrderJournal is a Journal that is told which order a commit records
// (Order.ID), so that the order and what it decided are kept in one
// transaction: a fleet's journal takes the order off the fleet's queue
// there, and a new leader never applies it twice.
type OrderJournal interface {
	Journal
	CommitOrder(id string, state *Persisted, events []Event) error
}

// Persisted is what a restart must not forget: the operator's decisions
// and what the policy has learnt. Latency samples travel apart (see
// Journal.Samples) and events with their sequence numbers.
type Persisted struct {
	SavedAt     time.Time
	Seq         uint64 // the newest event's sequence number
	Active      string
	ActiveSince time.Time
	ActiveCause string
	Pinned      string
	PinnedUntil time.Time // zero: until Auto
	Providers   []PersistedProvider
	// Mode and Route are what the decisions above left: the route a
	// fleet's followers take as it is. A restart decides them again.
	Mode  Mode     `json:",omitempty"`
	Route []string `json:",omitempty"`
}

// PersistedProvider is one provider's part of Persisted, matched to the
// config by name.
type PersistedProvider struct {
	Name             string
	Enabled          bool
	State            State
	Since            time.Time
	Cause            string
	RateLimitedUntil time.Time
	DrainedUntil     time.Time
	HolddownUntil    time.Time
	Ejections        int
	Rejoining        bool
}

// Restored is what a Journal read back at start: the state, the newest
// events (oldest first) and the latency samples of the current window.
type Restored struct {
	State   *Persisted
	Events  []Event
	Samples map[string][]Sample
}
