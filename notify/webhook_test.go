package notify

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"switchboard/internal/waitfor"

	"switchboard/config"
	"switchboard/monitor"
	"switchboard/probes"
)

const hookSecret = "xoxb7QmZt0pSecretPathSegment"

// script is an injected probe: each provider answers as set.
type script struct {
	mu      sync.Mutex
	outcome map[string]probes.Class
}

func (s *script) set(name string, c probes.Class) {
	s.mu.Lock()
	s.outcome[name] = c
	s.mu.Unlock()
}

func (s *script) probe(_ context.Context, p config.Provider) probes.Result {
	s.mu.Lock()
	c := s.outcome[p.Name]
	s.mu.Unlock()
	if c == "" {
		c = probes.ClassOK
	}
	return probes.Result{Provider: p.Name, Class: c, Latency: 50 * time.Millisecond}
}

// runMonitor starts a real monitor probing with sc; it stops at cleanup.
func runMonitor(t *testing.T, cfg *config.Config, sc *script) *monitor.Monitor {
	t.Helper()
	m := monitor.New(cfg, monitor.Options{Probe: sc.probe,
		Status: func(context.Context, config.Provider) probes.StatusWord { return probes.StatusWord{} }})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = m.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return m
}

// runNotifier runs n on src until cleanup, and fails the test if Run
// returns an error.
func runNotifier(t *testing.T, n *Notifier, src Source) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.Run(ctx, src) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
}

// apply sends an order once the monitor runs.
func apply(t *testing.T, m *monitor.Monitor, o monitor.Order) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := m.Apply(o)
		if err == nil {
			return
		}
		if err != monitor.ErrNotRunning || time.Now().After(deadline) {
			t.Fatalf("apply %T: %v", o.Command, err)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestWebhookDeliversInOrder: a real monitor fails over and an operator
// pins and releases; a local receiver gets one message per thing that
// happened, in order, at the webhook's own path.
func TestWebhookDeliversInOrder(t *testing.T) {
	rc := &receiver{}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	cfg := testConfig("openai", "azure-openai")
	cfg.SuspectInterval = config.Duration(20 * time.Millisecond)
	sc := &script{outcome: map[string]probes.Class{"openai": probes.ClassTimeout}}
	m := runMonitor(t, cfg, sc)
	hook := srv.URL + "/services/T000/B000/" + hookSecret
	n := New([]config.Notify{{Webhook: hook, On: config.NotifyEvents()}}, Options{Logger: quiet})
	runNotifier(t, n, m)

	waitfor.Cond(t, "the failover's message", func() bool { return len(rc.got()) == 1 })
	apply(t, m, monitor.Order{Command: monitor.Pin{Provider: "openai", For: 15 * time.Minute}, Actor: "oncall"})
	waitfor.Cond(t, "the pin's message", func() bool { return len(rc.got()) == 2 })
	apply(t, m, monitor.Order{Command: monitor.Auto{}, Actor: "oncall"})
	waitfor.Cond(t, "the release's message", func() bool { return len(rc.got()) == 3 })

	want := []string{
		"openai down (3× timeout) — traffic moved to azure-openai",
		"operator oncall pinned openai for 15m — traffic moved to openai",
		"operator oncall returned routing to the policy (auto) — traffic moved to azure-openai",
	}
	if got := rc.got(); !slices.Equal(got, want) {
		t.Fatalf("received:\n%q\nwant:\n%q", got, want)
	}
	for _, p := range rc.paths {
		if p != "/services/T000/B000/"+hookSecret {
			t.Errorf("posted to %q", p)
		}
	}
	// The receiver has the third message a moment before the sender has
	// its answer and counts it.
	waitfor.Cond(t, "the third delivery counted", func() bool { return n.Stats()[0].Delivered == 3 })
	st := n.Stats()
	if len(st) != 1 || st[0].Destination != "webhook "+strings.TrimPrefix(srv.URL, "http://") ||
		st[0].Delivered != 3 || st[0].Attempts != 3 || st[0].Failed != 0 || st[0].Dropped != 0 {
		t.Errorf("stats %+v", st)
	}
}

// Slack reads &, < and > as markup: a cause must not mention a channel.
func TestWebhookEscapesSlackMarkup(t *testing.T) {
	rc := &receiver{}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	w := &webhook{url: srv.URL, client: webhookClient(nil), r: newRedactor(nil)}
	if err := w.send(context.Background(), &Message{Text: "p95 2.4s > 2s <!channel> & co"}); err != nil {
		t.Fatal(err)
	}
	if got := rc.got(); len(got) != 1 || got[0] != "p95 2.4s &gt; 2s &lt;!channel&gt; &amp; co" {
		t.Fatalf("received %q", got)
	}
}

// A receiver's answer decides the retry: 5xx, 408 and 429 are retried; a
// redirect and other 4xx fail at once; the error never holds the URL.
func TestWebhookAnswers(t *testing.T) {
	for _, c := range []struct {
		status    int
		permanent bool
	}{{500, false}, {503, false}, {408, false}, {429, false}, {404, true}, {400, true}, {302, true}} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if c.status == 302 {
				w.Header().Set("Location", "/elsewhere")
			}
			w.WriteHeader(c.status)
			_, _ = w.Write([]byte(r.URL.Path + strings.Repeat("x", 10000)))
		}))
		url := srv.URL + "/services/" + hookSecret
		w := &webhook{url: url, client: webhookClient(nil), r: newRedactor(webhookSecrets(url))}
		err := w.send(context.Background(), &Message{Text: "x"})
		srv.Close()
		var perm *permanentError
		isPerm := err != nil && errors.As(err, &perm)
		if err == nil || isPerm != c.permanent {
			t.Errorf("HTTP %d: error %v, permanent %v; want permanent %v", c.status, err, isPerm, c.permanent)
			continue
		}
		if strings.Contains(err.Error(), hookSecret) || len(err.Error()) > 300 {
			t.Errorf("HTTP %d: error %q shows the secret or the whole body", c.status, err)
		}
	}
}
