package model

import (
	"time"

	"switchboard/views"
)

// Linked is a Backend in another process, reached over a network (attach
// follows a switchboard serve through its API). The dashboard checks for
// it: a Backend that has it may be disconnected, and the screen must then
// say so instead of showing the last snapshot as live.
type Linked interface {
	Conn() Conn
}

// Conn is the state of a Linked backend's connection.
type Conn struct {
	Server    string    // the server's base URL, named in the header
	As        string    // who the server knows us as, e.g. "oncall (operator)"
	Connected bool      // the snapshot is live
	Since     time.Time // when Connected last changed
	Ever      bool      // a snapshot has arrived; before, Snapshot is a placeholder
	LastError string    // why the last attempt failed or the stream ended
	Attempts  int       // failed attempts since the stream was last open
}

// live reports whether the screen shows live data: always in process.
func (m Model) live() bool { return m.link == nil || m.link.Connected }

// refreshLink reads the backend's connection. Losing it cancels a pending
// prompt: its question was asked of data that is no longer live, and the
// answer could not reach the server anyway.
func (m Model) refreshLink() Model {
	if m.linked == nil {
		return m
	}
	c := m.linked.Conn()
	m.link = &c
	if !c.Connected && (m.pending != nil || m.typing != nil) {
		m.pending, m.typing = nil, nil
		m.status, m.statusErr = "cancelled: disconnected from "+c.Server, true
	}
	return m
}

// viewLink is the connection as the views draw it, nil in process.
func (m Model) viewLink() *views.Link {
	if m.link == nil {
		return nil
	}
	c := m.link
	return &views.Link{Server: c.Server, As: c.As, Connected: c.Connected, Since: c.Since, Ever: c.Ever,
		Err: c.LastError, Attempts: c.Attempts}
}

// notLive refuses a key that acts while the screen is not live: the
// operator would act on what the server no longer shows.
func (m Model) notLive() Model {
	m.status, m.statusErr = "not connected to "+m.link.Server+": the screen is not live; wait for it to reconnect", true
	return m
}

// linkChanged reports whether b's connection differs from the one last
// shown, so that a drop or a return is drawn at once, not on the next
// second's frame.
func (s *session) linkChanged() bool {
	if s.linked == nil {
		return false
	}
	return s.shownConnected.Load() != s.linked.Conn().Connected
}

// shown records the connection drawn with the snapshot just delivered.
func (s *session) shown() {
	if s.linked != nil {
		s.shownConnected.Store(s.linked.Conn().Connected)
	}
}
