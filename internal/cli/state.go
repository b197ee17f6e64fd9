package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"switchboard/config"
	"switchboard/monitor"
	"switchboard/store"
)

// stateFlags are the flags serve and the dashboard share for their state.
type stateFlags struct {
	dir   string // --state-dir
	reset bool   // --reset-state
}

// stateDirFor is where the state file lives: --state-dir, else the config's
// state_dir, else $XDG_STATE_HOME/switchboard (~/.local/state/switchboard).
// "" means none can be found (no home directory): run without state.
func stateDirFor(flagDir string, cfg *config.Config) string {
	switch {
	case flagDir != "":
		return flagDir
	case cfg.StateDir != "":
		return cfg.StateDir
	case os.Getenv("XDG_STATE_HOME") != "":
		return filepath.Join(os.Getenv("XDG_STATE_HOME"), "switchboard")
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return ""
	}
	return filepath.Join(home, ".local", "state", "switchboard")
}

// openedState is the store a run records into and what it read back.
type openedState struct {
	store    *store.Store
	restored *monitor.Restored
	keptAs   string // where --reset-state put the old file, "" if none
}

// openState opens (after --reset-state, a fresh) state file in dir and
// reads it back. Its errors are the user's to read as they are: a second
// process on dir (naming it), an unreadable file (naming it and how to
// start fresh); the file is never silently replaced.
func openState(dir string, reset bool, cfg *config.Config) (*openedState, error) {
	st := &openedState{}
	if reset {
		kept, err := store.Reset(dir)
		if err != nil {
			return nil, err
		}
		st.keptAs = kept
	}
	s, err := store.Open(dir, store.Options{Window: cfg.Window.D(), Retention: cfg.EventRetention.D(),
		MaxEvents: config.MaxKeptEvents})
	if err != nil {
		return nil, err
	}
	r, err := s.Load()
	if err != nil {
		_ = s.Close()
		return nil, err
	}
	st.store, st.restored = s, r
	return st, nil
}

// journal is the monitor's view of the state, nil-safe.
func (o *openedState) journal() (monitor.Journal, *monitor.Restored) {
	if o == nil {
		return nil, nil
	}
	return o.store, o.restored
}

// close flushes and closes the state file; call it after the monitor stops.
func (o *openedState) close() error {
	if o == nil {
		return nil
	}
	return o.store.Close()
}

// stateError says what went wrong with the state file in one line a person
// can act on; a lock or a damaged file already says so in its own words.
func stateError(dir string, err error) string {
	if errors.Is(err, store.ErrLocked) || errors.Is(err, store.ErrCorrupt) {
		return err.Error()
	}
	return fmt.Sprintf("state in %s: %v", dir, err)
}

// openState opens the dashboard's state file before the monitor starts.
// The demo keeps none unless a directory is named: its story restarts
// each time, and must not leave its pins in the user's real state.
func (e *runEnv) openState(f stateFlags, s stdio) int {
	if e.demo != nil && f.dir == "" {
		return ExitOK
	}
	dir := stateDirFor(f.dir, e.cfg)
	if dir == "" {
		return ExitOK
	}
	st, err := openState(dir, f.reset, e.cfg)
	if err != nil {
		fmt.Fprintf(s.err, "switchboard: %s\n", stateError(dir, err))
		return ExitConfig
	}
	if st.keptAs != "" {
		fmt.Fprintf(s.err, "switchboard: state reset; the old file is kept as %s\n", st.keptAs)
	}
	e.state = st
	return ExitOK
}
