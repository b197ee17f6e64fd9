package gateway_test

import (
	"testing"

	"switchboard/config"
	"switchboard/internal/fakes"
	"switchboard/monitor"
)

// The operator's pin wins: a pinned provider whose probes say down (its
// /models fails while chat works, say) still gets the traffic, and a
// request waiting on it is not moved away (the rescuer's check at the
// start of each attempt reads the same published snapshot).
func TestPinnedProviderGetsTrafficWhileProbesFail(t *testing.T) {
	primary := startFake(t, fakes.Options{Kind: "openai", APIKey: upstreamKey})
	secondary := startFake(t, fakes.Options{Kind: "openai", APIKey: upstreamKey})
	cfg := newConfig(provider("primary", config.KindOpenAI, primary), provider("secondary", config.KindOpenAI, secondary))
	src := newFakeSource("primary", "secondary")
	h := start(t, cfg, src)
	if err := src.Send(monitor.Pin{Provider: "primary"}); err != nil {
		t.Fatal(err)
	}
	src.setState("primary", monitor.StateDown)
	if r := h.chatCall(); r.err != nil || r.backend != "primary" {
		t.Fatalf("pinned primary, probed down: served by %q (err %v), want primary", r.backend, r.err)
	}

	if n := secondary.Handler().Count(); n != 0 {
		t.Fatalf("secondary saw %d requests while primary was pinned", n)
	}
}
