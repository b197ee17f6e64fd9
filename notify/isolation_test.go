package notify

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"switchboard/config"
	"switchboard/internal/memnet"
	"switchboard/monitor"
	"switchboard/probes"
)

// serve starts rc on the in-memory network at addr; the returned func
// stops it.
func serve(t *testing.T, n *memnet.Network, addr string, rc *receiver) func() {
	t.Helper()
	l, err := n.Listen(addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: rc}
	go func() { _ = srv.Serve(l) }()
	return func() { _ = srv.Close() }
}

// waitSim lets simulated time pass in small steps until cond holds, and
// fails the test after limit.
func waitSim(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	for elapsed := time.Duration(0); ; elapsed += 10 * time.Millisecond {
		synctest.Wait()
		if cond() {
			return
		}
		if elapsed > limit {
			t.Fatalf("no %s within %s of simulated time", what, limit)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestDeadReceiverDelaysNothing: one receiver hangs, another answers 500,
// a third works. While the first hangs, the monitor goes on deciding and
// the working receiver gets every message at once; the dead ones are
// retried with backoff for RetryFor (2m) and given up on, each attempt
// counted: 6 for the one that hangs 10s an attempt (at 0, 11, 23, 37, 55
// and 81s), 8 for the one that fails at once (0, 1, 3, 7, 15, 31, 61, 91s).
func TestDeadReceiverDelaysNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		net := memnet.New()
		hung, failing, good := &receiver{hang: true}, &receiver{status: 500}, &receiver{}
		defer serve(t, net, "hung.test:80", hung)()
		defer serve(t, net, "failing.test:80", failing)()
		defer serve(t, net, "good.test:80", good)()
		client := net.Client(0)
		defer client.CloseIdleConnections()

		sc := &script{outcome: map[string]probes.Class{}}
		m := monitor.New(testConfig("openai", "azure-openai"), monitor.Options{Probe: sc.probe,
			Status: func(context.Context, config.Provider) probes.StatusWord { return probes.StatusWord{} }})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		mdone := make(chan struct{})
		go func() { _ = m.Run(ctx); close(mdone) }()
		defer func() { cancel(); <-mdone }()

		n := New([]config.Notify{
			{Webhook: "http://hung.test/hook"}, {Webhook: "http://failing.test/hook"}, {Webhook: "http://good.test/hook"},
		}, Options{Client: client, Logger: quiet})
		ndone := make(chan error, 1)
		go func() { ndone <- n.Run(ctx, m) }()
		defer func() { cancel(); <-ndone }()

		waitSim(t, time.Minute, "healthy start", func() bool { return m.Snapshot().Providers[1].State == monitor.StateUp })
		sc.set("openai", probes.ClassServerError)
		waitSim(t, time.Minute, "failover message", func() bool { return len(good.got()) == 1 })
		if _, inflight := hung.counts(); inflight != 1 {
			t.Fatalf("the hung receiver has %d requests waiting; want its first still hanging", inflight)
		}

		// The monitor takes and applies an order while a destination hangs.
		if _, err := m.Apply(monitor.Order{Command: monitor.Pin{Provider: "azure-openai"}, Actor: "oncall"}); err != nil {
			t.Fatal(err)
		}
		waitSim(t, time.Second, "pin message", func() bool { return len(good.got()) == 2 })
		if _, inflight := hung.counts(); inflight != 1 {
			t.Fatalf("the hung receiver has %d requests waiting; want its first still hanging", inflight)
		}
		want := []string{"openai down (3× server_error) — traffic moved to azure-openai", "operator oncall pinned azure-openai"}
		if got := good.got(); !slices.Equal(got, want) {
			t.Fatalf("good receiver got %q, want %q", got, want)
		}

		// Both messages are given up on by the dead receivers, one after
		// the other, each within its RetryFor.
		time.Sleep(5 * time.Minute)
		synctest.Wait()
		st := n.Stats()
		for i, w := range []struct{ attempts, seen uint64 }{{12, 12}, {16, 16}} {
			rc := []*receiver{hung, failing}[i]
			if seen, _ := rc.counts(); st[i].Attempts != w.attempts || uint64(seen) != w.seen || st[i].Failed != 2 || st[i].Delivered != 0 {
				t.Errorf("%s: stats %+v, receiver saw %d; want %d attempts for 2 failed messages", st[i].Destination, st[i], seen, w.attempts)
			}
		}
		if st[2].Delivered != 2 || st[2].Attempts != 2 {
			t.Errorf("good receiver stats %+v", st[2])
		}
		if st[0].LastError != "no answer before the timeout" || st[1].LastError != "HTTP 500: invalid_payload" {
			t.Errorf("last errors %q, %q", st[0].LastError, st[1].LastError)
		}
	})
}

// TestFullQueueDropsOldest: a destination holding its first message lets
// two wait; a third and fourth push the oldest waiting ones out. The drops
// are counted, and the next message delivered says how many were lost.
func TestFullQueueDropsOldest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		net := memnet.New()
		rc := &receiver{gate: make(chan struct{})}
		defer serve(t, net, "hook.test:80", rc)()
		client := net.Client(0)
		defer client.CloseIdleConnections()
		src := newBoardSource("alpha", "bravo", "charlie")
		n := New([]config.Notify{{Webhook: "http://hook.test/x"}}, Options{Client: client, QueueSize: 2, Timeout: time.Hour, Logger: quiet})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- n.Run(ctx, src) }()
		defer func() { cancel(); <-done }()

		toggle := func(on bool) {
			src.now = src.now.Add(time.Second)
			if err := src.b.Apply(monitor.SetEnabled{Provider: "charlie", Enabled: on}, src.now); err != nil {
				t.Fatal(err)
			}
			src.publish()
			synctest.Wait()
		}
		toggle(false) // 1: in flight, held at the gate
		if _, inflight := rc.counts(); inflight != 1 {
			t.Fatalf("%d requests in flight, want the first", inflight)
		}
		toggle(true)  // 2: queued
		toggle(false) // 3: queued, the queue full
		toggle(true)  // 4: drops 2
		toggle(false) // 5: drops 3
		if st := n.Stats()[0]; st.Dropped != 2 || st.Queued != 2 {
			t.Fatalf("stats %+v, want 2 dropped and 2 queued", st)
		}
		for range 3 {
			rc.gate <- struct{}{}
			synctest.Wait()
		}
		want := []string{
			"operator disabled charlie",
			"operator enabled charlie — charlie takes traffic again once its probes pass (2 earlier notifications dropped: queue full)",
			"operator disabled charlie",
		}
		if got := rc.got(); !slices.Equal(got, want) {
			t.Fatalf("received:\n%q\nwant:\n%q", got, want)
		}
		if st := n.Stats()[0]; st.Delivered != 3 || st.Dropped != 2 || st.Queued != 0 {
			t.Fatalf("stats %+v", st)
		}
	})
}

// TestMissedEventsCounted: events that leave the monitor's bounded log
// before Run reads them are counted, and those still kept are sent.
func TestMissedEventsCounted(t *testing.T) {
	src := newBoardSource("alpha", "bravo", "charlie")
	prog := shellScript(t, "cat >/dev/null")
	n := New([]config.Notify{{Exec: []string{prog}, On: []string{"operator"}}}, Options{QueueSize: 1000, Logger: quiet})
	n.take(src.Snapshot()) // as Run does first: the log's start is no gap
	for i := range 150 {   // 300 events: more than the log keeps
		src.now = src.now.Add(time.Second)
		if err := src.b.Apply(monitor.SetEnabled{Provider: "charlie", Enabled: i%2 == 1}, src.now); err != nil {
			t.Fatal(err)
		}
	}
	snap := src.b.Snapshot(src.now)
	n.take(snap)
	first := snap.Events[0].Seq
	if want := first - 2; n.Missed() != want || want == 0 {
		t.Fatalf("missed %d, want %d (the log starts at %d)", n.Missed(), want, first)
	}
	if q := n.Stats()[0].Queued; q != 100 {
		t.Fatalf("%d operator notifications queued, want the 100 the log still held", q)
	}
}

// TestFleetFollowerDoesNotNotify: in a fleet only the leader notifies; a
// follower keeps count of the events it saw, so that when it comes to
// lead it sends only those that follow.
func TestFleetFollowerDoesNotNotify(t *testing.T) {
	src := newBoardSource("alpha", "bravo")
	prog := shellScript(t, "cat >/dev/null")
	n := New([]config.Notify{{Exec: []string{prog}, On: []string{"operator"}}}, Options{QueueSize: 1000, Logger: quiet})
	apply := func(enabled bool, leading bool) {
		src.now = src.now.Add(time.Second)
		if err := src.b.Apply(monitor.SetEnabled{Provider: "bravo", Enabled: enabled}, src.now); err != nil {
			t.Fatal(err)
		}
		snap := *src.b.Snapshot(src.now)
		snap.Fleet = &monitor.FleetStatus{Replica: "r2", Leading: leading, StoreOK: true}
		n.take(&snap)
	}
	apply(false, false)
	apply(true, false)
	if q := n.Stats()[0].Queued; q != 0 {
		t.Fatalf("a follower queued %d notifications", q)
	}
	apply(false, true)
	if q := n.Stats()[0].Queued; q != 1 {
		t.Fatalf("the new leader queued %d notifications, want the one event since it leads", q)
	}
}
