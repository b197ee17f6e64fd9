package gateway_test

import (
	"net/http"
	"reflect"
	"testing"
	"time"

	"switchboard/config"
	"switchboard/internal/fakes"
	"switchboard/monitor"
)

// TestStalledTrafficAsksForAProbe: requests stuck on a hanging primary ask
// the monitor to probe it now, once for the whole crowd, rather than leave
// detection to the next scheduled probe; the monitor's verdict then
// rescues them.
func TestStalledTrafficAsksForAProbe(t *testing.T) {
	primary := startFake(t, fakes.Options{Kind: "openai", APIKey: upstreamKey})
	secondary := startFake(t, fakes.Options{Kind: "openai", APIKey: upstreamKey})
	cfg := newConfig(provider("primary", config.KindOpenAI, primary), provider("secondary", config.KindOpenAI, secondary))
	cfg.Gateway.UpstreamTimeout = config.Duration(time.Minute)
	src := newFakeSource("primary", "secondary")
	h := start(t, cfg, src)
	primary.Handler().SetFault(fakes.Fault{Kind: fakes.FaultHang})

	const clients = 5
	done := make(chan callResult, clients)
	for range clients {
		go func() { done <- h.chatCall() }()
	}
	waitFor(t, "every request to reach the hanging primary", func() bool { return primary.Handler().Count() == clients })
	waitFor(t, "a probe request for the stalled primary", func() bool { return len(src.Sent()) > 0 })
	time.Sleep(200 * time.Millisecond) // the other stalled requests' timers fire too
	if got, want := src.Sent(), []monitor.Command{monitor.ProbeNow{Provider: "primary", Stalled: true}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("sent %v, want one probe of primary for %d stalled requests", got, clients)
	}
	src.setState("primary", monitor.StateDown) // what the probe finds
	for range clients {
		if r := <-done; r.err != nil || r.backend != "secondary" {
			t.Fatalf("stalled request: backend %q err %v, want rescued to secondary", r.backend, r.err)
		}
	}
}

// A backend that answers in time is never the subject of a probe request.
func TestPromptAnswersAskForNoProbe(t *testing.T) {
	h := twoOpenAI(t)
	for range 3 {
		if status, _, body := h.do("POST", "/v1/chat/completions", chatBody, nil); status != http.StatusOK {
			t.Fatalf("status %d: %s", status, body)
		}
	}
	if got := h.src.Sent(); len(got) != 0 {
		t.Fatalf("sent %v for prompt answers", got)
	}
}
