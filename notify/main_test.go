package notify

import (
	"bytes"
	"log/slog"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"switchboard/config"
	"switchboard/monitor"
	"switchboard/probes"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var t0 = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

// testConfig is the policy's defaults with one provider per name, in
// priority order.
func testConfig(names ...string) *config.Config {
	cfg := config.Default()
	for _, n := range names {
		cfg.Providers = append(cfg.Providers, config.Provider{Name: n, Kind: config.KindOpenAI, BaseURL: "http://127.0.0.1:1"})
	}
	cfg.ApplyDefaults()
	return cfg
}

// boardSource is the monitor's decision core behind the Source interface:
// the test makes things happen on the board and publishes, and Run reads
// what it published as it would read the monitor's snapshots, latest
// wins.
type boardSource struct {
	b   *monitor.Board
	now time.Time

	mu   sync.Mutex
	snap *monitor.Snapshot
	ch   chan *monitor.Snapshot
}

func newBoardSource(names ...string) *boardSource {
	s := &boardSource{b: monitor.NewBoard(testConfig(names...), t0), now: t0, ch: make(chan *monitor.Snapshot, 1)}
	s.snap = s.b.Snapshot(t0)
	return s
}

func (s *boardSource) Snapshot() *monitor.Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snap
}

func (s *boardSource) Subscribe() (<-chan *monitor.Snapshot, func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.ch:
	default:
	}
	s.ch <- s.snap
	return s.ch, func() {}
}

// publish hands the board's state to the subscriber, replacing a snapshot
// it has not read, as the monitor does.
func (s *boardSource) publish() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.snap = s.b.Snapshot(s.now)
	select {
	case <-s.ch:
	default:
	}
	s.ch <- s.snap
}

// fail feeds n failed probes of class c to provider name, a second apart.
func (s *boardSource) fail(name string, c probes.Class, n int) {
	for range n {
		s.now = s.now.Add(time.Second)
		s.b.Observe(probes.Result{Provider: name, Source: probes.SourceProbe, Class: c, Status: 503, Err: "HTTP 503"}, s.now)
	}
}

// ok feeds n successful probes to provider name, a second apart.
func (s *boardSource) ok(name string, n int) {
	for range n {
		s.now = s.now.Add(time.Second)
		s.b.Observe(probes.Result{Provider: name, Source: probes.SourceProbe, Class: probes.ClassOK, Latency: 100 * time.Millisecond}, s.now)
	}
}

// logBuffer collects log lines for assertions; safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// quiet is a logger for tests whose deliveries fail on purpose.
var quiet = slog.New(slog.DiscardHandler)

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
