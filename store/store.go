// Package store keeps what the monitor decides, its event history and the
// latency samples of the current window in one local bbolt file, so a
// restart or a kill -9 forgets nothing that was acknowledged. A Store
// implements monitor.Journal.
//
// Layout of state.db (schema 1), every value JSON unless said otherwise:
//
//	meta    "schema" → "1"
//	state   "state"  → monitor.Persisted
//	events  Seq (8 bytes big-endian) → monitor.Event
//	samples newest sample's time (8 bytes big-endian unix nanos) → one
//	        flush's samples of every provider, binary (see samples.go)
package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"switchboard/monitor"
)

// The monitor commits through this interface; the CLI hands it a *Store.
var _ monitor.Journal = (*Store)(nil)

// FileName is the bbolt file inside the state directory.
const FileName = "state.db"

// Options tune a Store. The zero value is the production default.
type Options struct {
	// Window is how far back Load returns samples: the monitor's stats
	// window (default 5m), so a restarted dashboard's charts are full.
	Window time.Duration
	// SampleRetention is how long samples stay in the file (default:
	// Window). Only the charts read them, so more is wasted writes.
	SampleRetention time.Duration
	// Retention is how long events are kept (default 30 days).
	Retention time.Duration
	// MaxEvents caps the events kept, whatever their age (default 100000).
	MaxEvents int
	// LoadEvents caps the newest events Load returns (default 200).
	LoadEvents int
	// FlushInterval is how often buffered samples are written (default
	// 1s): a crash loses at most this much of them.
	FlushInterval time.Duration
	// MaxPendingSamples bounds the samples buffered between flushes
	// (default 10000); beyond it the oldest are dropped, so a stuck disk
	// costs chart points, never the monitor's memory or its pace.
	MaxPendingSamples int
	// LockTimeout is how long Open waits for another process to let go
	// of the file (default 100ms): long enough for one that is just
	// closing, short enough that a second instance is refused at once.
	LockTimeout time.Duration
	// Now is the clock for retention and for Load's window (default
	// time.Now); tests and benchmarks simulate months with it.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.Window <= 0 {
		o.Window = 5 * time.Minute
	}
	if o.SampleRetention <= 0 {
		o.SampleRetention = o.Window
	}
	if o.Retention <= 0 {
		o.Retention = 30 * 24 * time.Hour
	}
	if o.MaxEvents <= 0 {
		o.MaxEvents = 100000
	}
	if o.LoadEvents <= 0 {
		o.LoadEvents = 200
	}
	if o.FlushInterval <= 0 {
		o.FlushInterval = time.Second
	}
	if o.MaxPendingSamples <= 0 {
		o.MaxPendingSamples = 10000
	}
	if o.LockTimeout <= 0 {
		o.LockTimeout = 100 * time.Millisecond
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Store is an open state directory. Commit and Load may be called from any
// goroutine; Samples never blocks on the disk.
type Store struct {
	dir, path string
	opts      Options
	db        *bolt.DB

	events eventLog   // Commit's bookkeeping for retention
	buf    sampleBuf  // samples waiting for the next flush
	flush  sampleSink // writes them; one flush at a time

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// boltOptions are the same for every open. NoFreelistSync (as etcd runs
// bbolt) saves writing the free-page list on every commit, at the cost of
// rebuilding it when the file is opened, which Open's check walks anyway.
// NoSync stays false: a commit returns only after fsync.
func boltOptions(timeout time.Duration, readOnly bool) *bolt.Options {
	return &bolt.Options{Timeout: timeout, ReadOnly: readOnly, NoFreelistSync: true}
}

// Open opens (creating if need be) the state in dir. A directory another
// process holds is refused with a *LockedError (errors.Is ErrLocked); a
// file that cannot be read as switchboard state with a *CorruptError
// (errors.Is ErrCorrupt), and it is left as it is for Reset.
func Open(dir string, opts Options) (*Store, error) {
	opts = opts.withDefaults()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("state directory: %w", err)
	}
	path := filepath.Join(dir, FileName)
	if err := validate(dir, path, opts.LockTimeout); err != nil {
		return nil, err
	}
	db, err := bolt.Open(path, 0o600, boltOptions(opts.LockTimeout, false))
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, lockedError(dir)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := &Store{dir: dir, path: path, opts: opts, db: db,
		stop: make(chan struct{}), done: make(chan struct{})}
	s.buf.max = opts.MaxPendingSamples
	if err := s.init(); err != nil {
		_ = db.Close()
		return nil, err
	}
	if err := writeOwner(dir, opts.Now()); err != nil {
		_ = db.Close()
		return nil, err
	}
	go s.flushLoop()
	return s, nil
}

// init creates the buckets of a new file and reads what Commit's
// retention needs from an existing one.
func (s *Store) init() error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketMeta, bucketState, bucketEvents, bucketSamples} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bucketMeta).Put(keySchema, []byte(schemaVersion)); err != nil {
			return err
		}
		s.events.count = tx.Bucket(bucketEvents).Stats().KeyN
		s.flush.init(tx)
		return nil
	})
	if err != nil {
		return fmt.Errorf("initialise %s: %w", s.path, err)
	}
	return nil
}

// Path is the bbolt file's path, for messages and the README's "where
// state lives".
func (s *Store) Path() string { return s.path }

// Close writes the samples still buffered, stops the flusher, closes the
// file and removes the owner note. It reports the first error a
// background flush met, since Samples itself cannot.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		close(s.stop)
		<-s.done
		err := s.flushNow()
		err = errors.Join(err, s.flush.firstErr())
		if cerr := s.db.Close(); cerr != nil {
			err = errors.Join(err, cerr)
		}
		removeOwner(s.dir)
		s.closeErr = err
	})
	return s.closeErr
}

// flushLoop writes buffered samples about once per FlushInterval until
// Close, on the whole second: the dashboard draws its frame and the
// monitor publishes on the second too, so an idle process wakes once a
// second for all three rather than three times (each wake of an idle
// process costs far more than its work, BENCHMARKS.md).
func (s *Store) flushLoop() {
	defer close(s.done)
	iv := s.opts.FlushInterval
	first := time.NewTimer(time.Until(time.Now().Add(iv).Truncate(time.Second)))
	defer first.Stop()
	select {
	case <-s.stop:
		return
	case <-first.C:
	}
	t := time.NewTicker(iv) // before the flush: the ticks keep the second's phase
	defer t.Stop()
	s.flush.remember(s.flushNow())
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.flush.remember(s.flushNow())
		}
	}
}
