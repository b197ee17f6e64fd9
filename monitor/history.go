package monitor

import (
	"slices"
	"time"

	"switchboard/probes"
)

// ring is a fixed-capacity history of samples: memory never grows with uptime.
type ring struct {
	buf   []Sample
	start int // index of the oldest sample
	n     int
}

func newRing(capacity int) *ring { return &ring{buf: make([]Sample, capacity)} }

func (r *ring) add(s Sample) {
	if r.n < len(r.buf) {
		r.buf[(r.start+r.n)%len(r.buf)] = s
		r.n++
		return
	}
	r.buf[r.start] = s
	r.start = (r.start + 1) % len(r.buf)
}

// each calls f for samples at or after from, oldest first.
func (r *ring) each(from time.Time, f func(Sample)) {
	for i := 0; i < r.n; i++ {
		s := r.buf[(r.start+i)%len(r.buf)]
		if !s.At.Before(from) {
			f(s)
		}
	}
}

// since returns a copy of the samples at or after from, oldest first.
func (r *ring) since(from time.Time) []Sample {
	out := make([]Sample, 0, r.n)
	r.each(from, func(s Sample) { out = append(out, s) })
	return out
}

// windowStats computes the display statistics over samples at or after from.
func (r *ring) windowStats(from time.Time) Stats {
	st := Stats{ByClass: map[probes.Class]int{}}
	var lat []time.Duration
	r.each(from, func(s Sample) {
		st.Samples++
		st.ByClass[s.Class]++
		if s.Class == probes.ClassOK {
			lat = append(lat, s.Latency)
		} else {
			st.Failures++
		}
	})
	if st.Samples > 0 {
		st.ErrorRate = float64(st.Failures) / float64(st.Samples)
		st.Availability = 1 - st.ErrorRate
	}
	st.P50, st.P95 = percentiles(lat)
	return st
}

// errorRate counts failures among samples at or after from.
func (r *ring) errorRate(from time.Time) (rate float64, samples int) {
	fails := 0
	r.each(from, func(s Sample) {
		samples++
		if s.Class != probes.ClassOK {
			fails++
		}
	})
	if samples == 0 {
		return 0, 0
	}
	return float64(fails) / float64(samples), samples
}

// percentiles returns p50 and p95 (nearest rank); lat is reordered.
func percentiles(lat []time.Duration) (p50, p95 time.Duration) {
	if len(lat) == 0 {
		return 0, 0
	}
	slices.Sort(lat)
	at := func(p float64) time.Duration {
		i := int(p*float64(len(lat))+0.999999) - 1
		return lat[max(0, min(i, len(lat)-1))]
	}
	return at(0.50), at(0.95)
}
