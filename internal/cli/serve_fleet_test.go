package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"switchboard/api"
	"switchboard/internal/etcdtest"
)

// replicaChild is serve running as one replica of a fleet, in a process
// of its own so that it can die by SIGKILL.
type replicaChild struct {
	name    string
	cmd     *exec.Cmd
	client  *api.Client
	gateway string
	killed  bool
}

// startReplica runs serve on cfgPath in a new process and returns once
// its API and gateway listen.
func startReplica(t *testing.T, name, cfgPath, stateDir string) *replicaChild {
	t.Helper()
	cmd, addrs := spawnServe(t, cfgPath, stateDir)
	rc := &replicaChild{name: name, cmd: cmd}
	t.Cleanup(rc.stop)
	timeout := time.After(20 * time.Second)
	for rc.client == nil || rc.gateway == "" {
		select {
		case a := <-addrs:
			if a[0] == "api" {
				rc.client = api.NewClient("http://"+a[1], "")
			} else {
				rc.gateway = a[1]
			}
		case <-timeout:
			t.Fatalf("replica %s did not listen within 20s", name)
		}
	}
	return rc
}

// kill ends the replica as a crash does: no resignation, no revoked lease.
func (rc *replicaChild) kill() {
	rc.killed = true
	_ = rc.cmd.Process.Signal(syscall.SIGKILL)
	_ = rc.cmd.Wait()
}

// stop ends it with SIGTERM, as a rolling restart does.
func (rc *replicaChild) stop() {
	if rc.killed {
		return
	}
	rc.killed = true
	_ = rc.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = rc.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = rc.cmd.Process.Kill()
		<-done
	}
}

func (rc *replicaChild) state(t *testing.T) api.State {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := rc.client.State(ctx)
	if err != nil {
		t.Fatalf("%s: state: %v", rc.name, err)
	}
	return st
}

// fleetLeader waits until every replica of rs names the same leader, one
// of rs, and lists len(rs) replicas.
func fleetLeader(t *testing.T, rs []*replicaChild, limit time.Duration) *replicaChild {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		var leader string
		agree := true
		for _, rc := range rs {
			st := rc.state(t)
			switch {
			case st.Fleet == nil || st.Fleet.Leader == nil || len(st.Fleet.Replicas) != len(rs):
				agree = false
			case leader == "":
				leader = *st.Fleet.Leader
			case leader != *st.Fleet.Leader:
				agree = false
			}
		}
		for _, rc := range rs {
			if agree && rc.name == leader {
				return rc
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no leader that all of %d replicas agree on within %s", len(rs), limit)
	return nil
}

// TestFleetLeaderKilledUnderLoad runs three serve replicas against one
// etcd, sends chat requests through the two followers' gateways without a
// pause, and kills the leader with SIGKILL: not one request fails, the
// followers keep routing as they did, a new leader is elected within the
// lease and a little, and a command through a follower then moves every
// replica.
func TestFleetLeaderKilledUnderLoad(t *testing.T) {
	const lease = 2 * time.Second
	etcd := etcdtest.Start(t)
	a, b := fakeOpenAI(t), fakeOpenAI(t)
	var rs []*replicaChild
	for i := range 3 {
		name := fmt.Sprintf("r%d", i+1)
		dir := t.TempDir()
		cfg := "interval: 1s\nsuspect_interval: 200ms\n" + serveConfig([]string{"alpha", "bravo"}, a, b) +
			fmt.Sprintf("fleet:\n  replica: %s\n  lease: %s\n  etcd:\n    endpoints: [%q]\n", name, lease, etcd.Endpoint)
		rs = append(rs, startReplica(t, name, writeFile(t, dir, "config.yaml", cfg), filepath.Join(dir, "state")))
	}
	lead := fleetLeader(t, rs, 15*time.Second)
	var followers []*replicaChild
	for _, rc := range rs {
		if rc != lead {
			followers = append(followers, rc)
		}
	}

	var total, failed atomic.Int64
	var firstErr atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	defer client.CloseIdleConnections()
	for w := range 8 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				gw := followers[(w+i)%len(followers)].gateway
				req := `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello"}]}`
				resp, err := client.Post("http://"+gw+"/v1/chat/completions", "application/json", strings.NewReader(req))
				total.Add(1)
				if err == nil {
					_ = resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %d from %s", resp.StatusCode, gw)
					}
				}
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				}
			}
		})
	}
	time.Sleep(500 * time.Millisecond)
	lead.kill()
	died := time.Now()
	next := fleetLeader(t, followers, lease+10*time.Second)
	took := time.Since(died)
	time.Sleep(time.Until(died.Add(lease + 2*time.Second)))
	close(stop)
	wg.Wait()
	t.Logf("%d requests through the followers across the leader's death, %d failed; %s leads %s after the kill",
		total.Load(), failed.Load(), next.name, took.Round(time.Millisecond))
	if failed.Load() != 0 {
		t.Errorf("%d of %d requests failed across the leader's death; the first: %v", failed.Load(), total.Load(), firstErr.Load())
	}
	if total.Load() < 100 {
		t.Errorf("only %d requests: the load was not sustained", total.Load())
	}
	if took > lease+3*time.Second {
		t.Errorf("a new leader after %s; want within the lease (%s) and a little", took, lease)
	}

	other := followers[0]
	if other == next {
		other = followers[1]
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	res, err := other.client.Command(ctx, api.CommandRequest{Action: api.ActionPin, Provider: "bravo", ExpectActive: "alpha"})
	if err != nil || res.Active == nil || *res.Active != "bravo" {
		t.Fatalf("pin through %s: %+v %v", other.name, res, err)
	}
	// The replica that took the command answered once it routes by it;
	// the others follow within milliseconds (the leader itself once its
	// local state file has the decision too).
	for _, rc := range followers {
		var st api.State
		for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if st = rc.state(t); st.Active != nil && *st.Active == "bravo" && st.Pinned != nil {
				break
			}
		}
		if st.Active == nil || *st.Active != "bravo" || st.Pinned == nil {
			data, _ := json.Marshal(st)
			t.Errorf("%s 2s after the pin (seq %d through %s): %s", rc.name, res.Seq, other.name, data)
		}
	}
}
