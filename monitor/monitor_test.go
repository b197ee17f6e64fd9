package monitor

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"switchboard/config"
	"switchboard/probes"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// script is a ProbeFunc whose per-provider outcome a test can change; a
// "hang" outcome blocks until the probe's context ends, as a dead server does.
type script struct {
	mu       sync.Mutex
	outcome  map[string]probes.Class
	calls    map[string]int
	inflight map[string]int
	maxIn    int
}

func newScript() *script {
	return &script{outcome: map[string]probes.Class{}, calls: map[string]int{}, inflight: map[string]int{}}
}

const hang probes.Class = "hang"

func (s *script) set(name string, c probes.Class) {
	s.mu.Lock()
	s.outcome[name] = c
	s.mu.Unlock()
}

func (s *script) count(name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[name]
}

func (s *script) probe(ctx context.Context, p config.Provider) probes.Result {
	s.mu.Lock()
	s.calls[p.Name]++
	s.inflight[p.Name]++
	s.maxIn = max(s.maxIn, s.inflight[p.Name])
	c := s.outcome[p.Name]
	s.mu.Unlock()
	defer func() { s.mu.Lock(); s.inflight[p.Name]--; s.mu.Unlock() }()
	if c == "" {
		c = probes.ClassOK
	}
	if c == hang {
		<-ctx.Done()
		if errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
			return probes.Result{Class: probes.ClassTimeout, Err: "timeout"}
		}
		return probes.Result{Class: probes.ClassConnect, Err: "cancelled"}
	}
	return probes.Result{Class: c, Latency: 100 * time.Millisecond}
}

// running starts a monitor with the real clock; inside a synctest bubble
// that clock is fake, so the monitor's own timers and timeouts drive time.
func running(t *testing.T, sc *script, names ...string) *Monitor {
	t.Helper()
	return runningWith(t, sc, testConfig(names...), Options{})
}

// runningWith is running with a config and options of the test's own;
// the script probes and status pages say nothing.
func runningWith(t *testing.T, sc *script, cfg *config.Config, opts Options) *Monitor {
	t.Helper()
	opts.Probe = sc.probe
	opts.Status = func(context.Context, config.Provider) probes.StatusWord { return probes.StatusWord{} }
	m := New(cfg, opts)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- m.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return m
}

// stepUntil lets bubble time pass in small steps until cond holds and
// returns how much passed; it fails the test after limit.
func stepUntil(t *testing.T, m *Monitor, limit time.Duration, cond func(*Snapshot) bool) time.Duration {
	t.Helper()
	const step = 10 * time.Millisecond
	for elapsed := time.Duration(0); elapsed <= limit; elapsed += step {
		synctest.Wait()
		if cond(m.Snapshot()) {
			return elapsed
		}
		time.Sleep(step)
	}
	t.Fatalf("condition not met within %s; active %q", limit, m.Snapshot().Active)
	return 0
}

func TestRunFailsOverAndBack(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sc := newScript()
		m := running(t, sc, "openai", "azure")
		// A minute of healthy probes gives the adaptive timeout its samples.
		stepUntil(t, m, 2*time.Minute, func(s *Snapshot) bool {
			return s.Providers[0].Stats.Samples >= 6 && s.Providers[1].State == StateUp
		})
		if to := m.Snapshot().Providers[0].Timeout; to != time.Second {
			t.Fatalf("adaptive timeout %s, want 1s", to)
		}
		sc.set("openai", hang)
		took := stepUntil(t, m, 30*time.Second, func(s *Snapshot) bool { return s.Active == "azure" })
		// ≤ 11s to the next probe (10s + 10% jitter), then three 1s timeouts back to back.
		if took > 14*time.Second+100*time.Millisecond {
			t.Fatalf("failover took %s, want within one interval plus three short timeouts", took)
		}
		sc.set("openai", probes.ClassOK)
		back := stepUntil(t, m, 2*time.Minute, func(s *Snapshot) bool { return s.Active == "openai" })
		if back < 30*time.Second {
			t.Fatalf("failed back after %s, before the 30s hold-down", back)
		}
	})
}

func TestSendIsValidatedAndApplied(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := running(t, newScript(), "openai", "azure")
		stepUntil(t, m, 5*time.Second, func(s *Snapshot) bool { return s.Providers[1].State == StateUp })
		if err := m.Send(Pin{Provider: "nope"}); err == nil {
			t.Fatal("pin of an unknown provider accepted")
		}
		if err := m.Send(ForceFailover{}); err != nil {
			t.Fatal(err)
		}
		if s := m.Snapshot(); s.Active != "azure" || s.Mode != ModeForced {
			t.Fatalf("after force failover: active %q mode %s", s.Active, s.Mode)
		}
	})
}

func TestSendWithoutRunIsRefused(t *testing.T) {
	m := New(testConfig("openai"), Options{Probe: newScript().probe})
	if err := m.Send(Auto{}); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("err %v, want ErrNotRunning", err)
	}
	if s := m.Snapshot(); s == nil || s.Active != "openai" {
		t.Fatalf("first snapshot %+v", s)
	}
}

func TestProbeNowProbesAtOnceButNeverTwiceConcurrently(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sc := newScript()
		m := running(t, sc, "openai")
		stepUntil(t, m, time.Second, func(s *Snapshot) bool { return s.Providers[0].State == StateUp })
		before := sc.count("openai")
		for i := 0; i < 20; i++ {
			if err := m.Send(ProbeNow{}); err != nil {
				t.Fatal(err)
			}
		}
		synctest.Wait() // no time passes: only the kick can cause a probe
		if sc.count("openai") == before {
			t.Fatal("ProbeNow did not probe without the clock moving")
		}
		sc.mu.Lock()
		defer sc.mu.Unlock()
		if sc.maxIn != 1 {
			t.Fatalf("%d concurrent probes of one provider", sc.maxIn)
		}
	})
}

func TestSlowSubscriberNeverStallsTheMonitor(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := running(t, newScript(), "openai", "azure")
		ch, unsubscribe := m.Subscribe()
		defer unsubscribe()
		stepUntil(t, m, 5*time.Minute, func(s *Snapshot) bool { return s.Seq > 20 }) // samples of one second share a publish
		if len(ch) != 1 {
			t.Fatalf("subscriber channel holds %d snapshots, want the newest only", len(ch))
		}
		if got := <-ch; got.Seq != m.Snapshot().Seq {
			t.Fatalf("subscriber holds snapshot %d, newest is %d", got.Seq, m.Snapshot().Seq)
		}
	})
}

func TestPassiveFailureTriggersImmediateProbe(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sc := newScript()
		m := running(t, sc, "openai", "azure")
		stepUntil(t, m, time.Second, func(s *Snapshot) bool { return s.Providers[0].State == StateUp })
		before := sc.count("openai")
		m.Report(probes.Result{Provider: "openai", Class: probes.ClassConnect, Err: "connection reset"})
		synctest.Wait()
		if sc.count("openai") != before+1 {
			t.Fatalf("%d probes after a failure on real traffic, want 1", sc.count("openai")-before)
		}
	})
}

func TestTrafficIsCounted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := running(t, newScript(), "openai", "azure")
		for i := 0; i < 10; i++ {
			m.RecordRequest(RequestRecord{Backend: "azure", Attempts: 2, OK: i != 0})
		}
		stepUntil(t, m, 3*time.Second, func(s *Snapshot) bool { return s.Traffic.Requests == 10 })
		s := m.Snapshot()
		if s.Traffic.Errors != 1 || s.Traffic.Retries != 10 || s.Providers[1].Traffic.Served != 9 {
			t.Fatalf("traffic %+v, azure %+v", s.Traffic, s.Providers[1].Traffic)
		}
	})
}

func TestPassiveSuccessesAreCoalesced(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := running(t, newScript(), "openai", "azure")
		stepUntil(t, m, time.Second, func(s *Snapshot) bool { return s.Providers[0].State == StateUp })
		before := m.Snapshot().Seq
		for i := 0; i < 50; i++ {
			m.Report(probes.Result{Provider: "openai", Class: probes.ClassOK})
		}
		synctest.Wait()
		if got := m.Snapshot().Seq; got != before {
			t.Fatalf("%d snapshots published for 50 successes on real traffic, want them coalesced", got-before)
		}
		time.Sleep(time.Second)
		synctest.Wait()
		if got := m.Snapshot().Seq; got != before+1 {
			t.Fatalf("%d snapshots after the coalescing second, want 1", got-before)
		}
	})
}

func TestPanickingProbeIsAFailureNotACrash(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := testConfig("openai", "azure")
		cfg.Providers[0].APIKey = "sk-secret-0123456789abcdef"
		probe := func(_ context.Context, p config.Provider) probes.Result {
			if p.Name == "openai" {
				// A panic text is a provider's text like any error: it may
				// carry the key, escape sequences and a whole body.
				panic("unexpected answer from sk-secret-0123456789abcdef \x1b]0;pwned\x07" + strings.Repeat("body ", 100))
			}
			return probes.Result{Class: probes.ClassOK}
		}
		m := New(cfg, Options{Probe: probe, Status: func(context.Context, config.Provider) probes.StatusWord { return probes.StatusWord{} }})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- m.Run(ctx) }()
		defer func() { cancel(); <-done }()
		stepUntil(t, m, 30*time.Second, func(s *Snapshot) bool { return s.Active == "azure" })
		p, _ := m.Snapshot().Provider("openai")
		if p.State != StateDown || p.Last.Class != probes.ClassBadResponse {
			t.Fatalf("openai %s after panicking probes (last %s)", p.State, p.Last.Class)
		}
		if e := p.Last.Err; strings.Contains(e, "sk-secret") || !strings.Contains(e, "probe failed internally") ||
			strings.ContainsRune(e, 0x1b) || strings.ContainsRune(e, 0x07) || len(e) > 120 {
			t.Fatalf("error text %q: want it redacted, without control characters, at most 120 bytes", e)
		}
	})
}

func TestNewSamplesArePublishedWithinASecond(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sc := newScript()
		m := running(t, sc, "openai", "azure")
		stepUntil(t, m, time.Second, func(s *Snapshot) bool { return s.Providers[1].State == StateUp })
		synctest.Wait()
		if err := m.Send(ProbeNow{}); err != nil {
			t.Fatal(err)
		}
		after := m.Snapshot() // published by the command itself
		synctest.Wait()       // both probes answered: samples only, no state change
		if got := m.Snapshot(); got.Seq != after.Seq {
			t.Fatalf("%d snapshots for two routine samples, want them held for the next second", got.Seq-after.Seq)
		}
		time.Sleep(time.Second)
		synctest.Wait()
		got := m.Snapshot()
		if got.Seq != after.Seq+1 || got.Providers[0].Stats.Samples != after.Providers[0].Stats.Samples+1 {
			t.Fatalf("after a second: %d snapshots, openai samples %d → %d", got.Seq-after.Seq,
				after.Providers[0].Stats.Samples, got.Providers[0].Stats.Samples)
		}
	})
}
