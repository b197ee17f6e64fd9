package demo

import (
	"math"
	"math/rand/v2"
	"time"
)

// Provider names of the demo, in priority order.
const (
	OpenAI    = "openai"
	Azure     = "azure-openai"
	Anthropic = "anthropic"
	Ollama    = "ollama"
)

// The story repeats every Period. Within one period (times are offsets from
// the start of the period):
//   - openai fails from OutageStart to OutageEnd: first its requests hang (the
//     probes time out), then it answers 503 with an occasional hang;
//   - anthropic answers 429 with Retry-After during two short bursts;
//   - ollama is always slow enough to show as degraded.
//
// With the demo's policy the dashboard fails over from openai to azure-openai
// a few seconds after OutageStart and fails back about 30 s (the hold-down)
// after OutageEnd.
const (
	Period      = 4 * time.Minute
	OutageStart = 20 * time.Second
	OutageEnd   = 80 * time.Second
	// hangUntil ends the all-hang opening of the outage: a real outage often
	// starts as timeouts before the load balancer begins answering 503.
	hangUntil = 35 * time.Second
	// RetryAfter is what anthropic's 429s ask clients to wait.
	RetryAfter = 5 * time.Second
)

// rateLimitBursts are anthropic's 429 bursts within a period.
var rateLimitBursts = [][2]time.Duration{
	{45 * time.Second, 60 * time.Second},
	{150 * time.Second, 170 * time.Second},
}

// Action is what a simulated provider does with one request.
type Action int

// Actions of the script.
const (
	Serve       Action = iota // answer normally, after the simulated latency
	Unavailable               // 503 in the provider's own error shape
	RateLimited               // 429 with Retry-After
	Hang                      // never answer: the client's deadline ends it
)

// String names the action for test messages.
func (a Action) String() string {
	switch a {
	case Serve:
		return "serve"
	case Unavailable:
		return "503"
	case RateLimited:
		return "429"
	case Hang:
		return "hang"
	}
	return "unknown"
}

// ActionAt is the script: what provider does with a request that arrives
// elapsed after the demo started. It is a pure function of its arguments.
func ActionAt(provider string, elapsed time.Duration) Action {
	t := elapsed % Period
	if elapsed < 0 {
		t = 0
	}
	switch provider {
	case OpenAI:
		return openAIAt(t)
	case Anthropic:
		for _, b := range rateLimitBursts {
			if t >= b[0] && t < b[1] {
				return RateLimited
			}
		}
	}
	return Serve
}

func openAIAt(t time.Duration) Action {
	switch {
	case t < OutageStart || t >= OutageEnd:
		return Serve
	case t < hangUntil:
		return Hang
	case int(t/time.Second)%5 == 0:
		return Hang // an occasional timeout among the 503s
	default:
		return Unavailable
	}
}

// latencyProfile is a log-normal latency: median·e^(sigma·Z), Z ~ N(0,1).
type latencyProfile struct {
	median time.Duration
	sigma  float64
}

// profiles are the providers' typical latencies for a cheap request.
var profiles = map[string]latencyProfile{
	OpenAI:    {180 * time.Millisecond, 0.35},
	Azure:     {240 * time.Millisecond, 0.30},
	Anthropic: {300 * time.Millisecond, 0.35},
	// 2.5 s median: above the 2 s degraded_latency, far below the timeout.
	Ollama: {2500 * time.Millisecond, 0.20},
}

// latency draws one request's latency for provider, times scale. Draws are
// clamped to [median/4, median·4] so a rare tail never becomes a timeout.
func latency(provider string, rng *rand.Rand, scale float64) time.Duration {
	p, ok := profiles[provider]
	if !ok || scale <= 0 {
		return 0
	}
	f := math.Exp(p.sigma * rng.NormFloat64())
	f = min(max(f, 0.25), 4)
	return time.Duration(float64(p.median) * f * scale)
}
