package gateway

import (
	"testing"
	"time"
)

func TestBudget(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	b := newBudget(0.2, func() time.Time { return now })
	allowed := func(n int) int {
		ok := 0
		for range n {
			if b.retry() {
				ok++
			}
		}
		return ok
	}
	if got := allowed(50); got != budgetFloor {
		t.Errorf("with no traffic %d retries allowed, want the floor %d", got, budgetFloor)
	}
	for range 100 {
		b.request()
	}
	if got := allowed(50); got != 20 {
		t.Errorf("after 100 requests %d more retries allowed, want 20 (20%%)", got)
	}
	now = now.Add(budgetWindow * time.Second)
	if got := allowed(50); got != budgetFloor {
		t.Errorf("after the window passed %d retries allowed, want the floor %d", got, budgetFloor)
	}
}
