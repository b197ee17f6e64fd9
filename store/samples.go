package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"switchboard/monitor"
	"switchboard/probes"
)

// sampleBuf holds samples between flushes. Its lock is held only to add or
// to take the whole buffer, never across disk I/O, so Samples does not
// wait for the disk.
type sampleBuf struct {
	mu      sync.Mutex
	pending []pendingSample // in arrival order
	max     int
	dropped uint64
}

type pendingSample struct {
	provider string
	monitor.Sample
}

// Samples buffers probe samples for the next flush (monitor.Journal).
// Beyond MaxPendingSamples the oldest are dropped: the newest matter most
// to a chart.
func (s *Store) Samples(provider string, samples []monitor.Sample) {
	b := &s.buf
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, x := range samples {
		b.pending = append(b.pending, pendingSample{provider, x})
	}
	if over := len(b.pending) - b.max; over > 0 {
		b.pending = b.pending[over:]
		b.dropped += uint64(over)
	}
}

func (b *sampleBuf) take() []pendingSample {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := b.pending
	b.pending = nil
	return p
}

// sampleSink writes batches. Its lock makes flushes (the ticker's, Close's,
// a test's) one at a time, so keys only grow.
type sampleSink struct {
	mu        sync.Mutex
	lastKey   int64     // the newest record's key
	lastPrune time.Time // zero: prune at the first flush
	err       error     // the first background flush error, for Close
}

// init reads the newest record's key, so keys go on growing after a
// restart.
func (k *sampleSink) init(tx *bolt.Tx) {
	if key, _ := tx.Bucket(bucketSamples).Cursor().Last(); len(key) == 8 {
		k.lastKey = int64(binary.BigEndian.Uint64(key))
	}
}

func (k *sampleSink) remember(err error) {
	if err == nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.err == nil {
		k.err = err
	}
}

func (k *sampleSink) firstErr() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.err
}

// flushNow writes what is buffered as one record in one transaction, and
// prunes records past SampleRetention about once a minute. A store with
// nothing to write writes nothing.
func (s *Store) flushNow() error {
	k := &s.flush
	k.mu.Lock()
	defer k.mu.Unlock()
	batch := s.buf.take()
	now := s.opts.Now()
	prune := now.Sub(k.lastPrune) >= pruneEvery || now.Before(k.lastPrune)
	if len(batch) == 0 && !prune {
		return nil
	}
	key := k.lastKey
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSamples)
		b.FillPercent = appendFill
		if len(batch) > 0 {
			var val []byte
			key, val = encodeSamples(batch, k.lastKey+1)
			if err := b.Put(u64(key), val); err != nil {
				return err
			}
		}
		if prune {
			return pruneBefore(b, now.Add(-s.opts.SampleRetention).UnixNano())
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("write samples to %s: %w", s.path, err)
	}
	k.lastKey = key
	if prune {
		k.lastPrune = now
	}
	return nil
}

func u64(n int64) []byte { return binary.BigEndian.AppendUint64(make([]byte, 0, 8), uint64(n)) }

// pruneBefore deletes records keyed before cutoff: a record's key is its
// newest sample, so all of such a record is older.
func pruneBefore(b *bolt.Bucket, cutoff int64) error {
	var doomed [][]byte
	c := b.Cursor()
	for k, _ := c.First(); k != nil && bytes.Compare(k, u64(cutoff)) < 0; k, _ = c.Next() {
		doomed = append(doomed, bytes.Clone(k))
	}
	for _, k := range doomed {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// encodeSamples packs one flush into one value, keyed by its newest
// sample's time in unix nanos (at least minKey, so keys stay unique):
// per provider, uvarint name length, name, uvarint count, then per sample
// uvarint (key − time), varint latency, uvarint class length, class. Each
// sample costs about a dozen bytes, and a flush is one bbolt key, so it
// touches one leaf page however many providers there are.
func encodeSamples(batch []pendingSample, minKey int64) (int64, []byte) {
	key := minKey
	for _, p := range batch {
		key = max(key, p.At.UnixNano())
	}
	byProvider := map[string][]monitor.Sample{}
	var order []string
	for _, p := range batch {
		if _, ok := byProvider[p.provider]; !ok {
			order = append(order, p.provider)
		}
		byProvider[p.provider] = append(byProvider[p.provider], p.Sample)
	}
	var v []byte
	for _, name := range order {
		v = appendString(v, name)
		v = binary.AppendUvarint(v, uint64(len(byProvider[name])))
		for _, x := range byProvider[name] {
			v = binary.AppendUvarint(v, uint64(key-x.At.UnixNano()))
			v = binary.AppendVarint(v, int64(x.Latency))
			v = appendString(v, string(x.Class))
		}
	}
	return key, v
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

var errShort = errors.New("sample record cut short")

// decodeSamples unpacks a record, keeping samples at or after since.
func decodeSamples(key int64, v []byte, since int64, into map[string][]monitor.Sample) error {
	uv := func() (uint64, error) {
		n, size := binary.Uvarint(v)
		if size <= 0 {
			return 0, errShort
		}
		v = v[size:]
		return n, nil
	}
	str := func() (string, error) {
		n, err := uv()
		if err != nil || n > uint64(len(v)) {
			return "", errShort
		}
		s := string(v[:n])
		v = v[n:]
		return s, nil
	}
	for len(v) > 0 {
		name, err := str()
		if err != nil {
			return err
		}
		n, err := uv()
		if err != nil {
			return err
		}
		for range n {
			back, err := uv()
			if err != nil {
				return err
			}
			lat, size := binary.Varint(v)
			if size <= 0 {
				return errShort
			}
			v = v[size:]
			class, err := str()
			if err != nil {
				return err
			}
			if at := key - int64(back); at >= since {
				into[name] = append(into[name], monitor.Sample{
					At: time.Unix(0, at), Latency: time.Duration(lat), Class: probes.Class(class)})
			}
		}
	}
	return nil
}

// loadSamples reads every provider's samples at or after since, oldest
// first. Records keyed before since hold only older samples.
func (s *Store) loadSamples(tx *bolt.Tx, since time.Time) (map[string][]monitor.Sample, error) {
	out := map[string][]monitor.Sample{}
	c := tx.Bucket(bucketSamples).Cursor()
	for k, v := c.Seek(u64(since.UnixNano())); k != nil; k, v = c.Next() {
		if err := decodeSamples(int64(binary.BigEndian.Uint64(k)), v, since.UnixNano(), out); err != nil {
			return nil, corrupt(s.path, fmt.Sprintf("samples %x", k), err)
		}
	}
	for _, xs := range out {
		sort.SliceStable(xs, func(i, j int) bool { return xs[i].At.Before(xs[j].At) })
	}
	return out, nil
}
