package cli

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strings"

	"switchboard/config"
)

// defaultServer is where ctl and attach look for a switchboard serve
// when neither the command line nor $SWITCHBOARD_SERVER names one.
const defaultServer = "http://" + config.DefaultAPIListen

// parseMixed parses args whose flags may come before, between or after
// the positional arguments ("pin azure --for 15m"), which the flag
// package alone stops at; everything after "--" is positional. Like
// parse, it returns done=true with the exit status for --help or a usage
// error.
func parseMixed(fs *flag.FlagSet, usage string, args []string, s stdio) (pos []string, done bool, code int) {
	for {
		err := fs.Parse(args)
		switch {
		case errors.Is(err, flag.ErrHelp):
			writeUsage(s.out, fs, usage)
			return nil, true, ExitOK
		case err != nil:
			return nil, true, usageError(s, fs, usage, "%v", err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, false, ExitOK
		}
		if consumed := args[:len(args)-len(rest)]; len(consumed) > 0 && consumed[len(consumed)-1] == "--" {
			return append(pos, rest...), false, ExitOK
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}

// usageError reports a usage error with the command's usage on stderr and
// returns ExitConfig.
func usageError(s stdio, fs *flag.FlagSet, usage, format string, a ...any) int {
	fmt.Fprintf(s.err, "switchboard: "+format+"\n\n", a...)
	writeUsage(s.err, fs, usage)
	return ExitConfig
}

// serverURL is the API's base URL: the flag's or argument's, else
// $SWITCHBOARD_SERVER, else the default; "host:port" means http. A URL
// with a user or password is refused: the token belongs in --token or
// $SWITCHBOARD_TOKEN, where no message repeats it.
func serverURL(given string) (string, error) {
	raw := strings.TrimSpace(given)
	if raw == "" {
		raw = strings.TrimSpace(os.Getenv("SWITCHBOARD_SERVER"))
	}
	if raw == "" {
		return defaultServer, nil
	}
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	if strings.Contains(raw, "@") { // checked before parsing: a parse error would repeat the URL
		return "", errors.New("server URL: put the token in --token or $SWITCHBOARD_TOKEN, not in the URL")
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "", fmt.Errorf("server URL: %w", err)
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
		return "", fmt.Errorf("server URL %q: want http://HOST:PORT or https://HOST:PORT", u.Redacted())
	case u.RawQuery != "" || u.Fragment != "":
		return "", fmt.Errorf("server URL %q: want no query or fragment", u.Redacted())
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// tokenOr is the token given, else $SWITCHBOARD_TOKEN.
func tokenOr(given string) string {
	if given != "" {
		return given
	}
	return strings.TrimSpace(os.Getenv("SWITCHBOARD_TOKEN"))
}
