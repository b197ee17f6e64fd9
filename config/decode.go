package config

import (
	"reflect"

	"github.com/goccy/go-yaml/ast"
)

// decoder turns the YAML syntax tree into a Config, recording every problem
// with its position instead of stopping at the first one.
type decoder struct {
	*collector
	lookup  func(string) (string, bool)
	anchors map[string]ast.Node
	// budget bounds the mapping entries visited, so merge keys that refer
	// to each other ("billion laughs") cannot blow up decoding time.
	budget int
	// exhausted is set when the budget ran out; decoding then saw only part
	// of the file, so every other message would be noise.
	exhausted *Error
}

// entry is one key of a mapping with its (unresolved) value.
type entry struct {
	key  string
	kpos pos
	val  ast.Node
}

const (
	maxMergeDepth = 8
	entryBudget   = 100_000
	maxAliasHops  = 16
)

func isNil(n ast.Node) bool {
	if n == nil {
		return true
	}
	v := reflect.ValueOf(n)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// posOf is where a node was written.
func posOf(n ast.Node) pos {
	if isNil(n) {
		return pos{}
	}
	if m, ok := n.(*ast.MappingNode); ok && len(m.Values) > 0 && m.Values[0] != nil {
		// A mapping's own token is its first ':'; users think of the
		// mapping as starting at its first key.
		return posOf(m.Values[0].Key)
	}
	if m, ok := n.(*ast.MappingValueNode); ok {
		return posOf(m.Key)
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return pos{}
	}
	return pos{tk.Position.Line, tk.Position.Column}
}

// collectAnchors indexes every &anchor in the document so aliases can be
// resolved wherever they appear.
func (d *decoder) collectAnchors(n ast.Node, depth int) {
	if isNil(n) || depth > 200 {
		return
	}
	switch v := n.(type) {
	case *ast.AnchorNode:
		if name, ok := scalarText(v.Name); ok {
			d.anchors[name] = v.Value
		}
		d.collectAnchors(v.Value, depth+1)
	case *ast.TagNode:
		d.collectAnchors(v.Value, depth+1)
	case *ast.MappingKeyNode:
		d.collectAnchors(v.Value, depth+1)
	case *ast.MappingValueNode:
		d.collectAnchors(v.Key, depth+1)
		d.collectAnchors(v.Value, depth+1)
	case *ast.MappingNode:
		for _, mv := range v.Values {
			d.collectAnchors(mv, depth+1)
		}
	case *ast.SequenceNode:
		for _, item := range v.Values {
			d.collectAnchors(item, depth+1)
		}
	}
}

// resolve looks through anchors, tags and aliases to the node a value
// stands for. It returns nil, after reporting why, for a broken alias.
func (d *decoder) resolve(n ast.Node) ast.Node {
	for range maxAliasHops {
		if isNil(n) {
			return nil
		}
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		case *ast.MappingKeyNode:
			n = v.Value
		case *ast.AliasNode:
			name, _ := scalarText(v.Value)
			target, ok := d.anchors[name]
			if !ok {
				d.add(posOf(v), "undefined alias %q", name)
				return nil
			}
			n = target
		default:
			return n
		}
	}
	d.add(posOf(n), "alias refers to itself")
	return nil
}

// scalarText is the text of a scalar as written (unquoted), false for
// mappings, lists and null.
func scalarText(n ast.Node) (string, bool) {
	if isNil(n) {
		return "", false
	}
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		if v.Value == nil {
			return "", true
		}
		return v.Value.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		if tk := n.GetToken(); tk != nil {
			return tk.Value, true
		}
	}
	return "", false
}

// describe names what a node is, for "expected X, got Y" messages.
func describe(n ast.Node) string {
	switch n.(type) {
	case nil, *ast.NullNode:
		return "nothing"
	case ast.MapNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	}
	if s, ok := scalarText(n); ok {
		return quote(s)
	}
	return "a " + n.Type().String()
}

// entries lists a mapping's keys in order: explicit keys first, then keys
// brought in by merge keys (<<: *anchor) that were not overridden. It
// reports duplicate and malformed keys. ok is false when n is not a mapping.
func (d *decoder) entries(n ast.Node, path string, depth int) (out []entry, ok bool) {
	m, ok := n.(ast.MapNode)
	if !ok {
		return nil, false
	}
	seen := map[string]pos{}
	var merged []entry
	for it := m.MapRange(); it.Next(); {
		kv := it.KeyValue()
		if kv == nil || isNil(kv.Key) {
			continue
		}
		if d.budget--; d.budget < 0 {
			if d.exhausted == nil {
				p := posOf(kv.Key)
				d.exhausted = &Error{File: d.file, Line: max(p.line, 1), Col: max(p.col, 1),
					Msg: "merge keys (<<) and aliases expand to too many entries"}
			}
			return out, true
		}
		if kv.Key.IsMergeKey() {
			merged = append(merged, d.merge(kv.Value, path, depth)...)
			continue
		}
		kp := posOf(kv.Key)
		key, isScalar := scalarText(d.resolve(kv.Key))
		if !isScalar {
			d.add(kp, "keys%s must be plain names", where(path))
			continue
		}
		if first, dup := seen[key]; dup {
			d.add(kp, "duplicate key %q%s (first at line %d)", key, where(path), first.line)
			continue
		}
		seen[key] = kp
		out = append(out, entry{key: key, kpos: kp, val: kv.Value})
	}
	for _, e := range merged {
		if _, dup := seen[e.key]; !dup {
			seen[e.key] = e.kpos
			out = append(out, e)
		}
	}
	return out, true
}

// merge returns the entries a merge key brings in: one mapping or a list
// of mappings, each normally an alias.
func (d *decoder) merge(v ast.Node, path string, depth int) []entry {
	at := posOf(v)
	if depth >= maxMergeDepth {
		d.add(at, "merge keys (<<) nested too deeply")
		return nil
	}
	r := d.resolve(v)
	var sources []ast.Node
	if seq, ok := r.(*ast.SequenceNode); ok {
		sources = seq.Values
	} else {
		sources = []ast.Node{r}
	}
	var out []entry
	for _, s := range sources {
		es, ok := d.entries(d.resolve(s), path, depth+1)
		if !ok {
			d.add(at, "merge key (<<)%s must refer to a mapping", where(path))
			continue
		}
		out = append(out, es...)
	}
	return out
}

// where renders " in policy" for messages about a section, "" at the top.
func where(path string) string {
	if path == "" {
		return ""
	}
	return " in " + path
}

// join builds a field path such as "providers[0].timeout".
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
