package cli

import (
	"runtime"
	"strings"
	"testing"
)

func TestLimitProcsUsesOneUnlessTheOperatorChose(t *testing.T) {
	before := runtime.GOMAXPROCS(0)
	t.Cleanup(func() { runtime.GOMAXPROCS(before) })

	runtime.GOMAXPROCS(3)
	limitProcs(func(string) string { return "3" })
	if got := runtime.GOMAXPROCS(0); got != 3 {
		t.Fatalf("with $GOMAXPROCS=3 set, GOMAXPROCS = %d, want the operator's 3", got)
	}
	limitProcs(func(string) string { return "" })
	if got := runtime.GOMAXPROCS(0); got != DefaultProcs {
		t.Fatalf("with $GOMAXPROCS unset, GOMAXPROCS = %d, want %d", got, DefaultProcs)
	}
}

// Only the dashboard is held to one core: serve and the other commands
// keep the runtime's own (container-aware) default.
func TestOnlyTheDashboardIsLimited(t *testing.T) {
	for args, want := range map[string]bool{
		"": true, "--config x.yaml": true, "--demo --readonly": true,
		"serve": false, "serve --config x.yaml": false, "check --json": false, "validate": false, "version": false, "help": false,
	} {
		if got := runsDashboard(strings.Fields(args)); got != want {
			t.Errorf("runsDashboard(%q) = %v, want %v", args, got, want)
		}
	}
}
