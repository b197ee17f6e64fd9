package model

import (
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"switchboard/monitor"
)

const server = "http://10.0.0.5:8788"

// linkedFake is a fakeBackend in another process: its connection is set
// by the test, and every change re-delivers the snapshot, as api.Remote
// does.
type linkedFake struct {
	*fakeBackend
	mu   sync.Mutex
	conn Conn
}

func newLinked(snap *monitor.Snapshot, c Conn) *linkedFake {
	c.Server = server
	return &linkedFake{fakeBackend: newFake(snap), conn: c}
}

func (l *linkedFake) Conn() Conn {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.conn
}

// drop loses the connection at now and re-delivers the last snapshot.
func (l *linkedFake) drop() {
	l.mu.Lock()
	l.conn.Connected, l.conn.Since, l.conn.Attempts, l.conn.LastError = false, now, 1, "the server ended the stream"
	l.mu.Unlock()
	l.publish(l.Snapshot())
}

var live = Conn{As: "oncall (operator)", Connected: true, Since: now.Add(-time.Hour), Ever: true}

// deliver hands the model the snapshot its subscription holds, as the
// session's wait would.
func deliver(t *testing.T, m Model) Model {
	t.Helper()
	return nextSnapshot(t, m)
}

// newLinkedModel is a model of b at a 100×30 screen.
func newLinkedModel(t *testing.T, b *linkedFake) Model {
	t.Helper()
	m := New(b, Options{Now: fixedNow})
	t.Cleanup(m.Close)
	return sized(m, 100, 30)
}

func TestLinkedHeaderNamesTheServer(t *testing.T) {
	m := newModel(t, newLinked(fixture(4), live).fakeBackend, Options{})
	if strings.Contains(screen(m), "attached to") {
		t.Fatalf("an in-process backend names a server:\n%s", screen(m))
	}
	m = newLinkedModel(t, newLinked(fixture(4), live))
	if !strings.Contains(screen(m), "attached to "+server+" as oncall (operator)") || !strings.Contains(screen(m), "ACTIVE: openai") {
		t.Fatalf("attached header:\n%s", screen(m))
	}
	if title := m.View().WindowTitle; title != "switchboard · active: openai" {
		t.Errorf("window title %q", title)
	}
}

// A dropped connection is shown on the next frame: the header says since
// when and that it retries, the active name is only the last seen, and
// keys that act are refused rather than sent on a stale screen.
func TestLinkedDisconnectionIsShownAndKeysRefused(t *testing.T) {
	b := newLinked(fixture(4), live)
	m := newLinkedModel(t, b)
	m = deliver(t, m)
	b.drop()
	m = deliver(t, m)
	out := screen(m)
	for _, want := range []string{"✗ disconnected since 09:30:00, retrying", "LAST SEEN ACTIVE: openai", "1 failed attempt"} {
		if !strings.Contains(out, want) {
			t.Errorf("screen lacks %q:\n%s", want, out)
		}
	}
	if title := m.View().WindowTitle; title != "switchboard · disconnected from "+server {
		t.Errorf("window title %q", title)
	}
	for _, k := range []string{"f", "p", "a", "r", "space"} {
		next, cmd := pressKey(t, m, k)
		if cmd != nil || next.pending != nil || !strings.Contains(lastLines(next, 2), "not connected to "+server) {
			t.Errorf("%s while disconnected: prompt %v, status %q", k, next.pending, lastLines(next, 2))
		}
	}
	if sent := b.sentCommands(); len(sent) != 0 {
		t.Errorf("sent %v while disconnected", sent)
	}
}

// A prompt asked while connected is withdrawn when the connection drops,
// and y afterwards sends nothing.
func TestLinkedDropCancelsThePrompt(t *testing.T) {
	b := newLinked(fixture(4), live)
	m := newLinkedModel(t, b)
	m = deliver(t, m)
	m, _ = press(t, m, m.keys.Failover)
	if m.pending == nil {
		t.Fatal("f asked nothing while connected")
	}
	b.drop()
	m = deliver(t, m)
	if m.pending != nil || !strings.Contains(lastLines(m, 2), "cancelled: disconnected from "+server) {
		t.Fatalf("after the drop: prompt %v, status %q", m.pending, lastLines(m, 2))
	}
	if _, cmd := press(t, m, m.keys.Confirm); cmd != nil {
		t.Fatal("y after the drop still does something")
	}
	if sent := b.sentCommands(); len(sent) != 0 {
		t.Errorf("sent %v", sent)
	}
}

// Before the first snapshot the backend's placeholder is not drawn as a
// screen with no providers and no active backend.
func TestLinkedBeforeTheFirstSnapshot(t *testing.T) {
	m := newLinkedModel(t, newLinked(&monitor.Snapshot{}, Conn{Since: now, Attempts: 2, LastError: "connection refused"}))
	out := screen(m)
	if !strings.Contains(out, "waiting for the first snapshot") || !strings.Contains(out, "connecting to "+server) ||
		!strings.Contains(out, "connection refused") {
		t.Errorf("screen before the first snapshot:\n%s", out)
	}
	if strings.Contains(out, "NO ACTIVE BACKEND") || strings.Contains(out, "no providers configured") {
		t.Errorf("the placeholder is drawn as the server's state:\n%s", out)
	}
	if title := m.View().WindowTitle; title != "switchboard · connecting to "+server {
		t.Errorf("window title %q", title)
	}
}

// A change of connection is drawn at once; an unchanged one waits out the
// snapshot pacing, as in process.
func TestLinkChangeIsNotPaced(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := newLinked(fixture(4), live)
		s := newSession(b)
		defer s.close()
		s.minFrame = time.Second
		<-s.frameCh(0)
		start := time.Now()
		b.publish(fixture(4))
		<-s.frameCh(1)
		if took := time.Since(start); took != time.Second {
			t.Fatalf("an ordinary snapshot after %s, want the 1s pacing", took)
		}
		start = time.Now()
		b.drop()
		<-s.frameCh(2)
		if took := time.Since(start); took != 0 {
			t.Fatalf("the disconnection was drawn after %s, want at once", took)
		}
	})
}
