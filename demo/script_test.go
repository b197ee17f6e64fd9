package demo

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestActionAtTellsTheStory(t *testing.T) {
	s := time.Second
	cases := []struct {
		name     string
		provider string
		at       time.Duration
		want     Action
	}{
		{"openai healthy at start", OpenAI, 0, Serve},
		{"openai healthy before outage", OpenAI, 19 * s, Serve},
		{"outage opens with hangs", OpenAI, 20 * s, Hang},
		{"still hanging", OpenAI, 34 * s, Hang},
		{"then 503s", OpenAI, 36 * s, Unavailable},
		{"an occasional hang among 503s", OpenAI, 40 * s, Hang},
		{"last second of outage", OpenAI, 79 * s, Unavailable},
		{"openai recovered", OpenAI, 80 * s, Serve},
		{"openai healthy late in period", OpenAI, 239 * s, Serve},
		{"story repeats", OpenAI, Period + 21*s, Hang},
		{"repeat recovers too", OpenAI, 2*Period + 81*s, Serve},
		{"azure never fails", Azure, 50 * s, Serve},
		{"anthropic fine before burst", Anthropic, 44 * s, Serve},
		{"anthropic first burst", Anthropic, 45 * s, RateLimited},
		{"anthropic after first burst", Anthropic, 60 * s, Serve},
		{"anthropic second burst", Anthropic, 160 * s, RateLimited},
		{"ollama serves (slowly)", Ollama, 30 * s, Serve},
		{"negative elapsed is the start", OpenAI, -5 * s, Serve},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ActionAt(c.provider, c.at); got != c.want {
				t.Fatalf("ActionAt(%s, %s) = %s, want %s", c.provider, c.at, got, c.want)
			}
		})
	}
}

// The outage must be mostly 503s with some hangs, so the dashboard shows
// both timeouts and server errors.
func TestOutageMixesTimeoutsAnd503s(t *testing.T) {
	count := map[Action]int{}
	for at := OutageStart; at < OutageEnd; at += 250 * time.Millisecond {
		count[ActionAt(OpenAI, at)]++
	}
	if count[Hang] == 0 || count[Unavailable] == 0 || count[Serve] != 0 {
		t.Fatalf("outage actions %v: want hangs and 503s and no success", count)
	}
}

func TestLatencyProfiles(t *testing.T) {
	cases := []struct {
		provider string
		median   time.Duration
	}{
		{OpenAI, 180 * time.Millisecond},
		{Azure, 240 * time.Millisecond},
		{Anthropic, 300 * time.Millisecond},
		{Ollama, 2500 * time.Millisecond},
	}
	for _, c := range cases {
		t.Run(c.provider, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			draws := make([]time.Duration, 2001)
			for i := range draws {
				draws[i] = latency(c.provider, rng, 1)
			}
			slices.Sort(draws)
			med := draws[len(draws)/2]
			if med < c.median*9/10 || med > c.median*11/10 {
				t.Errorf("median %s, want within 10%% of %s", med, c.median)
			}
			if draws[0] == draws[len(draws)-1] {
				t.Errorf("no jitter: every draw is %s", med)
			}
			if draws[0] < c.median/4 || draws[len(draws)-1] > c.median*4 {
				t.Errorf("draws %s..%s outside [median/4, 4·median]", draws[0], draws[len(draws)-1])
			}
		})
	}
	if d := latency(OpenAI, rand.New(rand.NewPCG(1, 2)), 0); d != 0 {
		t.Errorf("scale 0 gave %s, want no latency", d)
	}
}

// Ollama's latency is what makes it degraded: its p95 must exceed the
// default 2 s degraded_latency while staying under the 10 s timeout.
func TestOllamaIsSlowEnoughToDegrade(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	draws := make([]time.Duration, 1000)
	for i := range draws {
		draws[i] = latency(Ollama, rng, 1)
	}
	slices.Sort(draws)
	if p95 := draws[949]; p95 <= 2*time.Second || draws[len(draws)-1] >= 10*time.Second {
		t.Fatalf("ollama p95 %s max %s: want p95 > 2s and max < 10s", p95, draws[len(draws)-1])
	}
}
