package cli

import (
	"os"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// A test that needs serve in a process of its own (to kill it with
	// SIGKILL) runs this binary again with these variables.
	if args := os.Getenv(childServeEnv); args != "" {
		os.Exit(runServeCmd(strings.Split(args, "\x1f"), stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr}))
	}
	// teatest.NewTestModel starts a goroutine that waits for SIGINT for the
	// life of the process; it is the library's, not the dashboard's.
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("github.com/charmbracelet/x/exp/teatest/v2.NewTestModel.func2"))
}
