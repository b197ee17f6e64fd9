package views

import (
	"fmt"
	"time"

	"switchboard/monitor"
	"switchboard/probes"
)

// now is the fixed clock of every view test, so goldens never move.
var now = time.Date(2026, 1, 15, 14, 5, 23, 0, time.UTC)

// baseProviders are the named rows of the fixture: one of every state.
var baseProviders = []struct {
	name, kind string
	state      monitor.State
	cause      string
	lastErr    string
	failEvery  int // every n-th sample fails (0: none)
	failTail   int // the newest n samples fail
	base       time.Duration
	ageSec     int // age of the newest sample
}{
	{"openai", "openai", monitor.StateDown, "3× timeout", "timeout after 10s", 9, 4, 300 * time.Millisecond, 2},
	{"azure", "azure-openai", monitor.StateUp, "recovered", "", 0, 0, 240 * time.Millisecond, 1},
	{"anthropic", "anthropic", monitor.StateDegraded, "p95 2.4s > 2s", "HTTP 529 overloaded", 11, 0, 900 * time.Millisecond, 45},
	{"gemini", "gemini", monitor.StateRateLimited, "429, retry after 20s", "HTTP 429 Too Many Requests", 0, 1, 400 * time.Millisecond, 3},
	{"groq", "openai-compatible", monitor.StateMisconfigured, "HTTP 401", "HTTP 401 invalid api key", 0, 60, 0, 4},
	{"ollama", "ollama", monitor.StateDisabled, "disabled by operator", "", 0, 0, 40 * time.Millisecond, 600},
	{"mistral", "openai-compatible", monitor.StateUnknown, "", "", 0, 0, 0, -1},
}

// fixture builds a snapshot of n providers: the seven named ones, then
// healthy "compat-NN" rows. Every value is derived from the index, so the
// same n always gives the same screen.
func fixture(n int) *monitor.Snapshot {
	snap := &monitor.Snapshot{
		Seq: 42, At: now, Active: "azure", ActiveSince: now.Add(-3*time.Minute - 12*time.Second),
		ActiveCause: "openai down: 3× timeout", Mode: monitor.ModeAuto, Next: "anthropic",
		Traffic: monitor.Traffic{Enabled: true, Listen: "127.0.0.1:8787", Requests: 1200, Errors: 6, Retries: 14, RatePerSecond: 4},
		Demo:    true,
		Events:  fixtureEvents(),
		Window:  5 * time.Minute,
	}
	for i := 0; i < n; i++ {
		snap.Providers = append(snap.Providers, fixtureProvider(i))
	}
	return snap
}

func fixtureProvider(i int) monitor.ProviderSnapshot {
	b := baseProviders[min(i, len(baseProviders)-1)]
	if i >= len(baseProviders) {
		b.name, b.kind, b.state, b.cause = fmt.Sprintf("compat-%02d", i), "openai-compatible", monitor.StateUp, "2× ok"
		b.base, b.ageSec, b.failEvery, b.failTail = time.Duration(100+i%7*30)*time.Millisecond, i%5, 17, 0
	}
	p := monitor.ProviderSnapshot{
		Name: b.name, Kind: b.kind, Priority: i, Enabled: b.state != monitor.StateDisabled,
		State: b.state, Since: now.Add(-time.Duration(90+i*13) * time.Second), Cause: b.cause,
		Interval: 10 * time.Second, Timeout: 5 * time.Second,
		Traffic: monitor.BackendTraffic{Served: (i * 37) % 500},
	}
	switch i {
	case 0: // models probes: free
		p.ProbeCalls = 600
	case 1: // chat probes at 2 tokens each; the active backend
		p.ProbeCalls, p.ProbeTokens = 1234, 2468
		p.App = monitor.AppStats{RatePerSecond: 3.8, Streams: 40, TTFTP50: 410 * time.Millisecond, TokensPerSecond: 28.6}
	case 2: // served the odd retry, slowly
		p.App = monitor.AppStats{RatePerSecond: 0.2, Streams: 3, TTFTP50: 1900 * time.Millisecond, TokensPerSecond: 6.5}
	}
	if b.ageSec < 0 {
		return p
	}
	p.Samples = fixtureSamples(i, b.base, b.failEvery, b.failTail, now.Add(-time.Duration(b.ageSec)*time.Second))
	p.Stats = statsOf(p.Samples, b.lastErr)
	last := p.Samples[len(p.Samples)-1]
	p.HasLast = true
	p.Last = probes.Result{
		Provider: b.name, Source: probes.SourceProbe, Start: last.At, Latency: last.Latency, Class: last.Class,
		Phases: probes.Phases{DNS: 3 * time.Millisecond, Connect: 12 * time.Millisecond, TLS: 31 * time.Millisecond, FirstByte: last.Latency * 9 / 10},
		Err:    b.lastErr,
	}
	if last.Class == probes.ClassServerError {
		p.Last.Status = 503
	}
	switch b.state {
	case monitor.StateRateLimited:
		p.RateLimitedUntil = now.Add(20 * time.Second)
		p.Official = &probes.StatusWord{Indicator: "minor", Component: "degraded_performance", At: now}
	case monitor.StateDown:
		p.HolddownUntil = now.Add(4 * time.Minute)
		p.DrainedUntil = now.Add(2 * time.Minute)
		p.Official = &probes.StatusWord{Indicator: "major", Component: "partial_outage", At: now}
	case monitor.StateUp:
		p.Official = &probes.StatusWord{Indicator: "none", Component: "operational", At: now}
	}
	return p
}

// fixtureSamples makes 60 samples 5 s apart, ending at last.
func fixtureSamples(i int, base time.Duration, failEvery, failTail int, last time.Time) []monitor.Sample {
	const n = 60
	out := make([]monitor.Sample, n)
	for k := range out {
		class := probes.ClassOK
		if (failEvery > 0 && k%failEvery == failEvery-1) || k >= n-failTail {
			class = probes.ClassTimeout
			if i == 0 && k%2 == 0 {
				class = probes.ClassServerError
			}
		}
		jitter := time.Duration((k*7919+i*104729)%97) * base / 200
		out[k] = monitor.Sample{At: last.Add(-time.Duration(n-1-k) * 5 * time.Second), Latency: base + jitter, Class: class}
		if class != probes.ClassOK {
			out[k].Latency = 0
		}
	}
	return out
}

// statsOf computes simple window stats of the fixture's samples.
func statsOf(samples []monitor.Sample, lastErr string) monitor.Stats {
	st := monitor.Stats{Samples: len(samples), ByClass: map[probes.Class]int{}, LastError: lastErr}
	var oks []time.Duration
	for _, s := range samples {
		st.ByClass[s.Class]++
		if s.Class != probes.ClassOK {
			st.Failures++
			continue
		}
		oks = append(oks, s.Latency)
	}
	st.ErrorRate = float64(st.Failures) / float64(len(samples))
	st.Availability = 1 - st.ErrorRate
	if len(oks) > 0 {
		st.P50, st.P95 = maxOf(oks[:len(oks)/2+1]), maxOf(oks)
	}
	return st
}

func maxOf(ds []time.Duration) time.Duration {
	m := ds[0]
	for _, d := range ds {
		m = max(m, d)
	}
	return m
}

func fixtureEvents() []monitor.Event {
	at := func(h, m, s int) time.Time { return time.Date(2026, 1, 15, h, m, s, 0, time.UTC) }
	return []monitor.Event{
		{At: at(14, 1, 0), Kind: monitor.EventState, Provider: "openai", From: "up", To: "degraded", Cause: "p95 2.4s > 2s", Actor: monitor.ActorPolicy},
		{At: at(14, 2, 11), Kind: monitor.EventState, Provider: "openai", From: "degraded", To: "down", Cause: "3× timeout", Actor: monitor.ActorPolicy},
		{At: at(14, 2, 11), Kind: monitor.EventActive, Provider: "azure", From: "openai", To: "azure", Cause: "openai down: 3× timeout", Actor: monitor.ActorPolicy},
		{At: at(14, 3, 40), Kind: monitor.EventOperator, Provider: "ollama", Cause: "disabled by operator", Actor: monitor.ActorOperator},
		{At: at(14, 4, 0), Kind: monitor.EventState, Provider: "gemini", From: "up", To: "rate-limited", Cause: "429, retry after 20s", Actor: monitor.ActorPolicy},
	}
}

// baseState is the UI state most tests start from.
func baseState(n int) State {
	return State{Snap: fixture(n), Now: now, Selected: 1, Status: "ready", Help: "↑/k up • ↓/j down • ? more • q quit"}
}
