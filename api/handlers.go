package api

import (
	"net/http"
	"strconv"

	"switchboard/monitor"
)

// Bounds of GET /api/v1/events.
const (
	defaultEventLimit = 100
	maxEventLimit     = 1000
)

// readyz answers 200 while serve can take traffic: ready by its own word
// (state restored, gateway listening) and with a routable backend.
func (s *Server) readyz(w http.ResponseWriter, _ *http.Request, _ caller) {
	snap := s.src.Snapshot()
	reason := ""
	if s.opts.Ready != nil {
		if ok, why := s.opts.Ready(); !ok {
			reason = why
			if reason == "" {
				reason = "not ready"
			}
		}
	}
	switch {
	case reason != "":
	case snap.Active == "":
		reason = "no backend: every provider is disabled"
	case snap.Mode == monitor.ModePanic:
		reason = "PANIC: no backend is routable; " + snap.Active + " stays active as the least bad"
	}
	if reason != "" {
		writeJSON(w, http.StatusServiceUnavailable, Readiness{Reason: reason, Error: "not ready: " + reason})
		return
	}
	writeJSON(w, http.StatusOK, Readiness{Ready: true, Active: snap.Active})
}

func (s *Server) state(w http.ResponseWriter, _ *http.Request, who caller) {
	st := stateOf(s.src.Snapshot(), s.opts.Now())
	st.Caller = Caller{Name: string(who.actor), Role: who.role}
	writeJSON(w, http.StatusOK, st)
}

// events lists kept events, oldest first. With since, it pages forward:
// the first limit events after since, and more says whether others
// follow. Without since it is the newest limit events.
func (s *Server) events(w http.ResponseWriter, r *http.Request, _ caller) {
	q := r.URL.Query()
	limit := defaultEventLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxEventLimit {
			writeError(w, http.StatusBadRequest, "limit must be a whole number from 1 to %d, got %q", maxEventLimit, v)
			return
		}
		limit = n
	}
	kept := s.src.Snapshot().Events
	list := EventList{Events: []Event{}}
	if v := q.Get("since"); v != "" {
		since, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			writeError(w, http.StatusBadRequest, "since must be an event's seq (a whole number, 0 for the oldest kept), got %q", v)
			return
		}
		after := eventsAfter(kept, since)
		list.More = len(after) > limit
		kept = after[:min(limit, len(after))]
	} else {
		kept = kept[max(0, len(kept)-limit):]
	}
	for _, e := range kept {
		list.Events = append(list.Events, eventOf(e))
	}
	writeJSON(w, http.StatusOK, list)
}

// eventsAfter returns the kept events with a seq larger than since.
// Sequence numbers have no gaps, so it is a slice, not a search.
func eventsAfter(kept []monitor.Event, since uint64) []monitor.Event {
	if len(kept) == 0 || since < kept[0].Seq {
		return kept
	}
	skip := since - kept[0].Seq + 1
	if skip >= uint64(len(kept)) {
		return nil
	}
	return kept[skip:]
}
