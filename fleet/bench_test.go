package fleet

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"switchboard/internal/etcdtest"
	"switchboard/monitor"
)

// BenchmarkCommandToEveryRoute measures, for an operator's pin through a
// follower, the time from the call until every replica's monitor routes
// by it (the head of each Snapshot.Route), with three replicas, each with
// its state file as serve has, and a real etcd on loopback that syncs each
// write to disk. Reported: the median and p99 of that time, and of the
// call itself (the API's answer).
func BenchmarkCommandToEveryRoute(b *testing.B) {
	f := newFleetOn(b, etcdtest.StartSynced(b), 3, 5*time.Second, true)
	lead := f.leader(10 * time.Second)
	f.routesAll(5*time.Second, "alpha", "bravo", "charlie")
	followers := f.followers(lead)
	type sub struct {
		ch   <-chan *monitor.Snapshot
		stop func()
	}
	var subs []sub
	for _, nd := range f.live() {
		ch, stop := nd.mon.Subscribe()
		subs = append(subs, sub{ch, stop})
	}
	defer func() {
		for _, s := range subs {
			s.stop()
		}
	}()
	var all, acks []time.Duration
	targets := []string{"bravo", "charlie", "alpha"}
	b.ResetTimer()
	for i := range b.N {
		target := targets[i%len(targets)]
		fl := followers[i%len(followers)]
		start := time.Now()
		if _, err := fl.rep.Apply(monitor.Order{Command: monitor.Pin{Provider: target}, Actor: "bench"}); err != nil {
			b.Fatal(err)
		}
		acks = append(acks, time.Since(start))
		for _, s := range subs {
			for snap := range s.ch {
				if len(snap.Route) > 0 && snap.Route[0] == target {
					break
				}
			}
		}
		all = append(all, time.Since(start))
	}
	b.StopTimer()
	b.ReportMetric(ms(pct(all, 50)), "p50-all-ms")
	b.ReportMetric(ms(pct(all, 99)), "p99-all-ms")
	b.ReportMetric(ms(pct(acks, 50)), "p50-ack-ms")
	b.ReportMetric(ms(pct(acks, 99)), "p99-ack-ms")
}

// BenchmarkLeaderDeath measures the time from the leader's death (a crash:
// no resignation, its lease left to expire) to another replica leading,
// at leases of 2s and 5s. Each round kills the leader and starts a
// replica in its place, so three run throughout.
func BenchmarkLeaderDeath(b *testing.B) {
	for _, lease := range []time.Duration{2 * time.Second, 5 * time.Second} {
		b.Run(fmt.Sprintf("lease=%s", lease), func(b *testing.B) {
			f := newFleet(b, 3, lease)
			var took []time.Duration
			for i := range b.N {
				lead := f.leader(lease + 10*time.Second)
				lead.crash()
				died := time.Now()
				eventually(b, lease+10*time.Second, "a new leader", func() bool {
					for _, nd := range f.live() {
						if nd.rep.Leading() {
							return true
						}
					}
					return false
				})
				took = append(took, time.Since(died))
				f.add(fmt.Sprintf("n%d", i))
			}
			b.ReportMetric(ms(pct(took, 50)), "p50-ms")
			b.ReportMetric(ms(slices.Max(took)), "max-ms")
		})
	}
}

// BenchmarkSteadyStateWrites counts etcd's writes (revisions) in one
// minute of three replicas at the default probe interval with every
// provider healthy, after the first decisions are made.
func BenchmarkSteadyStateWrites(b *testing.B) {
	for range b.N {
		f := newFleet(b, 3, 5*time.Second)
		f.leader(10 * time.Second)
		f.routesAll(5*time.Second, "alpha", "bravo", "charlie")
		time.Sleep(5 * time.Second) // the first probes' events
		before := f.etcd.Revision()
		time.Sleep(time.Minute)
		b.ReportMetric(float64(f.etcd.Revision()-before), "writes/min")
	}
}

func pct(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
