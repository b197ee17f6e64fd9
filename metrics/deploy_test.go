package metrics_test

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	dto "github.com/prometheus/client_model/go"
)

// The shipped alert rules, their tests and the dashboard, from this
// package's directory.
const (
	alertsFile     = "../deploy/prometheus/alerts.yml"
	alertTestsFile = "../deploy/prometheus/alerts_test.yml"
	dashboardFile  = "../deploy/grafana/switchboard.json"
)

// TestDashboardQueriesUseTheExposition parses the Grafana dashboard and
// checks every panel's queries against a real exposition: each metric
// name, each label matched or grouped by, and each label value matched
// exists, so a renamed metric or a misspelt state cannot leave a panel
// silently empty. (promqlcheck, in .ci/run, parses them as PromQL.)
func TestDashboardQueriesUseTheExposition(t *testing.T) {
	data, err := os.ReadFile(dashboardFile)
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Title  string `json:"title"`
		Panels []struct {
			Type    string `json:"type"`
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(data, &dash); err != nil {
		t.Fatalf("%s is not valid JSON: %v", dashboardFile, err)
	}
	fams := exposition(t)
	queries := 0
	for _, p := range dash.Panels {
		if p.Type == "row" {
			continue
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, q := range p.Targets {
			queries++
			checkQuery(t, "panel "+p.Title, q.Expr, fams)
		}
	}
	if queries < 10 {
		t.Errorf("only %d queries in the dashboard", queries)
	}
}

// TestAlertsAreActionableAndTested checks each rule of alerts.yml: its
// query uses only what the exposition has, it has a summary and a
// description, and alerts_test.yml expects it both firing and quiet.
func TestAlertsAreActionableAndTested(t *testing.T) {
	var rules struct {
		Groups []struct {
			Rules []struct {
				Alert       string            `yaml:"alert"`
				Expr        string            `yaml:"expr"`
				Annotations map[string]string `yaml:"annotations"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	var tests struct {
		Tests []struct {
			Checks []struct {
				Alert  string `yaml:"alertname"`
				Expect []any  `yaml:"exp_alerts"`
			} `yaml:"alert_rule_test"`
		} `yaml:"tests"`
	}
	for path, into := range map[string]any{alertsFile: &rules, alertTestsFile: &tests} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := yaml.Unmarshal(data, into); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	fires, quiet := map[string]bool{}, map[string]bool{}
	for _, tc := range tests.Tests {
		for _, c := range tc.Checks {
			fires[c.Alert] = fires[c.Alert] || len(c.Expect) > 0
			quiet[c.Alert] = quiet[c.Alert] || len(c.Expect) == 0
		}
	}
	fams := exposition(t)
	n := 0
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			n++
			checkQuery(t, "alert "+r.Alert, r.Expr, fams)
			if len(r.Annotations["summary"]) < 20 || len(r.Annotations["description"]) < 80 {
				t.Errorf("alert %s lacks a summary or a description a person can act on", r.Alert)
			}
			if !fires[r.Alert] || !quiet[r.Alert] {
				t.Errorf("alert %s: alerts_test.yml must expect it firing (%v) and quiet (%v)", r.Alert, fires[r.Alert], quiet[r.Alert])
			}
		}
	}
	if n < 5 {
		t.Errorf("%d alert rules, want at least 5", n)
	}
}

// exposition gathers a busy registry: family name → its series.
func exposition(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	met, _ := busyMetrics(t)
	mfs, err := met.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	fams := map[string]*dto.MetricFamily{}
	for _, mf := range mfs {
		fams[mf.GetName()] = mf
	}
	return fams
}

var (
	metricName = regexp.MustCompile(`\b(switchboard_[a-z_]+)(\{[^}]*\})?`)
	matcher    = regexp.MustCompile(`(\w+)\s*(=~|!~|!=|=)\s*"([^"]*)"`)
	grouping   = regexp.MustCompile(`\b(?:by|without|on|ignoring)\s*\(([^)]*)\)`)
	words      = regexp.MustCompile(`^[\w-]+(\|[\w-]+)*$`)
	// scrapeHealth is Prometheus's own up series, which is not ours.
	scrapeHealth = regexp.MustCompile(`\bup\{`)
)

// Labels Prometheus adds to every series at scrape time.
var targetLabels = []string{"job", "instance"}

// checkQuery checks one query's metric names, label names and matched
// label values against fams.
func checkQuery(t *testing.T, where, expr string, fams map[string]*dto.MetricFamily) {
	t.Helper()
	used := map[string]bool{"le": false} // label names of the families used
	found := false
	for _, m := range metricName.FindAllStringSubmatch(expr, -1) {
		name := m[1]
		mf := fams[name]
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			if base, ok := strings.CutSuffix(name, suffix); mf == nil && ok && fams[base].GetType() == dto.MetricType_HISTOGRAM {
				mf = fams[base]
				used["le"] = true
			}
		}
		if mf == nil {
			t.Errorf("%s: %s is not in the exposition", where, name)
			continue
		}
		found = true
		values := labelValues(mf)
		for l := range values {
			used[l] = true
		}
		for _, mm := range matcher.FindAllStringSubmatch(m[2], -1) {
			label, op, val := mm[1], mm[2], mm[3]
			if slices.Contains(targetLabels, label) {
				continue
			}
			if _, ok := values[label]; !ok {
				t.Errorf("%s: %s has no label %s", where, name, label)
				continue
			}
			if (op == "=~" || op == "!~") && !words.MatchString(val) {
				continue // a pattern, not a list of values
			}
			for _, v := range strings.Split(val, "|") {
				if !values[label][v] {
					t.Errorf("%s: no series of %s has %s=%q", where, name, label, v)
				}
			}
		}
	}
	if !found && !scrapeHealth.MatchString(expr) {
		t.Errorf("%s: no switchboard metric in %q", where, expr)
	}
	for _, g := range grouping.FindAllStringSubmatch(expr, -1) {
		for _, l := range strings.Split(g[1], ",") {
			if l = strings.TrimSpace(l); l != "" && !slices.Contains(targetLabels, l) {
				if _, ok := used[l]; !ok || (l == "le" && !used[l]) {
					t.Errorf("%s: grouped by %s, which no metric of the query has", where, l)
				}
			}
		}
	}
}

// labelValues is every label of mf's series with the values it takes.
func labelValues(mf *dto.MetricFamily) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, m := range mf.GetMetric() {
		for _, l := range m.GetLabel() {
			if out[l.GetName()] == nil {
				out[l.GetName()] = map[string]bool{}
			}
			out[l.GetName()][l.GetValue()] = true
		}
	}
	return out
}
