package store

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"switchboard/monitor"
	"switchboard/probes"
)

// realistic is what the monitor commits for one decision with ten
// providers configured: the whole state and one event.
func realistic(seq uint64, at time.Time) (*monitor.Persisted, []monitor.Event) {
	state := &monitor.Persisted{SavedAt: at, Seq: seq, Active: "azure-east", ActiveSince: at,
		ActiveCause: "recovered, hold-down 30s passed"}
	for i := range 10 {
		state.Providers = append(state.Providers, monitor.PersistedProvider{
			Name: fmt.Sprintf("provider-%d", i), Enabled: true, State: monitor.StateUp,
			Since: at, Cause: "2× ok", HolddownUntil: at.Add(30 * time.Second), Ejections: 1})
	}
	ev := monitor.Event{Seq: seq, At: at, Kind: monitor.EventState, Provider: "provider-3",
		From: "up", To: "down", Cause: "3× timeout", Actor: monitor.ActorPolicy}
	return state, []monitor.Event{ev}
}

// BenchmarkCommit: the latency of one acknowledged decision, fsync
// included, on the disk under the test's temporary directory.
func BenchmarkCommit(b *testing.B) {
	clk := newClock()
	s := open(b, b.TempDir(), Options{Now: clk.Now})
	var lat []time.Duration
	var seq uint64
	for b.Loop() {
		seq++
		clk.advance(time.Second)
		state, events := realistic(seq, clk.now)
		start := time.Now()
		if err := s.Commit(state, events); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	ms := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))]) / 1e6 }
	b.ReportMetric(ms(0.5), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
	b.ReportMetric(ms(1), "max-ms")
}

// BenchmarkSamplesHour: one simulated hour of samples at 10 providers
// probed every second, flushed once a simulated second, as the flusher
// does (fsync included). It reports what the process wrote (write(2)
// bytes, and the bytes the kernel sent to the disk for it) and the CPU it
// spent, per simulated hour. The baseline is the obvious other layout:
// a bucket per provider, a key per sample.
func BenchmarkSamplesHour(b *testing.B) {
	b.Run("store", func(b *testing.B) {
		clk := newClock()
		s := open(b, b.TempDir(), Options{Now: clk.Now})
		measureHours(b, s.Path(), func() {
			clk.advance(time.Second)
			for p := range 10 {
				s.Samples(fmt.Sprintf("provider-%d", p), []monitor.Sample{
					{At: clk.now, Latency: 180 * time.Millisecond, Class: probes.ClassOK}})
			}
			if err := s.flushNow(); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("bucket-per-provider", func(b *testing.B) {
		path := filepath.Join(b.TempDir(), FileName)
		db, err := bolt.Open(path, 0o600, boltOptions(0, false))
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		now, lastPrune := newClock().now, time.Time{}
		measureHours(b, path, func() {
			now = now.Add(time.Second)
			prune := now.Sub(lastPrune) >= pruneEvery
			err := db.Update(func(tx *bolt.Tx) error {
				for p := range 10 {
					bk, err := tx.CreateBucketIfNotExists([]byte(fmt.Sprintf("provider-%d", p)))
					if err != nil {
						return err
					}
					v := binary.AppendVarint(nil, int64(180*time.Millisecond))
					if err := bk.Put(u64(now.UnixNano()), append(v, "ok"...)); err != nil {
						return err
					}
					if prune {
						if err := pruneBefore(bk, now.Add(-5*time.Minute).UnixNano()); err != nil {
							return err
						}
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			if prune {
				lastPrune = now
			}
		})
	})
}

// measureHours runs second() 3600 times per iteration and reports the
// cost per simulated hour.
func measureHours(b *testing.B, path string, second func()) {
	io0, cpu0 := procIO(b), cpuTime()
	hours := 0
	for b.Loop() {
		for range 3600 {
			second()
		}
		hours++
	}
	io1, cpu1 := procIO(b), cpuTime()
	h := float64(hours)
	b.ReportMetric(float64(io1["wchar"]-io0["wchar"])/h/1e6, "MB-written/h")
	b.ReportMetric(float64(io1["write_bytes"]-io0["write_bytes"])/h/1e6, "MB-to-disk/h")
	b.ReportMetric((cpu1-cpu0).Seconds()/h, "cpu-s/h")
	if info, err := os.Stat(path); err == nil {
		b.ReportMetric(float64(info.Size())/1e3, "file-kB")
	}
}

// procIO reads this process's I/O counters (Linux).
func procIO(b *testing.B) map[string]int64 {
	f, err := os.Open("/proc/self/io")
	if err != nil {
		b.Skip("no /proc/self/io:", err)
	}
	defer f.Close()
	out := map[string]int64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, _ := strings.Cut(sc.Text(), ": ")
		out[name], _ = strconv.ParseInt(value, 10, 64)
	}
	return out
}

// usedBytes is how much of a closed file bbolt's pages take: the file
// itself grows in steps (doubling, then 16 MB at a time) ahead of them.
func usedBytes(b *testing.B, path string) (n int64) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	_ = db.View(func(tx *bolt.Tx) error { n = tx.Size(); return nil })
	return n
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkFileSizeMonth: the file's size after a simulated month of
// decisions, each committed with the state of ten providers, at a steady
// rate of events. At 10 a minute the month holds 432,000 events and the
// MaxEvents bound (100,000) decides the size. fsync is off here only: it
// does not change what is written where, and a month of it would take
// hours.
func BenchmarkFileSizeMonth(b *testing.B) {
	for _, perMinute := range []int{1, 10} {
		b.Run(fmt.Sprintf("%d-events-per-minute", perMinute), func(b *testing.B) {
			for b.Loop() {
				clk := newClock()
				s := open(b, b.TempDir(), Options{Now: clk.Now})
				s.db.NoSync = true
				var seq uint64
				for range 30 * 24 * 60 {
					clk.advance(time.Minute)
					state, _ := realistic(seq, clk.now)
					var events []monitor.Event
					for range perMinute {
						seq++
						_, ev := realistic(seq, clk.now)
						events = append(events, ev...)
					}
					state.Seq = seq
					if err := s.Commit(state, events); err != nil {
						b.Fatal(err)
					}
				}
				if err := s.Close(); err != nil {
					b.Fatal(err)
				}
				info, err := os.Stat(s.Path())
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(info.Size())/1e6, "file-MB")
				b.ReportMetric(float64(usedBytes(b, s.Path()))/1e6, "used-MB")
				b.ReportMetric(float64(s.events.count), "events-kept")
			}
		})
	}
}
