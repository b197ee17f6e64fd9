package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"time"

	"switchboard/api"
)

const ctlUsage = `Usage: switchboard ctl [--server URL] [--token TOKEN] COMMAND

Acts on a running switchboard serve through its HTTP API: what a runbook
or an incident bot calls.

Commands:
  status [--json]         the active backend, mode, pin, next and every provider
  failover [--from NAME]  drain the active backend; traffic moves to the next routable one
  pin NAME [--for D]      keep NAME active whatever the policy says, until auto or for D
  auto                    clear pins and drains: the policy chooses again
  enable NAME             put NAME back into use
  disable NAME            take NAME out of use
  probe [NAME]            probe NAME, or every provider, now

failover acts only while the backend it moves traffic away from is still
active: the one --from names, else the one ctl reads first. If another has
become active meanwhile, the server refuses (exit 1) and nothing moves.

The server defaults to $SWITCHBOARD_SERVER, else ` + defaultServer + `; the
token to $SWITCHBOARD_TOKEN. Prefer the variable: other users of this
machine can read a --token flag in the process list.

Exit status: 0 done; 1 the server refused (401, 403, 409, 503: its reason
on stderr) or could not be reached; 2 a usage error or an unknown provider.

Flags:
`

// ctlArity is how many arguments each command takes, at least and at most.
var ctlArity = map[string][2]int{
	"status": {0, 0}, "failover": {0, 0}, "pin": {1, 1}, "auto": {0, 0},
	"enable": {1, 1}, "disable": {1, 1}, "probe": {0, 1},
}

// ctlFlagOwner is the command each command's own flag belongs to.
var ctlFlagOwner = map[string]string{"json": "status", "for": "pin", "from": "failover"}

// ctlCommand is one parsed ctl invocation.
type ctlCommand struct {
	name   string   // status, failover, …
	args   []string // its arguments
	json   bool
	pinFor string
	from   string
	server string
	client *api.Client
	s      stdio
}

func runCtl(args []string, s stdio) int {
	fs := newFlags("ctl")
	server := fs.String("server", "", "the API's base `URL` (default $SWITCHBOARD_SERVER, else "+defaultServer+")")
	token := fs.String("token", "", "API `TOKEN` (default $SWITCHBOARD_TOKEN)")
	c := ctlCommand{s: s}
	fs.BoolVar(&c.json, "json", false, "status: print the state as JSON, as GET /api/v1/state answers it")
	fs.StringVar(&c.pinFor, "for", "", "pin: end the pin after `DURATION`, e.g. 15m (default: at auto)")
	fs.StringVar(&c.from, "from", "", "failover: act only while `NAME` is the active backend (default: the one ctl reads first)")
	pos, done, code := parseMixed(fs, ctlUsage, args, s)
	if done {
		return code
	}
	if msg := c.check(fs, pos); msg != "" {
		return usageError(s, fs, ctlUsage, "ctl: %s", msg)
	}
	url, err := serverURL(*server)
	if err != nil {
		return usageError(s, fs, ctlUsage, "ctl: %v", err)
	}
	c.server, c.client = url, api.NewClient(url, tokenOr(*token))
	defer c.client.Close()
	return c.run(context.Background())
}

// check takes the command and its arguments from pos and says what is
// wrong with the invocation, "" if nothing.
func (c *ctlCommand) check(fs *flag.FlagSet, pos []string) string {
	if len(pos) == 0 {
		return "which command? one of status, failover, pin, auto, enable, disable, probe"
	}
	c.name, c.args = pos[0], pos[1:]
	arity, ok := ctlArity[c.name]
	switch {
	case !ok:
		return fmt.Sprintf("unknown command %q", c.name)
	case len(c.args) < arity[0]:
		return c.name + " needs a provider name"
	case len(c.args) > arity[1]:
		return fmt.Sprintf("%s: unexpected argument %q", c.name, c.args[arity[1]])
	}
	var msg string
	fs.Visit(func(f *flag.Flag) {
		if owner, ok := ctlFlagOwner[f.Name]; ok && owner != c.name && msg == "" {
			msg = fmt.Sprintf("--%s applies to %s only", f.Name, owner)
		}
	})
	if d, err := time.ParseDuration(c.pinFor); msg == "" && c.pinFor != "" && (err != nil || d <= 0) {
		msg = fmt.Sprintf("--for %q: want a duration such as 15m or 1h30m", c.pinFor)
	}
	return msg
}

func (c *ctlCommand) run(ctx context.Context) int {
	switch c.name {
	case "status":
		return c.status(ctx)
	case "failover":
		return c.failover(ctx)
	}
	req, what := c.request()
	res, err := c.client.Command(ctx, req)
	if err != nil {
		return c.fail(err)
	}
	fmt.Fprintf(c.s.out, "%s: %s; active: %s (seq %d)\n", c.name, what, nameOr(res.Active, "none"), res.Seq)
	return ExitOK
}

// request is the API command of pin, auto, enable, disable or probe, and
// what it does in words.
func (c *ctlCommand) request() (api.CommandRequest, string) {
	name := ""
	if len(c.args) > 0 {
		name = c.args[0]
	}
	switch c.name {
	case "pin":
		until := "until auto"
		if c.pinFor != "" {
			until = "for " + c.pinFor
		}
		return api.CommandRequest{Action: api.ActionPin, Provider: name, For: c.pinFor}, name + " pinned " + until
	case "auto":
		return api.CommandRequest{Action: api.ActionAuto}, "back to automatic routing"
	case "enable":
		return api.CommandRequest{Action: api.ActionEnable, Provider: name}, name + " enabled"
	case "disable":
		return api.CommandRequest{Action: api.ActionDisable, Provider: name}, name + " disabled"
	}
	if name == "" {
		return api.CommandRequest{Action: api.ActionProbe}, "probe of every provider requested"
	}
	return api.CommandRequest{Action: api.ActionProbe, Provider: name}, "probe of " + name + " requested"
}

func (c *ctlCommand) status(ctx context.Context) int {
	st, err := c.client.State(ctx)
	if err != nil {
		return c.fail(err)
	}
	if !c.json {
		writeStatus(c.s.out, c.server, st)
		return ExitOK
	}
	enc := json.NewEncoder(c.s.out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(st); err != nil {
		fmt.Fprintf(c.s.err, "switchboard ctl: writing JSON: %v\n", err)
		return ExitFail
	}
	return ExitOK
}

// failover moves traffic away from the backend the operator means: the
// one --from names, else the one active when ctl looked. The server
// applies it only while that backend is still active.
func (c *ctlCommand) failover(ctx context.Context) int {
	from := c.from
	if from == "" {
		st, err := c.client.State(ctx)
		if err != nil {
			return c.fail(err)
		}
		if st.Active == nil {
			fmt.Fprintln(c.s.err, "switchboard ctl: failover: no backend is active: nothing to fail over from")
			return ExitFail
		}
		from = *st.Active
	}
	res, err := c.client.Command(ctx, api.CommandRequest{Action: api.ActionFailover, ExpectActive: from})
	if err != nil {
		return c.fail(err)
	}
	fmt.Fprintf(c.s.out, "failover: %s → %s (seq %d)\n", from, nameOr(res.Active, "none"), res.Seq)
	return ExitOK
}

// fail reports why the server did not act and returns the exit status: 2
// for a request the server calls bad (an unknown provider, a bad
// duration), 1 for a refusal or no answer.
func (c *ctlCommand) fail(err error) int {
	var refused *api.Error
	if errors.As(err, &refused) {
		fmt.Fprintf(c.s.err, "switchboard ctl: %s refused by %s: %d %s: %s\n",
			c.name, c.server, refused.Status, http.StatusText(refused.Status), refused.Msg)
		switch refused.Status {
		case http.StatusBadRequest:
			return ExitConfig
		case http.StatusUnauthorized:
			fmt.Fprintln(c.s.err, "switchboard ctl: give the API token in $SWITCHBOARD_TOKEN (or --token)")
		}
		return ExitFail
	}
	fmt.Fprintf(c.s.err, "switchboard ctl: %s: %v\n", c.name, err)
	if _, unreachable := errors.AsType[*net.OpError](err); unreachable {
		fmt.Fprintln(c.s.err, "switchboard ctl: is switchboard serve running there? name it with --server or $SWITCHBOARD_SERVER")
	}
	return ExitFail
}

// nameOr is *p, or none when p is nil.
func nameOr(p *string, none string) string {
	if p == nil {
		return none
	}
	return *p
}
