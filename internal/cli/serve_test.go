package cli

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"switchboard/api"
)

// serve comes up headless, answers a chat through the gateway, logs each
// event once as a JSON line without ever writing a key, and SIGTERM ends
// it with 0.
func TestServeRunsTheGatewayAndLogsJSON(t *testing.T) {
	primary := fakeOpenAI(t)
	sv := startServe(t, serveConfig([]string{"primary"}, primary))
	addr := sv.gateway()
	sv.waitEvent("primary", "first probe ok")
	status, backend, body := sv.chat(addr)
	if status != 200 || backend != "primary" || !strings.Contains(body, `"choices"`) {
		t.Fatalf("chat: %d from %q: %s; want 200 from primary", status, backend, body)
	}
	// The API serves beside the gateway: a pin through it moves the route.
	client := api.NewClient(sv.apiURL(), "")
	res, err := client.Command(context.Background(), api.CommandRequest{Action: "pin", Provider: "primary", ExpectActive: "primary"})
	if err != nil || !res.OK || res.Active == nil || *res.Active != "primary" {
		t.Fatalf("pin through serve's API: %+v, %v", res, err)
	}
	if st, err := client.State(context.Background()); err != nil || st.Mode != "PINNED" {
		t.Fatalf("state through serve's API: %+v, %v; want PINNED", st, err)
	}
	// Prometheus scrapes the same listener: the chat and the pin are in it.
	resp, err := http.Get(sv.apiURL() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	scrape, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	for _, want := range []string{`switchboard_active_backend{provider="primary"} 1`, `switchboard_mode{mode="pinned"} 1`,
		`switchboard_gateway_requests_total{backend="primary",outcome="ok"} 1`} {
		if !strings.Contains(string(scrape), want) {
			t.Errorf("/metrics lacks %s:\n%s", want, scrape)
		}
	}
	if code := sv.stop(syscall.SIGTERM); code != ExitOK {
		t.Fatalf("exit %d after SIGTERM, want 0:\n%s", code, sv.log.String())
	}

	if sv.out.Len() != 0 {
		t.Fatalf("serve wrote to stdout: %q", sv.out.String())
	}
	if strings.Contains(sv.log.String(), serveKey) {
		t.Fatalf("the log contains the API key:\n%s", sv.log.String())
	}
	entries := sv.log.entries(t)
	var seqs []float64
	for _, e := range entries {
		if e["time"] == nil || e["level"] == nil || e["msg"] == nil {
			t.Fatalf("log entry without time, level or msg: %v", e)
		}
		if e["msg"] == "event" {
			seqs = append(seqs, e["seq"].(float64))
		}
	}
	for i, s := range seqs {
		if s != float64(i+1) {
			t.Fatalf("event sequence numbers logged %v; want each event once, in order from 1", seqs)
		}
	}
	if first, last := entries[0], entries[len(entries)-1]; first["msg"] != "starting" || last["msg"] != "stopped" || last["exit"] != 0.0 {
		t.Fatalf("log starts with %v and ends with %v; want starting … stopped with exit 0", first, last)
	}
	if fi, err := os.Stat(filepath.Join(sv.dir, "state")); err != nil || !fi.IsDir() {
		t.Fatalf("--state-dir was not created: %v", err)
	}
}

// SIGTERM with a request in flight: serve stops accepting connections at
// once, the request still gets its whole answer, and serve exits 0. The
// answer takes longer than the gateway's own default grace (5s), so only
// shutdown_timeout (30s by default) lets it finish.
func TestServeDrainsARequestInFlightOnSIGTERM(t *testing.T) {
	primary := fakeOpenAI(t)
	sv := startServe(t, serveConfig([]string{"primary"}, primary))
	addr := sv.gateway()
	sv.waitEvent("primary", "first probe ok")
	primary.Handler().SetDelay(6 * time.Second)

	type answer struct {
		status int
		body   string
		err    error
	}
	inFlight := make(chan answer, 1)
	go func() {
		status, _, body, err := sv.tryChat(addr)
		inFlight <- answer{status, body, err}
	}()
	sv.waitLog("the request to reach the provider", func(map[string]any) bool {
		for _, r := range primary.Handler().Requests() {
			if strings.HasSuffix(r.Path, "/chat/completions") {
				return true
			}
		}
		return false
	})
	sv.sigs <- syscall.SIGTERM
	sv.waitLog("the gateway to stop accepting", func(map[string]any) bool {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	a := <-inFlight
	var reply struct {
		Choices []struct {
			Message struct{ Content string }
		}
	}
	if a.err != nil || a.status != 200 || json.Unmarshal([]byte(a.body), &reply) != nil || len(reply.Choices) != 1 || reply.Choices[0].Message.Content == "" {
		t.Fatalf("request in flight at SIGTERM: %d %q (%v); want 200 with the whole answer", a.status, a.body, a.err)
	}
	if code := <-sv.exit; code != ExitOK {
		t.Fatalf("exit %d, want 0:\n%s", code, sv.log.String())
	}
	sv.exit <- ExitOK // for the cleanup
}

// A bad config at start is refused with exit 2 and its FILE:LINE:COL in a
// JSON log line; a busy gateway port is exit 1.
func TestServeRefusesABadStart(t *testing.T) {
	dir := isolate(t)
	bad := writeFile(t, dir, "bad.yaml", "providers:\n  - name: p\n    kind: ollama\n    interval: 1ms\n")
	var errb logBuf
	code := runServe(context.Background(), []string{"--config", bad}, stdio{in: strings.NewReader(""), out: &errb, err: &errb}, nil)
	entries := errb.entries(t)
	if code != ExitConfig || len(entries) == 0 || !strings.HasPrefix(entries[0]["error"].(string), bad+":4:15: ") {
		t.Fatalf("exit %d, log %s; want 2 and the error at %s:4:15", code, errb.String(), bad)
	}

	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	cfg := writeFile(t, dir, "busy.yaml", "gateway:\n  listen: "+busy.Addr().String()+
		"\nproviders:\n  - name: local\n    kind: ollama\n    base_url: http://127.0.0.1:1\n")
	errb = logBuf{}
	code = runServe(context.Background(), []string{"--config", cfg}, stdio{in: strings.NewReader(""), out: &errb, err: &errb}, nil)
	if code != ExitFail || !strings.Contains(errb.String(), `"msg":"cannot listen"`) || !strings.Contains(errb.String(), busy.Addr().String()) {
		t.Fatalf("exit %d, log %s; want 1 and the busy address", code, errb.String())
	}
}
