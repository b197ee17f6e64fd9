package cli

import "fmt"

const validateUsage = `Usage: switchboard validate [--config FILE]

Reads and validates the config file without probing anything. Prints
"ok: N providers" and exits 0, or prints every problem as FILE:LINE:COL:
MESSAGE on stderr and exits 2. Warnings (an api_key that looks like a
placeholder) go to stderr as FILE:LINE:COL: warning: ... and do not change
the exit status.

Flags:
`

func runValidate(args []string, s stdio) int {
	fs := newFlags("validate")
	cfgPath := fs.String("config", "", "config `FILE` (default: the usual lookup, see switchboard --help)")
	if done, code := parse(fs, validateUsage, args, s); done {
		return code
	}
	cfg, searched, err := loadConfig(*cfgPath)
	switch {
	case err != nil:
		reportConfigError(s.err, err)
		return ExitConfig
	case cfg == nil:
		return missingConfig(s.err, searched)
	}
	placeholderWarnings(s.err, cfg)
	noun := "providers"
	if len(cfg.Providers) == 1 {
		noun = "provider"
	}
	fmt.Fprintf(s.out, "ok: %d %s in %s\n", len(cfg.Providers), noun, cfg.Path)
	return ExitOK
}
