package api

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"switchboard/monitor"
)

// Remote backoff defaults: the first retry comes quickly (a server that
// restarts is back within a second or two), later ones no more often
// than every 10 s.
const (
	DefaultMinBackoff = 250 * time.Millisecond
	DefaultMaxBackoff = 10 * time.Second
)

// RemoteOptions adjust a Remote; zero values take defaults.
type RemoteOptions struct {
	MinBackoff time.Duration    // first wait before reconnecting
	MaxBackoff time.Duration    // cap of the doubled wait
	Now        func() time.Time // for ConnState times; default time.Now
}

// ConnState is a Remote's connection, for the screen to say whether what
// it shows is live.
type ConnState struct {
	Server    string    // the server's base URL
	Connected bool      // a stream is open: Snapshot is live
	Since     time.Time // when Connected last changed: "disconnected since" when false
	Ever      bool      // a snapshot has ever arrived (before, Snapshot is an empty placeholder)
	LastError string    // why the last connection failed or ended
	Attempts  int       // failed attempts since the stream was last open
}

// Remote is the monitor of a switchboard serve, seen through its API: it
// has the dashboard's Backend methods (Snapshot, Subscribe, Send), is fed
// by the stream, and reconnects by itself with capped backoff, resuming
// with Last-Event-ID. While disconnected it keeps the last snapshot, and
// Conn says it is not live; every change of Conn re-delivers the snapshot
// to subscribers, so a reader that renders on each one sees the change.
type Remote struct {
	client *Client
	opts   RemoteOptions

	mu      sync.Mutex
	snap    *monitor.Snapshot
	subs    map[chan *monitor.Snapshot]struct{}
	conn    ConnState
	lastID  uint64
	changed chan struct{} // closed and replaced on every change, for waiters
	closed  bool

	cancel context.CancelFunc
	done   chan struct{}
}

// NewRemote starts following the server c talks to. Call Close to stop.
func NewRemote(c *Client, opts RemoteOptions) *Remote {
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = DefaultMinBackoff
	}
	if opts.MaxBackoff < opts.MinBackoff {
		opts.MaxBackoff = max(DefaultMaxBackoff, opts.MinBackoff)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &Remote{client: c, opts: opts, snap: &monitor.Snapshot{}, subs: map[chan *monitor.Snapshot]struct{}{},
		conn: ConnState{Server: c.Server(), Since: opts.Now()}, changed: make(chan struct{}),
		cancel: cancel, done: make(chan struct{})}
	go r.run(ctx)
	return r
}

// run keeps a stream open until Close.
func (r *Remote) run(ctx context.Context) {
	defer close(r.done)
	backoff := r.opts.MinBackoff
	for {
		err := r.client.Stream(ctx, r.resumeFrom(), r.onFrame)
		if ctx.Err() != nil {
			return
		}
		if r.lost(err) {
			backoff = r.opts.MinBackoff // it was up: the next try may well succeed at once
		}
		// Full jitter over the upper half, so dashboards dropped together
		// by one restart do not all come back in the same instant.
		wait := backoff/2 + rand.N(backoff/2+1)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		backoff = min(2*backoff, r.opts.MaxBackoff)
	}
}

func (r *Remote) resumeFrom() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lastID
}

func (r *Remote) onFrame(f Frame) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if f.Event != nil {
		r.lastID = f.ID
		return
	}
	r.snap = f.Snapshot
	// The snapshot comes after the events it holds; after a restart of
	// the server its log starts again, and so does lastID.
	r.lastID = newestSeq(f.Snapshot)
	if !r.conn.Connected {
		r.conn = ConnState{Server: r.conn.Server, Connected: true, Since: r.opts.Now(), Ever: true}
	}
	r.changedLocked()
}

// lost records a failed or ended stream and says whether it had been open.
func (r *Remote) lost(err error) (wasConnected bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	wasConnected = r.conn.Connected
	if wasConnected {
		r.conn.Connected, r.conn.Since, r.conn.Attempts = false, r.opts.Now(), 0
	}
	r.conn.Attempts++
	r.conn.LastError = err.Error()
	r.changedLocked()
	return wasConnected
}

// changedLocked hands the current snapshot to every subscriber, replacing
// any unread one, and wakes waiters; r.mu is held.
func (r *Remote) changedLocked() {
	for ch := range r.subs {
		select {
		case <-ch:
		default:
		}
		ch <- r.snap
	}
	close(r.changed)
	r.changed = make(chan struct{})
}

// Snapshot returns the newest snapshot received (never nil: an empty one
// before the first). Check Conn before showing it as live.
func (r *Remote) Snapshot() *monitor.Snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.snap
}

// Conn returns the connection's state.
func (r *Remote) Conn() ConnState {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.conn
}

// Subscribe returns a channel that always holds the newest snapshot (the
// current one at once) and a function that unsubscribes and closes it, as
// the monitor's does. Close closes every channel.
func (r *Remote) Subscribe() (<-chan *monitor.Snapshot, func()) {
	ch := make(chan *monitor.Snapshot, 1)
	r.mu.Lock()
	ch <- r.snap
	if r.closed {
		close(ch)
	} else {
		r.subs[ch] = struct{}{}
	}
	r.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			r.mu.Lock()
			defer r.mu.Unlock()
			if _, ok := r.subs[ch]; ok {
				delete(r.subs, ch)
				close(ch)
			}
		})
	}
}

// WaitConnected returns once a snapshot has arrived over an open stream,
// or with an error saying why not when ctx ends first.
func (r *Remote) WaitConnected(ctx context.Context) error {
	for {
		r.mu.Lock()
		conn, changed := r.conn, r.changed
		r.mu.Unlock()
		if conn.Connected {
			return nil
		}
		select {
		case <-ctx.Done():
			if conn.LastError != "" {
				return &notConnected{server: conn.Server, why: conn.LastError}
			}
			return ctx.Err()
		case <-changed:
		}
	}
}

type notConnected struct{ server, why string }

// Error names the server and the last reason it could not be followed.
func (e *notConnected) Error() string { return "not connected to " + e.server + ": " + e.why }

// Close stops following the server and closes every subscriber's channel.
func (r *Remote) Close() {
	r.cancel()
	<-r.done
	r.mu.Lock()
	r.closed = true
	for ch := range r.subs {
		delete(r.subs, ch)
		close(ch)
	}
	r.mu.Unlock()
	r.client.Close()
}
