package metrics_test

import (
	"context"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"switchboard/config"
	"switchboard/metrics"
	"switchboard/probes"
)

// The tokens each probe spent add up in switchboard_probe_tokens_total,
// per provider; a models probe spends none but has its series at 0.
func TestProbeTokensAreCounted(t *testing.T) {
	cfg := testConfig([]string{"alpha", "bravo"})
	met := metrics.New(cfg)
	spent := map[string]int64{"alpha": 7, "bravo": 0}
	probe := met.WrapProbe(func(_ context.Context, p config.Provider) probes.Result {
		return probes.Result{Class: probes.ClassOK, Tokens: spent[p.Name]}
	})
	for range 3 {
		probe(context.Background(), cfg.Providers[0])
		probe(context.Background(), cfg.Providers[1])
	}
	want := `
# HELP switchboard_probe_tokens_total Tokens the probes spent, by provider.
# TYPE switchboard_probe_tokens_total counter
switchboard_probe_tokens_total{provider="alpha"} 21
switchboard_probe_tokens_total{provider="bravo"} 0
`
	if err := testutil.GatherAndCompare(met.Registry(), strings.NewReader(want), "switchboard_probe_tokens_total"); err != nil {
		t.Fatal(err)
	}
}
