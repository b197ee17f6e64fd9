package demo

import (
	"context"
	"net"
	"net/http"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"switchboard/config"
	"switchboard/internal/memnet"
	"switchboard/probes"
)

// clock is a settable Now for driving the script without waiting.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

func startLoopback(t *testing.T, now func() time.Time) *Demo {
	t.Helper()
	d, err := Start(Options{Now: now, GatewayListen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		d.Close()
		d.Client().CloseIdleConnections()
	})
	return d
}

func probeDemo(t *testing.T, d *Demo, name string, timeout time.Duration) probes.Result {
	t.Helper()
	cfg := d.Config()
	for _, p := range cfg.Providers {
		if p.Name == name {
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			return probes.Probe(ctx, d.Client(), p)
		}
	}
	t.Fatalf("no provider %s in the demo config", name)
	return probes.Result{}
}

// The demo's config must be one the config package itself accepts, and
// name the four providers in the story's priority order.
func TestConfigIsValidAndOrdered(t *testing.T) {
	d := startLoopback(t, nil)
	cfg := d.Config()
	parsed, err := config.Parse("demo.yaml", []byte(cfg.String()), nil)
	if err != nil {
		t.Fatalf("demo config does not validate:\n%v\n%s", err, cfg)
	}
	var names []string
	for _, p := range parsed.Providers {
		names = append(names, p.Name)
	}
	if want := []string{OpenAI, Azure, Anthropic, Ollama}; !slices.Equal(names, want) {
		t.Fatalf("providers %v, want %v", names, want)
	}
	if cfg.Interval.D() != 2*time.Second || cfg.Gateway == nil || cfg.Gateway.Listen != "127.0.0.1:0" {
		t.Fatalf("interval %s gateway %+v: want 2s and the gateway on the given address", cfg.Interval, cfg.Gateway)
	}
	if cfg.Path != "" {
		t.Fatalf("demo config has path %q, want none", cfg.Path)
	}
}

// Over real loopback TCP, each simulated provider answers the real probe
// for its kind as the script says at that moment of the story.
func TestProvidersAnswerProbesAsScripted(t *testing.T) {
	c := &clock{t: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
	start := c.now()
	d := startLoopback(t, c.now)
	cases := []struct {
		name     string
		provider string
		at       time.Duration
		class    probes.Class
		status   int
	}{
		{"openai ok before the outage", OpenAI, 5 * time.Second, probes.ClassOK, 200},
		{"azure ok", Azure, 5 * time.Second, probes.ClassOK, 200},
		{"anthropic ok", Anthropic, 5 * time.Second, probes.ClassOK, 200},
		{"ollama ok", Ollama, 5 * time.Second, probes.ClassOK, 200},
		{"openai hangs into a timeout", OpenAI, 25 * time.Second, probes.ClassTimeout, 0},
		{"openai 503", OpenAI, 41 * time.Second, probes.ClassServerError, 503},
		{"anthropic 429", Anthropic, 50 * time.Second, probes.ClassRateLimited, 429},
		{"openai recovered", OpenAI, 90 * time.Second, probes.ClassOK, 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.set(start.Add(tc.at))
			r := probeDemo(t, d, tc.provider, 300*time.Millisecond)
			if r.Class != tc.class || r.Status != tc.status {
				t.Fatalf("class %s status %d (%s), want %s %d", r.Class, r.Status, r.Err, tc.class, tc.status)
			}
			if tc.class == probes.ClassRateLimited && r.RetryAfter != RetryAfter {
				t.Fatalf("Retry-After %s, want %s", r.RetryAfter, RetryAfter)
			}
		})
	}
}

// Close must release a request hanging on a failing provider, so quitting
// the dashboard mid-outage leaves nothing behind (goleak checks in TestMain).
// In a synctest bubble "still hanging" is a fact rather than a guess: once
// every goroutine is durably blocked the request has had every chance to
// return, and the fake clock shows it ended at the instant of Close, not at
// the client's timeout.
func TestCloseReleasesHungRequests(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := memnet.New()
		client := n.Client(30 * time.Second)
		d, err := Start(Options{Client: client, GatewayListen: "127.0.0.1:0",
			Listen: func(name string) (net.Listener, error) { return n.Listen(name + ".demo:80") }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close(); client.CloseIdleConnections() }) // on failure too
		time.Sleep(OutageStart + time.Second)
		if act := ActionAt(OpenAI, OutageStart+time.Second); act != Hang {
			t.Fatalf("the script does %s at this moment, want a hang", act)
		}
		type outcome struct {
			err error
			at  time.Time
		}
		got := make(chan outcome, 1)
		go func() {
			req, _ := http.NewRequest(http.MethodGet, d.Config().Providers[0].BaseURL+"/models", nil)
			req.Header.Set("Authorization", "Bearer "+openAIKey)
			resp, err := client.Do(req)
			if err == nil {
				resp.Body.Close()
			}
			got <- outcome{err, time.Now()}
		}()
		synctest.Wait()
		select {
		case o := <-got:
			t.Fatalf("the request during the hang returned before Close: %v", o.err)
		default:
		}
		closed := time.Now()
		d.Close()
		synctest.Wait()
		select {
		case o := <-got:
			if waited := o.at.Sub(closed); waited != 0 {
				t.Errorf("the request ended %s after Close began, want at once: something other than Close released it", waited)
			}
		default:
			t.Fatal("Close returned and the hung request is still hanging")
		}
	})
}
