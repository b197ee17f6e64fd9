package model

import (
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"switchboard/monitor"
)

// snapshotMsg delivers a new Snapshot from the backend's subscription.
type snapshotMsg struct{ snap *monitor.Snapshot }

// backendClosedMsg says the subscription channel was closed: the monitor
// has stopped and the screen will no longer change by itself.
type backendClosedMsg struct{}

// tickMsg is the 1 s clock tick. id ties it to one model and tag to one
// tick loop, so a stray tick can never start a second loop.
type tickMsg struct {
	id, tag int64
}

// sentMsg reports the outcome of Backend.Send.
type sentMsg struct {
	what string // what was asked, in words, e.g. "failover requested: openai → azure"
	err  error
	snap *monitor.Snapshot // the backend's snapshot right after Send
}

// lastSessionID numbers models, as bubbles/spinner does, to tell their
// ticks apart.
var lastSessionID atomic.Int64

// session is the model's link to the backend, shared by every copy of the
// (value-typed) Model: the subscription and a done channel that ends every
// blocked command when the dashboard quits.
type session struct {
	id        int64
	ch        <-chan *monitor.Snapshot
	unsub     func()
	done      chan struct{}
	once      sync.Once
	lastFrame atomic.Int64 // unix nanos of the last snapshot handed to Update
	minFrame  time.Duration

	linked         Linked      // nil in process
	shownConnected atomic.Bool // the connection drawn with the last snapshot
}

// defaultMinFrame paces renders caused by snapshots. The monitor publishes
// one per probe result (10 providers probed every second: 10 a second);
// showing the newest at most once a second, on the second, keeps an idle
// wall screen near Bubble Tea's own idle cost. Keys and command results
// still render at once.
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

// waitSnapshot blocks until the next Snapshot (or quit), no sooner than
// minFrame after the previous one, and then delivers the newest; a change
// of a linked backend's connection is delivered at once. The model re-arms
// it after each one, so exactly one waits at any time.
func (s *session) waitSnapshot() tea.Cmd {
	return func() tea.Msg {
		var snap *monitor.Snapshot
		select {
		case got, ok := <-s.ch:
			if !ok {
				select {
				case <-s.done: // our own quit closed it: nothing to report
					return nil
				default:
				}
				return backendClosedMsg{}
			}
			snap = got
		case <-s.done:
			return nil
		}
		if wait := time.Until(s.nextFrame()); wait > 0 && !s.linkChanged() {
			t := time.NewTimer(wait)
			defer t.Stop()
			select {
			case <-t.C:
			case <-s.done:
				return nil
			}
			select { // the subscription keeps only the newest: take it if one came
			case got, ok := <-s.ch:
				if ok {
					snap = got
				}
			default:
			}
		}
		s.lastFrame.Store(time.Now().UnixNano())
		s.shown()
		return snapshotMsg{snap: snap}
	}
}

// nextFrame is when the next snapshot may be shown: the start of the next
// minFrame period after the last one. With the 1 s default that is the next
// whole second, the instant the clock tick fires too, so both land in one
// rendered frame instead of two.
func (s *session) nextFrame() time.Time {
	return time.Unix(0, s.lastFrame.Load()).Truncate(s.minFrame).Add(s.minFrame)
}

// tick fires at the next whole second of the wall clock, so the header
// clock changes exactly when a watch would; quit cancels it at once rather
// than leaving a timer goroutine behind.
func (s *session) tick(tag int64) tea.Cmd {
	return func() tea.Msg {
		now := time.Now()
		t := time.NewTimer(now.Truncate(time.Second).Add(time.Second).Sub(now))
		defer t.Stop()
		select {
		case <-t.C:
			return tickMsg{id: s.id, tag: tag}
		case <-s.done:
			return nil
		}
	}
}

// send runs Backend.Send off the UI loop so a slow backend never freezes
// the screen; the result comes back as a sentMsg carrying the snapshot
// taken after it, so the operator sees the effect without waiting for the
// next paced frame.
func send(b Backend, cmd monitor.Command, what string) tea.Cmd {
	return func() tea.Msg {
		err := b.Send(cmd)
		return sentMsg{what: what, err: err, snap: b.Snapshot()}
	}
}
