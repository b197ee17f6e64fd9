// Package cli is switchboard's command line: flags, subcommands, wiring and
// exit codes, so that main.go stays one line.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
)

// Exit statuses shared by every subcommand.
const (
	ExitOK     = 0 // success; for check: at least one provider is routable
	ExitFail   = 1 // check: nothing routable; dashboard: a runtime failure
	ExitConfig = 2 // bad usage or a bad config
)

// Version is the program's version; release builds set it with
// -ldflags "-X switchboard/internal/cli.Version=v1.2.3".
var Version = ""

// stdio bundles the streams of one invocation so tests can capture them.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// Run executes one invocation of switchboard with args (without the program
// name) and returns the process exit status.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	s := stdio{in: stdin, out: stdout, err: stderr}
	if len(args) > 0 {
		switch args[0] {
		case "check":
			return runCheck(args[1:], s)
		case "ctl":
			return runCtl(args[1:], s)
		case "attach":
			return runAttach(args[1:], s)
		case "validate":
			return runValidate(args[1:], s)
		case "serve":
			return runServeCmd(args[1:], s)
		case "version":
			return printVersion(s)
		case "help":
			return runRoot([]string{"-help"}, s) // the usage with its flags, as --help prints it
		}
	}
	return runRoot(args, s)
}

const rootUsage = `switchboard keeps LLM-backed applications running when one AI provider fails.

Usage:
  switchboard [--config FILE] [--demo] [--readonly]    the dashboard (and the gateway, when configured)
  switchboard check [--config FILE] [--json]           probe every provider once; exit 0 if one is routable
  switchboard validate [--config FILE]                 check the config file only
  switchboard serve [--config FILE] [--state-dir DIR]  monitor, gateway and API as a service: no screen, JSON logs
  switchboard ctl [--server URL] COMMAND               act on a running serve: status, failover, pin, auto, …
  switchboard attach [URL] [--readonly]                the dashboard of a running serve
  switchboard --version

With no config file found (--config, $SWITCHBOARD_CONFIG, ./switchboard.yaml,
$XDG_CONFIG_HOME/switchboard/config.yaml or ~/.config/switchboard/config.yaml)
the dashboard runs a built-in demo with simulated providers.

Flags:
`

// newFlags returns a FlagSet for one command; parse, not the flag package,
// reports its errors and usage, so output goes to the streams of this call.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parse parses args. It returns done=true with the exit status when the
// invocation ends here: --help (usage on stdout, 0) or a usage error
// (message and usage on stderr, 2). Stray arguments are usage errors too.
func parse(fs *flag.FlagSet, usage string, args []string, s stdio) (done bool, code int) {
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		writeUsage(s.out, fs, usage)
		return true, ExitOK
	case err != nil:
		fmt.Fprintf(s.err, "switchboard: %v\n\n", err)
		writeUsage(s.err, fs, usage)
		return true, ExitConfig
	case fs.NArg() > 0:
		fmt.Fprintf(s.err, "switchboard: unknown command or argument %q\n\n", fs.Arg(0))
		writeUsage(s.err, fs, usage)
		return true, ExitConfig
	}
	return false, ExitOK
}

func writeUsage(w io.Writer, fs *flag.FlagSet, usage string) {
	fmt.Fprint(w, usage)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

func printVersion(s stdio) int {
	fmt.Fprintln(s.out, "switchboard", version())
	return ExitOK
}

// version is Version, else the module version stamped by `go install`,
// else the VCS revision stamped by `go build`, else "devel".
func version() string {
	if Version != "" {
		return Version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, dirty string
	for _, st := range bi.Settings {
		switch st.Key {
		case "vcs.revision":
			rev = st.Value
		case "vcs.modified":
			if st.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if rev == "" {
		return "devel (" + bi.GoVersion + ")"
	}
	return fmt.Sprintf("devel %s%s (%s)", rev[:min(12, len(rev))], dirty, bi.GoVersion)
}

// noColor honours https://no-color.org: any non-empty NO_COLOR.
func noColor() bool { return strings.TrimSpace(os.Getenv("NO_COLOR")) != "" }
