package cli

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"switchboard/config"
)

const unitPath = "../../deploy/switchboard.service"

// readUnit parses a systemd unit into section → key → values (a key may
// be given more than once).
func readUnit(t *testing.T, path string) map[string]map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	unit := map[string]map[string][]string{}
	section := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = strings.Trim(line, "[]")
			unit[section] = map[string][]string{}
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || section == "" {
				t.Fatalf("%s:%d: not a key=value line in a section: %q", path, n, line)
			}
			unit[section][k] = append(unit[section][k], v)
		}
	}
	return unit
}

// The unit runs serve as this program expects: its flags, reload by
// SIGHUP, a stop timeout longer than serve's own drain, and the sandbox a
// network service should have.
func TestSystemdUnit(t *testing.T) {
	unit := readUnit(t, unitPath)
	svc := unit["Service"]
	want := map[string]string{
		"ExecStart":               "/usr/local/bin/switchboard serve --config /etc/switchboard/config.yaml --state-dir ${STATE_DIRECTORY}",
		"ExecReload":              "/bin/kill -HUP $MAINPID",
		"EnvironmentFile":         "-/etc/switchboard/env",
		"StateDirectory":          "switchboard",
		"User":                    "switchboard",
		"Restart":                 "on-failure",
		"NoNewPrivileges":         "yes",
		"ProtectSystem":           "strict",
		"ProtectHome":             "yes",
		"PrivateTmp":              "yes",
		"PrivateDevices":          "yes",
		"ProtectKernelTunables":   "yes",
		"ProtectKernelModules":    "yes",
		"ProtectKernelLogs":       "yes",
		"ProtectControlGroups":    "yes",
		"RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
		"RestrictNamespaces":      "yes",
		"LockPersonality":         "yes",
		"MemoryDenyWriteExecute":  "yes",
		"CapabilityBoundingSet":   "",
		"AmbientCapabilities":     "",
	}
	for k, v := range want {
		if got, ok := svc[k]; !ok || !slices.Contains(got, v) {
			t.Errorf("[Service] %s = %q, want %q", k, got, v)
		}
	}
	if !slices.Contains(svc["SystemCallFilter"], "@system-service") {
		t.Errorf("SystemCallFilter %q lacks @system-service", svc["SystemCallFilter"])
	}
	if len(svc["LimitNOFILE"]) == 0 || unit["Install"]["WantedBy"] == nil {
		t.Error("LimitNOFILE or [Install] WantedBy missing")
	}
	stop, err := time.ParseDuration(strings.Join(svc["TimeoutStopSec"], ""))
	if drain := config.DefaultShutdownTimeout.D() + stopMargin; err != nil || stop <= drain {
		t.Errorf("TimeoutStopSec %q: want a duration above shutdown_timeout plus serve's margin (%s), or systemd kills a drain serve would finish", svc["TimeoutStopSec"], drain)
	}
}
