package api

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/synctest"

	"switchboard/monitor"
	"switchboard/probes"
)

// TestAuth: with tokens, every endpoint but /healthz wants a valid bearer
// token (401 with WWW-Authenticate otherwise), a viewer may read but not
// act (403), and no answer repeats the token it was sent.
func TestAuth(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := start(t, Options{})
		const wrong = "not-a-token-9876"
		pin := `{"action": "probe"}`
		cases := []struct {
			name, method, path, token, body string
			want                            int
		}{
			{"healthz without a token", "GET", "/healthz", "", "", 200},
			{"readyz without a token", "GET", "/readyz", "", "", 401},
			{"state without a token", "GET", "/api/v1/state", "", "", 401},
			{"state with a wrong token", "GET", "/api/v1/state", wrong, "", 401},
			{"events without a token", "GET", "/api/v1/events", "", "", 401},
			{"stream without a token", "GET", "/api/v1/stream", "", "", 401},
			{"command without a token", "POST", "/api/v1/commands", "", pin, 401},
			{"unknown path without a token", "GET", "/api/v1/secrets", "", "", 401},
			{"state as viewer", "GET", "/api/v1/state", viewToken, "", 200},
			{"events as viewer", "GET", "/api/v1/events", viewToken, "", 200},
			{"command as viewer", "POST", "/api/v1/commands", viewToken, pin, 403},
			{"command as operator", "POST", "/api/v1/commands", opsToken, pin, 200},
			{"state with the wrong method", "DELETE", "/api/v1/state", opsToken, "", 405},
			{"unknown path", "GET", "/api/v1/secrets", opsToken, "", 404},
		}
		// Named scenarios without t.Run, which a synctest bubble refuses.
		for _, tc := range cases {
			a := e.do(tc.method, tc.path, tc.token, tc.body)
			if a.status != tc.want {
				t.Errorf("%s: status %d, want %d: %s", tc.name, a.status, tc.want, a.body)
				continue
			}
			if got := a.header.Get("Content-Type"); got != "application/json" {
				t.Errorf("%s: Content-Type %q, want application/json", tc.name, got)
			}
			if tc.want == 401 && !strings.HasPrefix(a.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%s: 401 without WWW-Authenticate: Bearer (got %q)", tc.name, a.header.Get("WWW-Authenticate"))
			}
			if tc.want >= 400 {
				if msg := a.errorText(t); strings.Contains(msg, wrong) || strings.Contains(msg, viewToken) {
					t.Errorf("%s: the error repeats a token: %s", tc.name, msg)
				}
			}
		}
		// The scheme is case-insensitive (RFC 9110), as curl users write it.
		req := e.do("GET", "/api/v1/state", "", "", "Authorization", "bearer "+viewToken)
		if req.status != 200 {
			t.Errorf("lower-case bearer scheme: %d", req.status)
		}
		if strings.Contains(e.logs.String(), viewToken) || strings.Contains(e.logs.String(), opsToken) {
			t.Errorf("a token reached the log:\n%s", e.logs.String())
		}
	})
}

// TestState: the state endpoint has every field of `check --json` with
// the same meaning, and the monitor's published route, mode and pin.
func TestState(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := start(t, Options{})
		st := e.do("GET", "/api/v1/state", viewToken, "").json(t)
		if st["active"] != "alpha" || st["mode"] != "AUTO" || st["next"] != "bravo" || st["pinned"] != nil || st["routable"] != true {
			t.Fatalf("state: active %v mode %v next %v pinned %v routable %v", st["active"], st["mode"], st["next"], st["pinned"], st["routable"])
		}
		if route, _ := st["route"].([]any); len(route) != 2 || route[0] != "alpha" || route[1] != "bravo" {
			t.Errorf("route %v, want [alpha bravo]", st["route"])
		}
		if c, _ := st["caller"].(map[string]any); c["name"] != "wallboard" || c["role"] != "viewer" {
			t.Errorf("caller %v, want wallboard the viewer", st["caller"])
		}
		provs, _ := st["providers"].([]any)
		if len(provs) != 2 {
			t.Fatalf("providers %v", st["providers"])
		}
		p := provs[0].(map[string]any)
		// check --json's fields, then the ones the dashboard needs.
		for _, k := range []string{"name", "kind", "state", "class", "latency_ms", "error",
			"enabled", "in_rotation", "since", "cause", "p50_ms", "p95_ms", "error_rate", "traffic"} {
			if _, ok := p[k]; !ok {
				t.Errorf("provider has no %q: %v", k, p)
			}
		}
		if p["name"] != "alpha" || p["kind"] != "openai" || p["state"] != "up" || p["class"] != "ok" ||
			p["latency_ms"] != float64(120) || p["error"] != "" || p["in_rotation"] != true {
			t.Errorf("alpha = %v", p)
		}

		if a := e.do("POST", "/api/v1/commands", opsToken, `{"action": "pin", "provider": "bravo", "for": "15m"}`); a.status != 200 {
			t.Fatalf("pin: %d %s", a.status, a.body)
		}
		st = e.do("GET", "/api/v1/state", viewToken, "").json(t)
		pinned, _ := st["pinned"].(map[string]any)
		if st["active"] != "bravo" || st["mode"] != "PINNED" || pinned["name"] != "bravo" || pinned["until"] == nil {
			t.Errorf("after pin for 15m: active %v mode %v pinned %v", st["active"], st["mode"], st["pinned"])
		}
	})
}

// TestReadyz: ready only when serve says so and a backend is routable;
// otherwise 503 with the reason.
func TestReadyz(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ready, why := false, "restoring state from /var/lib/switchboard"
		e := start(t, Options{Ready: func() (bool, string) { return ready, why }})
		a := e.do("GET", "/readyz", viewToken, "")
		if a.status != 503 || a.json(t)["reason"] != why || !strings.Contains(a.errorText(t), why) {
			t.Fatalf("not ready by serve's word: %d %s", a.status, a.body)
		}
		ready = true
		if a := e.do("GET", "/readyz", viewToken, ""); a.status != 200 || a.json(t)["ready"] != true {
			t.Fatalf("ready: %d %s", a.status, a.body)
		}
		e.sc.set("alpha", probes.ClassServerError)
		e.sc.set("bravo", probes.ClassServerError)
		e.until(func(s *monitor.Snapshot) bool { return s.Mode == monitor.ModePanic })
		a = e.do("GET", "/readyz", viewToken, "")
		if a.status != 503 || !strings.Contains(a.json(t)["reason"].(string), "PANIC") {
			t.Fatalf("in PANIC: %d %s", a.status, a.body)
		}
		if st := e.do("GET", "/api/v1/state", viewToken, "").json(t); st["routable"] != false || st["active"] == nil {
			t.Errorf("in PANIC: routable %v active %v; want false and the least-bad backend", st["routable"], st["active"])
		}
		for _, name := range []string{"alpha", "bravo"} {
			if a := e.do("POST", "/api/v1/commands", opsToken, `{"action": "disable", "provider": "`+name+`"}`); a.status != 200 {
				t.Fatalf("disable %s: %d %s", name, a.status, a.body)
			}
		}
		a = e.do("GET", "/readyz", viewToken, "")
		if a.status != 503 || !strings.Contains(a.json(t)["reason"].(string), "disabled") {
			t.Fatalf("every provider disabled: %d %s", a.status, a.body)
		}
	})
}

// TestEvents: oldest first; since pages forward with more; without since,
// the newest; bad parameters are 400; an operator's events name the
// token's name.
func TestEvents(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := start(t, Options{})
		for _, body := range []string{`{"action": "pin", "provider": "bravo"}`, `{"action": "auto"}`,
			`{"action": "disable", "provider": "bravo"}`, `{"action": "enable", "provider": "bravo"}`} {
			if a := e.do("POST", "/api/v1/commands", opsToken, body); a.status != 200 {
				t.Fatalf("%s: %d %s", body, a.status, a.body)
			}
		}
		c := e.client(viewToken)
		all, err := c.Events(t.Context(), 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		kept := e.mon.Snapshot().Events
		if len(all.Events) != len(kept) || all.More || all.Events[0].Seq != kept[0].Seq {
			t.Fatalf("all events: %d (more %v), monitor keeps %d", len(all.Events), all.More, len(kept))
		}
		for i := 1; i < len(all.Events); i++ {
			if all.Events[i].Seq != all.Events[i-1].Seq+1 {
				t.Fatalf("not oldest first without gaps: %d then %d", all.Events[i-1].Seq, all.Events[i].Seq)
			}
		}
		var actors []string
		for _, ev := range all.Events {
			if ev.Kind == string(monitor.EventOperator) {
				actors = append(actors, ev.Actor)
			}
		}
		if len(actors) != 4 || slices.ContainsFunc(actors, func(a string) bool { return a != "oncall" }) {
			t.Errorf("operator events' actors %v, want oncall for all four", actors)
		}

		first := all.Events[0].Seq
		page, err := c.Events(t.Context(), first, 2)
		if err != nil || len(page.Events) != 2 || page.Events[0].Seq != first+1 || !page.More {
			t.Fatalf("since %d limit 2: %+v more %v err %v", first, page.Events, page.More, err)
		}
		newest, err := c.Events(t.Context(), 0, 2)
		last := kept[len(kept)-1].Seq
		if err != nil || len(newest.Events) != 2 || newest.Events[1].Seq != last || newest.Events[0].Seq != last-1 {
			t.Fatalf("newest 2: %+v err %v; want %d and %d", newest.Events, err, last-1, last)
		}
		if tail, err := c.Events(t.Context(), last, 0); err != nil || len(tail.Events) != 0 || tail.More {
			t.Fatalf("since the newest: %+v err %v; want none", tail, err)
		}
		for _, q := range []string{"limit=0", "limit=abc", "limit=5000", "since=-1", "since=x"} {
			if a := e.do("GET", "/api/v1/events?"+q, viewToken, ""); a.status != http.StatusBadRequest {
				t.Errorf("%s: status %d, want 400", q, a.status)
			} else {
				a.errorText(t)
			}
		}
	})
}
