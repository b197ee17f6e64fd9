package monitor_test

import (
	"context"
	"flag"
	"net/http"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"switchboard/config"
	"switchboard/internal/fakes"
	"switchboard/internal/memnet"
	"switchboard/monitor"
)

var outageTrials = flag.Int("outage-trials", 201, "outages simulated per failure mode in TestTimeToFailover")

// TestTimeToFailover measures, at the default settings, the time from the
// instant a real-shaped fake provider goes dark to the active backend
// switching. Time is synctest's simulated time, so the numbers are exact
// properties of the policy and scheduler (no machine noise): real probes,
// real HTTP, an in-memory network. bench/failover.sh prints them for
// BENCHMARKS.md; the test holds the targets on the median.
func TestTimeToFailover(t *testing.T) {
	modes := []struct {
		name   string
		target time.Duration
		fail   func(*outage)
	}{
		{"refused", 8 * time.Second, func(o *outage) { o.server.Close() }}, // the process died: listener and connections gone
		{"503", 8 * time.Second, func(o *outage) { o.primary.SetFault(fakes.Fault{Kind: fakes.FaultStatus, Status: 503}) }},
		{"hang", 15 * time.Second, func(o *outage) { o.primary.SetFault(fakes.Fault{Kind: fakes.FaultHang}) }},
	}
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			var took []time.Duration
			n := *outageTrials
			for trial := range n {
				// Outages start at evenly spread phases of the 10 s interval,
				// and each trial's jitter is seeded: the run is reproducible.
				offset := time.Duration((float64(trial) + 0.5) / float64(n) * float64(10*time.Second))
				synctest.Test(t, func(t *testing.T) { took = append(took, measureOutage(t, offset, uint64(trial+1), mode.fail)) })
			}
			slices.Sort(took)
			p50, p90, worst := took[len(took)/2], took[len(took)*9/10], took[len(took)-1]
			t.Logf("%-8s outages=%d  p50=%.2fs  p90=%.2fs  max=%.2fs", mode.name, len(took), p50.Seconds(), p90.Seconds(), worst.Seconds())
			if p50 > mode.target {
				t.Fatalf("median time to failover %s, target ≤ %s", p50, mode.target)
			}
		})
	}
}

type outage struct {
	primary *fakes.Handler
	server  *http.Server
}

// measureOutage warms a two-provider monitor up for a minute, takes the
// primary down offset later, and returns how long until the switch.
func measureOutage(t *testing.T, offset time.Duration, seed uint64, fail func(*outage)) time.Duration {
	n := memnet.New()
	primary := fakes.NewHandler(fakes.Options{Kind: config.KindOpenAI, APIKey: "sk-primary"})
	backup := fakes.NewHandler(fakes.Options{Kind: config.KindOpenAI, APIKey: "sk-backup"})
	o := &outage{primary: primary, server: serveOn(t, n, "primary.test:80", primary)}
	serveOn(t, n, "backup.test:80", backup)

	cfg := config.Default()
	cfg.Providers = []config.Provider{
		{Name: "primary", Kind: config.KindOpenAI, BaseURL: "http://primary.test:80/v1", APIKey: "sk-primary"},
		{Name: "backup", Kind: config.KindOpenAI, BaseURL: "http://backup.test:80/v1", APIKey: "sk-backup"},
	}
	cfg.ApplyDefaults()
	client := n.Client(time.Minute)
	defer client.CloseIdleConnections()
	m := monitor.New(cfg, monitor.Options{Client: client, Seed: seed})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- m.Run(ctx) }()
	defer func() { cancel(); <-done }()

	time.Sleep(time.Minute + offset)
	synctest.Wait()
	if s := m.Snapshot(); s.Active != "primary" || s.Providers[0].State != monitor.StateUp {
		t.Fatalf("before the outage: active %q, primary %s", s.Active, s.Providers[0].State)
	}
	start := time.Now()
	fail(o)
	for time.Since(start) < time.Minute {
		time.Sleep(10 * time.Millisecond)
		synctest.Wait()
		if m.Snapshot().Active == "backup" {
			return time.Since(start)
		}
	}
	t.Fatalf("no failover within a minute; primary %s", m.Snapshot().Providers[0].State)
	return 0
}

func serveOn(t *testing.T, n *memnet.Network, addr string, h http.Handler) *http.Server {
	l, err := n.Listen(addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	served := make(chan struct{})
	go func() { defer close(served); _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close(); <-served })
	return srv
}
