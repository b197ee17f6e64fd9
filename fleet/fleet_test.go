package fleet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"switchboard/api"
	"switchboard/config"
	"switchboard/monitor"
	"switchboard/probes"
)

// One leader: of three replicas exactly one leads, every one knows which
// and lists all three, only the leader probes, and every replica routes
// as it decided.
func TestOneLeader(t *testing.T) {
	f := newFleet(t, 3, 2*time.Second)
	lead := f.leader(10 * time.Second)
	eventually(t, 5*time.Second, "every replica lists three", func() bool {
		for _, nd := range f.live() {
			if st := nd.mon.Snapshot().Fleet; st == nil || len(st.Replicas) != 3 || !st.StoreOK {
				return false
			}
		}
		return true
	})
	f.routesAll(5*time.Second, "alpha", "bravo", "charlie")
	time.Sleep(1500 * time.Millisecond)
	for _, nd := range f.nodes {
		if n := f.world.probes(nd.name); (nd == lead) != (n > 0) {
			t.Errorf("%s (leading %v) probed %d times", nd.name, nd == lead, n)
		}
		st := nd.mon.Snapshot().Fleet
		if st.Replica != nd.name || st.Leading != (nd == lead) || st.Replicas[0].API != "r1:8788" {
			t.Errorf("%s's view of the fleet: %+v", nd.name, st)
		}
	}
	for _, nd := range f.followers(lead) {
		if p, _ := nd.mon.Snapshot().Provider("alpha"); p.State != monitor.StateUp {
			t.Errorf("%s shows alpha %s; the leader's probes say up", nd.name, p.State)
		}
	}
}

// A command through a follower is committed, applied by the leader, and
// routed by every replica; the follower answers only once it routes by
// it itself, and the event names the replica and the operator.
func TestCommandThroughFollowerAppliedEverywhere(t *testing.T) {
	f := newFleet(t, 3, 2*time.Second)
	lead := f.leader(10 * time.Second)
	f.routesAll(5*time.Second, "alpha", "bravo", "charlie")
	fl := f.followers(lead)[0]
	ack, err := fl.rep.Apply(monitor.Order{Command: monitor.Pin{Provider: "charlie"}, Actor: "oncall", ExpectActive: "alpha"})
	if err != nil {
		t.Fatal(err)
	}
	if ack.Active != "charlie" {
		t.Fatalf("ack %+v, want charlie active", ack)
	}
	if s := fl.mon.Snapshot(); s.Pinned != "charlie" || s.Route[0] != "charlie" {
		t.Fatalf("the follower answered before it routes by it: pinned %q route %v", s.Pinned, s.Route)
	}
	f.routesAll(2*time.Second, "charlie", "alpha", "bravo")
	for _, nd := range f.live() {
		s := nd.mon.Snapshot()
		var pin *monitor.Event
		for i, e := range s.Events {
			if e.Seq == ack.Seq {
				pin = &s.Events[i]
			}
		}
		if pin == nil || pin.Actor != "oncall" || pin.Replica != fl.name || s.Mode != monitor.ModePinned {
			t.Fatalf("%s: the pin's event %+v, mode %s; want actor oncall through %s, PINNED", nd.name, pin, s.Mode, fl.name)
		}
	}
	// Nothing is left on the queue or in the answers.
	cli := f.client()
	for _, k := range []string{newKeys(config.DefaultFleetPrefix).commands, newKeys(config.DefaultFleetPrefix).results} {
		if resp, err := cli.Get(context.Background(), k, clientv3.WithPrefix(), clientv3.WithCountOnly()); err != nil || resp.Count != 0 {
			t.Errorf("%s holds %v keys (%v) after the answer", k, resp.Count, err)
		}
	}
}

// A command on a stale view is refused with 409 through the API, and
// leaves nothing; one naming a provider no replica has is a 400.
func TestStaleCommandRefused(t *testing.T) {
	f := newFleet(t, 2, 2*time.Second)
	lead := f.leader(10 * time.Second)
	f.routesAll(5*time.Second, "alpha", "bravo", "charlie")
	fl := f.followers(lead)[0]
	srv := apiServer(t, fl.rep)
	status, body := post(t, srv.URL, `{"action": "failover", "expect_active": "bravo"}`)
	if status != http.StatusConflict || !strings.Contains(body, "alpha") {
		t.Fatalf("a stale failover: %d %s; want 409 naming alpha", status, body)
	}
	status, body = post(t, srv.URL, `{"action": "pin", "provider": "delta"}`)
	if status != http.StatusBadRequest {
		t.Fatalf("a pin of an unknown provider: %d %s; want 400", status, body)
	}
	status, body = post(t, srv.URL, `{"action": "failover", "expect_active": "alpha"}`)
	if status != http.StatusOK || !strings.Contains(body, `"active":"bravo"`) {
		t.Fatalf("a failover on a fresh view: %d %s; want 200 with bravo active", status, body)
	}
	f.routesAll(2*time.Second, "bravo", "charlie")
	for _, nd := range f.live() {
		if s := nd.mon.Snapshot(); s.Mode != monitor.ModeForced {
			t.Fatalf("%s: mode %s after the failover", nd.name, s.Mode)
		}
	}
}

// The leader dies without a word (its lease runs out): another replica
// leads within the lease and a second, restores the decisions from etcd,
// and carries on; the followers route as before meanwhile.
func TestLeaderDiesAndIsReplaced(t *testing.T) {
	const lease = 2 * time.Second
	f := newFleet(t, 3, lease)
	lead := f.leader(10 * time.Second)
	f.routesAll(5*time.Second, "alpha", "bravo", "charlie")
	fl := f.followers(lead)[0]
	if _, err := fl.rep.Apply(monitor.Order{Command: monitor.Pin{Provider: "bravo"}, Actor: "oncall"}); err != nil {
		t.Fatal(err)
	}
	f.routesAll(2*time.Second, "bravo", "alpha", "charlie")

	lead.crash()
	died := time.Now()
	done := make(chan struct{})
	stale := make(chan string, 1)
	go func() { // the followers' route must not move meanwhile
		defer close(done)
		for time.Since(died) < lease+time.Second {
			for _, nd := range f.live() {
				if r := nd.mon.Snapshot().Route; !slices.Equal(r, []string{"bravo", "alpha", "charlie"}) {
					select {
					case stale <- nd.name + " " + strings.Join(r, ","):
					default:
					}
				}
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	next := f.leader(lease + 5*time.Second)
	took := time.Since(died)
	<-done
	select {
	case s := <-stale:
		t.Errorf("a follower's route moved while no one led: %s", s)
	default:
	}
	if took > lease+2*time.Second {
		t.Errorf("a new leader after %s; want within the lease (%s) and a little", took, lease)
	}
	t.Logf("new leader %s after %s", next.name, took)
	s := next.mon.Snapshot()
	if s.Pinned != "bravo" {
		t.Fatalf("the new leader forgot the pin: pinned %q", s.Pinned)
	}
	if e := s.Events[len(s.Events)-1]; !strings.HasPrefix(e.Cause, next.name+" leads the fleet") || e.Replica != next.name {
		t.Errorf("the new leader's first event: %+v", e)
	}
	if _, err := f.followers(next)[0].rep.Apply(monitor.Order{Command: monitor.Auto{}, Actor: "oncall"}); err != nil {
		t.Fatal(err)
	}
	f.routesAll(2*time.Second, "alpha", "bravo", "charlie")
	eventually(t, 5*time.Second, "the dead replica leaves the lists", func() bool {
		for _, nd := range f.live() {
			if len(nd.mon.Snapshot().Fleet.Replicas) != 2 {
				return false
			}
		}
		return true
	})
}

// A replica that stops cleanly hands the lead over at once.
func TestLeaderStopsAndHandsOver(t *testing.T) {
	f := newFleet(t, 2, 5*time.Second)
	lead := f.leader(10 * time.Second)
	start := time.Now()
	lead.stop()
	f.leader(2 * time.Second)
	t.Logf("handed over in %s", time.Since(start))
}

// etcd stops: every replica keeps routing as it did and says the store is
// unreachable; commands are refused (503), never applied on one replica
// alone. etcd comes back: the replicas rejoin by themselves, one leads,
// and commands work again.
func TestStoreOutage(t *testing.T) {
	const lease = 2 * time.Second
	f := newFleet(t, 3, lease)
	lead := f.leader(10 * time.Second)
	f.routesAll(5*time.Second, "alpha", "bravo", "charlie")
	fl := f.followers(lead)[0]
	srv := apiServer(t, fl.rep)

	stopped := time.Now()
	f.etcd.Stop()
	t.Logf("etcd stopped in %s", time.Since(stopped))
	// Until the leader has noticed (two failed checks) it may still decide
	// alone; from then on nobody does. The outage is dated from the first
	// failed check, which may have begun up to a check (100ms) before the
	// stop it ran into.
	var why string
	eventually(t, 3*time.Second, "every replica sees the store unreachable, and nobody leads", func() bool {
		for _, nd := range f.live() {
			st := nd.mon.Snapshot().Fleet
			if st.StoreOK || st.Since.Before(stopped.Add(-200*time.Millisecond)) || nd.rep.Leading() {
				why = fmt.Sprintf("%s: store ok %v since %s (stopped %s), leading %v", nd.name, st.StoreOK,
					st.Since.Format(time.StampMilli), stopped.Format(time.StampMilli), nd.rep.Leading())
				return false
			}
		}
		return true
	}, &why)
	status, body := post(t, srv.URL, `{"action": "pin", "provider": "charlie"}`)
	if status != http.StatusServiceUnavailable || !strings.Contains(body, "fleet store (etcd) is unreachable since") {
		t.Fatalf("a command with etcd down: %d %s; want 503 saying why", status, body)
	}
	if _, err := lead.rep.Apply(monitor.Order{Command: monitor.Auto{}}); !errors.Is(err, monitor.ErrNotRecorded) {
		t.Fatalf("a command to the leader with etcd down: %v, want ErrNotRecorded", err)
	}
	// An outage of the active backend meanwhile changes nothing: no one
	// decides what the others could not learn; retries carry traffic.
	f.world.set("alpha", probes.ClassServerError)
	time.Sleep(lease + time.Second)
	for _, nd := range f.live() {
		if s := nd.mon.Snapshot(); !slices.Equal(s.Route, []string{"alpha", "bravo", "charlie"}) || nd.rep.Leading() {
			t.Fatalf("%s during the outage: route %v, leading %v; want the last route, no leader", nd.name, s.Route, nd.rep.Leading())
		}
	}

	f.etcd.Restart()
	back := time.Now()
	lead = f.leader(lease + 10*time.Second)
	t.Logf("%s leads %s after etcd came back", lead.name, time.Since(back))
	// The new (or same) leader probes again and fails over from alpha.
	f.routesAll(5*time.Second, "bravo", "charlie")
	f.world.set("alpha", probes.ClassOK)
	status, body = post(t, srv.URL, `{"action": "pin", "provider": "charlie"}`)
	if status != http.StatusOK {
		t.Fatalf("a command after etcd came back: %d %s", status, body)
	}
	f.routesAll(2*time.Second, "charlie", "bravo")
}

// A follower's traffic fails on the active backend: its reports reach the
// leader, which marks it down and fails over, and every replica follows,
// although the leader's own probes still pass. The traffic fails on and
// on, as an application's does: three reports sent at once raced the
// probe the first one asks for, whose success ends the streak, and under
// -race the probe sometimes won.
func TestFollowerPassiveFailureFailsOver(t *testing.T) {
	f := newFleet(t, 3, 2*time.Second)
	lead := f.leader(10 * time.Second)
	f.routesAll(5*time.Second, "alpha", "bravo", "charlie")
	fl := f.followers(lead)[0]
	stop, stopped := make(chan struct{}), make(chan struct{})
	stopReports := sync.OnceFunc(func() { close(stop); <-stopped })
	defer stopReports() // also when the test fails
	go func() {
		defer close(stopped)
		for {
			fl.rep.Report(probes.Result{Provider: "alpha", Class: probes.ClassServerError, Status: 502, Err: "502 Bad Gateway"})
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	took := f.routesAll(5*time.Second, "bravo", "charlie")
	stopReports()
	t.Logf("every replica failed over %s after the follower's reports", took)
	s := lead.mon.Snapshot()
	var down *monitor.Event
	for i, e := range s.Events {
		if e.Kind == monitor.EventState && e.Provider == "alpha" && e.To == string(monitor.StateDown) {
			down = &s.Events[i]
		}
	}
	if down == nil || down.Actor != monitor.ActorGateway {
		t.Fatalf("the leader's events hold no down of alpha by the gateway: %+v", s.Events)
	}
}

// apiServer serves the API over the replica, as serve does in a fleet.
func apiServer(t *testing.T, rep *Replica) *httptest.Server {
	t.Helper()
	srv, err := api.New(rep, config.API{Listen: "127.0.0.1:0"}, api.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return hs
}

// post sends a command to the API and returns the status and body.
func post(t *testing.T, base, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(base+"/api/v1/commands", "application/json", bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// client is an etcd client of the test's own, closed when it ends.
func (f *fleetOf) client() *clientv3.Client {
	f.t.Helper()
	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{f.etcd.Endpoint}, DialTimeout: 2 * time.Second})
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { _ = cli.Close() })
	return cli
}
