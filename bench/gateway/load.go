package main

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// target is one way to reach the instant upstream.
type target struct {
	name string
	addr string     // host:port
	rss  func() int // resident KiB of the proxy; nil for direct
}

func newClient(conns int) *http.Client {
	return &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{
		MaxIdleConns: 2 * conns, MaxIdleConnsPerHost: 2 * conns, IdleConnTimeout: time.Minute, DisableCompression: true,
	}}
}

// sample is one client request as the client saw it.
type sample struct {
	lat      time.Duration
	attempts int    // X-Switchboard-Attempts, 0 when absent
	backend  string // X-Switchboard-Backend
	err      error
}

// call sends one chat completion and reads the answer whole.
func call(c *http.Client, addr string) sample {
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/v1/chat/completions", strings.NewReader(chatRequest))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer sk-client-key")
	t0 := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		return sample{lat: time.Since(t0), err: err}
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	s := sample{lat: time.Since(t0), err: err, backend: resp.Header.Get("X-Switchboard-Backend")}
	s.attempts, _ = strconv.Atoi(resp.Header.Get("X-Switchboard-Attempts"))
	if err == nil && resp.StatusCode != http.StatusOK {
		s.err = fmt.Errorf("status %d", resp.StatusCode)
	}
	return s
}

// measureLatency sends requests one at a time, the targets interleaved in
// rounds so that any other load on the machine hits them all alike.
func measureLatency(targets []target, rounds, perRound int) map[string][]time.Duration {
	out := map[string][]time.Duration{}
	clients := map[string]*http.Client{}
	for _, t := range targets {
		clients[t.name] = newClient(1)
		for range 200 { // warm connections, caches and the Go scheduler
			mustOK(t, call(clients[t.name], t.addr))
		}
	}
	for range rounds {
		for _, t := range targets {
			for range perRound {
				s := call(clients[t.name], t.addr)
				mustOK(t, s)
				out[t.name] = append(out[t.name], s.lat)
			}
		}
	}
	for _, c := range clients {
		c.CloseIdleConnections()
	}
	return out
}

func mustOK(t target, s sample) {
	if s.err != nil {
		panic(fmt.Sprintf("%s: %v", t.name, s.err))
	}
}

// throughput is a closed-loop run at a fixed concurrency.
type throughput struct {
	requests, errors int
	rps              float64
	p50, p99         time.Duration
	rssPeak          int
}

func measureThroughput(t target, conc int, d time.Duration) throughput {
	c := newClient(conc)
	defer c.CloseIdleConnections()
	run := func(d time.Duration) ([]time.Duration, int) {
		var mu sync.Mutex
		var all []time.Duration
		errs := 0
		deadline := time.Now().Add(d)
		var wg sync.WaitGroup
		for range conc {
			wg.Go(func() {
				var mine []time.Duration
				bad := 0
				for time.Now().Before(deadline) {
					s := call(c, t.addr)
					if s.err != nil {
						bad++
					}
					mine = append(mine, s.lat)
				}
				mu.Lock()
				all, errs = append(all, mine...), errs+bad
				mu.Unlock()
			})
		}
		wg.Wait()
		return all, errs
	}
	run(d / 4) // warm-up: open the connections
	stop, peak := sampleRSS(t.rss)
	start := time.Now()
	lats, errs := run(d)
	elapsed := time.Since(start)
	out := throughput{requests: len(lats), errors: errs, rps: float64(len(lats)) / elapsed.Seconds(),
		p50: pct(lats, 50), p99: pct(lats, 99)}
	stop()
	out.rssPeak = *peak
	return out
}

// measureRate sends rate requests per second over conc connections, each
// worker paced by its own ticker: the latency of a fixed load below
// saturation, where a proxy's added p99 is its own and not a queue's.
func measureRate(t target, conc, rate int, d time.Duration) (p50, p99 time.Duration, errs int) {
	c := newClient(conc)
	defer c.CloseIdleConnections()
	var mu sync.Mutex
	var all []time.Duration
	var wg sync.WaitGroup
	every := time.Duration(conc) * time.Second / time.Duration(rate)
	deadline := time.Now().Add(d)
	for w := range conc {
		wg.Go(func() {
			time.Sleep(every * time.Duration(w) / time.Duration(conc)) // spread the workers' phases
			tick := time.NewTicker(every)
			defer tick.Stop()
			var mine []time.Duration
			bad := 0
			for now := range tick.C {
				if now.After(deadline) {
					break
				}
				s := call(c, t.addr)
				if s.err != nil {
					bad++
				}
				mine = append(mine, s.lat)
			}
			mu.Lock()
			all, errs = append(all, mine...), errs+bad
			mu.Unlock()
		})
	}
	wg.Wait()
	return pct(all, 50), pct(all, 99), errs
}

// sampleRSS records the peak resident memory every 100 ms until stopped.
func sampleRSS(rss func() int) (stop func(), peak *int) {
	peak = new(int)
	if rss == nil {
		return func() {}, peak
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			*peak = max(*peak, rss())
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	})
	return func() { close(done); wg.Wait() }, peak
}

// pct is the p-th percentile (nearest rank) of ds.
func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(p/100*float64(len(s))+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func us(d time.Duration) string {
	return fmt.Sprintf("%7.0f µs", float64(d)/float64(time.Microsecond))
}
