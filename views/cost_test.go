package views

import (
	"testing"
	"time"

	"switchboard/monitor"
)

// The estimate is calls a day at the current interval times the average
// tokens per probe so far; a provider that never spent a token, or was
// never probed, says so rather than estimating zero.
func TestCostLine(t *testing.T) {
	cases := []struct {
		interval      time.Duration
		calls, tokens uint64
		want          string
	}{
		{10 * time.Second, 1234, 2468, "probes: 8,640 calls/day, ≈17k tokens/day at this interval · 2,468 tokens in 1,234 probes so far"},
		{time.Second, 10, 90, "probes: 86,400 calls/day, ≈778k tokens/day at this interval · 90 tokens in 10 probes so far"},
		{time.Minute, 3, 3, "probes: 1,440 calls/day, ≈1.4k tokens/day at this interval · 3 tokens in 3 probes so far"},
		{5 * time.Minute, 4, 4, "probes: 288 calls/day, ≈288 tokens/day at this interval · 4 tokens in 4 probes so far"},
		{10 * time.Second, 600, 0, "probes: 8,640 calls/day at this interval · no tokens spent (600 probes so far)"},
		{10 * time.Second, 0, 0, "probes: 8,640 calls/day at this interval · tokens: none counted yet"},
		{0, 5, 5, "probes: no interval"},
	}
	for _, c := range cases {
		p := &monitor.ProviderSnapshot{Interval: c.interval, ProbeCalls: c.calls, ProbeTokens: c.tokens}
		if got := costLine(p); got != c.want {
			t.Errorf("interval %s, %d calls, %d tokens:\n got %s\nwant %s", c.interval, c.calls, c.tokens, got, c.want)
		}
	}
}

func TestFmtApprox(t *testing.T) {
	for f, want := range map[float64]string{
		0: "0", 940: "940", 999.4: "999", 999.6: "1k", 1000: "1k", 1500: "1.5k", 9949: "9.9k", 9950: "10k",
		17280: "17k", 999_499: "999k", 999_500: "1M", 2_345_678: "2.3M", 12_500_000: "13M",
	} {
		if got := fmtApprox(f); got != want {
			t.Errorf("fmtApprox(%v) = %q, want %q", f, got, want)
		}
	}
	for n, want := range map[float64]string{0: "0", 999: "999", 1000: "1,000", 86400: "86,400", 1234567: "1,234,567"} {
		if got := fmtCount(n); got != want {
			t.Errorf("fmtCount(%v) = %q, want %q", n, got, want)
		}
	}
}
