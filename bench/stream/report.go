package main

import (
	"fmt"
	"slices"
	"time"
)

// targetLastP99 is issue 12's goal: 99% of decisions reach the last of
// 100 attached dashboards within this.
const targetLastP99 = 100 * time.Millisecond

// decision is one command the bench sent: when, what the server answered.
type decision struct {
	action     string
	sent, done time.Time // before the request; when its 200 had been read
	seq        uint64    // the newest event's seq once applied, from the answer
	err        error
}

// spread is how long the decisions took to reach the dashboards, per
// decision, measured from the moment each command was sent.
type spread struct {
	last, median []time.Duration // to the last dashboard, to the median one
	answered     []time.Duration // the command's own round trip
	failed       int             // commands refused or lost
	unseen       int             // decisions some dashboard never saw
}

// spreadOf matches each decision's seq with the moment every dashboard
// read that event frame. A decision that some dashboard never saw counts
// as unseen and has no latency.
func spreadOf(ds []decision, seen []map[uint64]time.Time) spread {
	var s spread
	for _, d := range ds {
		if d.err != nil {
			s.failed++
			continue
		}
		s.answered = append(s.answered, d.done.Sub(d.sent))
		lats := make([]time.Duration, 0, len(seen))
		for _, m := range seen {
			if at, ok := m[d.seq]; ok {
				lats = append(lats, at.Sub(d.sent))
			}
		}
		if len(lats) < len(seen) || len(lats) == 0 {
			s.unseen++
			continue
		}
		slices.Sort(lats)
		s.last = append(s.last, lats[len(lats)-1])
		s.median = append(s.median, lats[(len(lats)-1)/2])
	}
	return s
}

// pct is the p-th percentile (nearest rank) of xs, 0 for none.
func pct(xs []time.Duration, p float64) time.Duration {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(float64(len(s))*p/100+0.999999) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// verdict reads the spread against the goal: every decision reached every
// dashboard, and the p99 to the last one is under targetLastP99.
func verdict(s spread, total int) (ok bool, reading string) {
	p99 := pct(s.last, 99)
	reading = fmt.Sprintf("p99 %s over %d decisions", ms(p99), len(s.last))
	if s.failed > 0 || s.unseen > 0 {
		reading += fmt.Sprintf("; %d refused, %d not seen by every client", s.failed, s.unseen)
	}
	return len(s.last) == total && total > 0 && p99 < targetLastP99, reading
}

// ms prints a duration in milliseconds with one decimal.
func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }
