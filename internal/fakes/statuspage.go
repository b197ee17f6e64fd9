package fakes

import (
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"time"
)

// StatusPage is a fake Atlassian Statuspage serving /api/v2/summary.json.
type StatusPage struct {
	srv *httptest.Server

	mu         sync.Mutex
	indicator  string
	components map[string]string // name → status
}

// StartStatusPage serves a summary whose page-wide indicator and
// per-component statuses are given (values are passed through as-is, so
// unknown words can be tested).
func StartStatusPage(indicator string, components map[string]string) *StatusPage {
	p := &StatusPage{}
	p.Set(indicator, components)
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	return p
}

// URL is the full summary.json URL, as a config's status_page holds it.
func (p *StatusPage) URL() string { return p.srv.URL + "/api/v2/summary.json" }

// Set changes what the page reports.
func (p *StatusPage) Set(indicator string, components map[string]string) {
	c := make(map[string]string, len(components))
	for k, v := range components {
		c[k] = v
	}
	p.mu.Lock()
	p.indicator, p.components = indicator, c
	p.mu.Unlock()
}

// Close stops the page.
func (p *StatusPage) Close() { p.srv.Close() }

var descriptions = map[string]string{"none": "All Systems Operational", "minor": "Partially Degraded Service",
	"major": "Partial System Outage", "critical": "Major System Outage"}

func (p *StatusPage) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/api/v2/summary.json" {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p.mu.Lock()
	indicator, comps := p.indicator, p.components
	p.mu.Unlock()
	names := make([]string, 0, len(comps))
	for n := range comps {
		names = append(names, n)
	}
	sort.Strings(names)
	now := time.Now().UTC().Format(time.RFC3339)
	list := make([]any, 0, len(names))
	for i, n := range names {
		list = append(list, map[string]any{"id": "cmp" + string(rune('a'+i%26)), "name": n, "status": comps[n],
			"created_at": "2023-01-01T00:00:00Z", "updated_at": now, "position": i + 1, "description": nil,
			"showcase": false, "start_date": nil, "group_id": nil, "page_id": "fakepage", "group": false,
			"only_show_if_degraded": false})
	}
	x := &exchange{w: w, r: r}
	x.writeJSON(map[string]any{
		"page": map[string]any{"id": "fakepage", "name": "Fake Provider", "url": p.srv.URL,
			"time_zone": "Etc/UTC", "updated_at": now},
		"components": list, "incidents": []any{}, "scheduled_maintenances": []any{},
		"status": map[string]string{"indicator": indicator, "description": descriptions[indicator]},
	})
}
