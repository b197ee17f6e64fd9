package monitor

import (
	"fmt"
	"testing"

	"switchboard/probes"
)

func TestOfficialStatusIsShownAndOnlyAuthoritativePagesRoute(t *testing.T) {
	for _, authoritative := range []bool{false, true} {
		t.Run(fmt.Sprintf("authoritative=%v", authoritative), func(t *testing.T) {
			cfg := testConfig("openai", "azure")
			cfg.Providers[0].StatusPageAuthoritative = authoritative
			s := newSimWith(t, cfg)
			s.all("openai", "azure")
			s.c.official("openai", probes.StatusWord{Indicator: "major", Component: "major_outage", At: s.now}, s.now)
			snap := s.c.snapshot(s.now, 1)
			if w := snap.Providers[0].Official; w == nil || w.Component != "major_outage" {
				t.Fatalf("official word not in the snapshot: %+v", w)
			}
			want := "openai"
			if authoritative {
				want = "azure"
			}
			s.wantActive(want, ModeAuto)
			s.c.official("openai", probes.StatusWord{Indicator: "none", Component: "operational", At: s.now}, s.now)
			s.wantActive("openai", ModeAuto)
		})
	}
}
