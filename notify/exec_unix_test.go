//go:build unix

package notify

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"switchboard/internal/waitfor"

	"switchboard/config"
	"switchboard/probes"
)

// A program killed at the timeout takes its children with it: a script's
// background job must not run on unseen after the delivery gave up.
func TestExecTimeoutKillsTheProcessGroup(t *testing.T) {
	dir := t.TempDir()
	prog := shellScript(t, `sleep 60 & echo $! >"$1/child"; wait`)
	src := newBoardSource("openai", "azure-openai")
	n := New([]config.Notify{{Exec: []string{prog, dir}}}, Options{Timeout: 300 * time.Millisecond, RetryFor: time.Millisecond, Logger: quiet})
	runNotifier(t, n, src)
	src.fail("openai", probes.ClassTimeout, 3)
	src.publish()
	waitfor.Cond(t, "the delivery to give up", func() bool { return n.Stats()[0].Failed == 1 })
	b, err := os.ReadFile(filepath.Join(dir, "child"))
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	waitfor.Cond(t, "the script's child to be gone", func() bool { return syscall.Kill(pid, 0) != nil })
}
