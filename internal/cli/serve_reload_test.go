package cli

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"switchboard/monitor"
)

// rewrite replaces serve's config file and sends SIGHUP.
func (sv *served) rewrite(config string) {
	sv.t.Helper()
	if err := os.WriteFile(sv.path, []byte(config), 0o600); err != nil {
		sv.t.Fatal(err)
	}
	sv.sigs <- syscall.SIGHUP
}

// eventsAfter returns the events logged after the first entry match accepts.
func (sv *served) eventsAfter(match func(map[string]any) bool) []map[string]any {
	var out []map[string]any
	seen := false
	for _, e := range sv.log.entries(sv.t) {
		switch {
		case !seen:
			seen = match(e)
		case e["msg"] == "event":
			out = append(out, e)
		}
	}
	return out
}

func names(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

// SIGHUP with a good config: the staying provider keeps its state and
// history, the added one starts unknown and is probed, the removed one
// leaves with an event, and the gateway serves on. A changed listen
// address is logged as needing a restart and the old one keeps serving.
func TestServeReloadsAGoodConfigOnSIGHUP(t *testing.T) {
	stay, old, added := fakeOpenAI(t), fakeOpenAI(t), fakeOpenAI(t)
	sv := startServe(t, serveConfig([]string{"stay", "old"}, stay, old))
	addr := sv.gateway()
	sv.waitEvent("stay", "first probe ok")
	sv.waitEvent("old", "first probe ok")
	before, _ := sv.mon.Snapshot().Provider("stay")

	next := strings.Replace(serveConfig([]string{"stay", "added"}, stay, added), "127.0.0.1:0", "127.0.0.1:1", 1)
	sv.rewrite(next)
	isReload := func(e map[string]any) bool { return e["msg"] == "config reloaded" }
	reloaded := sv.waitLog("the reload", isReload)
	if got := [2][]string{names(reloaded["added"]), names(reloaded["removed"])}; !reflect.DeepEqual(got, [2][]string{{"added"}, {"old"}}) {
		t.Fatalf("reload logged added %v removed %v; want [added] and [old]", got[0], got[1])
	}
	restart := sv.waitLog("the restart warning", func(e map[string]any) bool { return e["settings"] != nil })
	if got := names(restart["settings"]); !reflect.DeepEqual(got, []string{"gateway.listen"}) {
		t.Fatalf("restart needed for %v; want [gateway.listen]", got)
	}
	if e := sv.waitEvent("old", "removed from config"); e["actor"] != "config" {
		t.Fatalf("removal event %v; want actor config", e)
	}
	sv.waitEvent("added", "added to config")
	if e := sv.waitEvent("added", "first probe ok"); e["from"] != "unknown" || e["to"] != "up" {
		t.Fatalf("added provider's first state change %v; want unknown → up", e)
	}

	after, _ := sv.mon.Snapshot().Provider("stay")
	if after.State != monitor.StateUp || !after.Since.Equal(before.Since) || after.Stats.Samples < before.Stats.Samples {
		t.Fatalf("stay after the reload: %s since %v, %d samples; want up since %v with ≥ %d",
			after.State, after.Since, after.Stats.Samples, before.Since, before.Stats.Samples)
	}
	for _, e := range sv.eventsAfter(isReload) {
		if e["provider"] == "stay" {
			t.Fatalf("the staying provider changed with the reload: %v", e)
		}
	}
	if _, gone := sv.mon.Snapshot().Provider("old"); gone {
		t.Fatal("the removed provider is still monitored")
	}
	if status, backend, body := sv.chat(addr); status != 200 || backend != "stay" {
		t.Fatalf("chat after the reload on the running address: %d from %q: %s", status, backend, body)
	}
	if strings.Contains(sv.log.String(), serveKey) {
		t.Fatal("the log contains the API key")
	}
}

// SIGHUP with a bad config: it is refused with its FILE:LINE:COL in the
// log, and everything runs on the old config.
func TestServeRefusesABadConfigOnSIGHUP(t *testing.T) {
	primary := fakeOpenAI(t)
	good := serveConfig([]string{"primary"}, primary)
	sv := startServe(t, good)
	addr := sv.gateway()
	sv.waitEvent("primary", "first probe ok")

	sv.rewrite(good + "    interval: 1ms\n") // line 10, column 15
	refused := sv.waitLog("the refusal", func(e map[string]any) bool {
		return strings.HasPrefix(fmt.Sprint(e["msg"]), "reload refused")
	})
	if want := sv.path + ":10:15: providers[0].interval"; !strings.HasPrefix(fmt.Sprint(refused["error"]), want) {
		t.Fatalf("refusal %v; want the error at %s", refused, want)
	}
	if p, ok := sv.mon.Snapshot().Provider("primary"); !ok || p.Interval.String() != "10s" || p.State != monitor.StateUp {
		t.Fatalf("primary after the refused reload: %+v; want it up at the old 10s interval", p)
	}
	if status, backend, body := sv.chat(addr); status != 200 || backend != "primary" {
		t.Fatalf("chat after the refused reload: %d from %q: %s", status, backend, body)
	}
	if strings.Contains(sv.log.String(), "config reloaded") {
		t.Fatal("a refused config was reported as reloaded")
	}
}
