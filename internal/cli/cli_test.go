package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// run invokes the command line as main would and captures its output.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// isolate makes the config lookup find nothing unless a test writes one:
// an empty working directory and config home, no $SWITCHBOARD_CONFIG.
func isolate(t *testing.T) (dir string) {
	t.Helper()
	dir = t.TempDir()
	t.Chdir(dir)
	t.Setenv("SWITCHBOARD_CONFIG", "")
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "xdg"))
	t.Setenv("XDG_STATE_HOME", filepath.Join(dir, "xdg-state"))
	return dir
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"-version"}, {"version"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, out, errs := run(t, args...)
			if code != ExitOK || !strings.HasPrefix(out, "switchboard ") || strings.TrimSpace(out) == "switchboard" || errs != "" {
				t.Fatalf("exit %d stdout %q stderr %q: want 0 and \"switchboard VERSION\"", code, out, errs)
			}
		})
	}
	Version = "v9.9.9"
	defer func() { Version = "" }()
	if _, out, _ := run(t, "--version"); out != "switchboard v9.9.9\n" {
		t.Fatalf("stamped version printed as %q", out)
	}
}

func TestHelpOnEachCommand(t *testing.T) {
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"--help"}, []string{"Usage:", "switchboard check", "switchboard validate", "switchboard serve", "switchboard ctl", "switchboard attach", "-config", "-demo", "-demo-traffic", "-readonly", "-version"}},
		{[]string{"-h"}, []string{"Usage:", "-readonly"}},
		{[]string{"help"}, []string{"Usage:", "switchboard check", "print the version and exit"}},
		{[]string{"check", "--help"}, []string{"Usage: switchboard check", "-json", "-config", "Exit status"}},
		{[]string{"validate", "--help"}, []string{"Usage: switchboard validate", "-config"}},
		{[]string{"serve", "--help"}, []string{"Usage: switchboard serve", "-config", "-state-dir", "-reset-state", "SIGHUP", "SIGTERM", "state.db"}},
		{[]string{"ctl", "--help"}, []string{"Usage: switchboard ctl", "pin NAME [--for D]", "-server", "-token", "$SWITCHBOARD_TOKEN", "Exit status"}},
		{[]string{"attach", "--help"}, []string{"Usage: switchboard attach [URL]", "-readonly", "-token", "Exit status"}},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			code, out, errs := run(t, c.args...)
			if code != ExitOK || errs != "" {
				t.Fatalf("exit %d stderr %q, want 0 and nothing on stderr", code, errs)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("help lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestUsageErrorsExit2WithUsage(t *testing.T) {
	cases := []struct {
		args []string
		msg  string
	}{
		{[]string{"bogus"}, `unknown command or argument "bogus"`},
		{[]string{"--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"check", "--nope"}, "flag provided but not defined: -nope"},
		{[]string{"check", "extra"}, `unknown command or argument "extra"`},
		{[]string{"validate", "a.yaml"}, `unknown command or argument "a.yaml"`},
		{[]string{"serve", "--demo"}, "flag provided but not defined: -demo"},
		{[]string{"--readonly=maybe"}, "invalid boolean value"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			code, out, errs := run(t, c.args...)
			if code != ExitConfig || out != "" {
				t.Fatalf("exit %d stdout %q, want 2 and nothing on stdout", code, out)
			}
			if !strings.Contains(errs, c.msg) || !strings.Contains(errs, "Usage:") {
				t.Fatalf("stderr lacks %q or the usage:\n%s", c.msg, errs)
			}
		})
	}
}

// With no config anywhere the dashboard runs the demo, and says so in one
// stderr line that names where a config would be read from.
func TestNoConfigRunsTheDemo(t *testing.T) {
	dir := isolate(t)
	var errb bytes.Buffer
	env, code := setup("", false, true, stdio{in: strings.NewReader(""), out: &bytes.Buffer{}, err: &errb})
	if env == nil {
		t.Fatalf("no env (exit %d): %s", code, errb.String())
	}
	defer env.close()
	if env.demo == nil || len(env.cfg.Providers) != 4 || env.cfg.Providers[0].Name != "openai" {
		t.Fatalf("want the demo's four providers, got demo=%v config %v", env.demo != nil, env.cfg)
	}
	msg := errb.String()
	xdg := filepath.Join(dir, "xdg", "switchboard", "config.yaml")
	if strings.Count(msg, "\n") != 1 || !strings.Contains(msg, "./switchboard.yaml") ||
		!strings.Contains(msg, xdg) || !strings.Contains(msg, "demo") {
		t.Fatalf("want one line naming ./switchboard.yaml and %s and the demo, got %q", xdg, msg)
	}
}

// --demo runs the demo even when a config exists, without the notice.
func TestDemoFlagIgnoresConfig(t *testing.T) {
	dir := isolate(t)
	writeFile(t, dir, "switchboard.yaml", validConfig)
	var errb bytes.Buffer
	env, _ := setup("", true, true, stdio{in: strings.NewReader(""), out: &bytes.Buffer{}, err: &errb})
	if env == nil || env.demo == nil {
		t.Fatalf("--demo did not start the demo: %s", errb.String())
	}
	defer env.close()
	if errb.Len() != 0 || len(env.cfg.Providers) != 4 {
		t.Fatalf("stderr %q providers %d: want silence and the demo's 4", errb.String(), len(env.cfg.Providers))
	}
}
