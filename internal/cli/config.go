package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"switchboard/config"
)

// loadConfig finds the config (config.Resolve) and loads it. When no file
// exists anywhere it returns a nil config, a nil error and the paths it
// looked at, so the caller decides whether that means the demo.
func loadConfig(flagPath string) (cfg *config.Config, searched []string, err error) {
	path, found, searched := config.Resolve(flagPath, os.Getenv)
	if !found {
		return nil, searched, nil
	}
	cfg, err = config.Load(path)
	if err != nil {
		return nil, searched, err
	}
	return cfg, searched, nil
}

// reportConfigError writes a config problem to w: every file:line:col line
// of a config.Errors as is (editors and terminals jump to them), anything
// else (an unreadable file) prefixed with the program name.
func reportConfigError(w io.Writer, err error) {
	var errs config.Errors
	if errors.As(err, &errs) {
		for _, e := range errs {
			fmt.Fprintln(w, e.Error())
		}
		return
	}
	fmt.Fprintf(w, "switchboard: %v\n", err)
}

// noConfigLine is the one stderr line that says the demo is running and
// where a config would have been read from.
func noConfigLine(searched []string) string {
	return fmt.Sprintf("switchboard: no config file found (looked for %s; or pass --config FILE or set $SWITCHBOARD_CONFIG), "+
		"running the demo with simulated providers", strings.Join(searched, ", "))
}

// missingConfig reports, for commands that need a real config, that none
// was found.
func missingConfig(w io.Writer, searched []string) int {
	fmt.Fprintf(w, "switchboard: no config file found (looked for %s); pass --config FILE, set $SWITCHBOARD_CONFIG, "+
		"or start from config.example.yaml\n", strings.Join(searched, ", "))
	return ExitConfig
}
