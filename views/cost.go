package views

import (
	"math"
	"strconv"
	"time"

	"switchboard/monitor"
)

// costLine is what the provider's probes spend a day at the current
// interval, the tokens estimated from the average per probe so far:
// "probes: 8,640 calls/day, ≈17k tokens/day at this interval · …". The
// current interval is the one that runs up the bill now (the suspect
// interval while a provider fails), so it is the one the estimate uses.
func costLine(p *monitor.ProviderSnapshot) string {
	if p.Interval <= 0 {
		return "probes: no interval"
	}
	perDay := float64(24*time.Hour) / float64(p.Interval)
	calls := "probes: " + fmtCount(perDay) + " calls/day"
	switch {
	case p.ProbeCalls == 0:
		return calls + " at this interval · tokens: none counted yet"
	case p.ProbeTokens == 0:
		return calls + " at this interval · no tokens spent (" + fmtCount(float64(p.ProbeCalls)) + " probes so far)"
	}
	avg := float64(p.ProbeTokens) / float64(p.ProbeCalls)
	return calls + ", ≈" + fmtApprox(perDay*avg) + " tokens/day at this interval · " +
		fmtCount(float64(p.ProbeTokens)) + " tokens in " + fmtCount(float64(p.ProbeCalls)) + " probes so far"
}

// fmtCount writes a count with thousands separators: "8,640".
func fmtCount(f float64) string {
	s := strconv.FormatFloat(math.Round(f), 'f', 0, 64)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// fmtApprox writes an estimate to two significant figures or so: "940",
// "1.5k", "17k", "2.3M".
func fmtApprox(f float64) string {
	one := func(v float64, unit string) string {
		s := strconv.FormatFloat(v, 'f', 1, 64)
		if len(s) > 2 && s[len(s)-2:] == ".0" {
			s = s[:len(s)-2]
		}
		return s + unit
	}
	switch {
	case f < 999.5:
		return fmtCount(f)
	case f < 9950:
		return one(f/1e3, "k")
	case f < 999_500:
		return fmtCount(f/1e3) + "k"
	case f < 9_950_000:
		return one(f/1e6, "M")
	}
	return fmtCount(f/1e6) + "M"
}
