package metrics_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"switchboard/config"
	"switchboard/metrics"
	"switchboard/monitor"
	"switchboard/notify"
)

// A notification delivered, and one to a receiver that refuses it, show
// in the exposition by destination; two webhooks to one host stay apart.
func TestNotifierIsExported(t *testing.T) {
	ok := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer ok.Close()
	refuse := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(404) }))
	defer refuse.Close()
	cfg := testConfig([]string{"alpha", "bravo"})
	cfg.Notify = []config.Notify{{Webhook: ok.URL + "/hook/secret-path-0123456789"}, {Webhook: refuse.URL + "/hook/other"}}
	cfg.ApplyDefaults()
	src := newBoardSource(cfg)
	n := notify.New(cfg.Notify, notify.Options{})
	met := metrics.New(cfg)
	met.WatchNotifier(n)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- n.Run(ctx, src) }()
	defer func() { cancel(); <-done }()

	src.set("alpha", monitor.StateDown) // an event every destination wants
	deadline := time.Now().Add(10 * time.Second)
	for {
		st := n.Stats()
		if st[0].Delivered == 1 && st[1].Failed == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("deliveries did not settle: %+v", st)
		}
		time.Sleep(10 * time.Millisecond)
	}
	host := strings.TrimPrefix(ok.URL, "http://")
	rhost := strings.TrimPrefix(refuse.URL, "http://")
	want := `
# HELP switchboard_notify_notifications_total Notifications by destination and result: delivered, failed (given up on) or dropped (queue full).
# TYPE switchboard_notify_notifications_total counter
switchboard_notify_notifications_total{destination="1 webhook ` + host + `",result="delivered"} 1
switchboard_notify_notifications_total{destination="1 webhook ` + host + `",result="dropped"} 0
switchboard_notify_notifications_total{destination="1 webhook ` + host + `",result="failed"} 0
switchboard_notify_notifications_total{destination="2 webhook ` + rhost + `",result="delivered"} 0
switchboard_notify_notifications_total{destination="2 webhook ` + rhost + `",result="dropped"} 0
switchboard_notify_notifications_total{destination="2 webhook ` + rhost + `",result="failed"} 1
`
	if err := testutil.GatherAndCompare(met.Registry(), strings.NewReader(want), "switchboard_notify_notifications_total"); err != nil {
		t.Fatal(err)
	}
	if problems, err := testutil.GatherAndLint(met.Registry()); err != nil || len(problems) > 0 {
		t.Fatalf("lint: %v %v", problems, err)
	}
}
