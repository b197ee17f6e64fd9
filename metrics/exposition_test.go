package metrics_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"switchboard/config"
	"switchboard/gateway"
	"switchboard/metrics"
	"switchboard/monitor"
	"switchboard/probes"
)

// busyMetrics has seen one of everything: a failover, probes of every
// class, gateway attempts, requests and a streamed answer.
func busyMetrics(t *testing.T) (*metrics.Metrics, *boardSource) {
	t.Helper()
	cfg := testConfig([]string{"alpha", "bravo", "charlie"}, "oncall")
	src := newBoardSource(cfg)
	met := metrics.New(cfg)
	met.Watch(src)
	src.set("alpha", monitor.StateDown)
	probe := met.WrapProbe(func(context.Context, config.Provider) probes.Result {
		return probes.Result{Class: probes.ClassOK, Latency: 300 * time.Millisecond}
	})
	probe(context.Background(), cfg.Providers[1])
	met.ObserveProbe("alpha", probes.Result{Class: probes.ClassTimeout, Latency: 10 * time.Second})
	met.Attempt(probes.Result{Provider: "bravo", Class: probes.ClassOK, TTFT: 800 * time.Millisecond})
	met.Request("bravo", 1, gateway.OutcomeOK)
	met.Request("", 0, gateway.OutcomeOverloaded)
	src.joinFleet(&monitor.FleetStatus{Replica: "sb-1", Leader: "sb-1", Leading: true, StoreOK: true})
	return met, src
}

// TestExpositionLints runs client_golang's linter over the whole
// exposition, Go and process collectors included, and checks that every
// metric of the README's table is in it.
func TestExpositionLints(t *testing.T) {
	met, _ := busyMetrics(t)
	problems, err := testutil.GatherAndLint(met.Registry())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
	for _, name := range exported {
		if n := series(t, met.Registry(), name); n == 0 {
			t.Errorf("%s is not exposed", name)
		}
	}
	for _, name := range []string{"go_goroutines", "process_cpu_seconds_total"} {
		if series(t, met.Registry(), name) == 0 {
			t.Errorf("%s (Go and process collectors) is not exposed", name)
		}
	}
}

// exported are switchboard's own metrics, as the README lists them; the
// probe token counter has no series until probe cost counting feeds it.
var exported = []string{
	"switchboard_active_backend", "switchboard_provider_state", "switchboard_mode",
	"switchboard_failovers_total", "switchboard_probe_duration_seconds", "switchboard_probe_results_total",
	"switchboard_gateway_requests_total", "switchboard_gateway_attempts_total", "switchboard_gateway_ttft_seconds",
	"switchboard_monitor_reports_dropped_total", "switchboard_metrics_events_missed_total",
}

// TestHandlerServesTheExposition scrapes Handler as Prometheus would.
func TestHandlerServesTheExposition(t *testing.T) {
	met, _ := busyMetrics(t)
	srv := httptest.NewServer(met.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, want := range []string{
		`switchboard_active_backend{provider="bravo"} 1`,
		`switchboard_failovers_total{actor="policy",from="alpha",to="bravo"} 1`,
		`switchboard_gateway_ttft_seconds_bucket{backend="bravo",le="1"} 1`,
		`switchboard_probe_duration_seconds_sum{provider="bravo"} 0.3`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("the scrape lacks %s", want)
		}
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Errorf("status %d, content type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

// TestLabelsStayBounded feeds values from outside the config and the
// fixed sets: each lands on none or other, and a thousand requests add
// no series.
func TestLabelsStayBounded(t *testing.T) {
	met, _ := busyMetrics(t)
	reg := met.Registry()
	before := series(t, reg, "switchboard_gateway_requests_total") + series(t, reg, "switchboard_gateway_attempts_total")
	for range 1000 {
		met.Attempt(probes.Result{Provider: "bravo", Class: probes.ClassServerError})
		met.Request("bravo", 3, gateway.OutcomeError)
	}
	if after := series(t, reg, "switchboard_gateway_requests_total") + series(t, reg, "switchboard_gateway_attempts_total"); after != before {
		t.Errorf("%d gateway series after 1000 requests, %d before", after, before)
	}
	met.Attempt(probes.Result{Provider: "bravo", Class: "weird"})
	met.Request("bravo", 1, "weird")
	met.ObserveProbe("bravo", probes.Result{Class: "weird"})
	if value(t, reg, "switchboard_gateway_attempts_total", "backend", "bravo", "class", "other") != 1 ||
		value(t, reg, "switchboard_gateway_requests_total", "backend", "bravo", "outcome", "other") != 1 ||
		value(t, reg, "switchboard_probe_results_total", "provider", "bravo", "class", "other") != 1 {
		t.Error("an unknown class or outcome is not counted as other")
	}
	// Every outcome the gateway can tell has its series from the start.
	for _, o := range gateway.Outcomes() {
		if _, ok := lookup(t, reg, "switchboard_gateway_requests_total", "backend", "charlie", "outcome", o); !ok {
			t.Errorf("no series for outcome %s before any request", o)
		}
	}
}

// TestObservingAllocatesNothing holds the gateway's hot path to no
// allocation for a configured backend.
func TestObservingAllocatesNothing(t *testing.T) {
	met, _ := busyMetrics(t)
	r := probes.Result{Provider: "bravo", Source: probes.SourcePassive, Class: probes.ClassOK, TTFT: time.Second}
	if n := testing.AllocsPerRun(1000, func() {
		met.Attempt(r)
		met.Request("bravo", 1, gateway.OutcomeOK)
	}); n != 0 {
		t.Errorf("%v allocations per observed request, want 0", n)
	}
}

// TestEventsMissedAreCounted lets more events happen between two scrapes
// than the monitor's log keeps (200): the ones that fell out are counted
// as missed, the failovers among those kept are counted once, and the
// history before Watch not at all.
func TestEventsMissedAreCounted(t *testing.T) {
	cfg := testConfig([]string{"alpha", "bravo", "charlie"})
	src := newBoardSource(cfg)
	src.set("alpha", monitor.StateDown) // history: before Watch
	met := metrics.New(cfg)
	met.Watch(src)
	reg := met.Registry()
	if n := series(t, reg, "switchboard_failovers_total"); n != 0 {
		t.Fatalf("a failover before Watch was counted (%d series)", n)
	}
	first := src.Snapshot().Events[len(src.Snapshot().Events)-1].Seq
	for range 150 { // each pin is a failover and an operator event
		src.apply(t, monitor.Pin{Provider: "charlie"})
		src.apply(t, monitor.Pin{Provider: "bravo"})
	}
	kept := src.Snapshot().Events
	if len(kept) != 200 || kept[0].Seq <= first+1 {
		t.Fatalf("the log kept %d events from seq %d: the test wants it overrun", len(kept), kept[0].Seq)
	}
	wantMissed := float64(kept[0].Seq - first - 1)
	wantFailovers := 0.0
	for _, e := range kept {
		if e.Kind == monitor.EventActive && e.From != "" {
			wantFailovers++
		}
	}
	for range 2 {
		if got := value(t, reg, "switchboard_metrics_events_missed_total"); got != wantMissed {
			t.Errorf("%v events missed, want %v", got, wantMissed)
		}
		got := value(t, reg, "switchboard_failovers_total", "from", "bravo", "to", "charlie", "actor", "operator") +
			value(t, reg, "switchboard_failovers_total", "from", "charlie", "to", "bravo", "actor", "operator")
		if got != wantFailovers || got < 90 {
			t.Errorf("%v failovers counted, the kept log has %v", got, wantFailovers)
		}
	}
}
