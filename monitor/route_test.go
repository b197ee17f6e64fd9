package monitor

import (
	"fmt"
	"slices"
	"testing"

	"switchboard/probes"
)

// TestRouteLeavesOutAuthoritativeOutage checks that the gateway's order and
// the "next" backend leave out a provider whose authoritative status page
// reports an outage, as the policy does, and only then: a page that is not
// authoritative is shown but does not route.
func TestRouteLeavesOutAuthoritativeOutage(t *testing.T) {
	for _, c := range []struct {
		authoritative bool
		route         []string
	}{
		{false, []string{"openai", "azure", "ollama"}},
		{true, []string{"openai", "ollama"}},
	} {
		t.Run(fmt.Sprintf("authoritative=%v", c.authoritative), func(t *testing.T) {
			cfg := testConfig("openai", "azure", "ollama")
			cfg.Providers[1].StatusPageAuthoritative = c.authoritative
			s := newSimWith(t, cfg)
			s.all("openai", "azure", "ollama")
			s.c.official("azure", probes.StatusWord{Indicator: "major", Component: "major_outage", At: s.now}, s.now)
			snap := s.c.snapshot(s.now, 1)
			if r := snap.Route(); !slices.Equal(r, c.route) || snap.Next != c.route[1] {
				t.Fatalf("route %v next %q, want %v next %q", r, snap.Next, c.route, c.route[1])
			}
		})
	}
}
