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
