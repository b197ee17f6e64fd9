package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"switchboard/monitor"
)

// program runs a command once per notification: the message as JSON on
// stdin, and in SWITCHBOARD_EVENT_* variables for a shell script.
type program struct {
	argv []string
	r    *redactor
	env  []string // the process environment without any variable holding a secret
}

// payload is the JSON a program reads on stdin: the named event's fields
// at the top for a simple script, and every event the text tells.
type payload struct {
	Name string `json:"name"`
	Text string `json:"text"`
	eventJSON
	DroppedBefore uint64      `json:"dropped_before"`
	Events        []eventJSON `json:"events"`
}

type eventJSON struct {
	Seq      uint64    `json:"seq"`
	At       time.Time `json:"at"`
	Kind     string    `json:"kind"`
	Provider string    `json:"provider"`
	From     string    `json:"from"`
	To       string    `json:"to"`
	Cause    string    `json:"cause"`
	Actor    string    `json:"actor"`
}

func toJSON(e monitor.Event, r *redactor) eventJSON {
	return eventJSON{Seq: e.Seq, At: e.At, Kind: string(e.Kind), Provider: e.Provider, From: e.From, To: e.To,
		Cause: r.redact(e.Cause), Actor: string(e.Actor)}
}

// stderrKept is how much of a failed program's stderr its error shows.
const stderrKept = 512

func (p *program) send(ctx context.Context, m *Message) error {
	events := make([]eventJSON, len(m.Events))
	for i, e := range m.Events {
		events[i] = toJSON(e, p.r)
	}
	first := events[0]
	pl := payload{Name: m.Name, Text: m.Text, eventJSON: first, DroppedBefore: m.DroppedBefore, Events: events}
	stdin, err := json.Marshal(pl)
	if err != nil {
		return &permanentError{err}
	}
	cmd := exec.CommandContext(ctx, p.argv[0], p.argv[1:]...)
	cmd.Stdin = bytes.NewReader(stdin)
	cmd.Env = slices.Concat(p.env, []string{
		"SWITCHBOARD_EVENT_NAME=" + pl.Name, "SWITCHBOARD_EVENT_TEXT=" + pl.Text,
		"SWITCHBOARD_EVENT_SEQ=" + strconv.FormatUint(pl.Seq, 10), "SWITCHBOARD_EVENT_AT=" + pl.At.UTC().Format(time.RFC3339Nano),
		"SWITCHBOARD_EVENT_KIND=" + pl.Kind, "SWITCHBOARD_EVENT_PROVIDER=" + pl.Provider,
		"SWITCHBOARD_EVENT_FROM=" + pl.From, "SWITCHBOARD_EVENT_TO=" + pl.To,
		"SWITCHBOARD_EVENT_CAUSE=" + pl.Cause, "SWITCHBOARD_EVENT_ACTOR=" + pl.Actor,
		"SWITCHBOARD_EVENT_DROPPED_BEFORE=" + strconv.FormatUint(pl.DroppedBefore, 10)})
	stderr := &headBuffer{limit: stderrKept}
	cmd.Stdout, cmd.Stderr = discard{}, stderr
	// A child the program leaves behind may hold its output open: Wait
	// gives up on it this long after the program ends or is killed.
	cmd.WaitDelay = time.Second
	killGroup(cmd)
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return nil
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return errors.New("no exit before the timeout: killed")
	case errors.As(err, &exit):
		msg := exit.ProcessState.String() // "exit status 3", "signal: killed"
		if words := oneLine(p.r.redact(stderr.String()), 200); words != "" {
			msg += ": " + words
		}
		return errors.New(msg)
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission), errors.Is(err, exec.ErrNotFound):
		return &permanentError{errors.New("cannot run " + filepath.Base(p.argv[0]) + ": " + p.r.redact(err.Error()))}
	}
	return errors.New(p.r.redact(err.Error()))
}

// environWithout is the process environment less every variable whose
// value holds a secret (a provider's key given as ${OPENAI_API_KEY}): the
// program keeps PATH, proxies and its own settings, and never sees keys.
func environWithout(r *redactor) []string {
	var out []string
	for _, kv := range os.Environ() {
		_, v, _ := strings.Cut(kv, "=")
		if r.redact(v) == v {
			out = append(out, kv)
		}
	}
	return out
}

// headBuffer keeps the first limit bytes written and swallows the rest,
// so a program that writes without end neither fills memory nor blocks.
type headBuffer struct {
	bytes.Buffer
	limit int
}

func (b *headBuffer) Write(p []byte) (int, error) {
	if room := b.limit - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
