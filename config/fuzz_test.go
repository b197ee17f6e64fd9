package config

import (
	"bytes"
	"errors"
	"net"
	"slices"
	"strings"
	"testing"

	"switchboard/internal/localnet"
)

// fuzzSecret is what every environment variable holds during fuzzing, so
// a message that repeats an expanded value is caught.
const fuzzSecret = "sk-FUZZ-SECRET"

// FuzzParse feeds arbitrary bytes to Parse. Whatever the input: no panic;
// either an accepted Config that satisfies every rule, or located errors
// that never repeat a value taken from the environment. Seeds live in
// testdata/fuzz/FuzzParse (the example and one file per error family).
func FuzzParse(f *testing.F) {
	f.Add([]byte(okProvider))
	f.Fuzz(func(t *testing.T, data []byte) {
		env := func(k string) (string, bool) { return fuzzSecret, k != "UNSET" }
		c, err := Parse("fuzz.yaml", data, env)
		if err != nil {
			checkRejected(t, data, c, err)
			return
		}
		checkAccepted(t, c)
	})
}

func checkRejected(t *testing.T, data []byte, c *Config, err error) {
	var errs Errors
	if c != nil || !errors.As(err, &errs) || len(errs) == 0 {
		t.Fatalf("rejected input: config %v, error %T %v", c != nil, err, err)
	}
	for _, e := range errs {
		if e.File != "fuzz.yaml" || e.Line < 1 || e.Col < 1 || e.Msg == "" {
			t.Fatalf("error without a location or message: %#v", e)
		}
	}
	if !bytes.Contains(data, []byte(fuzzSecret)) && strings.Contains(err.Error(), fuzzSecret) {
		t.Fatalf("an expanded value leaked into the error text:\n%v", err)
	}
}

// checkAccepted asserts the rules Parse promises for every config it returns.
func checkAccepted(t *testing.T, c *Config) {
	for _, d := range []Duration{c.Interval, c.SuspectInterval, c.Timeout, c.Window, c.StatusInterval, c.ShutdownTimeout,
		c.Policy.DegradedLatency, c.Policy.Holddown, c.Policy.HolddownMax, c.Policy.DrainFor, c.Policy.RetryAfterMax} {
		if d <= 0 {
			t.Fatalf("accepted a non-positive duration: %+v", c)
		}
	}
	bounded := map[string]Duration{"interval": c.Interval, "suspect_interval": c.SuspectInterval,
		"timeout": c.Timeout, "window": c.Window, "status_interval": c.StatusInterval, "shutdown_timeout": c.ShutdownTimeout,
		"policy.holddown": c.Policy.Holddown, "policy.holddown_max": c.Policy.HolddownMax,
		"policy.drain_for": c.Policy.DrainFor, "policy.retry_after_max": c.Policy.RetryAfterMax}
	for field, d := range bounded {
		if lim := durationLimits[field]; d < lim.min || d > lim.max {
			t.Fatalf("accepted %s %s outside %s", field, d, lim)
		}
	}
	p := c.Policy
	if p.FailAfter < 1 || p.RecoverAfter < 1 || !(p.DegradedErrorRate > 0 && p.DegradedErrorRate <= 1) ||
		(p.Failback != FailbackAuto && p.Failback != FailbackManual) || p.Holddown > p.HolddownMax {
		t.Fatalf("accepted a bad policy: %+v", p)
	}
	if g := c.Gateway; g != nil {
		host, _, err := net.SplitHostPort(g.Listen)
		if err != nil || g.MaxAttempts < 1 || g.MaxRequestBody <= 0 || g.MaxResponseBuffer <= 0 ||
			g.MaxConcurrentRequests < 1 || !(g.RetryBudget > 0 && g.RetryBudget <= 1) ||
			g.UpstreamTimeout <= 0 || g.BodyTimeout <= 0 || (!localnet.IsLoopback(host) && g.Token == "") ||
			g.Token != strings.TrimSpace(g.Token) {
			t.Fatalf("accepted a bad gateway: %+v", g)
		}
	}
	if len(c.Providers) == 0 {
		t.Fatal("accepted a config without providers")
	}
	names := map[string]bool{}
	for _, pr := range c.Providers {
		if pr.Name == "" || names[pr.Name] || !slices.Contains(kinds, pr.Kind) ||
			!slices.Contains([]string{ProbeModels, ProbeChat, ProbeStream}, pr.Probe) {
			t.Fatalf("accepted a bad provider: %+v", pr)
		}
		names[pr.Name] = true
		endpoint := pr.BaseURL
		if pr.Kind == KindHTTP {
			endpoint = pr.HTTP.URL
		}
		if checkURL(endpoint) != "" {
			t.Fatalf("accepted provider %q without a usable endpoint: %q", pr.Name, endpoint)
		}
		if r := Redacted(c); r.Providers[0].APIKey != "" && r.Providers[0].APIKey != Mask {
			t.Fatalf("Redacted kept an API key")
		}
	}
}
