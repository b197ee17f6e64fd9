package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// Notify is one destination of notifications: a webhook or a program.
type Notify struct {
	// Webhook receives a POST of Slack-compatible JSON {"text": "..."}.
	// Its path or query usually holds a secret (Slack's does): it is
	// redacted wherever it is shown.
	Webhook string `yaml:"webhook"`
	// Exec runs a program, the event as JSON on its stdin and in
	// SWITCHBOARD_EVENT_* variables: the program first, then its arguments.
	Exec []string `yaml:"exec"`
	// On names the events sent here (NotifyEvents); default all of them.
	On []string `yaml:"on"`
}

// Events a notify destination may name in "on". Each is read from the
// monitor's event log:
//   - active: the active backend moved from one provider to another (not
//     the first choice when switchboard starts);
//   - down, degraded, rate-limited, misconfigured, disabled: a provider
//     entered that state (a provider the operator re-enables starts over
//     as down until probes pass: that is an operator event, not down);
//   - up: a provider is up again after being in another state (not its
//     first probe at start);
//   - official: an authoritative status page began or stopped reporting
//     an outage of a provider;
//   - panic: nothing is routable (PANIC), and PANIC is over;
//   - operator: an operator's command was applied or refused, or a pin
//     expired.
const (
	NotifyActive        = "active"
	NotifyDown          = "down"
	NotifyUp            = "up"
	NotifyDegraded      = "degraded"
	NotifyRateLimited   = "rate-limited"
	NotifyMisconfigured = "misconfigured"
	NotifyDisabled      = "disabled"
	NotifyOfficial      = "official"
	NotifyPanic         = "panic"
	NotifyOperator      = "operator"
)

// NotifyEvents lists every event name "on" accepts, which is also its
// default.
func NotifyEvents() []string {
	return []string{NotifyActive, NotifyDown, NotifyUp, NotifyDegraded, NotifyRateLimited,
		NotifyMisconfigured, NotifyDisabled, NotifyOfficial, NotifyPanic, NotifyOperator}
}

// applyNotifyDefaults sends every event to a destination that names none.
func applyNotifyDefaults(ns []Notify) {
	for i := range ns {
		if len(ns[i].On) == 0 {
			ns[i].On = NotifyEvents()
		}
	}
}

// notifyList decodes and checks the notify section: a list of destinations.
func (d *decoder) notifyList(v ast.Node) []Notify {
	r := d.resolve(v)
	if _, null := r.(*ast.NullNode); isNil(r) || null {
		return nil
	}
	seq, ok := r.(*ast.SequenceNode)
	if !ok {
		d.add(posOf(v), "notify: expected a list of destinations (webhook: URL, or exec: [program, args...]), got %s", describe(r))
		return nil
	}
	var out []Notify
	for i, item := range seq.Values {
		path := fmt.Sprintf("notify[%d]", i)
		if _, ok := d.resolve(item).(ast.MapNode); !ok {
			d.add(posOf(item), "%s: expected a destination (a mapping with webhook or exec), got %s", path, describe(d.resolve(item)))
			continue
		}
		var n Notify
		var execAt, onAt []pos
		f := d.mapping(item, path, notifyFields, func(key string, v ast.Node) {
			switch key {
			case "webhook":
				d.str(v, join(path, key), &n.Webhook)
			case "exec":
				n.Exec, execAt = d.strList(v, join(path, key), "[program, args...]")
			case "on":
				n.On, onAt = d.strList(v, join(path, key), "[down, up, ...]")
			}
		})
		d.checkNotify(&n, f, path, execAt, onAt)
		out = append(out, n)
	}
	return out
}

// strList reads a list of strings and where each was written.
func (d *decoder) strList(v ast.Node, path, example string) ([]string, []pos) {
	r := d.resolve(v)
	if _, null := r.(*ast.NullNode); isNil(r) || null {
		return nil, nil
	}
	seq, ok := r.(*ast.SequenceNode)
	if !ok {
		d.add(posOf(v), "%s: expected a list such as %s, got %s", path, example, describe(r))
		return nil, nil
	}
	out, at := []string{}, []pos{}
	for i, item := range seq.Values {
		var s string
		d.str(item, fmt.Sprintf("%s[%d]", path, i), &s)
		out, at = append(out, s), append(at, posOf(item))
	}
	return out, at
}

// checkNotify checks one destination: exactly one of webhook and exec, a
// webhook URL that can be posted to, a program that exists and may be run,
// and known event names. A webhook URL is never quoted: it holds a secret.
func (d *decoder) checkNotify(n *Notify, f *fields, path string, execAt, onAt []pos) {
	hasHook, hasExec := f.has("webhook"), f.has("exec")
	switch {
	case !hasHook && !hasExec:
		d.add(f.start, `%s: needs "webhook: URL" or "exec: [program, args...]"`, path)
	case hasHook && hasExec:
		d.add(f.val("exec"), "%s: has both webhook and exec; write one destination per entry", path)
	}
	if hasHook && !f.bad["webhook"] {
		if n.Webhook == "" {
			d.add(f.val("webhook"), "%s.webhook: must not be empty", path)
		} else if msg := checkURL(n.Webhook); msg != "" {
			d.add(f.val("webhook"), "%s.webhook: %s", path, msg)
		}
	}
	if hasExec && !f.bad["exec"] {
		switch {
		case len(n.Exec) == 0:
			d.add(f.val("exec"), "%s.exec: the list is empty; name the program to run first", path)
		case n.Exec[0] == "":
			d.add(execAt[0], "%s.exec[0]: the program must not be empty", path)
		default:
			if msg := checkProgram(n.Exec[0]); msg != "" {
				d.add(execAt[0], "%s.exec[0]: %s %s", path, quote(n.Exec[0]), msg)
			}
		}
	}
	if f.has("on") && !f.bad["on"] {
		if len(n.On) == 0 {
			d.add(f.val("on"), "%s.on: the list is empty; leave on out to send every event", path)
		}
		d.checkEventNames(n.On, onAt, path)
	}
}

func (d *decoder) checkEventNames(names []string, at []pos, path string) {
	valid := NotifyEvents()
	for i, name := range names {
		if slices.Contains(valid, name) {
			continue
		}
		hint := ""
		if s := suggest(name, valid); s != "" {
			hint = fmt.Sprintf(" (did you mean %q?)", s)
		}
		d.add(at[i], "%s.on: unknown event %s%s; valid events: %s", path, quote(name), hint, strings.Join(valid, ", "))
	}
}

// checkProgram says what keeps name from being run, "" when nothing does.
// A name without a slash is looked up in PATH, as exec does: a service
// manager may run switchboard with another PATH, so an absolute path is
// the safer thing to write.
func checkProgram(name string) string {
	if !strings.Contains(name, "/") {
		if _, err := exec.LookPath(name); err != nil {
			return "is not found in PATH (write its absolute path)"
		}
		return ""
	}
	st, err := os.Stat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "does not exist"
	case errors.Is(err, fs.ErrPermission):
		return "cannot be reached: permission denied"
	case err != nil:
		return "cannot be read"
	case st.IsDir():
		return "is a directory, not a program"
	case st.Mode().Perm()&0o111 == 0:
		return "is not executable (chmod +x)"
	}
	return ""
}

// RedactWebhook shows a webhook URL as its scheme and host alone: its
// path and query usually hold the secret (Slack's
// /services/T…/B…/XXXX, a ?token=), so neither is ever shown.
func RedactWebhook(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return Mask
	}
	return u.Scheme + "://" + u.Host + "/" + Mask
}

// redactNotify is ns safe to print: webhook URLs reduced to their host,
// and the program arguments that look like credentials masked.
func redactNotify(ns []Notify) []Notify {
	if ns == nil {
		return nil
	}
	out := make([]Notify, len(ns))
	for i, n := range ns {
		if n.Webhook != "" {
			n.Webhook = RedactWebhook(n.Webhook)
		}
		n.Exec = redactArgs(n.Exec)
		n.On = slices.Clone(n.On)
		out[i] = n
	}
	return out
}

// redactArgs masks what in a command line looks like a credential: a URL
// (its path may be a webhook's secret), "--token=X" or "Authorization: X",
// and the value after a flag named like a credential ("--api-key X").
func redactArgs(argv []string) []string {
	out := slices.Clone(argv)
	for i := 1; i < len(argv); i++ {
		a, prev := argv[i], argv[i-1]
		name, _, hasValue := strings.Cut(a, "=")
		if !hasValue {
			name, _, hasValue = strings.Cut(a, ":")
		}
		switch {
		case strings.Contains(a, "://"):
			out[i] = RedactWebhook(a)
		case hasValue && secretName(name):
			out[i] = name + a[len(name):len(name)+1] + Mask
		case strings.HasPrefix(prev, "-") && !strings.Contains(prev, "=") && secretName(prev):
			out[i] = Mask
		}
	}
	return out
}
