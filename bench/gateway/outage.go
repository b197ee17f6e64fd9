package main

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"switchboard/internal/fakes"
)

// phase is one step of the scripted outage: the primary's fault and for
// how long. "recover" steps give the monitor time to fail back, so that
// every fault starts while the primary is active and carries traffic.
type phase struct {
	name  string
	fault fakes.Fault
	dur   time.Duration
}

var outageScript = []phase{
	{"normal", fakes.Fault{}, 3 * time.Second},
	{"reset", fakes.Fault{Kind: fakes.FaultReset}, 5 * time.Second},
	{"recover", fakes.Fault{}, 6 * time.Second},
	{"refuse", fakes.Fault{Kind: fakes.FaultRefuse}, 5 * time.Second},
	{"recover", fakes.Fault{}, 6 * time.Second},
	{"503", fakes.Fault{Kind: fakes.FaultStatus, Status: 503}, 5 * time.Second},
	{"recover", fakes.Fault{}, 6 * time.Second},
	{"hang", fakes.Fault{Kind: fakes.FaultHang}, 6 * time.Second},
	{"recover", fakes.Fault{}, 4 * time.Second},
}

// phaseStats collects what clients saw for requests sent during a phase.
type phaseStats struct {
	mu       sync.Mutex
	lats     []time.Duration
	errors   int
	attempts int
	served   map[string]int
	firstErr string
}

func (p *phaseStats) add(s sample) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lats = append(p.lats, s.lat)
	p.attempts += s.attempts
	p.served[s.backend]++
	if s.err != nil {
		p.errors++
		if p.firstErr == "" {
			p.firstErr = s.err.Error()
		}
	}
}

// runOutage drives the gateway at a constant rate while the primary fake
// resets, refuses, answers 503 and hangs, and reports per phase what the
// clients saw and how many upstream attempts each request cost. It returns
// the client-visible errors and the requests sent.
func runOutage(rate int) (errs, total int) {
	primary := fakes.Start(fakes.Options{Kind: "openai", APIKey: "sk-bench-primary"})
	defer primary.Close()
	secondary := fakes.Start(fakes.Options{Kind: "openai", APIKey: "sk-bench-secondary"})
	defer secondary.Close()
	gw := startChild("-role=gateway", "-primary="+hostOf(primary.URL()), "-secondary="+hostOf(secondary.URL()))
	defer gw.stop()
	client := newClient(256)
	defer client.CloseIdleConnections()

	stopRSS, peak := sampleRSS(func() int { return rssKiB(gw.cmd.Process.Pid) })
	stats := make([]*phaseStats, len(outageScript))
	var wg sync.WaitGroup
	interval := time.Second / time.Duration(rate)
	for i, ph := range outageScript {
		stats[i] = &phaseStats{served: map[string]int{}}
		primary.Handler().SetFault(ph.fault)
		tick := time.NewTicker(interval)
		end := time.Now().Add(ph.dur)
		for now := range tick.C {
			if now.After(end) {
				break
			}
			wg.Go(func() { stats[i].add(call(client, gw.addr)) })
		}
		tick.Stop()
	}
	primary.Handler().SetFault(fakes.Fault{})
	wg.Wait()
	stopRSS()
	errs, total = printOutage(rate, stats, primary.Handler().Count()+secondary.Handler().Count())
	fmt.Printf("  switchboard peak RSS during the outage run: %d KiB\n", *peak)
	return errs, total
}

func printOutage(rate int, stats []*phaseStats, upstream int) (errs, total int) {
	fmt.Printf("\nScripted outage of the primary under constant load (%d req/s, open loop):\n", rate)
	fmt.Printf("  %-8s %6s %6s %9s %9s %9s %10s %10s\n", "phase", "sent", "errors", "att/req", "primary", "second.", "p50", "max")
	attempts := 0
	for i, st := range stats {
		n := len(st.lats)
		total, errs, attempts = total+n, errs+st.errors, attempts+st.attempts
		fmt.Printf("  %-8s %6d %6d %9.3f %9d %9d %s %s\n", outageScript[i].name, n, st.errors,
			float64(st.attempts)/float64(max(n, 1)), st.served["primary"], st.served["secondary"],
			us(pct(st.lats, 50)), us(pct(st.lats, 100)))
		if st.firstErr != "" {
			fmt.Printf("           first error: %s\n", st.firstErr)
		}
	}
	fmt.Printf("  total: %d requests, %d client-visible errors, %.3f upstream attempts per request\n",
		total, errs, float64(attempts)/float64(max(total, 1)))
	fmt.Printf("  (upstream requests seen by the fakes, probes included: %d)\n", upstream)
	return errs, total
}

func hostOf(u string) string { return strings.TrimPrefix(u, "http://") }
