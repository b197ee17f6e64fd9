package gateway_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/openai/openai-go/v3/option"

	"switchboard/config"
	"switchboard/internal/fakes"
	"switchboard/monitor"
	"switchboard/probes"
)

// waitFor polls cond until it holds; the deadline is a safety net against
// a hung test, not a speed assertion.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

type callResult struct {
	backend string
	err     error
}

// chatCall makes one SDK chat call and says who served it.
func (h *harness) chatCall() callResult {
	var resp *http.Response
	client := h.sdk()
	_, err := client.Chat.Completions.New(context.Background(), chatParams(), option.WithResponseInto(&resp))
	r := callResult{err: err}
	if resp != nil {
		r.backend = resp.Header.Get("X-Switchboard-Backend")
	}
	return r
}

// TestInFlightRescue: a request waiting on a hanging primary is moved to
// the secondary as soon as the monitor marks the primary down, or its
// authoritative status page does, long before the attempt's own timeout.
func TestInFlightRescue(t *testing.T) {
	t.Run("marked down", func(t *testing.T) {
		testRescue(t, func(src *fakeSource) { src.setState("primary", monitor.StateDown) })
	})
	t.Run("official outage", func(t *testing.T) {
		testRescue(t, func(src *fakeSource) { src.setOfficialDown("primary") })
	})
}

func testRescue(t *testing.T, takeOut func(*fakeSource)) {
	primary := startFake(t, fakes.Options{Kind: "openai", APIKey: upstreamKey})
	secondary := startFake(t, fakes.Options{Kind: "openai", APIKey: upstreamKey})
	cfg := newConfig(provider("primary", config.KindOpenAI, primary), provider("secondary", config.KindOpenAI, secondary))
	cfg.Gateway.UpstreamTimeout = config.Duration(time.Minute) // only a rescue ends the wait in time
	src := newFakeSource("primary", "secondary")
	h := start(t, cfg, src)
	primary.Handler().SetFault(fakes.Fault{Kind: fakes.FaultHang})

	done := make(chan callResult, 1)
	go func() { done <- h.chatCall() }()
	waitFor(t, "the request to reach the hanging primary", func() bool { return primary.Handler().Count() == 1 })
	select {
	case r := <-done:
		t.Fatalf("request finished while the primary hung and was still up: %+v", r)
	default:
	}
	takeOut(src)
	var r callResult
	select {
	case r = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("request not rescued after the primary was marked down")
	}
	if r.err != nil || r.backend != "secondary" {
		t.Fatalf("rescued call: backend %q err %v, want secondary and no error", r.backend, r.err)
	}
	rs := src.ReportsAfter(2)
	if len(rs) != 2 || rs[0].Provider != "primary" || rs[0].Class != probes.ClassTimeout || !strings.Contains(rs[0].Err, "marked down") {
		t.Errorf("reports = %+v, want primary rescued (timeout) then secondary ok", rs)
	}
}

// With nowhere else to go (PANIC), a waiting request is not cancelled: it
// keeps its chance on the least-bad backend until its own timeout.
func TestNoRescueWithoutAlternative(t *testing.T) {
	s := startFake(t, fakes.Options{Kind: "openai", APIKey: upstreamKey})
	src := newFakeSource("only")
	h := start(t, newConfig(provider("only", config.KindOpenAI, s)), src)
	s.Handler().SetFault(fakes.Fault{Kind: fakes.FaultHang})
	type reply struct {
		status int
		body   string
	}
	done := make(chan reply, 1)
	go func() {
		status, _, body := h.do("POST", "/v1/chat/completions", chatBody, nil)
		done <- reply{status, body}
	}()
	waitFor(t, "the request to reach the provider", func() bool { return s.Handler().Count() == 1 })
	src.setState("only", monitor.StateDown)
	r := <-done
	if r.status != http.StatusGatewayTimeout {
		t.Fatalf("status %d, want 504: %s", r.status, r.body)
	}
	if msg, _, code := openAIError(t, r.body); code != "upstream_timeout" || strings.Contains(msg, "marked down") {
		t.Errorf("code %q message %q: want a plain timeout, not a rescue", code, msg)
	}
}

// reply is what a raw client got from the gateway.
type reply struct {
	status int
	header http.Header
	body   string
}

// startSlow starts one OpenAI-style fake per name (kinds[name] overrides
// the kind) behind a gateway allowing maxAttempts attempts. The upstream
// timeout is long so that only a rescue can end a wait early.
func startSlow(t *testing.T, maxAttempts int, kinds map[string]string, names ...string) *harness {
	t.Helper()
	fs := map[string]*fakes.Server{}
	var provs []config.Provider
	for _, n := range names {
		kind := config.KindOpenAI
		if k, ok := kinds[n]; ok {
			kind = k
		}
		fs[n] = startFake(t, fakes.Options{Kind: kind, APIKey: upstreamKey})
		provs = append(provs, provider(n, kind, fs[n]))
	}
	cfg := newConfig(provs...)
	cfg.Gateway.UpstreamTimeout = config.Duration(time.Minute)
	cfg.Gateway.MaxAttempts = maxAttempts
	h := start(t, cfg, newFakeSource(names...))
	h.fakes = fs
	return h
}

// markDownWhileWaiting sends a request, marks name down once its slow
// fake has the request, and returns the client's reply. The fake answers
// after a delay long enough for the rescue watcher to act first.
func markDownWhileWaiting(t *testing.T, h *harness, name, path, body string) reply {
	t.Helper()
	slow := h.fakes[name].Handler()
	slow.SetDelay(time.Second)
	done := make(chan reply, 1)
	go func() {
		status, header, b := h.do("POST", path, body, nil)
		done <- reply{status, header, b}
	}()
	waitFor(t, "the request to reach "+name, func() bool { return slow.Count() == 1 })
	h.src.setState(name, monitor.StateDown)
	return <-done
}

// wantServedBy checks that backend's answer reached the client.
func wantServedBy(t *testing.T, r reply, backend string) {
	t.Helper()
	if r.status != http.StatusOK || r.header.Get("X-Switchboard-Backend") != backend {
		t.Fatalf("status %d from %q: %s; want 200 from %s, not a rescue to nowhere",
			r.status, r.header.Get("X-Switchboard-Backend"), r.body, backend)
	}
	if strings.Contains(r.body, "marked down") {
		t.Errorf("body %s: want the backend's answer, not a rescue", r.body)
	}
}

// A retry waiting on a slow secondary is not rescued when the only other
// backend in the route is the primary this request already tried: there is
// nowhere to move it, and the secondary would still answer.
func TestNoRescueToTriedBackend(t *testing.T) {
	h := startSlow(t, 3, nil, "primary", "secondary")
	h.fakes["primary"].Handler().SetFault(fakes.Fault{Kind: fakes.FaultStatus, Status: 503})
	r := markDownWhileWaiting(t, h, "secondary", "/v1/chat/completions", chatBody)
	wantServedBy(t, r, "secondary")
}

// An attempt that is the request's last allowed one is not rescued: a
// backend is free in the route, but the request may not try it.
func TestNoRescueOnLastAttempt(t *testing.T) {
	t.Run("max_attempts 1", func(t *testing.T) {
		h := startSlow(t, 1, nil, "primary", "secondary")
		r := markDownWhileWaiting(t, h, "primary", "/v1/chat/completions", chatBody)
		wantServedBy(t, r, "primary")
	})
	t.Run("second of 2", func(t *testing.T) {
		h := startSlow(t, 2, nil, "primary", "secondary", "tertiary")
		h.fakes["primary"].Handler().SetFault(fakes.Fault{Kind: fakes.FaultStatus, Status: 503})
		r := markDownWhileWaiting(t, h, "secondary", "/v1/chat/completions", chatBody)
		wantServedBy(t, r, "secondary")
	})
}

// An embeddings request is not rescued towards a backend that has no
// embeddings endpoint (Anthropic): it could not be served there.
func TestNoRescueToBackendWithoutPath(t *testing.T) {
	h := startSlow(t, 3, map[string]string{"claude": config.KindAnthropic}, "primary", "claude")
	const body = `{"model":"gpt-4o-mini","input":"hello"}`
	r := markDownWhileWaiting(t, h, "primary", "/v1/embeddings", body)
	wantServedBy(t, r, "primary")
}

// A snapshot that marks the backend down after the request picked it but
// before its attempt registered for rescue is not missed: the attempt
// re-reads the snapshot once registered and moves at once, rather than at
// the next snapshot or at its own timeout.
func TestRescueSnapshotBeforeRegistration(t *testing.T) {
	h := twoOpenAI(t)
	h.fakes["primary"].Handler().SetFault(fakes.Fault{Kind: fakes.FaultHang})
	// Only the pick still sees the primary up; the watcher never hears of
	// the change, as if it had applied it before the attempt registered.
	h.src.setStateUnseen("primary", monitor.StateDown, 1)
	status, header, body := h.do("POST", "/v1/chat/completions", chatBody, nil)
	wantServedBy(t, reply{status, header, body}, "secondary")
	rs := h.src.ReportsAfter(2)
	if len(rs) != 2 || rs[0].Provider != "primary" || !strings.Contains(rs[0].Err, "marked down") {
		t.Errorf("reports = %+v, want primary rescued at once, not timed out", rs)
	}
}
