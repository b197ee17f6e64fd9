package demo

import (
	"hash/fnv"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"

	"switchboard/internal/fakes"
)

// sim is one simulated provider: the fake of its kind (which checks every
// request as the real API does) driven by the script.
type sim struct {
	name  string
	now   func() time.Time
	start time.Time
	scale float64
	done  <-chan struct{} // closed by Demo.Close: ends hangs and delays

	normal      http.Handler // answers as the real API
	unavailable http.Handler // the same fake, set to answer 503
	limited     http.Handler // the same fake, set to answer 429

	mu  sync.Mutex // guards rng
	rng *rand.Rand
}

func newSim(name string, opts fakes.Options, d *Demo) *sim {
	h := fnv.New64a()
	_, _ = h.Write([]byte(name))
	unavailable := fakes.NewHandler(opts)
	unavailable.SetFault(fakes.Fault{Kind: fakes.FaultStatus, Status: http.StatusServiceUnavailable})
	limited := fakes.NewHandler(opts)
	limited.SetFault(fakes.Fault{Kind: fakes.FaultRateLimit,
		RetryAfter: strconv.Itoa(int(RetryAfter / time.Second))})
	return &sim{
		name: name, now: d.now, start: d.start, scale: d.scale, done: d.done,
		normal: fakes.NewHandler(opts), unavailable: unavailable, limited: limited,
		// Seeded by name so each provider's latencies are reproducible.
		rng: rand.New(rand.NewPCG(h.Sum64(), 0x5eed)),
	}
}

// ServeHTTP waits the simulated latency, then does what the script says.
func (s *sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	act := ActionAt(s.name, s.now().Sub(s.start))
	if act == Hang {
		// A dead upstream: nothing comes back until the client gives up.
		select {
		case <-r.Context().Done():
		case <-s.done:
		}
		return
	}
	if !s.wait(r, s.draw()) {
		return
	}
	switch act {
	case Unavailable:
		s.unavailable.ServeHTTP(w, r)
	case RateLimited:
		s.limited.ServeHTTP(w, r)
	default:
		s.normal.ServeHTTP(w, r)
	}
}

func (s *sim) draw() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return latency(s.name, s.rng, s.scale)
}

// wait sleeps d unless the client leaves or the demo closes first.
func (s *sim) wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
	case <-s.done:
	}
	return false
}
