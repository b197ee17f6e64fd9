package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"switchboard/config"
	"switchboard/internal/memnet"
	"switchboard/monitor"
	"switchboard/probes"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Tokens of the tests' servers.
const (
	viewToken = "view-token-0123456789"
	opsToken  = "ops-token-0123456789"
	apiAddr   = "api.test:8788"
)

// withTokens is an api section with a viewer (wallboard) and an operator (oncall).
var withTokens = config.API{Listen: "0.0.0.0:8788", Tokens: []config.APIToken{
	{Name: "wallboard", Token: viewToken, Role: config.RoleViewer},
	{Name: "oncall", Token: opsToken, Role: config.RoleOperator},
}}

// script is the monitor's probe: each provider answers with the class a
// test sets (ok by default), at once.
type script struct {
	mu      sync.Mutex
	outcome map[string]probes.Class
}

func (s *script) set(name string, c probes.Class) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outcome[name] = c
}

func (s *script) probe(_ context.Context, p config.Provider) probes.Result {
	s.mu.Lock()
	c := s.outcome[p.Name]
	s.mu.Unlock()
	if c == "" || c == probes.ClassOK {
		return probes.Result{Class: probes.ClassOK, Latency: 120 * time.Millisecond}
	}
	return probes.Result{Class: c, Status: 503, Err: "503 Service Unavailable"}
}

// newMonitor builds a real monitor over scripted probes; run starts it.
func newMonitor(names ...string) (*monitor.Monitor, *script) {
	sc := &script{outcome: map[string]probes.Class{}}
	cfg := config.Default()
	for _, n := range names {
		cfg.Providers = append(cfg.Providers, config.Provider{Name: n, Kind: config.KindOpenAI, BaseURL: "http://127.0.0.1:1"})
	}
	cfg.ApplyDefaults()
	m := monitor.New(cfg, monitor.Options{Probe: sc.probe,
		Status: func(context.Context, config.Provider) probes.StatusWord { return probes.StatusWord{} }})
	return m, sc
}

// run starts m until the test ends; inside a bubble, the monitor runs on
// fake time. It returns once m accepts commands.
func run(t *testing.T, m *monitor.Monitor) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- m.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	deadline := time.Now().Add(10 * time.Second)
	for m.Send(monitor.ProbeNow{}) == monitor.ErrNotRunning {
		if time.Now().After(deadline) {
			t.Fatal("the monitor did not start within 10s")
		}
		time.Sleep(time.Millisecond)
	}
}

// env is a real monitor behind a real API server on an in-memory network,
// for tests inside a synctest bubble.
type env struct {
	t    *testing.T
	mon  *monitor.Monitor
	sc   *script
	net  *memnet.Network
	http *http.Client
	logs *syncBuffer
	stop func() error // stops the server; nil once stopped
}

// start runs a monitor with providers alpha and bravo (both up) and the
// API with tokens.
func start(t *testing.T, opts Options) *env {
	t.Helper()
	m, sc := newMonitor("alpha", "bravo")
	run(t, m)
	e := &env{t: t, mon: m, sc: sc, net: memnet.New(), logs: &syncBuffer{}}
	e.http = e.net.Client(time.Minute)
	t.Cleanup(e.http.CloseIdleConnections)
	e.until(func(s *monitor.Snapshot) bool { return s.Providers[1].State == monitor.StateUp })
	e.serve(opts)
	return e
}

// serve starts an API server for e's monitor at apiAddr.
func (e *env) serve(opts Options) {
	e.t.Helper()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewJSONHandler(e.logs, nil))
	}
	srv, err := New(e.mon, withTokens, opts)
	if err != nil {
		e.t.Fatal(err)
	}
	ln, err := e.net.Listen(apiAddr)
	if err != nil {
		e.t.Fatal(err)
	}
	e.stop = serveOn(e.t, srv, ln)
}

// serveOn runs srv.Serve on ln until the returned stop is called or the
// test ends; stop returns Serve's error.
func serveOn(t *testing.T, srv *Server, ln net.Listener) func() error {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	var once sync.Once
	var err error
	stop := func() error {
		once.Do(func() { cancel(); err = <-done })
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

// client is an API client of e's server over the in-memory network.
func (e *env) client(token string, opts ...Option) *Client {
	c := NewClient("http://"+apiAddr, token, append([]Option{WithTransport(e.net.Client(0).Transport)}, opts...)...)
	e.t.Cleanup(c.Close)
	return c
}

// until lets fake time pass in small steps until cond holds for the
// monitor's snapshot; it fails the test after a minute.
func (e *env) until(cond func(*monitor.Snapshot) bool) {
	e.t.Helper()
	for range 6000 {
		synctest.Wait()
		if cond(e.mon.Snapshot()) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	e.t.Fatalf("condition not met within a minute; active %q mode %s", e.mon.Snapshot().Active, e.mon.Snapshot().Mode)
}

// answer is one HTTP exchange as a client sees it.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into a map for assertions on names and types.
func (a answer) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(a.body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, a.body)
	}
	return m
}

// errorText is the {"error"} of an answer, failing when there is none.
func (a answer) errorText(t *testing.T) string {
	t.Helper()
	msg, _ := a.json(t)["error"].(string)
	if msg == "" {
		t.Fatalf("status %d without an {\"error\"} message: %s", a.status, a.body)
	}
	return msg
}

// do sends one request to e's server; hdr is name, value pairs.
func (e *env) do(method, path, token, body string, hdr ...string) answer {
	e.t.Helper()
	return doOn(e.t, e.http, "http://"+apiAddr, method, path, token, body, hdr...)
}

func doOn(t *testing.T, c *http.Client, base, method, path, token, body string, hdr ...string) answer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i] == "Host" {
			req.Host = hdr[i+1] // Go sends req.Host, not a Host header
			continue
		}
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: data}
}

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
