package views

import (
	"strings"
	"time"

	"switchboard/monitor"
	"switchboard/probes"
)

// sparkLevels are the bar heights of a sparkline, lowest first.
var sparkLevels = []rune("▁▂▃▄▅▆▇█")

// sparkFail marks a failed probe: a failure has no latency and must never
// be drawn as a short (fast-looking) bar.
const sparkFail = "✗"

// Sparkline draws the newest samples that fit in w cells, newest on the
// right. Bars are scaled between the fastest and slowest successful sample
// shown; failures are drawn as ✗ in the failure style.
func Sparkline(samples []monitor.Sample, w int, s Styles) string {
	if w <= 0 {
		return ""
	}
	if len(samples) > w {
		samples = samples[len(samples)-w:]
	}
	lo, hi := latencyRange(samples)
	var b strings.Builder
	b.Grow(w * 3)
	b.WriteString(strings.Repeat(" ", w-len(samples)))
	// Runs of the same kind share one styled span, which keeps a wide table
	// cheap to render.
	var run strings.Builder
	runFail := false
	flush := func() {
		if run.Len() == 0 {
			return
		}
		if runFail {
			b.WriteString(s.paint("sparkFail", run.String()))
		} else {
			b.WriteString(s.paint("sparkOK", run.String()))
		}
		run.Reset()
	}
	for _, smp := range samples {
		fail := smp.Class != probes.ClassOK
		if fail != runFail {
			flush()
			runFail = fail
		}
		if fail {
			run.WriteString(sparkFail)
		} else {
			run.WriteRune(sparkLevel(smp.Latency, lo, hi))
		}
	}
	flush()
	return b.String()
}

// latencyRange is the fastest and slowest successful latency in samples.
func latencyRange(samples []monitor.Sample) (lo, hi time.Duration) {
	first := true
	for _, smp := range samples {
		if smp.Class != probes.ClassOK {
			continue
		}
		if first || smp.Latency < lo {
			lo = smp.Latency
		}
		if first || smp.Latency > hi {
			hi = smp.Latency
		}
		first = false
	}
	return lo, hi
}

// sparkLevel maps a latency onto a bar between lo and hi; a flat series
// sits in the middle so it does not look like an outage or a spike.
func sparkLevel(d, lo, hi time.Duration) rune {
	if hi <= lo {
		return sparkLevels[len(sparkLevels)/2-1]
	}
	top := len(sparkLevels) - 1
	i := int(float64(d-lo)/float64(hi-lo)*float64(top) + 0.5)
	return sparkLevels[max(0, min(top, i))]
}
