package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"switchboard/monitor"
)

// streamWriteTimeout cuts off a client that has not taken a frame for this
// long: its connection would otherwise hold a goroutine and buffers for
// as long as it stays silent.
const streamWriteTimeout = 30 * time.Second

// streamRetryMS is the reconnection delay the stream suggests to
// EventSource clients.
const streamRetryMS = 2000

// stream serves Server-Sent Events: each event of the log as
// "event: event" with id = its seq, and after them the whole monitor
// Snapshot as "event: snapshot" (without an id, so it never moves a
// client's Last-Event-ID). A client that reconnects with Last-Event-ID
// first gets every kept event after it; a new client gets none (they are
// in the snapshot). Comments keep an idle connection open.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, _ caller) {
	last, resume, err := lastEventID(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "%s", err)
		return
	}
	ch, unsubscribe := s.src.Subscribe()
	defer unsubscribe()
	out := openSSE(w)
	if !out.send(fmt.Appendf(nil, "retry: %d\n\n", streamRetryMS)) {
		return
	}
	beat := time.NewTicker(s.opts.Heartbeat)
	defer beat.Stop()
	first := true
	for {
		var frames [][]byte
		select {
		case snap, ok := <-ch:
			if !ok {
				return
			}
			if first {
				last, first = startAfter(snap, last, resume), false
			}
			frames, last = s.frames.render(snap, last)
		case <-beat.C:
			frames = [][]byte{[]byte(": keep-alive\n\n")}
		case <-r.Context().Done():
			return
		case <-s.closing:
			return
		}
		if !out.send(frames...) {
			return
		}
	}
}

// sse is the open answer of a stream.
type sse struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

func openSSE(w http.ResponseWriter) sse {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: pass each frame on at once
	w.WriteHeader(http.StatusOK)
	return sse{w: w, rc: http.NewResponseController(w)}
}

// send writes parts and flushes them, so each frame leaves at once;
// false when the client is gone or has not read for streamWriteTimeout.
func (o sse) send(parts ...[]byte) bool {
	_ = o.rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout))
	for _, p := range parts {
		if _, err := o.w.Write(p); err != nil {
			return false
		}
	}
	return o.rc.Flush() == nil
}

// lastEventID reads the Last-Event-ID header, which EventSource clients
// send on reconnecting.
func lastEventID(r *http.Request) (seq uint64, ok bool, err error) {
	v := strings.TrimSpace(r.Header.Get("Last-Event-ID"))
	if v == "" {
		return 0, false, nil
	}
	seq, err = strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("Last-Event-ID must be an event's seq (a whole number), got %q", v)
	}
	return seq, true, nil
}

// startAfter is the seq after which the first frames send events: the
// client's Last-Event-ID, or the newest event for a client that has seen
// none. A Last-Event-ID beyond the newest event comes from before a
// restart of the server, whose log started again at 1: every kept event
// is new to that client.
func startAfter(snap *monitor.Snapshot, last uint64, resume bool) uint64 {
	newest := newestSeq(snap)
	switch {
	case !resume:
		return newest
	case last > newest:
		return 0
	}
	return last
}

// frameCache encodes each snapshot once, however many streams send it.
type frameCache struct {
	mu   sync.Mutex
	snap *monitor.Snapshot
	data []byte
}

// render returns the frames for snap: the events after last, then the
// snapshot (shared, never modified); and the new last.
func (c *frameCache) render(snap *monitor.Snapshot, last uint64) ([][]byte, uint64) {
	var frames [][]byte
	for _, e := range eventsAfter(snap.Events, last) {
		data, err := json.Marshal(eventOf(e))
		if err != nil {
			continue
		}
		frames = append(frames, fmt.Appendf(nil, "id: %d\nevent: event\ndata: %s\n\n", e.Seq, data))
		last = e.Seq
	}
	frames = append(frames, []byte("event: snapshot\ndata: "), c.encode(snap), []byte("\n\n"))
	return frames, last
}

func (c *frameCache) encode(snap *monitor.Snapshot) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snap != snap {
		data, err := json.Marshal(snap)
		if err != nil {
			data = []byte("{}")
		}
		c.snap, c.data = snap, data
	}
	return c.data
}
