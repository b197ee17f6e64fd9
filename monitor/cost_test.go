package monitor

import (
	"testing"

	"switchboard/probes"
)

// Each probe counts once with the tokens it spent, failures and all;
// the gateway's passive results are the applications' traffic and count
// nothing.
func TestProbeCostRunningTotals(t *testing.T) {
	b := NewBoard(testConfig("alpha", "bravo"), t0)
	for _, r := range []probes.Result{
		{Provider: "alpha", Source: probes.SourceProbe, Class: probes.ClassOK, Tokens: 9},
		{Provider: "alpha", Source: probes.SourceProbe, Class: probes.ClassOK, Tokens: 8},
		{Provider: "alpha", Source: probes.SourceProbe, Class: probes.ClassServerError, Status: 503},
		{Provider: "alpha", Source: probes.SourcePassive, Class: probes.ClassOK, Tokens: 500},
		{Provider: "bravo", Source: probes.SourceProbe, Class: probes.ClassOK},
	} {
		b.Observe(r, t0)
	}
	snap := b.Snapshot(t0)
	alpha, _ := snap.Provider("alpha")
	bravo, _ := snap.Provider("bravo")
	if alpha.ProbeCalls != 3 || alpha.ProbeTokens != 17 {
		t.Errorf("alpha: %d calls, %d tokens; want 3 calls, 17 tokens", alpha.ProbeCalls, alpha.ProbeTokens)
	}
	if bravo.ProbeCalls != 1 || bravo.ProbeTokens != 0 {
		t.Errorf("bravo: %d calls, %d tokens; want 1 call, 0 tokens", bravo.ProbeCalls, bravo.ProbeTokens)
	}
}
