package cli

import (
	"encoding/json"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"switchboard/api"
	"switchboard/monitor"
)

// ctl runs switchboard ctl against a's server with token and checks that
// no output holds a token.
func ctl(t *testing.T, a *apiServer, token string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	full := append([]string{"ctl", "--server", a.url}, args...)
	if token != "" {
		full = append(full, "--token", token)
	}
	code, stdout, stderr = run(t, full...)
	noTokens(t, stdout, stderr)
	return code, stdout, stderr
}

// TestCtlCommands: each command against a real server, as the user sees
// it (exit status, what it prints) and as the server has it afterwards.
func TestCtlCommands(t *testing.T) {
	pinBravo := func(m *monitor.Monitor) error {
		_, err := m.Apply(monitor.Order{Command: monitor.Pin{Provider: "bravo"}, Actor: "console"})
		return err
	}
	disableAlpha := func(m *monitor.Monitor) error {
		_, err := m.Apply(monitor.Order{Command: monitor.SetEnabled{Provider: "alpha"}, Actor: "console"})
		return err
	}
	cases := []struct {
		name     string
		setup    func(*monitor.Monitor) error
		token    string
		args     []string
		code     int
		out, err string                       // regexps on stdout and stderr
		after    func(*monitor.Snapshot) bool // the server's state afterwards
	}{
		{"failover", nil, opsToken, []string{"failover"}, 0, `^failover: alpha → bravo \(seq \d+\)\n$`, `^$`,
			func(s *monitor.Snapshot) bool {
				return s.Active == "bravo" && s.Mode == monitor.ModeForced && lastEvent(s).Actor == "oncall"
			}},
		{"failover from what is active", nil, opsToken, []string{"failover", "--from", "alpha"}, 0, `failover: alpha → bravo`, `^$`,
			func(s *monitor.Snapshot) bool { return s.Active == "bravo" }},
		{"failover from what is no longer active", nil, opsToken, []string{"failover", "--from", "bravo"}, 1, `^$`,
			`failover refused by http://127\.0\.0\.1:\d+: 409 Conflict: .*bravo`,
			func(s *monitor.Snapshot) bool { return s.Active == "alpha" && s.Mode == monitor.ModeAuto }},
		{"pin for a while", nil, opsToken, []string{"pin", "bravo", "--for", "15m"}, 0,
			`^pin: bravo pinned for 15m; active: bravo \(seq \d+\)\n$`, `^$`,
			func(s *monitor.Snapshot) bool {
				left := time.Until(s.PinnedUntil)
				return s.Active == "bravo" && s.Pinned == "bravo" && left > 14*time.Minute && left <= 15*time.Minute
			}},
		{"pin an unknown provider", nil, opsToken, []string{"pin", "charlie"}, 2, `^$`,
			`pin refused by .*: 400 Bad Request: .*charlie.*providers: alpha, bravo`,
			func(s *monitor.Snapshot) bool { return s.Active == "alpha" && s.Pinned == "" }},
		{"auto", pinBravo, opsToken, []string{"auto"}, 0, `^auto: back to automatic routing; active: alpha \(seq \d+\)\n$`, `^$`,
			func(s *monitor.Snapshot) bool {
				return s.Active == "alpha" && s.Pinned == "" && s.Mode == monitor.ModeAuto
			}},
		{"disable", nil, opsToken, []string{"disable", "alpha"}, 0, `^disable: alpha disabled; active: bravo \(seq \d+\)\n$`, `^$`,
			func(s *monitor.Snapshot) bool { return s.Active == "bravo" && !s.Providers[0].Enabled }},
		{"enable", disableAlpha, opsToken, []string{"enable", "alpha"}, 0, `^enable: alpha enabled; active: \w+ \(seq \d+\)\n$`, `^$`,
			func(s *monitor.Snapshot) bool { return s.Providers[0].Enabled }},
		{"probe one", nil, opsToken, []string{"probe", "bravo"}, 0, `^probe: probe of bravo requested; active: alpha \(seq \d+\)\n$`, `^$`, nil},
		{"probe all", nil, opsToken, []string{"probe"}, 0, `^probe: probe of every provider requested; active: alpha`, `^$`, nil},
		{"a viewer may not act", nil, viewToken, []string{"failover"}, 1, `^$`,
			`failover refused by .*: 403 Forbidden: token "wallboard" is a viewer`,
			func(s *monitor.Snapshot) bool { return s.Active == "alpha" && s.Mode == monitor.ModeAuto }},
		{"a wrong token", nil, "not-a-token", []string{"pin", "bravo"}, 1, `^$`, `pin refused by .*: 401 Unauthorized: missing or wrong API token.*\n.*\$SWITCHBOARD_TOKEN`,
			func(s *monitor.Snapshot) bool { return s.Active == "alpha" }},
		{"no token", nil, "", []string{"auto"}, 1, `^$`, `auto refused by .*: 401 Unauthorized`, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("SWITCHBOARD_TOKEN", "")
			a := startServer(t, withTokens)
			if c.setup != nil {
				if err := c.setup(a.mon); err != nil {
					t.Fatal(err)
				}
			}
			code, out, errs := ctl(t, a, c.token, c.args...)
			if code != c.code || !regexp.MustCompile(c.out).MatchString(out) || !regexp.MustCompile(c.err).MatchString(errs) {
				t.Fatalf("exit %d, stdout %q, stderr %q\nwant exit %d, stdout ~ %s, stderr ~ %s", code, out, errs, c.code, c.out, c.err)
			}
			if s := a.mon.Snapshot(); c.after != nil && !c.after(s) {
				t.Errorf("the server afterwards: active %q mode %s pinned %q, newest event %+v", s.Active, s.Mode, s.Pinned, lastEvent(s))
			}
		})
	}
}

// TestCtlStatus: the text is the dashboard's header and table; --json is
// the server's state.
func TestCtlStatus(t *testing.T) {
	a := startServer(t, withTokens)
	code, out, errs := ctl(t, a, viewToken, "status")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d stderr %q", code, errs)
	}
	for _, want := range []string{
		"server:  " + a.url + " (as wallboard, viewer)\n",
		"active:  alpha since ", "highest-priority routable backend\n",
		"mode:    AUTO\n", "next:    bravo\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	rows := regexp.MustCompile(`(?m)^  NAME +KIND +STATE +IN ROTATION +P50 +P95 +ERR% +LAST ERROR$\n^\* alpha +openai +✓ up +yes +120ms +120ms +0%$\n^  bravo +openai +✓ up +yes +120ms +120ms +0%$`)
	if !rows.MatchString(out) {
		t.Errorf("status table:\n%s", out)
	}

	if _, err := a.mon.Apply(monitor.Order{Command: monitor.Pin{Provider: "bravo", For: time.Hour}, Actor: "console"}); err != nil {
		t.Fatal(err)
	}
	_, out, _ = ctl(t, a, viewToken, "status")
	if !regexp.MustCompile(`(?m)^pinned:  bravo until \d\d:\d\d:\d\d \(in (59m(\d\ds)?|1h)\)$`).MatchString(out) ||
		!strings.Contains(out, "mode:    PINNED\n") || !strings.Contains(out, "* bravo") {
		t.Errorf("status of a pin:\n%s", out)
	}

	code, out, errs = ctl(t, a, viewToken, "status", "--json")
	var st api.State
	if err := json.Unmarshal([]byte(out), &st); code != 0 || errs != "" || err != nil {
		t.Fatalf("status --json: exit %d, stderr %q, %v:\n%s", code, errs, err, out)
	}
	if st.Active == nil || *st.Active != "bravo" || st.Mode != "PINNED" || st.Pinned == nil || st.Pinned.Until == nil ||
		len(st.Providers) != 2 || st.Caller.Role != "viewer" {
		t.Errorf("status --json: %s", out)
	}
}

// TestCtlDefaultsFromEnvironment: with no flags, ctl asks the server and
// token the environment names.
func TestCtlDefaultsFromEnvironment(t *testing.T) {
	a := startServer(t, withTokens)
	t.Setenv("SWITCHBOARD_SERVER", a.addr) // host:port means http
	t.Setenv("SWITCHBOARD_TOKEN", opsToken)
	code, out, errs := run(t, "ctl", "pin", "bravo")
	noTokens(t, out, errs)
	if code != 0 || !strings.HasPrefix(out, "pin: bravo pinned until auto; active: bravo") || a.mon.Snapshot().Pinned != "bravo" {
		t.Fatalf("exit %d stdout %q stderr %q; server pinned %q", code, out, errs, a.mon.Snapshot().Pinned)
	}
}

// TestCtlServerUnavailable: a monitor that is not running answers 503, a
// port nobody listens on is unreachable; both exit 1 and say why.
func TestCtlServerUnavailable(t *testing.T) {
	t.Setenv("SWITCHBOARD_TOKEN", "")
	idle := startIdleServer(t)
	code, out, errs := ctl(t, idle, opsToken, "auto")
	if code != 1 || out != "" || !strings.Contains(errs, "auto refused by "+idle.url+": 503 Service Unavailable: ") {
		t.Errorf("idle monitor: exit %d stdout %q stderr %q", code, out, errs)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gone := &apiServer{url: "http://" + ln.Addr().String()}
	_ = ln.Close()
	code, out, errs = ctl(t, gone, opsToken, "status")
	if code != 1 || out != "" || !strings.Contains(errs, "connection refused") || !strings.Contains(errs, "is switchboard serve running there?") {
		t.Errorf("no server: exit %d stdout %q stderr %q", code, out, errs)
	}
}

// TestCtlUsage: a mistake on the command line exits 2 with the reason and
// the usage, before anything is sent.
func TestCtlUsage(t *testing.T) {
	cases := map[string][]string{
		"which command?":                      {"ctl"},
		`unknown command "frobnicate"`:        {"ctl", "frobnicate"},
		"pin needs a provider name":           {"ctl", "pin"},
		`pin: unexpected argument "bravo"`:    {"ctl", "pin", "alpha", "bravo"},
		"--json applies to status only":       {"ctl", "failover", "--json"},
		"--from applies to failover only":     {"ctl", "auto", "--from", "alpha"},
		`--for "soon": want a duration`:       {"ctl", "pin", "alpha", "--for", "soon"},
		"not in the URL":                      {"ctl", "--server", "http://me:" + opsToken + "@127.0.0.1:1", "status"},
		"want http://HOST:PORT":               {"ctl", "--server", "ftp://127.0.0.1:1", "status"},
		"flag provided but not defined: -all": {"ctl", "probe", "--all"},
	}
	for want, args := range cases {
		t.Run(want, func(t *testing.T) {
			code, out, errs := run(t, args...)
			noTokens(t, out, errs)
			if code != 2 || out != "" || !strings.Contains(errs, want) || !strings.Contains(errs, "Usage: switchboard ctl") {
				t.Errorf("exit %d stdout %q stderr %q; want 2 and %q with the usage", code, out, errs, want)
			}
		})
	}
	if code, out, _ := run(t, "ctl", "--help"); code != 0 || !strings.Contains(out, "failover [--from NAME]") {
		t.Errorf("ctl --help: exit %d\n%s", code, out)
	}
}
