package cli

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const validConfig = `providers:
  - name: primary
    kind: openai
    api_key: sk-test-0123456789abcdef
  - name: local
    kind: ollama
`

func TestValidate(t *testing.T) {
	dir := isolate(t)
	good := writeFile(t, dir, "good.yaml", validConfig)
	// Two problems at once: an unknown kind and a bad duration.
	bad := writeFile(t, dir, "bad.yaml", "interval: soon\nproviders:\n  - name: x\n    kind: openia\n")

	code, out, errs := run(t, "validate", "--config", good)
	if code != ExitOK || out != "ok: 2 providers in "+good+"\n" || errs != "" {
		t.Fatalf("good config: exit %d stdout %q stderr %q", code, out, errs)
	}

	code, out, errs = run(t, "validate", "--config", bad)
	if code != ExitConfig || out != "" {
		t.Fatalf("bad config: exit %d stdout %q, want 2 and no stdout", code, out)
	}
	lines := strings.Split(strings.TrimSpace(errs), "\n")
	loc := regexp.MustCompile(`^` + regexp.QuoteMeta(bad) + `:(\d+):(\d+): \S`)
	if len(lines) < 2 {
		t.Fatalf("want every problem reported, got:\n%s", errs)
	}
	for _, l := range lines {
		if !loc.MatchString(l) {
			t.Errorf("line %q is not FILE:LINE:COL: message", l)
		}
	}
	if !strings.HasPrefix(lines[0], bad+":1:") || !strings.Contains(errs, bad+":4:") {
		t.Errorf("want problems on line 1 (interval) and line 4 (kind):\n%s", errs)
	}
}

func TestValidateMissingFiles(t *testing.T) {
	dir := isolate(t)
	missing := filepath.Join(dir, "nope.yaml")
	code, _, errs := run(t, "validate", "--config", missing)
	if code != ExitConfig || !strings.Contains(errs, missing) || !strings.Contains(errs, "no such file") {
		t.Fatalf("named missing file: exit %d stderr %q", code, errs)
	}

	// Nothing anywhere: validate has nothing to check, and says where it looked.
	code, _, errs = run(t, "validate")
	want := filepath.Join(dir, "xdg", "switchboard", "config.yaml")
	if code != ExitConfig || !strings.Contains(errs, "./switchboard.yaml") || !strings.Contains(errs, want) {
		t.Fatalf("no config: exit %d stderr %q, want 2 naming ./switchboard.yaml and %s", code, errs, want)
	}
}

func TestValidateFollowsLookupOrder(t *testing.T) {
	dir := isolate(t)
	writeFile(t, dir, "switchboard.yaml", validConfig)
	code, out, _ := run(t, "validate")
	if code != ExitOK || !strings.Contains(out, "switchboard.yaml") {
		t.Fatalf("./switchboard.yaml not found: exit %d stdout %q", code, out)
	}
	env := writeFile(t, dir, "env.yaml", "providers:\n  - name: only\n    kind: ollama\n")
	t.Setenv("SWITCHBOARD_CONFIG", env)
	if code, out, _ := run(t, "validate"); code != ExitOK || out != "ok: 1 provider in "+env+"\n" {
		t.Fatalf("$SWITCHBOARD_CONFIG not preferred: exit %d stdout %q", code, out)
	}
}

// TestValidateWarnsOfPlaceholderKeys: a key that looks like a placeholder
// is a warning at its value, not an error: the exit status and the ok line
// stay, and the key itself is never printed.
func TestValidateWarnsOfPlaceholderKeys(t *testing.T) {
	dir := isolate(t)
	t.Setenv("VLLM_KEY", "k3y-short")
	path := writeFile(t, dir, "keys.yaml", `providers:
  - name: primary
    kind: openai
    api_key: sk-test-0123456789abcdef
  - name: studio
    kind: openai-compatible
    base_url: http://127.0.0.1:1234/v1
    api_key: LM-Studio
  - name: vllm
    kind: openai-compatible
    base_url: http://gpu:8000/v1
    api_key: ${VLLM_KEY}
  - name: cpp
    kind: openai-compatible
    base_url: http://gpu:8001/v1
    api_key: sk-no-key-required
  - name: local
    kind: ollama
`)
	code, out, errs := run(t, "validate", "--config", path)
	if code != ExitOK || out != "ok: 5 providers in "+path+"\n" {
		t.Fatalf("exit %d stdout %q: want 0 and the ok line despite warnings", code, out)
	}
	notRedacted := `; it is not redacted from answers and error texts, because replacing so short a text would corrupt them (e.g. "ollama" inside "ollama-llama3.2")`
	want := []string{
		path + `:8:14: warning: providers[1].api_key (provider "studio") is a well-known placeholder, not a real key` + notRedacted,
		path + `:12:14: warning: providers[2].api_key (provider "vllm") is shorter than 16 bytes, like a placeholder rather than a real key` + notRedacted,
		path + `:16:14: warning: providers[3].api_key (provider "cpp") is a well-known placeholder, not a real key; if the server needs a key, set the real one`,
	}
	if got := strings.Split(strings.TrimSuffix(errs, "\n"), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("stderr:\n%s\nwant:\n%s", errs, strings.Join(want, "\n"))
	}
	for _, key := range []string{"LM-Studio", "k3y-short", "sk-no-key-required", "sk-test-0123456789abcdef"} {
		if strings.Contains(errs+out, key) {
			t.Errorf("the key %q is printed", key)
		}
	}
}

// TestNewConfigRulesExitTwo: a duration below its minimum and a gateway
// token with a trailing newline stop both validate and the dashboard with
// exit status 2 and messages at their values, before any screen starts;
// the token itself is never printed.
func TestNewConfigRulesExitTwo(t *testing.T) {
	dir := isolate(t)
	const secret = "gw-secret-0123456789abcdef"
	t.Setenv("TOK", secret+"\n")
	path := writeFile(t, dir, "limits.yaml", `interval: 1ms
gateway:
  token: ${TOK}
providers:
  - name: local
    kind: ollama
    base_url: http://127.0.0.1:1
`)
	want := path + `:1:11: interval: must be at least 1s, got "1ms"` + "\n" +
		path + `:3:10: gateway.token: "${TOK}" ends with a newline once expanded; HTTP strips whitespace at the ends of a header, so no client's token would ever match it: remove it (a file holding a secret often ends with a newline)` + "\n"
	for _, args := range [][]string{{"validate", "--config", path}, {"--config", path}} {
		var out, errb bytes.Buffer
		code := Run(args, strings.NewReader("q"), &out, &errb)
		if code != ExitConfig || out.Len() != 0 || errb.String() != want {
			t.Errorf("%v: exit %d stdout %q stderr:\n%s\nwant 2, nothing on stdout and:\n%s", args, code, out.String(), errb.String(), want)
		}
		if strings.Contains(errb.String(), secret) {
			t.Errorf("%v: the token is printed", args)
		}
	}
}
