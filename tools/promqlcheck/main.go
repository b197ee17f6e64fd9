// Command promqlcheck parses every PromQL expression of Grafana dashboards
// with Prometheus's own parser, so that a typo fails CI rather than a
// panel on an ops screen. Grafana's range variables ($__rate_interval,
// $__interval, $__range) are replaced by a duration first.
//
//	go -C tools run ./promqlcheck ../deploy/grafana/switchboard.json
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/prometheus/prometheus/promql/parser"
)

// panel is the part of a Grafana panel that holds queries; rows hold
// panels of their own.
type panel struct {
	Title   string  `json:"title"`
	Panels  []panel `json:"panels"`
	Targets []struct {
		RefID string `json:"refId"`
		Expr  string `json:"expr"`
	} `json:"targets"`
}

var ranges = strings.NewReplacer("$__rate_interval", "5m", "$__interval", "1m", "$__range", "1h")

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: promqlcheck DASHBOARD.json...")
		os.Exit(2)
	}
	p := parser.NewParser(parser.Options{})
	bad, n := 0, 0
	for _, path := range os.Args[1:] {
		var dash panel
		data, err := os.ReadFile(path)
		if err == nil {
			err = json.Unmarshal(data, &dash)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
			os.Exit(1)
		}
		walk(dash.Panels, func(pl panel) {
			for _, t := range pl.Targets {
				n++
				if _, err := p.ParseExpr(ranges.Replace(t.Expr)); err != nil {
					bad++
					fmt.Fprintf(os.Stderr, "%s: panel %q, query %s: %v\n", path, pl.Title, t.RefID, err)
				}
			}
		})
	}
	if bad > 0 {
		os.Exit(1)
	}
	fmt.Printf("promqlcheck: %d expressions parse\n", n)
}

func walk(ps []panel, f func(panel)) {
	for _, p := range ps {
		f(p)
		walk(p.Panels, f)
	}
}
