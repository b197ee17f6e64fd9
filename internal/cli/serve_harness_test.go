package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"switchboard/internal/fakes"
	"switchboard/monitor"
)

// serveKey is the providers' key in serve's tests: it must never be logged.
const serveKey = "sk-serve-test-0123456789abcdef"

// logBuf is serve's stderr: written by its goroutines while the test reads.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// entries parses every line as one JSON object, failing the test on a
// line that is not.
func (l *logBuf) entries(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.Lines(l.String()) {
		var e map[string]any
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("log line is not JSON: %q (%v)", line, err)
		}
		out = append(out, e)
	}
	return out
}

// served is one serve running in-process on a config file of its own.
type served struct {
	t    *testing.T
	path string // the config file; rewrite it and send SIGHUP to reload
	dir  string
	log  *logBuf
	out  bytes.Buffer // stdout: serve must never write to it
	sigs chan os.Signal
	exit chan int
	mon  *monitor.Monitor
	http *http.Client
}

// startServe runs serve on config until the test ends (SIGTERM then).
func startServe(t *testing.T, config string) *served {
	t.Helper()
	dir := t.TempDir()
	path := writeFile(t, dir, "config.yaml", config)
	return startServeIn(t, dir, path, "--state-dir", filepath.Join(dir, "state"))
}

// startServeArgs starts serve on the config file at path with more args.
func startServeArgs(t *testing.T, path string, args ...string) *served {
	t.Helper()
	return startServeIn(t, filepath.Dir(path), path, args...)
}

func startServeIn(t *testing.T, dir, path string, more ...string) *served {
	t.Helper()
	sv := &served{t: t, dir: dir, path: path, log: &logBuf{},
		sigs: make(chan os.Signal, 1), exit: make(chan int, 1),
		http: &http.Client{Transport: &http.Transport{}, Timeout: time.Minute}}
	monc := make(chan *monitor.Monitor, 1)
	args := append([]string{"--config", sv.path}, more...)
	s := stdio{in: strings.NewReader(""), out: &sv.out, err: sv.log}
	go func() {
		sv.exit <- runServeWith(context.Background(), args, s, sv.sigs, serveHooks{monitor: func(m *monitor.Monitor) { monc <- m }})
	}()
	select {
	case sv.mon = <-monc:
	case code := <-sv.exit:
		t.Fatalf("serve exited %d at start:\n%s", code, sv.log.String())
	}
	t.Cleanup(func() {
		sv.http.CloseIdleConnections()
		select {
		case sv.sigs <- syscall.SIGTERM:
			<-sv.exit
		case <-sv.exit:
		}
	})
	return sv
}

// stop sends sig and returns serve's exit status.
func (sv *served) stop(sig os.Signal) int {
	sv.t.Helper()
	sv.sigs <- sig
	select {
	case code := <-sv.exit:
		sv.exit <- code // for the cleanup
		return code
	case <-time.After(time.Minute):
		sv.t.Fatalf("serve did not exit after %v:\n%s", sig, sv.log.String())
		return -1
	}
}

// waitLog waits for a log entry that match accepts and returns it.
func (sv *served) waitLog(what string, match func(e map[string]any) bool) map[string]any {
	sv.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		for _, e := range sv.log.entries(sv.t) {
			if match(e) {
				return e
			}
		}
		if time.Now().After(deadline) {
			sv.t.Fatalf("no log entry for %s:\n%s", what, sv.log.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitEvent waits for the event about provider whose cause contains cause.
func (sv *served) waitEvent(provider, cause string) map[string]any {
	sv.t.Helper()
	return sv.waitLog(provider+" "+cause, func(e map[string]any) bool {
		return e["msg"] == "event" && e["provider"] == provider && strings.Contains(fmt.Sprint(e["cause"]), cause)
	})
}

// apiURL is the API's base URL as serve logged its address.
func (sv *served) apiURL() string {
	sv.t.Helper()
	e := sv.waitLog("the API's address", func(e map[string]any) bool {
		return e["msg"] == "listening" && e["component"] == "api"
	})
	return "http://" + e["addr"].(string)
}

// gateway is the gateway's address as serve logged it.
func (sv *served) gateway() string {
	sv.t.Helper()
	e := sv.waitLog("the gateway's address", func(e map[string]any) bool {
		return e["msg"] == "listening" && e["component"] == "gateway"
	})
	return e["addr"].(string)
}

// chat sends one chat request through the gateway and returns its status,
// the backend that answered and the body.
func (sv *served) chat(addr string) (int, string, string) {
	sv.t.Helper()
	status, backend, body, err := sv.tryChat(addr)
	if err != nil {
		sv.t.Fatalf("chat through the gateway: %v", err)
	}
	return status, backend, body
}

// tryChat is chat for other goroutines than the test's: it returns the
// error rather than failing the test.
func (sv *served) tryChat(addr string) (status int, backend, body string, err error) {
	req := `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello"}]}`
	resp, err := sv.http.Post("http://"+addr+"/v1/chat/completions", "application/json", strings.NewReader(req))
	if err != nil {
		return 0, "", "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("X-Switchboard-Backend"), string(b), err
}

// fakeOpenAI starts a fake OpenAI that accepts serveKey.
func fakeOpenAI(t *testing.T) *fakes.Server {
	t.Helper()
	s := fakes.Start(fakes.Options{Kind: "openai", APIKey: serveKey})
	t.Cleanup(s.Close)
	return s
}

// serveConfig is a config with a gateway on a free port and one openai
// provider per name, at the given fakes, in that order.
func serveConfig(names []string, servers ...*fakes.Server) string {
	var b strings.Builder
	b.WriteString("gateway:\n  listen: 127.0.0.1:0\napi:\n  listen: 127.0.0.1:0\nproviders:\n")
	for i, n := range names {
		fmt.Fprintf(&b, "  - name: %s\n    kind: openai\n    base_url: %s\n    api_key: %s\n", n, servers[i].BaseURL(), serveKey)
	}
	return b.String()
}
