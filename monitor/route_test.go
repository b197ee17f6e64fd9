package monitor

import (
	"fmt"
	"slices"
	"testing"
	"time"

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
			if r := snap.Route; !slices.Equal(r, c.route) || snap.Next != c.route[1] {
				t.Fatalf("route %v next %q, want %v next %q", r, snap.Next, c.route, c.route[1])
			}
		})
	}
}

// TestNextIsWhereForceFailoverGoes checks that the backend the snapshot
// names as next, which the failover prompt shows and the gateway retries
// first, is the one a force failover then makes active.
func TestNextIsWhereForceFailoverGoes(t *testing.T) {
	cases := []struct {
		name  string
		setup func(*sim)
		want  string
	}{
		{"standbys healthy", func(*sim) {}, "azure"},
		{"azure in hold-down", func(s *sim) { s.eject("azure") }, "ollama"},
		{"every standby in hold-down", func(s *sim) { s.eject("azure"); s.eject("ollama") }, "azure"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newSim(t, "openai", "azure", "ollama")
			s.all("openai", "azure", "ollama")
			c.setup(s)
			snap := s.c.snapshot(s.now, 1)
			s.apply(ForceFailover{}, s.now)
			if snap.Next != c.want || s.c.active != c.want {
				t.Fatalf("snapshot said next %q, force failover went to %q; want %q", snap.Next, s.c.active, c.want)
			}
			if r := snap.Route; len(r) < 2 || r[1] != c.want {
				t.Fatalf("gateway route %v tries %q second", r, c.want)
			}
		})
	}
}

// eject takes a provider down and brings it back up, which leaves it in
// its failback hold-down.
func (s *sim) eject(name string) {
	s.t.Helper()
	for i := 0; i < 3; i++ {
		s.fail(name, probes.ClassConnect)
	}
	s.ok(name)
	s.ok(name)
	s.wantState(name, StateUp)
	if !s.c.byName[name].inHolddown(s.now) {
		s.t.Fatalf("%s not in hold-down after recovering", name)
	}
	s.advance(time.Second)
}
