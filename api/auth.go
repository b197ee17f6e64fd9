package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"switchboard/internal/localnet"

	"switchboard/config"
	"switchboard/monitor"
)

// token is one configured bearer token. Only its hash is kept, so every
// comparison is of 32 bytes and takes the same time whatever the length
// of the token presented.
type token struct {
	name string
	hash [sha256.Size]byte
	role string
}

// caller is who made a request: the actor their commands' events name and
// what they may do.
type caller struct {
	actor monitor.Actor
	role  string
}

// handlerFunc is an endpoint behind the guard, told who is calling.
type handlerFunc func(http.ResponseWriter, *http.Request, caller)

// newTokens checks what config validation checks, for callers that build
// a config.API by hand; messages name tokens, never their values.
func newTokens(cfg []config.APIToken) ([]token, error) {
	seen := map[string]bool{}
	out := make([]token, 0, len(cfg))
	for i, t := range cfg {
		switch {
		case t.Name == "" || seen[t.Name]:
			return nil, fmt.Errorf("api: token %d: name %q is empty or used twice", i, t.Name)
		case t.Token == "" || t.Token != strings.TrimSpace(t.Token):
			return nil, fmt.Errorf("api: token %q is empty or has whitespace at an end", t.Name)
		case t.Role != config.RoleViewer && t.Role != config.RoleOperator:
			return nil, fmt.Errorf("api: token %q: role %q is neither viewer nor operator", t.Name, t.Role)
		}
		seen[t.Name] = true
		out = append(out, token{name: t.Name, hash: sha256.Sum256([]byte(t.Token)), role: t.Role})
	}
	return out, nil
}

// guard lets a request reach h only when its caller may: with tokens, a
// valid bearer token (401) whose role allows need (403); without, a
// local program, acting as "operator".
func (s *Server) guard(need string, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		who, err := s.authenticate(r)
		switch {
		case errors.Is(err, errNotLocal):
			writeError(w, http.StatusForbidden, "%s", err)
			return
		case err != nil:
			w.Header().Set("WWW-Authenticate", `Bearer realm="switchboard"`)
			writeError(w, http.StatusUnauthorized, "%s", err)
			return
		}
		if need == config.RoleOperator && who.role != config.RoleOperator {
			s.log.Warn("command refused", "actor", string(who.actor), "role", who.role, "status", http.StatusForbidden)
			writeError(w, http.StatusForbidden, "token %q is a viewer: it may read but not act; use an operator token", string(who.actor))
			return
		}
		h(w, r, who)
	})
}

var (
	errNotLocal = errors.New("without api.tokens only programs on this machine may use the API; " +
		"refused a request from another host, a web page or under a non-local host name")
	errNoToken = errors.New("missing or wrong API token; send Authorization: Bearer <token>")
)

// authenticate says who is calling. It compares the token presented with
// every configured one, without stopping at a match, in constant time.
func (s *Server) authenticate(r *http.Request) (caller, error) {
	if len(s.tokens) == 0 {
		if !localRequest(r) {
			return caller{}, errNotLocal
		}
		return caller{actor: monitor.ActorOperator, role: config.RoleOperator}, nil
	}
	const prefix = "Bearer "
	auth := r.Header.Get("Authorization")
	if len(auth) < len(prefix) || !strings.EqualFold(auth[:len(prefix)], prefix) {
		return caller{}, errNoToken
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(auth[len(prefix):])))
	match := -1
	for i := range s.tokens {
		if subtle.ConstantTimeCompare(got[:], s.tokens[i].hash[:]) == 1 {
			match = i
		}
	}
	if match < 0 {
		return caller{}, errNoToken
	}
	t := s.tokens[match]
	return caller{actor: monitor.Actor(t.name), role: t.role}, nil
}

// localRequest reports whether a request comes from a program on this
// machine: a loopback peer, and no sign of a web page (see localnet).
func localRequest(r *http.Request) bool {
	return localnet.Host(r.RemoteAddr) && localnet.Request(r)
}
