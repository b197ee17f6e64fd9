package main

import (
	"strings"
	"testing"
	"time"
)

const us1 = time.Microsecond

func verdictOf(t *testing.T, cs []check, prefix string) check {
	t.Helper()
	for _, c := range cs {
		if strings.HasPrefix(strings.TrimSpace(c.target), prefix) {
			return c
		}
	}
	t.Fatalf("no check %q in %+v", prefix, cs)
	return check{}
}

func TestVerdictReadsTheMedianBothWays(t *testing.T) {
	// A noisy run: nginx adds 76 µs instead of ≈ 50, switchboard 132 µs.
	r := readings{
		c1:  map[string]added{"switchboard": {p50: 132 * us1, p99: 280 * us1}, "nginx": {p50: 76 * us1}},
		c32: map[string]added{"switchboard": {p99: 3600 * us1, rps: 11700}},
	}
	cs := checks(r)
	if c := verdictOf(t, cs, "added p50"); c.ok || c.reading != "132 µs" {
		t.Errorf("absolute median: %+v, want missed at 132 µs", c)
	}
	if c := verdictOf(t, cs, "the same ÷ nginx"); !c.ok || c.reading != "1.74 (nginx 76 µs)" {
		t.Errorf("ratio to nginx: %+v, want met at 1.74", c)
	}
	r.c1["switchboard"] = added{p50: 160 * us1}
	if c := verdictOf(t, checks(r), "the same ÷ nginx"); c.ok {
		t.Errorf("2.11× nginx read as met: %+v", c)
	}
}

func TestVerdictWithoutNginxHasNoRatio(t *testing.T) {
	r := readings{
		c1:  map[string]added{"switchboard": {p50: 90 * us1, p99: 2 * time.Millisecond}},
		c32: map[string]added{"switchboard": {p99: 6 * time.Millisecond, rps: 1500}},
	}
	cs := checks(r)
	for _, c := range cs {
		if strings.Contains(c.target, "nginx") {
			t.Errorf("ratio check without nginx: %+v", c)
		}
		if strings.Contains(c.target, "outage") {
			t.Errorf("outage check when the outage did not run: %+v", c)
		}
	}
	want := map[string]bool{"added p50": true, "added p99 at concurrency 1": false,
		"req/s at concurrency 32": false, "added p99 at concurrency 32": false}
	for prefix, ok := range want {
		if c := verdictOf(t, cs, prefix); c.ok != ok {
			t.Errorf("%s: ok=%v, want %v (%+v)", prefix, c.ok, ok, c)
		}
	}
}

func TestVerdictCountsOutageErrors(t *testing.T) {
	r := readings{c1: map[string]added{}, c32: map[string]added{}, outageErrs: 2, outageTotal: 4593}
	if c := verdictOf(t, checks(r), "client-visible errors"); c.ok || c.reading != "2 of 4593" {
		t.Errorf("outage with 2 errors: %+v", c)
	}
}
