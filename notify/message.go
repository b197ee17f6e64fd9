package notify

import (
	"strings"
	"time"

	"switchboard/config"
	"switchboard/monitor"
)

// Message is one notification: the event a destination asked for, and the
// events it caused at the same instant, which the same text tells ("openai
// down (3× timeout) — traffic moved to azure-openai") so that an on-call
// is paged once per thing that happened, not once per line of the log.
type Message struct {
	Name   string          // the first event's name in config.NotifyEvents
	Text   string          // one line for a person, secrets redacted
	Events []monitor.Event // the named event first, then its consequences
	// DroppedBefore counts notifications this destination dropped, its
	// queue full, just before this one; the text then says so.
	DroppedBefore uint64
}

// eventName is the config name under which e is sent, "" for an event
// that is never sent: the first choice of an active backend at start, a
// provider's first probe passing, a re-enabled provider starting over as
// down (the operator's event tells it), and kinds this version does not
// know.
func eventName(e monitor.Event) string {
	switch e.Kind {
	case monitor.EventActive:
		if e.From == "" {
			return ""
		}
		return config.NotifyActive
	case monitor.EventMode:
		return config.NotifyPanic
	case monitor.EventOperator:
		return config.NotifyOperator
	case monitor.EventState:
		return stateName(e)
	}
	return ""
}

func stateName(e monitor.Event) string {
	from, to := monitor.State(e.From), monitor.State(e.To)
	switch {
	case from == to:
		return config.NotifyOfficial // the status page changed its word, not the state
	case to == monitor.StateUp && from == monitor.StateUnknown:
		return ""
	case to == monitor.StateDown && from == monitor.StateDisabled:
		return ""
	}
	switch to {
	case monitor.StateUp:
		return config.NotifyUp
	case monitor.StateDown:
		return config.NotifyDown
	case monitor.StateDegraded:
		return config.NotifyDegraded
	case monitor.StateRateLimited:
		return config.NotifyRateLimited
	case monitor.StateMisconfigured:
		return config.NotifyMisconfigured
	case monitor.StateDisabled:
		return config.NotifyDisabled
	}
	return ""
}

// causes reports whether b is a consequence of a: the next event, at the
// same instant, that the same decision recorded. The monitor records a
// change and then decides again, so a change of the active backend or of
// PANIC right after it follows from it, when it concerns the same
// providers; so does the state change an enable or disable brings.
func causes(a, b monitor.Event) bool {
	if b.Seq != a.Seq+1 || !b.At.Equal(a.At) {
		return false
	}
	about := func(p string) bool { return p == "" || p == b.From || p == b.To }
	switch {
	case b.Kind == monitor.EventMode:
		return a.Kind == monitor.EventState || a.Kind == monitor.EventOperator
	case b.Kind == monitor.EventActive && a.Kind == monitor.EventMode:
		return b.To == a.Provider
	case b.Kind == monitor.EventActive:
		return (a.Kind == monitor.EventState || a.Kind == monitor.EventOperator) && about(a.Provider)
	case b.Kind == monitor.EventState:
		return a.Kind == monitor.EventOperator && a.Provider == b.Provider
	}
	return false
}

// messages turns new events, oldest first, into the notifications of a
// destination that wants the named events: each wanted event with the
// consequences that follow it, every event in at most one message.
func messages(events []monitor.Event, wants func(string) bool) []*Message {
	var out []*Message
	for i := 0; i < len(events); i++ {
		name := eventName(events[i])
		if name == "" || !wants(name) {
			continue
		}
		start := i
		for i+1 < len(events) && causes(events[i], events[i+1]) {
			i++
		}
		group := events[start : i+1]
		out = append(out, &Message{Name: name, Text: text(group), Events: group})
	}
	return out
}

// text tells a group of events in one line: "openai down (3× timeout) —
// traffic moved to azure-openai".
func text(group []monitor.Event) string {
	var parts []string
	for i, e := range group {
		var prev, next *monitor.Event
		if i > 0 {
			prev = &group[i-1]
		}
		if i+1 < len(group) {
			next = &group[i+1]
		}
		if part := eventText(e, prev, next); part != "" {
			parts = append(parts, part)
		}
	}
	return strings.Join(parts, " — ")
}

// eventText tells one event; prev and next are its neighbours in the
// group (nil at the ends), which some texts fold in or defer to.
func eventText(e monitor.Event, prev, next *monitor.Event) string {
	switch e.Kind {
	case monitor.EventState:
		return stateText(e, prev)
	case monitor.EventOperator:
		return operatorText(e)
	case monitor.EventMode:
		return modeText(e, next)
	case monitor.EventActive:
		switch {
		case prev != nil && prev.Kind == monitor.EventMode:
			return "" // the PANIC text already says where traffic went
		case prev != nil && e.To == "":
			return "no backend left to send traffic to"
		case prev != nil:
			return "traffic moved to " + e.To
		case e.To == "":
			return "no backend active (was " + e.From + "): " + e.Cause
		}
		return "traffic moved from " + e.From + " to " + e.To + ": " + e.Cause
	}
	return e.Provider + ": " + e.Cause
}

func stateText(e monitor.Event, prev *monitor.Event) string {
	byOperator := prev != nil && prev.Kind == monitor.EventOperator
	switch {
	case e.From == e.To:
		return e.Provider + ": " + e.Cause
	case byOperator && e.To == string(monitor.StateDisabled):
		return "" // the operator's text said it
	case byOperator && e.From == string(monitor.StateDisabled):
		return e.Provider + " takes traffic again once its probes pass"
	}
	what := e.Provider + " " + e.To
	if e.To == string(monitor.StateUp) {
		what += " again"
	}
	cause := e.Cause
	if e.Actor == monitor.ActorGateway {
		cause += ", seen on live traffic"
	}
	if cause != "" {
		what += " (" + cause + ")"
	}
	return what
}

func modeText(e monitor.Event, next *monitor.Event) string {
	moved := next != nil && next.Kind == monitor.EventActive
	if e.To == string(monitor.ModePanic) {
		switch {
		case e.Provider == "":
			return "PANIC: nothing routable, and no backend to keep active"
		case moved:
			return "PANIC: nothing routable; traffic moved to " + e.Provider + " (least bad)"
		}
		return "PANIC: nothing routable; " + e.Provider + " stays active (least bad)"
	}
	switch {
	case moved:
		return "PANIC over: traffic moved to " + next.To
	case e.To == string(monitor.ModePinned):
		return "PANIC over: " + e.Provider + " pinned"
	}
	return "PANIC over: " + e.Provider + " routable again"
}

// operatorText tells an operator's command in a few words: "operator
// oncall pinned azure-openai for 15m". It reads the monitor's own cause
// texts; one it does not know is shown as it is.
func operatorText(e monitor.Event) string {
	who := "operator"
	if e.Actor != "" && e.Actor != monitor.ActorOperator && e.Actor != monitor.ActorPolicy {
		who += " " + string(e.Actor)
	}
	c, p := e.Cause, e.Provider
	switch {
	case c == "pin expired":
		return "pin on " + p + " expired: back to the policy"
	case strings.HasPrefix(c, "pinned by operator"):
		return who + " pinned " + p + humanFor(strings.TrimPrefix(c, "pinned by operator"))
	case strings.HasPrefix(c, "force failover: "):
		out := who + " forced a failover from " + p
		if i := strings.LastIndex(c, " for "); i >= 0 {
			out += ", draining it" + humanFor(c[i:])
		}
		return out
	case c == "back to automatic routing":
		return who + " returned routing to the policy (auto)"
	case c == "disabled by operator":
		return who + " disabled " + p
	case c == "enabled by operator":
		return who + " enabled " + p
	case strings.HasPrefix(c, "Retry-After window cleared"):
		return who + " ended " + p + "'s Retry-After wait: probing now"
	case strings.HasPrefix(c, "ignored: "):
		return who + "'s command refused: " + strings.TrimPrefix(c, "ignored: ")
	}
	if p != "" {
		return who + ": " + c + " (" + p + ")"
	}
	return who + ": " + c
}

// humanFor rewrites " for 15m0s" as " for 15m"; anything else is kept.
func humanFor(s string) string {
	d, err := time.ParseDuration(strings.TrimPrefix(s, " for "))
	if !strings.HasPrefix(s, " for ") || err != nil {
		return s
	}
	out := d.String()
	if strings.HasSuffix(out, "m0s") {
		out = strings.TrimSuffix(out, "0s")
	}
	if strings.HasSuffix(out, "h0m") {
		out = strings.TrimSuffix(out, "0m")
	}
	return " for " + out
}
