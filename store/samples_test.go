package store

import (
	"encoding/binary"
	"math"
	"runtime"
	"testing"
	"testing/synctest"
	"time"

	bolt "go.etcd.io/bbolt"

	"switchboard/monitor"
	"switchboard/probes"
)

// series is n samples a second apart, ending at end.
func series(end time.Time, n int) []monitor.Sample {
	out := make([]monitor.Sample, n)
	for i := range out {
		out[i] = monitor.Sample{At: end.Add(time.Duration(i-n+1) * time.Second),
			Latency: time.Duration(100+i) * time.Millisecond, Class: probes.ClassOK}
	}
	out[n/2].Class = probes.ClassServerError // failures are kept as such
	return out
}

func flush(t *testing.T, s *Store) {
	t.Helper()
	if err := s.flushNow(); err != nil {
		t.Fatal(err)
	}
}

func TestSamplesRoundTrip(t *testing.T) {
	clk := newClock()
	s := open(t, t.TempDir(), Options{Now: clk.Now})
	a, b := series(clk.now, 10), series(clk.now.Add(-time.Minute), 7)
	// Handed over in pieces and interleaved, as probes finish.
	s.Samples("a", a[:4])
	s.Samples("b", b[:3])
	flush(t, s)
	s.Samples("a", a[4:])
	s.Samples("b", b[3:])
	flush(t, s)
	r := load(t, s)
	sameSamples(t, r.Samples["a"], a)
	sameSamples(t, r.Samples["b"], b)
	if len(r.Samples) != 2 {
		t.Errorf("samples for %d providers, want 2", len(r.Samples))
	}
}

func TestLoadReturnsTheWindowOnly(t *testing.T) {
	clk := newClock()
	s := open(t, t.TempDir(), Options{Window: 5 * time.Minute, SampleRetention: time.Hour, Now: clk.Now})
	all := series(clk.now, 20*60) // the last 20 minutes
	for i := 0; i < len(all); i += 60 {
		s.Samples("a", all[i:i+60])
		flush(t, s)
	}
	// The window's first instant is in: 5 minutes and the sample at now.
	sameSamples(t, load(t, s).Samples["a"], all[len(all)-301:])
}

func TestSamplesArePrunedPastRetention(t *testing.T) {
	clk := newClock()
	s := open(t, t.TempDir(), Options{SampleRetention: 2 * time.Minute, Now: clk.Now})
	for range 10 * 60 { // ten minutes of a 1 s probe interval
		clk.advance(time.Second)
		s.Samples("a", []monitor.Sample{{At: clk.now, Latency: time.Millisecond, Class: probes.ClassOK}})
		s.Samples("b", []monitor.Sample{{At: clk.now, Latency: time.Millisecond, Class: probes.ClassOK}})
		flush(t, s)
	}
	oldest, n := stored(t, s)
	// Pruned once a minute, so up to a minute past retention is left.
	if age := clk.now.Sub(oldest); age > 3*time.Minute || age < 2*time.Minute {
		t.Errorf("oldest sample kept is %v old, want 2…3 minutes", age)
	}
	if n > 2*3*60 {
		t.Errorf("%d samples in the file, want at most %d", n, 2*3*60)
	}
}

// stored decodes every sample in the file, whatever its age.
func stored(t *testing.T, s *Store) (oldest time.Time, n int) {
	t.Helper()
	all := map[string][]monitor.Sample{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSamples).ForEach(func(k, v []byte) error {
			return decodeSamples(int64(binary.BigEndian.Uint64(k)), v, math.MinInt64, all)
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	oldest = time.Unix(0, math.MaxInt64)
	for _, xs := range all {
		for _, x := range xs {
			n++
			if x.At.Before(oldest) {
				oldest = x.At
			}
		}
	}
	return oldest, n
}

func TestPendingSamplesAreBounded(t *testing.T) {
	clk := newClock()
	s := open(t, t.TempDir(), Options{MaxPendingSamples: 100, Now: clk.Now})
	all := series(clk.now, 250)
	for i := range all {
		s.Samples("a", all[i:i+1])
	}
	if s.buf.dropped != 150 {
		t.Errorf("dropped %d, want 150", s.buf.dropped)
	}
	flush(t, s)
	sameSamples(t, load(t, s).Samples["a"], all[150:]) // the newest are kept
}

func TestSamplesDoNotWaitForTheDisk(t *testing.T) {
	clk := newClock()
	s := open(t, t.TempDir(), Options{Now: clk.Now})
	first, second := series(clk.now.Add(-time.Minute), 5), series(clk.now, 5)
	s.Samples("a", first)

	// A writer that does not finish holds bbolt's write lock, so the
	// flush below blocks in its transaction, as on a stalled disk.
	stall, err := s.db.Begin(true)
	if err != nil {
		t.Fatal(err)
	}
	flushed := make(chan error)
	go func() { flushed <- s.flushNow() }()
	for pending(s) > 0 { // until the flush has taken the buffer
		runtime.Gosched()
	}
	// Were the buffer locked across the write, this would never return.
	s.Samples("a", second)
	if err := stall.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := <-flushed; err != nil {
		t.Fatal(err)
	}
	sameSamples(t, load(t, s).Samples["a"], first)
	flush(t, s)
	sameSamples(t, load(t, s).Samples["a"], append(first, second...))
}

func pending(s *Store) int {
	s.buf.mu.Lock()
	defer s.buf.mu.Unlock()
	return len(s.buf.pending)
}

func TestSamplesAreFlushedInTheBackground(t *testing.T) {
	clk := newClock()
	s := open(t, t.TempDir(), Options{FlushInterval: time.Millisecond, Now: clk.Now})
	want := series(clk.now, 3)
	s.Samples("a", want)
	// No flush by hand: wait, however long it takes, for the ticker's.
	for len(load(t, s).Samples["a"]) == 0 {
		runtime.Gosched()
	}
	sameSamples(t, load(t, s).Samples["a"], want)
}

// Samples are flushed on the whole second, whenever the store was opened:
// the monitor publishes and the dashboard draws then too, and an idle
// process wakes once for the three.
func TestSamplesAreFlushedOnTheSecond(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now() // a bubble's clock starts on a whole second
		time.Sleep(400 * time.Millisecond)
		clk := newClock()
		s := open(t, t.TempDir(), Options{FlushInterval: time.Second, Now: clk.Now})
		for sec := 1; sec <= 3; sec++ {
			s.Samples("a", series(clk.now, 1))
			time.Sleep(time.Until(start.Add(time.Duration(sec)*time.Second)) - time.Millisecond)
			synctest.Wait()
			if pending(s) == 0 {
				t.Fatalf("flushed before second %d", sec)
			}
			time.Sleep(time.Millisecond)
			synctest.Wait()
			if n := pending(s); n != 0 {
				t.Fatalf("%d samples still pending on second %d", n, sec)
			}
		}
	})
}

func TestIdleStoreWritesNothing(t *testing.T) {
	clk := newClock()
	s := open(t, t.TempDir(), Options{Now: clk.Now})
	flush(t, s) // the first flush prunes
	before := txid(t, s)
	clk.advance(10 * time.Second)
	flush(t, s)
	if n := txid(t, s) - before; n != 0 {
		t.Errorf("a flush with nothing to write committed %d transactions", n)
	}
}

// txid is the last committed transaction's id.
func txid(t *testing.T, s *Store) (id int) {
	t.Helper()
	if err := s.db.View(func(tx *bolt.Tx) error { id = tx.ID(); return nil }); err != nil {
		t.Fatal(err)
	}
	return id
}
