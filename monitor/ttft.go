package monitor

import "time"

// ttftBounds are the upper bounds of the time-to-first-token histogram's
// buckets; a last bucket holds everything slower. Finer where answers
// usually start (a few hundred milliseconds), so the median read from it
// is within a few tens of milliseconds there.
var ttftBounds = [...]time.Duration{
	50 * time.Millisecond, 100 * time.Millisecond, 150 * time.Millisecond, 200 * time.Millisecond,
	250 * time.Millisecond, 300 * time.Millisecond, 400 * time.Millisecond, 500 * time.Millisecond,
	750 * time.Millisecond, time.Second, 1500 * time.Millisecond, 2 * time.Second,
	3 * time.Second, 5 * time.Second, 10 * time.Second,
}

// ttftHist counts streamed answers by time to first token, in fixed
// memory: one per backend per second of the traffic log.
type ttftHist [len(ttftBounds) + 1]uint16

func (h *ttftHist) add(d time.Duration) {
	i := 0
	for i < len(ttftBounds) && d > ttftBounds[i] {
		i++
	}
	if h[i] < 1<<16-1 {
		h[i]++
	}
}

func (h *ttftHist) merge(o *ttftHist) {
	for i, n := range o {
		h[i] = uint16(min(int(h[i])+int(n), 1<<16-1))
	}
}

func (h *ttftHist) total() int {
	n := 0
	for _, c := range h {
		n += int(c)
	}
	return n
}

// quantile estimates the q-quantile as Prometheus does: linearly within
// the bucket it falls in (the slowest bucket reports its lower bound).
// Zero when the histogram is empty.
func (h *ttftHist) quantile(q float64) time.Duration {
	total := h.total()
	if total == 0 {
		return 0
	}
	rank := q * float64(total)
	seen := 0.0
	for i, c := range h {
		if c == 0 || seen+float64(c) < rank {
			seen += float64(c)
			continue
		}
		lo := time.Duration(0)
		if i > 0 {
			lo = ttftBounds[i-1]
		}
		if i == len(ttftBounds) {
			return lo
		}
		frac := (rank - seen) / float64(c)
		return lo + time.Duration(frac*float64(ttftBounds[i]-lo))
	}
	return ttftBounds[len(ttftBounds)-1]
}
