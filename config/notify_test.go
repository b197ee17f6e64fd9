package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// program writes an executable script (or, with mode 0o644, a file that
// is not) in a temporary directory and returns its path.
func program(t *testing.T, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "page-oncall")
	if err := os.WriteFile(path, []byte("#!/bin/sh\ncat >/dev/null\n"), mode); err != nil {
		t.Fatal(err)
	}
	return path
}

// A webhook and a program parse as written; a destination that names no
// events gets every one.
func TestNotifyParses(t *testing.T) {
	prog := program(t, 0o755)
	yaml := okProvider + "notify:\n" +
		"  - webhook: https://hooks.example.com/services/${HOOK_PATH}\n" +
		"    on: [active, panic]\n" +
		"  - exec: [" + prog + ", --team, llm]\n"
	c, err := Parse("ok.yaml", []byte(yaml), envOf(map[string]string{"HOOK_PATH": "T000/B000/s3cr3tp4th"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Notify) != 2 {
		t.Fatalf("notify = %+v", c.Notify)
	}
	hook, run := c.Notify[0], c.Notify[1]
	if hook.Webhook != "https://hooks.example.com/services/T000/B000/s3cr3tp4th" || !slices.Equal(hook.On, []string{"active", "panic"}) {
		t.Errorf("webhook entry = %+v", hook)
	}
	if !slices.Equal(run.Exec, []string{prog, "--team", "llm"}) || !slices.Equal(run.On, NotifyEvents()) {
		t.Errorf("exec entry = %+v, want every event", run)
	}
}

// TestNotifyErrors: each mistake at its line and column, a webhook URL
// never quoted (it holds a secret), a program that cannot run named.
func TestNotifyErrors(t *testing.T) {
	notExec := program(t, 0o644)
	dir := t.TempDir()
	cases := []struct {
		name, yaml string
		want       []string
	}{
		{"not a list", "notify:\n  webhook: https://h.example.com/x\n", []string{
			`bad.yaml:2:3: notify: expected a list of destinations (webhook: URL, or exec: [program, args...]), got a mapping`}},
		{"entry not a mapping", "notify:\n  - https://h.example.com/x\n", []string{
			`bad.yaml:2:5: notify[0]: expected a destination (a mapping with webhook or exec), got "https://h.example.com/x"`}},
		{"webhook without a scheme", "notify:\n  - webhook: ftp://hooks.example.com/services/SECRETPATH\n", []string{
			`bad.yaml:2:14: notify[0].webhook: must start with http:// or https://`}},
		{"webhook without a host", "notify:\n  - webhook: https:///services/SECRETPATH\n", []string{
			`bad.yaml:2:14: notify[0].webhook: has no host`}},
		{"webhook empty", "notify:\n  - webhook: \"\"\n", []string{
			`bad.yaml:2:14: notify[0].webhook: must not be empty`}},
		{"missing program", "notify:\n  - exec: [/nonexistent/page-oncall, --team, llm]\n", []string{
			`bad.yaml:2:12: notify[0].exec[0]: "/nonexistent/page-oncall" does not exist`}},
		{"program not executable", "notify:\n  - exec: [" + notExec + "]\n", []string{
			`bad.yaml:2:12: notify[0].exec[0]: "` + notExec + `" is not executable (chmod +x)`}},
		{"program is a directory", "notify:\n  - exec: [" + dir + "]\n", []string{
			`bad.yaml:2:12: notify[0].exec[0]: "` + dir + `" is a directory, not a program`}},
		{"program not in PATH", "notify:\n  - exec: [no-such-program-switchboard]\n", []string{
			`bad.yaml:2:12: notify[0].exec[0]: "no-such-program-switchboard" is not found in PATH (write its absolute path)`}},
		{"exec not a list", "notify:\n  - exec: /bin/sh -c true\n", []string{
			`bad.yaml:2:11: notify[0].exec: expected a list such as [program, args...], got "/bin/sh -c true"`}},
		{"exec empty", "notify:\n  - exec: []\n", []string{
			`bad.yaml:2:11: notify[0].exec: the list is empty; name the program to run first`}},
		{"both", "notify:\n  - webhook: https://h.example.com/x\n    exec: [/bin/sh]\n", []string{
			`bad.yaml:3:11: notify[0]: has both webhook and exec; write one destination per entry`}},
		{"neither", "notify:\n  - on: [down]\n", []string{
			`bad.yaml:2:5: notify[0]: needs "webhook: URL" or "exec: [program, args...]"`}},
		{"unknown event", "notify:\n  - webhook: https://h.example.com/x\n    on: [down, dwon, failover]\n", []string{
			`bad.yaml:3:16: notify[0].on: unknown event "dwon" (did you mean "down"?); valid events: active, down, up, degraded, rate-limited, misconfigured, disabled, official, panic, operator`,
			`bad.yaml:3:22: notify[0].on: unknown event "failover"; valid events: active, down, up, degraded, rate-limited, misconfigured, disabled, official, panic, operator`}},
		{"no events", "notify:\n  - webhook: https://h.example.com/x\n    on: []\n", []string{
			`bad.yaml:3:9: notify[0].on: the list is empty; leave on out to send every event`}},
		{"unknown field", "notify:\n  - url: https://h.example.com/x\n", []string{
			`bad.yaml:2:5: unknown field "url" in notify[0]; valid fields: webhook, exec, on`,
			`bad.yaml:2:5: notify[0]: needs "webhook: URL" or "exec: [program, args...]"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			errs := parseErrors(t, okProvider+tc.yaml, nil)
			// The cases' line numbers count from the notify section.
			got := strings.Join(shiftLines(errs, 4), "\n")
			if want := strings.Join(tc.want, "\n"); got != want {
				t.Errorf("errors:\ngot:\n%s\nwant:\n%s", got, want)
			}
			if strings.Contains(got, "SECRETPATH") {
				t.Errorf("a message quotes the webhook URL:\n%s", got)
			}
		})
	}
}

// shiftLines renders errs with their lines counted from line n+1.
func shiftLines(errs Errors, n int) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		e2 := *e
		e2.Line -= n
		out[i] = e2.Error()
	}
	return out
}

// A printed config shows a webhook by its host alone and masks program
// arguments that look like credentials, and still parses.
func TestNotifyRedacted(t *testing.T) {
	prog := program(t, 0o755)
	yaml := okProvider + "notify:\n" +
		"  - webhook: https://hooks.example.com/services/T000/B000/s3cr3tp4th?token=qu3ryt0k3n\n" +
		"  - exec: [" + prog + ", --team, llm, --api-key, fl4gs3cr3t, \"Authorization: Bearer h34d3rs3cr3t\", --token=3qs3cr3t, https://u.example.com/p4ths3cr3t]\n"
	c, err := Parse("ok.yaml", []byte(yaml), nil)
	if err != nil {
		t.Fatal(err)
	}
	out := c.String()
	for _, secret := range []string{"s3cr3tp4th", "qu3ryt0k3n", "fl4gs3cr3t", "h34d3rs3cr3t", "3qs3cr3t", "p4ths3cr3t"} {
		if strings.Contains(out, secret) {
			t.Errorf("printed config shows %q:\n%s", secret, out)
		}
	}
	for _, kept := range []string{"https://hooks.example.com/REDACTED", "--team", "llm", "--api-key", "--token=REDACTED"} {
		if !strings.Contains(out, kept) {
			t.Errorf("printed config lost %q:\n%s", kept, out)
		}
	}
	if c.Notify[0].Webhook != "https://hooks.example.com/services/T000/B000/s3cr3tp4th?token=qu3ryt0k3n" {
		t.Errorf("String changed the config itself: %q", c.Notify[0].Webhook)
	}
	if _, err := Parse("printed.yaml", []byte(out), nil); err != nil {
		t.Fatalf("printed config does not parse:\n%v\n%s", err, out)
	}
}
