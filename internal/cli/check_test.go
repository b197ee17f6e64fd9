package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"switchboard/internal/fakes"
)

const testKey = "sk-check-secret-1234"

// fakeProvider is one provider of a check test: a local fake and how the
// config names it.
type fakeProvider struct {
	name  string
	fault *fakes.Fault
	delay time.Duration
	key   string // default testKey; another key makes the fake answer 401
	off   bool   // enabled: false
}

// checkConfig starts a fake per provider and writes a config naming them in
// order. The degraded latency is 150ms so a test can cross it cheaply.
func checkConfig(t *testing.T, provs ...fakeProvider) string {
	t.Helper()
	dir := isolate(t)
	var b strings.Builder
	b.WriteString("timeout: 1s\npolicy:\n  degraded_latency: 150ms\nproviders:\n")
	for _, p := range provs {
		s := fakes.Start(fakes.Options{Kind: "openai", APIKey: testKey})
		t.Cleanup(s.Close)
		if p.fault != nil {
			s.Handler().SetFault(*p.fault)
		}
		s.Handler().SetDelay(p.delay)
		key := p.key
		if key == "" {
			key = testKey
		}
		fmt.Fprintf(&b, "  - name: %s\n    kind: openai\n    base_url: %s\n    api_key: %s\n    enabled: %t\n",
			p.name, s.BaseURL(), key, !p.off)
	}
	return writeFile(t, dir, "switchboard.yaml", b.String())
}

// report mirrors the documented JSON exactly; decoding rejects extra fields.
type report struct {
	Active    *string `json:"active"`
	Providers []struct {
		Name      string `json:"name"`
		Kind      string `json:"kind"`
		State     string `json:"state"`
		Class     string `json:"class"`
		LatencyMS int64  `json:"latency_ms"`
		Error     string `json:"error"`
	} `json:"providers"`
}

func checkJSON(t *testing.T, path string) (int, report, string) {
	t.Helper()
	code, out, errs := run(t, "check", "--json", "--config", path)
	var rep report
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("check --json output is not the documented shape: %v\n%s\nstderr: %s", err, out, errs)
	}
	if strings.Contains(out+errs, testKey) {
		t.Fatalf("the API key leaked into check output:\n%s%s", out, errs)
	}
	return code, rep, out
}

func TestCheckJSON(t *testing.T) {
	fault := func(f fakes.Fault) *fakes.Fault { return &f }
	type want struct{ state, class string }
	cases := []struct {
		name   string
		provs  []fakeProvider
		code   int
		active string // "" = null
		rows   []want
	}{
		{"all up", []fakeProvider{{name: "primary"}, {name: "backup"}}, ExitOK, "primary",
			[]want{{"up", "ok"}, {"up", "ok"}}},
		{"primary 503 fails over", []fakeProvider{
			{name: "primary", fault: fault(fakes.Fault{Kind: fakes.FaultStatus, Status: 503})}, {name: "backup"}},
			ExitOK, "backup", []want{{"down", "server_error"}, {"up", "ok"}}},
		{"slow is degraded but routable", []fakeProvider{{name: "slow", delay: 300 * time.Millisecond}, {name: "backup"}},
			ExitOK, "slow", []want{{"degraded", "ok"}, {"up", "ok"}}},
		{"bad key, rate limit and disabled", []fakeProvider{
			{name: "badkey", key: "sk-wrong"},
			{name: "limited", fault: fault(fakes.Fault{Kind: fakes.FaultRateLimit, RetryAfter: "7"})},
			{name: "off", off: true},
			{name: "last"}},
			ExitOK, "last", []want{{"misconfigured", "auth"}, {"rate-limited", "rate_limited"}, {"disabled", ""}, {"up", "ok"}}},
		{"a 404 to the probe is a setting to fix", []fakeProvider{
			{name: "wrongpath", fault: fault(fakes.Fault{Kind: fakes.FaultStatus, Status: 404})}, {name: "backup"}},
			ExitOK, "backup", []want{{"misconfigured", "client_error"}, {"up", "ok"}}},
		{"nothing routable", []fakeProvider{
			{name: "primary", fault: fault(fakes.Fault{Kind: fakes.FaultStatus, Status: 500})},
			{name: "hung", fault: fault(fakes.Fault{Kind: fakes.FaultHang})}},
			ExitFail, "", []want{{"down", "server_error"}, {"down", "timeout"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, rep, out := checkJSON(t, checkConfig(t, c.provs...))
			if code != c.code {
				t.Errorf("exit %d, want %d", code, c.code)
			}
			switch {
			case c.active == "" && rep.Active != nil:
				t.Errorf("active %q, want null", *rep.Active)
			case c.active == "" && !strings.Contains(out, `"active": null`):
				t.Errorf("active is not written as null:\n%s", out)
			case c.active != "" && (rep.Active == nil || *rep.Active != c.active):
				t.Errorf("active %v, want %q", rep.Active, c.active)
			}
			if len(rep.Providers) != len(c.rows) {
				t.Fatalf("%d providers, want %d", len(rep.Providers), len(c.rows))
			}
			for i, w := range c.rows {
				got := rep.Providers[i]
				if got.Name != c.provs[i].name || got.Kind != "openai" || got.State != w.state || got.Class != w.class {
					t.Errorf("row %d = %+v, want %s openai %s %s", i, got, c.provs[i].name, w.state, w.class)
				}
				if (w.class == "ok" || w.class == "") != (got.Error == "") {
					t.Errorf("row %d error %q: want an error exactly when the probe failed", i, got.Error)
				}
			}
		})
	}
}

func TestCheckLatencyIsReported(t *testing.T) {
	_, rep, _ := checkJSON(t, checkConfig(t, fakeProvider{name: "slow", delay: 200 * time.Millisecond}))
	if ms := rep.Providers[0].LatencyMS; ms < 200 {
		t.Fatalf("latency_ms %d, want at least the fake's 200ms delay", ms)
	}
}

func TestCheckTable(t *testing.T) {
	path := checkConfig(t, fakeProvider{name: "primary", fault: &fakes.Fault{Kind: fakes.FaultStatus, Status: 503}},
		fakeProvider{name: "backup"})
	var out, errb bytes.Buffer
	code := Run([]string{"check", "--config", path}, strings.NewReader(""), &out, &errb)
	if code != ExitOK {
		t.Fatalf("exit %d stderr %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("want header, 2 rows and the active line:\n%s", out.String())
	}
	for i, want := range [][]string{
		{"PROVIDER", "KIND", "STATE", "LATENCY", "CLASS", "ERROR"},
		{"primary", "openai", "down", "server_error", "503"},
		{"* backup", "openai", "up", "ok"},
		{"active: backup"},
	} {
		for _, w := range want {
			if !strings.Contains(lines[i], w) {
				t.Errorf("line %d %q lacks %q", i, lines[i], w)
			}
		}
	}
	for _, l := range lines {
		if strings.HasSuffix(l, " ") {
			t.Errorf("line %q ends in spaces", l)
		}
	}
	if strings.Contains(out.String(), testKey) {
		t.Fatal("the API key leaked into the table")
	}
}

func TestCheckConfigErrorsExit2(t *testing.T) {
	dir := isolate(t)
	bad := writeFile(t, dir, "bad.yaml", "providers:\n  - name: a\n    kind: openai\n    base_url: api.openai.com\n    api_key: k\n")
	code, out, errs := run(t, "check", "--config", bad)
	if code != ExitConfig || out != "" || !strings.HasPrefix(errs, bad+":4:") {
		t.Fatalf("exit %d stdout %q stderr %q: want 2 and %s:4:COL: ...", code, out, errs, bad)
	}
	if code, _, errs := run(t, "check"); code != ExitConfig || !strings.Contains(errs, "no config file found") {
		t.Fatalf("no config: exit %d stderr %q, want 2 naming where it looked", code, errs)
	}
}

// check --demo probes the simulated providers with the real probes: at the
// start of the story every one answers, and ollama is slow enough to count
// as degraded.
func TestCheckDemo(t *testing.T) {
	isolate(t)
	code, out, errs := run(t, "check", "--demo", "--json")
	var rep report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s\n%s", err, out, errs)
	}
	if code != ExitOK || rep.Active == nil || *rep.Active != "openai" {
		t.Fatalf("exit %d active %v: want 0 and openai\n%s", code, rep.Active, out)
	}
	want := map[string]string{"openai": "up", "azure-openai": "up", "anthropic": "up", "ollama": "degraded"}
	for _, p := range rep.Providers {
		if want[p.Name] != p.State {
			t.Errorf("%s is %s (%s %s), want %s", p.Name, p.State, p.Class, p.Error, want[p.Name])
		}
		delete(want, p.Name)
	}
	if len(want) != 0 {
		t.Errorf("missing providers %v", want)
	}
}

// A kind http health check is reported but never active: with it up and
// every LLM provider down, nothing can serve the gateway, and check says
// so with exit 1.
func TestCheckHTTPProviderIsNeverActive(t *testing.T) {
	health := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	t.Cleanup(health.Close)
	llm := fakes.Start(fakes.Options{Kind: "openai", APIKey: testKey})
	t.Cleanup(llm.Close)
	llm.Handler().SetFault(fakes.Fault{Kind: fakes.FaultStatus, Status: 503})
	path := writeFile(t, isolate(t), "switchboard.yaml", fmt.Sprintf(`timeout: 1s
providers:
  - name: internal-proxy
    kind: http
    base_url: %s
  - name: openai
    kind: openai
    base_url: %s
    api_key: %s
`, health.URL, llm.BaseURL(), testKey))
	code, rep, _ := checkJSON(t, path)
	if code != ExitFail || rep.Active != nil {
		t.Fatalf("exit %d, active %v; want exit 1 and active null", code, rep.Active)
	}
	if rep.Providers[0].State != "up" {
		t.Fatalf("the health check itself: %+v, want up", rep.Providers[0])
	}
}
