package gateway_test

import (
	"strings"
	"testing"

	"switchboard/config"
	"switchboard/gateway"
)

// Defaults are applied once, by config. A gateway section built in code
// without them is refused when the gateway is built, with the fix named,
// instead of being patched here (where a new limit could be missed and
// every request refused).
func TestNewWantsDefaultsApplied(t *testing.T) {
	raw := &config.Config{Gateway: &config.Gateway{Listen: "127.0.0.1:0"}}
	_, err := gateway.New(raw, newFakeSource(), gateway.Options{})
	if err == nil || !strings.Contains(err.Error(), "ApplyDefaults") {
		t.Fatalf("New without defaults: err %v, want one that names config.ApplyDefaults", err)
	}
	raw.ApplyDefaults()
	if _, err := gateway.New(raw, newFakeSource(), gateway.Options{}); err != nil {
		t.Fatalf("New with defaults applied: %v", err)
	}
}
