package model

import (
	"testing"

	"switchboard/internal/sourcetest"
)

// The model tests' fake monitor keeps the real monitor's contract.
func TestFakeBackendKeepsTheSourceContract(t *testing.T) {
	sourcetest.Contract(t, newFake(fixture(4)))
}
