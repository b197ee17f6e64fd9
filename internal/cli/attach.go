package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"switchboard/api"
	"switchboard/config"
	"switchboard/model"
)

const attachUsage = `Usage: switchboard attach [URL] [--token TOKEN] [--readonly]

The dashboard of a running switchboard serve: the same screen, keys and
confirmations as the dashboard that runs everything in one process, fed by
the server's stream and acting through its API. The header names the
server. A viewer token makes the screen read-only. When the connection
drops, the screen says so at once, marks what it shows as the last data
seen, and reconnects by itself.

URL defaults to $SWITCHBOARD_SERVER, else ` + defaultServer + ` ("HOST:PORT"
means http); the token to $SWITCHBOARD_TOKEN. Prefer the variable: other
users of this machine can read a --token flag in the process list.

Exit status: 0 on quit; 1 when the server cannot be reached or refuses the
token at the start; 2 on a usage error.

Flags:
`

// attachConfig is one attach invocation.
type attachConfig struct {
	server, token string
	readOnly      bool
	remote        api.RemoteOptions // reconnection backoff; tests shorten it
}

func runAttach(args []string, s stdio) int {
	fs := newFlags("attach")
	token := fs.String("token", "", "API `TOKEN` (default $SWITCHBOARD_TOKEN)")
	readonly := fs.Bool("readonly", false, "watch only: the keys that change routing are hidden and disabled")
	pos, done, code := parseMixed(fs, attachUsage, args, s)
	if done {
		return code
	}
	if len(pos) > 1 {
		return usageError(s, fs, attachUsage, "attach: one server URL, not %d", len(pos))
	}
	given := ""
	if len(pos) == 1 {
		given = pos[0]
	}
	url, err := serverURL(given)
	if err != nil {
		return usageError(s, fs, attachUsage, "attach: %v", err)
	}
	ctx := context.Background()
	screen, closeAll, code := openAttach(ctx, attachConfig{server: url, token: tokenOr(*token), readOnly: *readonly}, s)
	if closeAll == nil {
		return code
	}
	defer closeAll()
	return runScreen(ctx, screen, s)
}

// openAttach asks the server who we are, then builds the dashboard over a
// Remote of it; closeAll stops both. A server that does not answer or
// refuses the token at the start is reported on the plain terminal
// (closeAll nil, exit 1), where a typo in the URL or the token is seen,
// not behind a full screen that retries for ever. Once attached, a lost
// connection is retried by itself.
func openAttach(ctx context.Context, c attachConfig, s stdio) (screen model.Model, closeAll func(), code int) {
	client := api.NewClient(c.server, c.token)
	st, err := client.State(ctx)
	if err != nil {
		client.Close()
		var refused *api.Error
		if errors.As(err, &refused) {
			fmt.Fprintf(s.err, "switchboard attach: %s refused: %d %s: %s\n", c.server, refused.Status,
				http.StatusText(refused.Status), refused.Msg)
		} else {
			fmt.Fprintf(s.err, "switchboard attach: cannot reach %s: %v\n", c.server, err)
		}
		return model.Model{}, nil, ExitFail
	}
	viewer := st.Caller.Role == config.RoleViewer
	remote := api.NewRemote(client, c.remote)
	b := remoteBackend{Remote: remote, as: fmt.Sprintf("%s (%s)", st.Caller.Name, st.Caller.Role)}
	screen = model.New(b, model.Options{ReadOnly: c.readOnly || viewer, NoColor: noColor()})
	return screen, func() { screen.Close(); remote.Close() }, ExitOK
}

// remoteBackend is a Remote as the dashboard's Linked backend: its
// connection in the model's terms, with the name the server knows us by.
type remoteBackend struct {
	*api.Remote
	as string
}

var _ model.Linked = remoteBackend{}

// Conn is the Remote's connection.
func (b remoteBackend) Conn() model.Conn {
	c := b.Remote.Conn()
	return model.Conn{Server: c.Server, As: b.as, Connected: c.Connected, Since: c.Since, Ever: c.Ever,
		LastError: c.LastError, Attempts: c.Attempts}
}
