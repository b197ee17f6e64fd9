package cli

import (
	"io"
	"log/slog"
	"slices"
	"sync"
	"time"

	"switchboard/config"
	"switchboard/monitor"
	"switchboard/probes"
)

// secretSet is every key and token of the configs serve has run with. The
// log replaces each in any text it writes: error texts and causes are
// redacted where they are made, and this is the last line of defence. A
// reload adds the new config's secrets and keeps the old ones, which older
// texts may still hold.
type secretSet struct {
	mu   sync.Mutex
	list []string
}

func (s *secretSet) add(cfg *config.Config) {
	var found []string
	for _, p := range cfg.Providers {
		found = append(found, probes.Secrets(p)...)
	}
	if cfg.Gateway != nil {
		found = append(found, cfg.Gateway.Token)
	}
	if cfg.API != nil {
		for _, t := range cfg.API.Tokens {
			found = append(found, t.Token)
		}
	}
	if cfg.Fleet != nil {
		found = append(found, cfg.Fleet.Etcd.Password)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sec := range found {
		// A text this short is not redacted anywhere (replacing "ollama"
		// would corrupt the provider named ollama); validate warns of it.
		if len(sec) >= probes.MinSecretLen && !slices.Contains(s.list, sec) {
			s.list = append(s.list, sec)
		}
	}
}

func (s *secretSet) redact(text string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return probes.Redact(text, s.list...)
}

// newServeLogger writes one JSON object per line to w, with every string
// value redacted.
func newServeLogger(w io.Writer, secrets *secretSet) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Value.Kind() == slog.KindString {
				a.Value = slog.StringValue(secrets.redact(a.Value.String()))
			}
			return a
		},
	}))
}

// eventLog logs each event of the snapshots it is given once, by sequence
// number, and each change of routing mode.
type eventLog struct {
	log      *slog.Logger
	lastSeq  uint64
	lastMode monitor.Mode
}

// logEvents logs the events of every snapshot until snaps is closed, then
// those of the monitor's final snapshot.
func (sv *server) logEvents(snaps <-chan *monitor.Snapshot) {
	el := &eventLog{log: sv.log}
	for s := range snaps {
		el.snapshot(s)
	}
	el.snapshot(sv.mon.Snapshot())
}

func (el *eventLog) snapshot(s *monitor.Snapshot) {
	for _, e := range s.Events {
		if e.Seq <= el.lastSeq {
			continue
		}
		if e.Seq > el.lastSeq+1 {
			// The monitor keeps a bounded log: a burst longer than it
			// between two snapshots is not all there to log.
			el.log.Warn("events not logged: more came at once than the monitor keeps",
				"missed", e.Seq-el.lastSeq-1)
		}
		el.event(e)
		el.lastSeq = e.Seq
	}
	if s.Mode != el.lastMode {
		level := slog.LevelInfo
		if s.Mode == monitor.ModePanic {
			level = slog.LevelError
		}
		el.log.Log(nil, level, "mode", "mode", string(s.Mode), "active", s.Active, "pinned", s.Pinned)
		el.lastMode = s.Mode
	}
}

func (el *eventLog) event(e monitor.Event) {
	level := slog.LevelInfo
	if e.Kind == monitor.EventState {
		switch monitor.State(e.To) {
		case monitor.StateDown, monitor.StateMisconfigured, monitor.StateRateLimited:
			level = slog.LevelWarn
		}
	}
	el.log.Log(nil, level, "event", "seq", e.Seq, "at", e.At.Format(time.RFC3339Nano), "kind", string(e.Kind),
		"provider", e.Provider, "from", e.From, "to", e.To, "cause", e.Cause, "actor", string(e.Actor))
}
