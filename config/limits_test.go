package config

import (
	"regexp"
	"strings"
	"testing"
)

// TestDurationLimits: a duration far below sense (a unit slip such as "1ms"
// for "1m") or above what the program can use is refused at its value,
// with the range it must fall in.
func TestDurationLimits(t *testing.T) {
	cases := []struct {
		name string
		yaml string
		want []string
	}{
		{"globals below their minimum", "interval: 1ms\nsuspect_interval: 1ms\ntimeout: 1ms\nwindow: 1ms\nstatus_interval: 1ms\n" + okProvider, []string{
			`bad.yaml:1:11: interval: must be at least 1s, got "1ms"`,
			`bad.yaml:2:19: suspect_interval: must be at least 100ms, got "1ms"`,
			`bad.yaml:3:10: timeout: must be at least 100ms, got "1ms"`,
			`bad.yaml:4:9: window: must be at least 10s, got "1ms"`,
			`bad.yaml:5:18: status_interval: must be at least 10s, got "1ms"`}},
		{"globals above their maximum", "interval: 25h\nsuspect_interval: 2h\ntimeout: 2h\nwindow: 2h\nstatus_interval: 100000h\n" + okProvider, []string{
			`bad.yaml:1:11: interval: must be at most 24h, got "25h"`,
			`bad.yaml:2:19: suspect_interval: must be at most 1h, got "2h"`,
			`bad.yaml:3:10: timeout: must be at most 1h, got "2h"`,
			`bad.yaml:4:9: window: must be at most 1h, got "2h"`,
			`bad.yaml:5:18: status_interval: must be at most 24h, got "100000h"`}},
		{"provider interval and timeout", okProvider + "    interval: 1ms\n    timeout: 99ms\n", []string{
			`bad.yaml:5:15: providers[0].interval: must be at least 1s, got "1ms"`,
			`bad.yaml:6:14: providers[0].timeout: must be at least 100ms, got "99ms"`}},
		{"policy durations", "policy:\n  holddown: 1ms\n  holddown_max: 1ms\n  drain_for: 1ms\n  retry_after_max: 1ms\n" + okProvider, []string{
			`bad.yaml:2:13: policy.holddown: must be at least 1s, got "1ms"`,
			`bad.yaml:3:17: policy.holddown_max: must be at least 1s, got "1ms"`,
			`bad.yaml:4:14: policy.drain_for: must be at least 1s, got "1ms"`,
			`bad.yaml:5:20: policy.retry_after_max: must be at least 1s, got "1ms"`}},
		{"policy durations too long", "policy:\n  holddown_max: 2562047h\n  drain_for: 25h\n  retry_after_max: 61m\n" + okProvider, []string{
			`bad.yaml:2:17: policy.holddown_max: must be at most 24h, got "2562047h"`,
			`bad.yaml:3:14: policy.drain_for: must be at most 24h, got "25h"`,
			`bad.yaml:4:20: policy.retry_after_max: must be at most 1h, got "61m"`}},
		{"holddown above an explicit cap", "policy:\n  holddown: 2m\n  holddown_max: 1m\n" + okProvider, []string{
			`bad.yaml:3:17: policy.holddown_max: must be at least holddown (2m), got 1m`}},
		{"shutdown timeout", "shutdown_timeout: 500ms\n" + okProvider, []string{
			`bad.yaml:1:19: shutdown_timeout: must be at least 1s, got "500ms"`}},
		{"shutdown timeout too long", "shutdown_timeout: 2h\n" + okProvider, []string{
			`bad.yaml:1:19: shutdown_timeout: must be at most 1h, got "2h"`}},
		{"gateway upstream timeout", "gateway:\n  upstream_timeout: 1ms\n" + okProvider, []string{
			`bad.yaml:2:21: gateway.upstream_timeout: must be at least 1s, got "1ms"`}},
		{"gateway upstream timeout too long", "gateway:\n  upstream_timeout: 2h\n" + okProvider, []string{
			`bad.yaml:2:21: gateway.upstream_timeout: must be at most 1h, got "2h"`}},
		{"a limit from the environment quotes the reference", "interval: ${EVERY}\n" + okProvider, []string{
			`bad.yaml:1:11: interval: must be at least 1s, got "${EVERY}"`}},
	}
	env := envOf(map[string]string{"EVERY": "5ms"})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := parseErrors(t, tc.yaml, env)
			if got, want := err.Error(), strings.Join(tc.want, "\n"); got != want {
				t.Errorf("errors:\ngot:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// TestDurationLimitsAreInclusive: each bound itself is accepted, so the
// documented range is exactly the accepted one.
func TestDurationLimitsAreInclusive(t *testing.T) {
	for _, edge := range []string{
		"interval: 1s\nsuspect_interval: 100ms\ntimeout: 100ms\nwindow: 10s\nstatus_interval: 10s\nshutdown_timeout: 1s\n" +
			"policy:\n  holddown: 1s\n  holddown_max: 1s\n  drain_for: 1s\n  retry_after_max: 1s\n" +
			"gateway:\n  upstream_timeout: 1s\n" + okProvider + "    interval: 1s\n    timeout: 100ms\n",
		"interval: 24h\nsuspect_interval: 1h\ntimeout: 1h\nwindow: 1h\nstatus_interval: 24h\nshutdown_timeout: 1h\n" +
			"policy:\n  holddown: 24h\n  holddown_max: 24h\n  drain_for: 24h\n  retry_after_max: 1h\n" +
			"gateway:\n  upstream_timeout: 1h\n" + okProvider + "    interval: 24h\n    timeout: 1h\n",
	} {
		if _, err := Parse("edge.yaml", []byte(edge), nil); err != nil {
			t.Errorf("a bound was refused:\n%v\n%s", err, edge)
		}
	}
}

// TestExampleDocumentsLimits: next to every bounded field, the example
// says the range it accepts, in the words the error would use.
func TestExampleDocumentsLimits(t *testing.T) {
	_, text := parseExample(t)
	for field, lim := range durationLimits {
		key := field[strings.LastIndex(field, ".")+1:]
		rng := lim.String()
		if field == "policy.holddown" {
			rng = lim.min.String() + " to holddown_max"
		}
		if strings.HasPrefix(field, "providers.") {
			// Documented once in the providers comment block.
			if !strings.Contains(text, "#   interval, timeout   default: the global values above, in the same ranges") {
				t.Errorf("the providers comment does not give interval and timeout their ranges")
			}
			continue
		}
		re := regexp.MustCompile(`(?m)^ *(# )?` + key + `: [^#\n]+#.*\(` + regexp.QuoteMeta(rng) + `\)`)
		if !re.MatchString(text) {
			t.Errorf("config.example.yaml does not document %s's range (%s) on its line", field, rng)
		}
	}
}
