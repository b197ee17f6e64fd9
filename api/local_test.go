package api

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"switchboard/config"
	"switchboard/monitor"
)

// TestLocalClientsWithoutTokens: without tokens, over real TCP on
// loopback, a local program may read and act (its events name
// "operator"); a browser page's cross-site request, a rebinding host name
// and a peer on another host are refused.
func TestLocalClientsWithoutTokens(t *testing.T) {
	m, _ := newMonitor("alpha", "bravo")
	run(t, m)
	srv, err := New(m, config.API{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	stop := serveOn(t, srv, ln)
	base := "http://" + ln.Addr().String()
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{}}
	defer hc.CloseIdleConnections()
	do := func(method, path, body string, hdr ...string) answer {
		return doOn(t, hc, base, method, path, "", body, hdr...)
	}

	st := do("GET", "/api/v1/state", "")
	if c, _ := st.json(t)["caller"].(map[string]any); st.status != 200 || c["name"] != "operator" || c["role"] != "operator" {
		t.Fatalf("local state: %d caller %v", st.status, st.json(t)["caller"])
	}
	for name, hdr := range map[string][]string{
		"a cross-site page":       {"Origin", "https://evil.example"},
		"a sandboxed page":        {"Origin", "null"},
		"a rebinding host name":   {"Host", "evil.example:8788"},
		"a page on a public host": {"Origin", "http://192.0.2.7"},
	} {
		a := do("POST", "/api/v1/commands", `{"action": "pin", "provider": "bravo"}`, hdr...)
		if a.status != 403 || !strings.Contains(a.errorText(t), "only programs on this machine") {
			t.Errorf("%s: %d %s, want 403", name, a.status, a.body)
		}
	}
	if a := do("GET", "/api/v1/state", "", "Origin", "http://localhost:3000"); a.status != 200 {
		t.Errorf("a local page: %d, want 200", a.status)
	}
	if a := do("POST", "/api/v1/commands", `{"action": "pin", "provider": "bravo"}`); a.status != 200 {
		t.Fatalf("local pin: %d %s", a.status, a.body)
	}
	if s := m.Snapshot(); s.Active != "bravo" || s.Events[len(s.Events)-1].Actor != monitor.ActorOperator {
		t.Errorf("after a local pin: active %s, newest event %+v; want bravo by operator", s.Active, s.Events[len(s.Events)-1])
	}

	// A peer on another host reaches the handler only behind a forwarder;
	// it is refused all the same.
	req := httptest.NewRequest("GET", "/api/v1/state", nil)
	req.RemoteAddr, req.Host = "192.0.2.7:40000", "127.0.0.1:8788"
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != 403 {
		t.Errorf("a non-loopback peer: %d, want 403", rec.Code)
	}

	// Serve over TCP ends a stream at shutdown and returns cleanly.
	c := NewClient(base, "")
	defer c.Close()
	got := make(chan *monitor.Snapshot, 100)
	ended := make(chan error, 1)
	go func() { ended <- c.Stream(context.Background(), 0, func(f Frame) { got <- f.Snapshot }) }()
	select {
	case s := <-got:
		if s == nil || s.Active != "bravo" {
			t.Fatalf("first frame over TCP: %+v", s)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no frame over TCP within 10s")
	}
	if err := stop(); err != nil {
		t.Errorf("Serve: %v", err)
	}
	if err := <-ended; !errors.Is(err, ErrStreamEnded) {
		t.Errorf("Stream at shutdown: %v, want ErrStreamEnded", err)
	}
}
