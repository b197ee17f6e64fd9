package api

import (
	"bufio"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"switchboard/monitor"
)

// follow streams from e's server in the background, handing frames to the
// returned channel; cancel ends it and returns Stream's error.
func follow(t *testing.T, c *Client, lastID uint64) (<-chan Frame, func() error) {
	frames := make(chan Frame, 1000)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Stream(ctx, lastID, func(f Frame) { frames <- f }) }()
	var err error
	stopped := false
	stop := func() error {
		if !stopped {
			cancel()
			err, stopped = <-done, true
		}
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return frames, stop
}

// next returns the next frame, failing when none is there: inside the
// bubble, synctest.Wait has let the server send everything it would.
func next(t *testing.T, frames <-chan Frame) Frame {
	t.Helper()
	synctest.Wait()
	select {
	case f := <-frames:
		return f
	default:
		t.Fatal("no frame arrived")
		return Frame{}
	}
}

// nextSnapshot skips event frames up to the next snapshot and returns the
// events skipped.
func nextSnapshot(t *testing.T, frames <-chan Frame) (*monitor.Snapshot, []Frame) {
	t.Helper()
	var events []Frame
	for {
		f := next(t, frames)
		if f.Snapshot != nil {
			return f.Snapshot, events
		}
		events = append(events, f)
	}
}

// snapshotWhere reads frames up to the first snapshot that satisfies cond
// (the monitor may publish routine ones before) and returns it with every
// event frame read on the way.
func snapshotWhere(t *testing.T, frames <-chan Frame, cond func(*monitor.Snapshot) bool) (*monitor.Snapshot, []Frame) {
	t.Helper()
	var events []Frame
	for {
		snap, evs := nextSnapshot(t, frames)
		events = append(events, evs...)
		if cond(snap) {
			return snap, events
		}
	}
}

func activeIs(name string) func(*monitor.Snapshot) bool {
	return func(s *monitor.Snapshot) bool { return s.Active == name }
}

// TestStreamFrames: a new client first gets the current snapshot (no
// backlog); a command then arrives as its events, each with its seq as
// id and the token's name as actor, followed by the snapshot they led to.
func TestStreamFrames(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := start(t, Options{})
		frames, _ := follow(t, e.client(viewToken), 0)
		first := next(t, frames)
		if first.Snapshot == nil || first.Snapshot.Active != "alpha" || len(first.Snapshot.Providers) != 2 {
			t.Fatalf("first frame %+v, want the current snapshot", first)
		}
		before := newestSeq(e.mon.Snapshot())
		e.do("POST", "/api/v1/commands", opsToken, `{"action": "pin", "provider": "bravo"}`)
		snap, events := snapshotWhere(t, frames, activeIs("bravo"))
		if snap.Active != "bravo" || snap.Mode != monitor.ModePinned {
			t.Errorf("snapshot after the pin: active %s mode %s", snap.Active, snap.Mode)
		}
		if len(events) != 2 {
			t.Fatalf("%d event frames for a pin, want the operator's and the active change", len(events))
		}
		for i, f := range events {
			if f.ID != before+uint64(i)+1 || f.Event.Seq != f.ID || f.Event.Actor != "oncall" {
				t.Errorf("event frame %d: id %d seq %d actor %s; want id = seq = %d, actor oncall", i, f.ID, f.Event.Seq, f.Event.Actor, before+uint64(i)+1)
			}
		}
		if ev := events[1].Event; ev.Kind != "active" || ev.From != "alpha" || ev.To != "bravo" {
			t.Errorf("second event %+v, want alpha → bravo", ev)
		}
	})
}

// TestStreamHeartbeat: an open stream carries a comment every heartbeat
// even when nothing changes, so proxies keep it open.
func TestStreamHeartbeat(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := start(t, Options{Heartbeat: 3 * time.Second})
		req, _ := http.NewRequest("GET", "http://"+apiAddr+"/api/v1/stream", nil)
		req.Header.Set("Authorization", "Bearer "+viewToken)
		resp, err := e.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || ct != "text/event-stream" {
			t.Fatalf("status %d Content-Type %q", resp.StatusCode, ct)
		}
		opened := time.Now()
		rd := bufio.NewReader(resp.Body)
		for {
			line, err := rd.ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			if line == ": keep-alive\n" {
				break
			}
		}
		if took := time.Since(opened); took != 3*time.Second {
			t.Errorf("first heartbeat after %s, want 3s", took)
		}
	})
}

// TestStreamResume: a client that comes back with Last-Event-ID gets
// every event it missed, once each and in order, before the snapshot.
func TestStreamResume(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := start(t, Options{})
		c := e.client(viewToken)
		frames, stop := follow(t, c, 0)
		nextSnapshot(t, frames)
		e.do("POST", "/api/v1/commands", opsToken, `{"action": "pin", "provider": "bravo"}`)
		_, seen := snapshotWhere(t, frames, activeIs("bravo"))
		lastSeen := seen[len(seen)-1].ID
		if err := stop(); !errors.Is(err, context.Canceled) {
			t.Errorf("Stream after its context was cancelled: %v", err)
		}

		// Away: the operator acts and the monitor logs more events.
		for _, body := range []string{`{"action": "auto"}`, `{"action": "disable", "provider": "bravo"}`, `{"action": "enable", "provider": "bravo"}`} {
			e.do("POST", "/api/v1/commands", opsToken, body)
		}
		newest := newestSeq(e.mon.Snapshot())

		frames, _ = follow(t, c, lastSeen)
		snap, missed := nextSnapshot(t, frames)
		if len(missed) == 0 || int(newest-lastSeen) != len(missed) {
			t.Fatalf("%d events on resuming after %d, want %d (up to %d)", len(missed), lastSeen, newest-lastSeen, newest)
		}
		for i, f := range missed {
			if f.ID != lastSeen+uint64(i)+1 {
				t.Fatalf("missed event %d has id %d, want %d: a gap or a repeat", i, f.ID, lastSeen+uint64(i)+1)
			}
		}
		if snap.Active != "alpha" || newestSeq(snap) != newest {
			t.Errorf("snapshot after resuming: active %s newest event %d", snap.Active, newestSeq(snap))
		}

		// An id from before the server restarted (beyond its newest) gets
		// every kept event: all of them are new to this client.
		frames, _ = follow(t, c, newest+1000)
		_, all := nextSnapshot(t, frames)
		if kept := e.mon.Snapshot().Events; len(all) != len(kept) || all[0].ID != kept[0].Seq {
			t.Errorf("resuming beyond the newest event: %d events, want all %d kept", len(all), len(kept))
		}
		a := e.do("GET", "/api/v1/stream", viewToken, "", "Last-Event-ID", "yesterday")
		if a.status != 400 || !strings.Contains(a.errorText(t), "Last-Event-ID") {
			t.Errorf("a bad Last-Event-ID: %d %s", a.status, a.body)
		}
	})
}

// TestStreamEndsOnShutdown: shutting the server down ends open streams at
// once instead of waiting out the shutdown timeout, and Serve returns
// cleanly.
func TestStreamEndsOnShutdown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := start(t, Options{ShutdownTimeout: time.Minute})
		c := e.client(viewToken)
		frames, stop := follow(t, c, 0)
		nextSnapshot(t, frames)
		began := time.Now()
		if err := e.stop(); err != nil {
			t.Fatalf("Serve: %v", err)
		}
		if took := time.Since(began); took >= time.Second {
			t.Errorf("shutdown took %s with a stream open", took)
		}
		synctest.Wait() // the client has read the end of the stream
		if err := stop(); !errors.Is(err, ErrStreamEnded) {
			t.Errorf("Stream: %v, want ErrStreamEnded", err)
		}
	})
}
