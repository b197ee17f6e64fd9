package cli

import (
	"runtime"
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
