package gateway_test

import (
	"testing"

	"switchboard/internal/sourcetest"
)

// The gateway tests' fake monitor keeps the real monitor's contract.
func TestFakeSourceKeepsTheSourceContract(t *testing.T) {
	sourcetest.Contract(t, newFakeSource("primary", "secondary"))
}
