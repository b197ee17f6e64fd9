package gateway

import (
	"bytes"
	"strings"
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

func TestReadLimited(t *testing.T) {
	buf := getBuf()
	defer putBuf(buf)
	if err := readLimited(strings.NewReader("12345"), buf, 5, -1); err != nil || string(*buf) != "12345" {
		t.Errorf("at the limit: %q %v", *buf, err)
	}
	if err := readLimited(strings.NewReader("123456"), buf, 5, -1); err != errTooLarge {
		t.Errorf("past the limit: %v", err)
	}
	if err := readLimited(bytes.NewReader(make([]byte, 100)), buf, 5, 100); err != errTooLarge {
		t.Errorf("declared length past the limit: %v", err)
	}
}
