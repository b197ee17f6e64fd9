package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// MaxFileSize bounds what Load reads: a config is a few kilobytes, so a
// larger file is a wrong path (a log, a binary), not a config.
const MaxFileSize = 1 << 20

// Load reads the config file at path and parses it with the process
// environment for ${VAR} expansion.
func Load(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(data) > MaxFileSize {
		return nil, Errors{{File: path, Line: 1, Col: 1, Msg: "config file is larger than 1 MiB"}}
	}
	return Parse(path, data, os.LookupEnv)
}

// Parse decodes and validates a config. file names the source in messages;
// lookupEnv resolves ${VAR} references (nil: no variable is set). On any
// problem it returns nil and an Errors holding every problem found. The
// returned Config has its defaults applied.
func Parse(file string, data []byte, lookupEnv func(string) (string, bool)) (*Config, error) {
	if lookupEnv == nil {
		lookupEnv = func(string) (string, bool) { return "", false }
	}
	col := &collector{file: file}
	root := parseDocument(col, bytes.TrimPrefix(data, []byte("\ufeff")))
	if root == nil {
		return nil, col.result()
	}
	d := &decoder{collector: col, lookup: lookupEnv, anchors: map[string]ast.Node{}, budget: entryBudget}
	d.collectAnchors(root, 0)
	if r := d.resolve(root); r != nil {
		if _, ok := r.(ast.MapNode); !ok {
			d.add(posOf(root), "the top level must be a mapping of settings (interval, policy, providers, ...), got %s", describe(r))
		}
	}
	if errs := col.result(); errs != nil {
		return nil, errs
	}
	c, lay := d.top(root)
	if d.exhausted != nil {
		return nil, Errors{d.exhausted}
	}
	d.validate(c, lay)
	if errs := col.result(); errs != nil {
		return nil, errs
	}
	c.Path = file
	c.where = positionsOf(lay)
	c.ApplyDefaults()
	return c, nil
}

// parseDocument parses data into the body of its single YAML document,
// or reports why there is none.
func parseDocument(col *collector, data []byte) ast.Node {
	f, err := parseYAML(data)
	if err != nil {
		var ye yaml.Error
		at := pos{1, 1}
		msg := err.Error()
		if errors.As(err, &ye) {
			msg = ye.GetMessage()
			if tk := ye.GetToken(); tk != nil && tk.Position != nil {
				at = pos{tk.Position.Line, tk.Position.Column}
			}
		}
		// A literal tab in a message is invisible on a terminal.
		col.add(at, "invalid YAML: %s", strings.ReplaceAll(msg, "\t", `\t`))
		return nil
	}
	var bodies []ast.Node
	for _, doc := range f.Docs {
		if doc != nil && !isNil(doc.Body) {
			bodies = append(bodies, doc.Body)
		}
	}
	switch len(bodies) {
	case 0:
		col.add(pos{1, 1}, "empty config file (see config.example.yaml)")
		return nil
	case 1:
		return bodies[0]
	}
	col.add(posOf(bodies[1]), "a second YAML document starts here; a config file holds one document")
	return nil
}

// parseYAML runs the goccy parser, turning a panic on malformed input into
// an error so that no input can crash the program. Duplicate keys are
// allowed here because the decoder reports them together with every other
// problem.
func parseYAML(data []byte) (f *ast.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("the YAML parser failed on this input (%v)", r)
		}
	}()
	return parser.ParseBytes(data, 0, parser.AllowDuplicateMapKey())
}

// Resolve finds the config file: flagPath when given, else
// $SWITCHBOARD_CONFIG, else ./switchboard.yaml, else
// $XDG_CONFIG_HOME/switchboard/config.yaml or, when XDG_CONFIG_HOME is
// unset, ~/.config/switchboard/config.yaml. A path named explicitly (flag
// or variable) counts as found even if missing, so Load reports it rather
// than silently running the demo. searched lists every candidate tried.
func Resolve(flagPath string, getenv func(string) string) (path string, found bool, searched []string) {
	if flagPath != "" {
		return flagPath, true, []string{flagPath}
	}
	if p := getenv("SWITCHBOARD_CONFIG"); p != "" {
		return p, true, []string{p}
	}
	candidates := []string{"./switchboard.yaml"}
	if xdg := getenv("XDG_CONFIG_HOME"); xdg != "" && filepath.IsAbs(xdg) {
		candidates = append(candidates, filepath.Join(xdg, "switchboard", "config.yaml"))
	} else if home := getenv("HOME"); home != "" {
		candidates = append(candidates, filepath.Join(home, ".config", "switchboard", "config.yaml"))
	}
	for _, c := range candidates {
		searched = append(searched, c)
		if st, err := os.Stat(c); err == nil && !st.IsDir() {
			return c, true, searched
		}
	}
	return "", false, searched
}
