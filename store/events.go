package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"switchboard/monitor"
)

// pruneEvery spaces out the age scan of the event log: deleting a
// minute's worth of old events at once rewrites a few pages, doing it on
// every commit would rewrite the oldest page every time.
const pruneEvery = time.Minute

// appendFill is how full bbolt packs a page it splits in the buckets whose
// keys only grow (events, samples): new keys go to the last page, so the
// default half-full split would leave every page half empty (etcd packs
// its own append-only bucket the same way).
const appendFill = 0.9

// eventLog is Commit's bookkeeping for retention. Commit holds mu across
// its transaction, so the count always matches the file.
type eventLog struct {
	mu        sync.Mutex
	count     int       // events in the file
	lastPrune time.Time // zero: prune at the first commit
}

// seqKey makes events sort by sequence number in bbolt's byte order.
func seqKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 8), seq)
}

// Commit writes the state and appends the events (keyed by Seq; one
// already there is overwritten) in one transaction, and returns once
// bbolt has synced it to disk. A nil state leaves the stored one. Old
// events are pruned in the same transaction now and then: past
// Retention at most a minute late, past MaxEvents at most by 1/64.
func (s *Store) Commit(state *monitor.Persisted, events []monitor.Event) error {
	s.events.mu.Lock()
	defer s.events.mu.Unlock()
	now := s.opts.Now()
	count := s.events.count // updated only once the transaction is on disk
	pruned := false
	err := s.db.Update(func(tx *bolt.Tx) error {
		if state != nil {
			data, err := json.Marshal(state)
			if err != nil {
				return err
			}
			if err := tx.Bucket(bucketState).Put(keyState, data); err != nil {
				return err
			}
		}
		b := tx.Bucket(bucketEvents)
		b.FillPercent = appendFill
		for i := range events {
			data, err := json.Marshal(&events[i])
			if err != nil {
				return err
			}
			key := seqKey(events[i].Seq)
			if b.Get(key) == nil {
				count++
			}
			if err := b.Put(key, data); err != nil {
				return err
			}
		}
		if s.pruneDue(now, count) {
			n, err := s.pruneEvents(b, now, count)
			if err != nil {
				return err
			}
			count -= n
			pruned = true
		}
		return nil
	})
	if err != nil {
		return s.wrap("commit to", err)
	}
	s.events.count = count
	if pruned {
		s.events.lastPrune = now
	}
	return nil
}

func (s *Store) pruneDue(now time.Time, count int) bool {
	return count > s.opts.MaxEvents+s.opts.MaxEvents/64 ||
		now.Sub(s.events.lastPrune) >= pruneEvery || now.Before(s.events.lastPrune)
}

// pruneEvents deletes events from the oldest on while they are past
// Retention or over MaxEvents, and returns how many it deleted.
func (s *Store) pruneEvents(b *bolt.Bucket, now time.Time, count int) (int, error) {
	cutoff := now.Add(-s.opts.Retention)
	var doomed [][]byte
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if count-len(doomed) <= s.opts.MaxEvents {
			var e struct{ At time.Time }
			if err := json.Unmarshal(v, &e); err != nil {
				return 0, corrupt(s.path, fmt.Sprintf("event %x", k), err)
			}
			if !e.At.Before(cutoff) {
				break
			}
		}
		doomed = append(doomed, bytes.Clone(k))
	}
	// Deleted after the scan: deleting under a cursor skips keys.
	for _, k := range doomed {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(doomed), nil
}

// Load reads back what was committed: the last state (nil for a new
// file), the newest LoadEvents events oldest first, and per provider the
// samples of the last Window before now, oldest first. Samples still
// buffered are not included; at start there are none.
func (s *Store) Load() (*monitor.Restored, error) {
	r := &monitor.Restored{}
	err := s.db.View(func(tx *bolt.Tx) error {
		if data := tx.Bucket(bucketState).Get(keyState); data != nil {
			r.State = new(monitor.Persisted)
			if err := json.Unmarshal(data, r.State); err != nil {
				return corrupt(s.path, "stored state", err)
			}
		}
		c := tx.Bucket(bucketEvents).Cursor()
		for k, v := c.Last(); k != nil && len(r.Events) < s.opts.LoadEvents; k, v = c.Prev() {
			var e monitor.Event
			if err := json.Unmarshal(v, &e); err != nil {
				return corrupt(s.path, fmt.Sprintf("event %x", k), err)
			}
			r.Events = append(r.Events, e)
		}
		for i, j := 0, len(r.Events)-1; i < j; i, j = i+1, j-1 {
			r.Events[i], r.Events[j] = r.Events[j], r.Events[i]
		}
		var err error
		r.Samples, err = s.loadSamples(tx, s.opts.Now().Add(-s.opts.Window))
		return err
	})
	if err != nil {
		return nil, s.wrap("load", err)
	}
	return r, nil
}

// wrap names the file in an error, unless it is a *CorruptError, which
// names it already and must reach the CLI as it is.
func (s *Store) wrap(doing string, err error) error {
	if _, ok := err.(*CorruptError); ok {
		return err
	}
	return fmt.Errorf("%s %s: %w", doing, s.path, err)
}
