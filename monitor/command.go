package monitor

import "time"

// Command is an operator (or gateway) instruction to the monitor. The TUI,
// the gateway and the API all send the same Commands.
type Command interface{ command() }

// Order is a Command with who gave it and what they saw when they did: it
// is applied only if the active backend is still ExpectActive ("" = no
// expectation), and its events name Actor (an API token's name, say) as
// an audit trail.
type Order struct {
	Command      Command
	Actor        Actor // default ActorOperator
	ExpectActive string
	// Replica is the fleet replica the order came through: its events
	// name it ("" is this one). ID names the order to a Journal that is an
	// OrderJournal, so that the order and its removal from the fleet's
	// queue are recorded together ("" for none).
	Replica string
	ID      string
}

// Ack is what an applied Order left: the active backend, and the
// sequence number of the newest event.
type Ack struct {
	Active string
	Seq    uint64
}

// ForceFailover drains the active backend for the policy's drain period and
// moves to the next routable one. From and To are what the operator saw
// when they asked (the active backend and the one the prompt named); the
// monitor refuses the command when either no longer holds, rather than
// move traffic somewhere the prompt did not say. "" means no expectation.
type ForceFailover struct {
	From string
	To   string
}

// Pin keeps Provider active whatever the policy says, for For (0 = until Auto).
type Pin struct {
	Provider string
	For      time.Duration
}

// Auto clears pins and drains and hands the choice back to the policy; with
// failback: manual it is also how the operator fails back.
type Auto struct{}

// SetEnabled enables or disables a provider.
type SetEnabled struct {
	Provider string
	Enabled  bool
}

// ProbeNow probes Provider at once ("" = all providers). Asked by the
// operator it also ends a Retry-After window; a Stalled hint from the
// gateway (a request waiting unusually long) never does.
type ProbeNow struct {
	Provider string
	Stalled  bool
}

// Named is the provider a command names: "" for ForceFailover, Auto and a
// ProbeNow of every provider.
func Named(c Command) string {
	switch c := c.(type) {
	case Pin:
		return c.Provider
	case SetEnabled:
		return c.Provider
	case ProbeNow:
		return c.Provider
	}
	return ""
}

func (ForceFailover) command() {}
func (Pin) command()           {}
func (Auto) command()          {}
func (SetEnabled) command()    {}
func (ProbeNow) command()      {}

// RequestRecord is one finished gateway request, reported for the dashboard.
type RequestRecord struct {
	At       time.Time
	Backend  string // who finally served (or failed) it
	Attempts int
	OK       bool // false when the client saw an error
	// What the answer was like, measured on the attempt that served it:
	// TTFT is a streamed answer's time to its first event (0 when not
	// streamed), Duration the time from sending the attempt to the
	// answer's end, Tokens what the answer said it generated (0 when it
	// reported no usage).
	TTFT     time.Duration
	Duration time.Duration
	Tokens   int64
}
