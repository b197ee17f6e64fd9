package cli

import (
	"bytes"
	"fmt"
	"net"
	"strings"
	"testing"
)

// The whole first-run path: no config, so the demo starts with its one-line
// notice, the dashboard comes up, "q" quits it, and every goroutine (demo,
// monitor, gateway, screen) has ended when Run returns (goleak in TestMain).
func TestDashboardRunsTheDemoAndQuits(t *testing.T) {
	isolate(t)
	var out, errb bytes.Buffer
	code := Run(nil, strings.NewReader("q"), &out, &errb)
	if code != ExitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errb.String())
	}
	if lines := strings.Split(strings.TrimSpace(errb.String()), "\n"); len(lines) != 1 ||
		!strings.Contains(lines[0], "running the demo") {
		t.Fatalf("stderr %q: want the single demo notice", errb.String())
	}
	if out.Len() == 0 {
		t.Fatal("the dashboard wrote nothing to the terminal")
	}
}

// A gateway that cannot listen is reported on the plain terminal, with a
// non-zero exit, before the full-screen dashboard could hide it.
func TestDashboardReportsBusyGatewayPort(t *testing.T) {
	dir := isolate(t)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	path := writeFile(t, dir, "switchboard.yaml", fmt.Sprintf(
		"gateway:\n  listen: %s\nproviders:\n  - name: local\n    kind: ollama\n    base_url: http://127.0.0.1:1\n", busy.Addr()))
	var out, errb bytes.Buffer
	code := Run([]string{"--config", path}, strings.NewReader("q"), &out, &errb)
	if code != ExitFail || !strings.Contains(errb.String(), "gateway") || !strings.Contains(errb.String(), busy.Addr().String()) {
		t.Fatalf("exit %d stderr %q: want 1 and a gateway error naming %s", code, errb.String(), busy.Addr())
	}
	if out.Len() != 0 {
		t.Fatalf("the dashboard started anyway:\n%q", out.String())
	}
}

// A config with a fleet section run as the all-in-one dashboard says that
// the fleet is serve's and points at attach, then runs as usual.
func TestDashboardSaysTheFleetIsServes(t *testing.T) {
	dir := isolate(t)
	path := writeFile(t, dir, "switchboard.yaml", "fleet:\n  replica: one\n  etcd:\n    endpoints: [\"http://127.0.0.1:2379\"]\n"+
		"providers:\n  - name: local\n    kind: ollama\n    base_url: http://127.0.0.1:1\n")
	var out, errb bytes.Buffer
	code := Run([]string{"--config", path}, strings.NewReader("q"), &out, &errb)
	if code != ExitOK || !strings.Contains(errb.String(), "only serve uses") || !strings.Contains(errb.String(), "switchboard attach") {
		t.Fatalf("exit %d stderr %q: want 0 and the fleet notice", code, errb.String())
	}
}
