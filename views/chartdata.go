package views

import (
	"math"
	"time"

	"switchboard/monitor"
	"switchboard/probes"
)

// maxSeries is the most providers the overview chart draws: beyond a
// handful of lines a chart is a tangle, and the table lists every one.
const maxSeries = 8

// series is one provider's line on the overview chart: a value per time
// column (milliseconds, NaN for none) and the columns with a failed probe.
type series struct {
	index  int // the provider's index, which picks its colour
	name   string
	values []float64
	failed []bool
	fails  int
}

// timeAxis maps sample times onto cols columns of step each, the last
// being the last whole one before the instant end. Columns are fixed in
// absolute time (a sample stays in its column until it scrolls off), so
// the chart moves once per step, and a column, once drawn, never changes.
type timeAxis struct {
	endCol int64 // the absolute column of the last whole one: end / step - 1
	step   time.Duration
	cols   int
}

// newTimeAxis spreads the monitor's window over cols columns, so the time
// scale is the same from the first sample on; without a window (a server
// too old to send one) it fits the oldest sample shown instead. A step is
// at least a second, in tenths of a second.
func newTimeAxis(provs []*monitor.ProviderSnapshot, end time.Time, window time.Duration, cols int) timeAxis {
	span := window
	if span <= 0 {
		for _, p := range provs {
			if len(p.Samples) > 0 {
				span = max(span, end.Sub(p.Samples[0].At))
			}
		}
	}
	n := time.Duration(max(cols, 1))
	step := max(time.Second, ((span+n-1)/n + 100*time.Millisecond - 1).Truncate(100*time.Millisecond))
	return timeAxis{endCol: end.UnixNano()/int64(step) - 1, step: step, cols: cols}
}

// column is the column of an instant; false when it falls off the left,
// or in the column still being filled (or later).
func (a timeAxis) column(t time.Time) (int, bool) {
	back := a.endCol - t.UnixNano()/int64(a.step)
	c := a.cols - 1 - int(back)
	return c, c >= 0 && back >= 0
}

// span is the time the columns cover.
func (a timeAxis) span() time.Duration { return a.step * time.Duration(a.cols) }

// charted are the providers the overview chart draws: enabled ones, in
// priority order, at most maxSeries. The rest are counted for the legend.
func charted(snap *monitor.Snapshot) (shown []*monitor.ProviderSnapshot, idx []int, left int) {
	for i := range snap.Providers {
		p := &snap.Providers[i]
		if !p.Enabled {
			continue
		}
		if len(shown) == maxSeries {
			left++
			continue
		}
		shown, idx = append(shown, p), append(idx, i)
	}
	return shown, idx, left
}

// buildSeries turns a provider's samples into its line: the slowest
// successful probe of each column (a spike is what an operator looks
// for), a gap where a column only failed (a failure has no latency and
// is never drawn as a fast one), and the last value held across columns
// without a sample, as long as the provider was probed within three
// intervals (the table's staleness rule).
func buildSeries(p *monitor.ProviderSnapshot, index int, a timeAxis) series {
	s := series{index: index, name: p.Name, values: make([]float64, a.cols), failed: make([]bool, a.cols)}
	seen := make([]bool, a.cols)
	for i := range s.values {
		s.values[i] = math.NaN()
	}
	for _, smp := range p.Samples {
		c, ok := a.column(smp.At)
		if !ok {
			continue
		}
		seen[c] = true
		if smp.Class != probes.ClassOK {
			if !s.failed[c] {
				s.failed[c] = true
				s.fails++
			}
			continue
		}
		ms := float64(smp.Latency.Microseconds()) / 1000
		if math.IsNaN(s.values[c]) || ms > s.values[c] {
			s.values[c] = ms
		}
	}
	hold := 3 * p.Interval
	if hold <= 0 {
		hold = 30 * time.Second
	}
	last, since := math.NaN(), time.Duration(0)
	for c := range s.values {
		switch {
		case seen[c]:
			last, since = s.values[c], 0 // NaN when the column only failed
		case since+a.step <= hold:
			since += a.step
			s.values[c] = last
		}
	}
	return s
}

// anyValue reports whether some series has a latency to draw.
func anyValue(all []series) bool {
	for _, s := range all {
		for _, v := range s.values {
			if !math.IsNaN(v) {
				return true
			}
		}
	}
	return false
}
