package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// serveOnce runs serve with args until it exits by itself (a refusal),
// and returns its exit status and log.
func serveOnce(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var log bytes.Buffer
	code := runServe(context.Background(), args, stdio{in: strings.NewReader(""), out: &bytes.Buffer{}, err: &log}, make(chan os.Signal))
	return code, log.String()
}

// A second serve on the same state directory is refused at once, naming
// the directory and the process that holds it, with exit 2.
func TestSecondServeOnTheSameStateIsRefused(t *testing.T) {
	sv := startServe(t, serveConfig([]string{"primary"}, fakeOpenAI(t)))
	sv.apiURL() // the first is up, its state open
	code, log := serveOnce(t, "--config", sv.path, "--state-dir", filepath.Join(sv.dir, "state"))
	if code != ExitConfig || !strings.Contains(log, filepath.Join(sv.dir, "state")) || !strings.Contains(log, "pid") {
		t.Fatalf("second serve: exit %d, log:\n%s\nwant exit 2 naming the directory and the holder's pid", code, log)
	}
	if code := sv.stop(syscall.SIGTERM); code != ExitOK {
		t.Fatalf("the first serve exited %d", code)
	}
}

// A damaged state file is refused with how to start fresh; --reset-state
// keeps it beside the new one, byte for byte.
func TestDamagedStateIsRefusedAndResetKeepsIt(t *testing.T) {
	dir := isolate(t)
	cfg := writeFile(t, dir, "config.yaml", serveConfig([]string{"primary"}, fakeOpenAI(t)))
	state := filepath.Join(dir, "state")
	if err := os.MkdirAll(state, 0o700); err != nil {
		t.Fatal(err)
	}
	garbage := bytes.Repeat([]byte("not a bbolt file "), 500)
	writeFile(t, state, "state.db", string(garbage))
	code, log := serveOnce(t, "--config", cfg, "--state-dir", state)
	if code != ExitConfig || !strings.Contains(log, filepath.Join(state, "state.db")) || !strings.Contains(log, "--reset-state") {
		t.Fatalf("damaged state: exit %d, log:\n%s\nwant exit 2 naming the file and --reset-state", code, log)
	}

	sv := startServeArgs(t, cfg, "--state-dir", state, "--reset-state")
	sv.apiURL()
	kept, _ := filepath.Glob(filepath.Join(state, "state.db.bad-*"))
	if len(kept) != 1 {
		t.Fatalf("kept copies %v, want one", kept)
	}
	if got, err := os.ReadFile(kept[0]); err != nil || !bytes.Equal(got, garbage) {
		t.Fatalf("the kept copy differs from the damaged file (%v)", err)
	}
	if code := sv.stop(syscall.SIGTERM); code != ExitOK {
		t.Fatalf("serve after --reset-state exited %d", code)
	}
}
