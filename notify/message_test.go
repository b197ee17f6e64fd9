package notify

import (
	"slices"
	"testing"
	"time"

	"switchboard/config"
	"switchboard/monitor"
	"switchboard/probes"
)

// TestMessagesFromTheMonitorsEvents drives the monitor's real decision
// core through an outage, PANIC and an operator's pin, and checks what a
// destination that wants each set of events is told, word for word.
func TestMessagesFromTheMonitorsEvents(t *testing.T) {
	src := newBoardSource("openai", "azure-openai")
	src.ok("openai", 1) // the first probes at start are no news
	src.ok("azure-openai", 1)
	src.fail("openai", probes.ClassTimeout, 3)
	src.fail("azure-openai", probes.ClassServerError, 3)
	src.now = src.now.Add(time.Second)
	if err := src.b.Apply(monitor.Pin{Provider: "openai", For: 15 * time.Minute}, src.now); err != nil {
		t.Fatal(err)
	}
	src.now = src.now.Add(time.Second)
	if err := src.b.Apply(monitor.SetEnabled{Provider: "azure-openai", Enabled: false}, src.now); err != nil {
		t.Fatal(err)
	}
	events := src.b.Snapshot(src.now).Events

	every := []string{
		"openai down (3× timeout) — traffic moved to azure-openai",
		"azure-openai down (3× server_error) — PANIC: nothing routable; azure-openai stays active (least bad)",
		"operator pinned openai for 15m — PANIC over: traffic moved to openai",
		"operator disabled azure-openai",
	}
	cases := []struct {
		on   []string
		want []string
	}{
		{config.NotifyEvents(), every},
		{[]string{"active"}, []string{
			"traffic moved from openai to azure-openai: openai down: 3× timeout",
			"traffic moved from azure-openai to openai: pinned by operator for 15m"}},
		{[]string{"panic"}, []string{
			"PANIC: nothing routable; azure-openai stays active (least bad)",
			"PANIC over: traffic moved to openai"}},
		{[]string{"down"}, every[:2]},
		{[]string{"up", "degraded"}, nil},
	}
	for _, c := range cases {
		var got []string
		for _, m := range messages(events, func(n string) bool { return slices.Contains(c.on, n) }) {
			got = append(got, m.Text)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("on %v:\n got %q\nwant %q", c.on, got, c.want)
		}
	}
}

// Every event is in at most one message, the named one first, and the
// message of a wanted event carries the consequences it tells.
func TestMessageEventsAreTheGroup(t *testing.T) {
	src := newBoardSource("openai", "azure-openai")
	src.ok("azure-openai", 1)
	src.fail("openai", probes.ClassTimeout, 3)
	events := src.b.Snapshot(src.now).Events
	ms := messages(events, func(string) bool { return true })
	if len(ms) != 1 {
		t.Fatalf("%d messages, want 1", len(ms))
	}
	m := ms[0]
	if m.Name != config.NotifyDown || len(m.Events) != 2 || m.Events[0].Kind != monitor.EventState || m.Events[1].Kind != monitor.EventActive {
		t.Fatalf("message %+v: want the down event and the failover it caused", m)
	}
}

// TestEventNames pins each name of config.NotifyEvents to the events it
// means, and the events that are never news.
func TestEventNames(t *testing.T) {
	ev := func(kind monitor.EventKind, from, to string) monitor.Event {
		return monitor.Event{Kind: kind, Provider: "p", From: from, To: to}
	}
	cases := []struct {
		e    monitor.Event
		want string
	}{
		{ev(monitor.EventActive, "", "p"), ""}, // the first choice at start
		{ev(monitor.EventActive, "a", "p"), "active"},
		{ev(monitor.EventState, "unknown", "up"), ""}, // the first probe at start
		{ev(monitor.EventState, "down", "up"), "up"},
		{ev(monitor.EventState, "rate-limited", "up"), "up"},
		{ev(monitor.EventState, "unknown", "down"), "down"},
		{ev(monitor.EventState, "disabled", "down"), ""}, // re-enabled: the operator's event tells it
		{ev(monitor.EventState, "up", "degraded"), "degraded"},
		{ev(monitor.EventState, "up", "rate-limited"), "rate-limited"},
		{ev(monitor.EventState, "unknown", "misconfigured"), "misconfigured"},
		{ev(monitor.EventState, "up", "disabled"), "disabled"},
		{ev(monitor.EventState, "up", "up"), "official"},
		{ev(monitor.EventMode, "AUTO", "PANIC"), "panic"},
		{ev(monitor.EventMode, "PANIC", "AUTO"), "panic"},
		{ev(monitor.EventOperator, "", ""), "operator"},
		{ev("future", "", ""), ""},
	}
	seen := map[string]bool{}
	for _, c := range cases {
		if got := eventName(c.e); got != c.want {
			t.Errorf("%s %s→%s: name %q, want %q", c.e.Kind, c.e.From, c.e.To, got, c.want)
		}
		seen[c.want] = true
	}
	for _, name := range config.NotifyEvents() {
		if !seen[name] {
			t.Errorf("config names the event %q, which no monitor event is sent as", name)
		}
	}
}

// The operator's commands read as an on-call says them, naming who gave
// them when the order named an actor.
func TestOperatorTexts(t *testing.T) {
	op := func(actor monitor.Actor, provider, cause string) monitor.Event {
		return monitor.Event{Kind: monitor.EventOperator, Provider: provider, Cause: cause, Actor: actor}
	}
	cases := []struct {
		e    monitor.Event
		want string
	}{
		{op("oncall", "azure-openai", "pinned by operator for 15m0s"), "operator oncall pinned azure-openai for 15m"},
		{op(monitor.ActorOperator, "azure-openai", "pinned by operator"), "operator pinned azure-openai"},
		{op("oncall", "openai", "pinned by operator for 1h30m0s"), "operator oncall pinned openai for 1h30m"},
		{op("oncall", "openai", "force failover: openai drained for 5m0s"), "operator oncall forced a failover from openai, draining it for 5m"},
		{op("oncall", "", "back to automatic routing"), "operator oncall returned routing to the policy (auto)"},
		{op("oncall", "ollama", "enabled by operator"), "operator oncall enabled ollama"},
		{op("oncall", "gemini", "Retry-After window cleared: probing now"), "operator oncall ended gemini's Retry-After wait: probing now"},
		{op(monitor.ActorPolicy, "openai", "pin expired"), "pin on openai expired: back to the policy"},
		{op("oncall", "", "ignored: expected openai active, but the active backend is now azure"),
			"operator oncall's command refused: expected openai active, but the active backend is now azure"},
		{op("oncall", "openai", "something new"), "operator oncall: something new (openai)"},
	}
	for _, c := range cases {
		if got := text([]monitor.Event{c.e}); got != c.want {
			t.Errorf("%q by %s:\n got %q\nwant %q", c.e.Cause, c.e.Actor, got, c.want)
		}
	}
}
