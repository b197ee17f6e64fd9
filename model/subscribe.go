package model

import (
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"switchboard/monitor"
)

// frameMsg is one frame of the screen: the clock's second and, when one
// came, the newest Snapshot. id ties it to one model and tag to one frame
// loop, so a stray frame can never start a second loop.
type frameMsg struct {
	id, tag int64
	snap    *monitor.Snapshot // nil: only the clock moved
}

// backendClosedMsg says the subscription channel was closed: the monitor
// has stopped and the screen will no longer change by itself. The frame
// loop goes on for the clock.
type backendClosedMsg struct{ id, tag int64 }

// sentMsg reports the outcome of Backend.Send.
type sentMsg struct {
	what string // what was asked, in words, e.g. "failover requested: openai → azure"
	err  error
	snap *monitor.Snapshot // the backend's snapshot right after Send
}

// lastSessionID numbers models, as bubbles/spinner does, to tell their
// frames apart.
var lastSessionID atomic.Int64

// session is the model's link to the backend, shared by every copy of the
// (value-typed) Model: the subscription and a done channel that ends every
// blocked command when the dashboard quits.
type session struct {
	id       int64
	ch       <-chan *monitor.Snapshot
	ended    atomic.Bool // ch was closed: the frames carry the clock only
	unsub    func()
	done     chan struct{}
	once     sync.Once
	anySnap  atomic.Bool // a snapshot has been handed to Update
	minFrame time.Duration

	linked         Linked      // nil in process
	shownConnected atomic.Bool // the connection drawn with the last frame
}

// defaultMinFrame is the frame period. The monitor publishes up to one
// snapshot a second and the clock moves once a second; drawing both in
// one frame, on the second, keeps an idle wall screen near Bubble Tea's
// own idle cost: each frame costs a View and a diff of every cell of the
// screen (BENCHMARKS.md). Keys and command results still draw at once.
const defaultMinFrame = time.Second

func newSession(b Backend) *session {
	ch, unsub := b.Subscribe()
	s := &session{id: lastSessionID.Add(1), ch: ch, unsub: unsub, done: make(chan struct{}), minFrame: defaultMinFrame}
	s.linked, _ = b.(Linked)
	s.shown()
	return s
}

// close unsubscribes and releases any command still waiting; safe to call
// more than once.
func (s *session) close() {
	s.once.Do(func() {
		close(s.done)
		if s.unsub != nil {
			s.unsub()
		}
	})
}

// frame waits for the next frame: the start of the next period (the next
// whole second, when a watch's second hand moves), carrying the newest
// snapshot that came meanwhile. One timer a second wakes the screen, and
// it is drawn once, for the clock and the snapshot together; a change the
// monitor publishes is on screen within the second. The first snapshot is
// delivered at once, so the screen is never empty for a second, and so is
// a linked backend's changed connection. The model re-arms it after each
// frame, so exactly one waits at any time.
func (s *session) frame(tag int64) tea.Cmd {
	return func() tea.Msg {
		t := time.NewTimer(time.Until(nextPeriod(time.Now(), s.minFrame)))
		defer t.Stop()
		var snap *monitor.Snapshot
		for {
			ch := s.ch
			if s.ended.Load() {
				ch = nil // a closed channel would be ready forever
			}
			select {
			case got, ok := <-ch:
				if !ok {
					return s.closed(tag)
				}
				snap = got
				if !s.anySnap.Load() || s.linkChanged() {
					return s.deliver(tag, snap)
				}
			case <-t.C:
				return s.deliver(tag, snap)
			case <-s.done:
				return nil
			}
		}
	}
}

// closed handles the end of the subscription: our own quit closed it
// (nothing to report), or the backend stopped.
func (s *session) closed(tag int64) tea.Msg {
	select {
	case <-s.done:
		return nil
	default:
	}
	s.ended.Store(true)
	return backendClosedMsg{id: s.id, tag: tag}
}

// deliver makes the frame, noting what it shows.
func (s *session) deliver(tag int64, snap *monitor.Snapshot) frameMsg {
	if snap != nil {
		s.anySnap.Store(true)
	}
	s.shown()
	return frameMsg{id: s.id, tag: tag, snap: snap}
}

// nextPeriod is the start of the period of length d after the one t is in.
func nextPeriod(t time.Time, d time.Duration) time.Time {
	return t.Truncate(d).Add(d)
}

// send runs Backend.Send off the UI loop so a slow backend never freezes
// the screen; the result comes back as a sentMsg carrying the snapshot
// taken after it, so the operator sees the effect without waiting for the
// next second's frame.
func send(b Backend, cmd monitor.Command, what string) tea.Cmd {
	return func() tea.Msg {
		err := b.Send(cmd)
		return sentMsg{what: what, err: err, snap: b.Snapshot()}
	}
}
