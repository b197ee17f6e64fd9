package demo

import (
	"context"
	"net"
	"testing"
	"testing/synctest"
	"time"

	"switchboard/config"
	"switchboard/internal/memnet"
	"switchboard/monitor"
	"switchboard/probes"
)

// story runs the demo with the real monitor inside a synctest bubble, where
// the monitor's RealClock and the simulated latencies are fake time, so
// minutes of the story take moments.
type story struct {
	t     *testing.T
	start time.Time
	mon   *monitor.Monitor
}

func runStory(t *testing.T) *story {
	n := memnet.New()
	client := n.Client(30 * time.Second)
	d, err := Start(Options{LatencyScale: 1, Client: client, GatewayListen: "127.0.0.1:0",
		Listen: func(name string) (net.Listener, error) { return n.Listen(name + ".demo:80") }})
	if err != nil {
		t.Fatal(err)
	}
	mon := monitor.New(d.Config(), monitor.Options{Client: client, Demo: true,
		Probe: func(ctx context.Context, p config.Provider) probes.Result { return probes.Probe(ctx, client, p) }})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = mon.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
		d.Close()
		client.CloseIdleConnections()
	})
	return &story{t: t, start: time.Now(), mon: mon}
}

// at sleeps until offset into the story and returns the snapshot then.
func (s *story) at(offset time.Duration) *monitor.Snapshot {
	time.Sleep(time.Until(s.start.Add(offset)))
	synctest.Wait() // let every probe that finished by now be applied
	return s.mon.Snapshot()
}

func (s *story) wantActive(snap *monitor.Snapshot, name string) {
	s.t.Helper()
	if snap.Active != name {
		s.t.Fatalf("at %s active is %q (%s), want %q; events:\n%s",
			snap.At.Sub(s.start), snap.Active, snap.ActiveCause, name, s.events(snap))
	}
}

func (s *story) events(snap *monitor.Snapshot) string {
	var out string
	for _, e := range snap.Events {
		out += e.At.Sub(s.start).String() + " " + string(e.Kind) + " " + e.Provider + " " +
			e.From + "→" + e.To + " (" + e.Cause + ")\n"
	}
	return out
}

// find returns the first event after from matching the predicate.
func find(snap *monitor.Snapshot, match func(monitor.Event) bool) (monitor.Event, bool) {
	for _, e := range snap.Events {
		if match(e) {
			return e, true
		}
	}
	return monitor.Event{}, false
}

func TestStoryFailsOverToAzureAndBack(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := runStory(t)
		s.wantActive(s.at(15*time.Second), OpenAI)

		mid := s.at(60 * time.Second)
		s.wantActive(mid, Azure)
		if p, _ := mid.Provider(OpenAI); p.State != monitor.StateDown {
			t.Fatalf("openai mid-outage is %s, want down", p.State)
		}

		end := s.at(130 * time.Second)
		s.wantActive(end, OpenAI)
		away, ok := find(end, func(e monitor.Event) bool {
			return e.Kind == monitor.EventActive && e.From == OpenAI && e.To == Azure
		})
		if !ok {
			t.Fatalf("no failover from openai to azure-openai; events:\n%s", s.events(end))
		}
		if at := away.At.Sub(s.start); at < OutageStart || at > OutageStart+15*time.Second {
			t.Errorf("failover at %s, want within 15s of the outage at %s", at, OutageStart)
		}
		back, ok := find(end, func(e monitor.Event) bool {
			return e.Kind == monitor.EventActive && e.From == Azure && e.To == OpenAI
		})
		if !ok {
			t.Fatalf("no failback to openai; events:\n%s", s.events(end))
		}
		t.Logf("events:\n%s", s.events(end))
		// Failback waits for recovery and then the 30 s hold-down.
		if at := back.At.Sub(s.start); at < OutageEnd+30*time.Second || at > OutageEnd+45*time.Second {
			t.Errorf("failback at %s, want 30–45s after recovery at %s", at, OutageEnd)
		}
	})
}

// The side stories: anthropic's 429 bursts and ollama's slowness show on
// the dashboard as rate-limited and degraded.
func TestStoryShowsRateLimitsAndDegradation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := runStory(t)
		snap := s.at(70 * time.Second)
		for _, want := range []struct {
			provider string
			state    monitor.State
		}{{Anthropic, monitor.StateRateLimited}, {Ollama, monitor.StateDegraded}} {
			if _, ok := find(snap, func(e monitor.Event) bool {
				return e.Kind == monitor.EventState && e.Provider == want.provider && e.To == string(want.state)
			}); !ok {
				t.Errorf("%s never became %s; events:\n%s", want.provider, want.state, s.events(snap))
			}
		}
		if p, _ := snap.Provider(Anthropic); p.State != monitor.StateUp {
			t.Errorf("anthropic after its burst is %s, want up again", p.State)
		}
		if p, _ := snap.Provider(Azure); p.State != monitor.StateUp {
			t.Errorf("azure-openai is %s, want up throughout", p.State)
		}
	})
}

// The story repeats: a newcomer who keeps the dashboard open sees the same
// failover and failback every period, not a hold-down that grows until
// failback never comes.
func TestStoryRepeatsEveryPeriod(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := runStory(t)
		end := s.at(Period + 2*time.Minute)
		s.wantActive(end, OpenAI)
		var away, back []time.Duration
		for _, e := range end.Events {
			switch {
			case e.Kind != monitor.EventActive:
			case e.From == OpenAI && e.To == Azure:
				away = append(away, e.At.Sub(s.start))
			case e.From == Azure && e.To == OpenAI:
				back = append(back, e.At.Sub(s.start))
			}
		}
		if len(away) != 2 || len(back) != 2 {
			t.Fatalf("failovers at %v, failbacks at %v: want two of each; events:\n%s", away, back, s.events(end))
		}
		if d := away[1] - away[0]; d < Period-5*time.Second || d > Period+5*time.Second {
			t.Errorf("second failover %s after the first, want about %s", d, Period)
		}
		if d := back[1] - back[0]; d < Period-5*time.Second || d > Period+5*time.Second {
			t.Errorf("second failback %s after the first, want about %s", d, Period)
		}
	})
}
