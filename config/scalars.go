package config

import (
	"math"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// text returns the scalar at v with ${VAR} expanded. ok is false when v is
// null (left unset, no message) or when a problem was reported. want names
// the expected type for the "expected X, got Y" message.
func (d *decoder) text(v ast.Node, path, want string) (string, bool) {
	r := d.resolve(v)
	if _, null := r.(*ast.NullNode); isNil(r) || null {
		return "", false
	}
	raw, ok := scalarText(r)
	if !ok {
		d.add(posOf(v), "%s: expected %s, got %s", path, want, describe(r))
		return "", false
	}
	s, problems := expandEnv(raw, d.lookup)
	for _, p := range problems {
		d.add(posOf(v), "%s: %s", path, p)
	}
	return s, len(problems) == 0
}

// raw is the value as written in the file, for messages: it is never the
// expanded text, which may hold a secret from the environment.
func raw(v ast.Node, d *decoder) string {
	s, _ := scalarText(d.resolve(v))
	return quote(s)
}

// quote quotes s for a message, shortened so a huge value cannot flood it.
func quote(s string) string {
	const limit = 60
	if r := []rune(s); len(r) > limit {
		s = string(r[:limit]) + "…"
	}
	return strconv.Quote(s)
}

func (d *decoder) str(v ast.Node, path string, dst *string) {
	if s, ok := d.text(v, path, "a string"); ok {
		*dst = s
	}
}

// duration reads a positive duration within lim (see limits.go; a zero
// limits bounds nothing more). Zero is refused because zero means "use the
// default" and writing it is almost always a mistake.
func (d *decoder) duration(v ast.Node, path string, dst *Duration, lim limits) {
	s, ok := d.text(v, path, `a duration such as "10s"`)
	if !ok {
		return
	}
	t, err := parseDuration(s)
	if err != nil {
		d.add(posOf(v), `%s: invalid duration %s (use a unit: "10s", "1m30s", "250ms")`, path, raw(v, d))
		return
	}
	switch {
	case t <= 0:
		d.add(posOf(v), "%s: must be greater than 0, got %s", path, raw(v, d))
		return
	case lim.min > 0 && t < lim.min:
		d.add(posOf(v), "%s: must be at least %s, got %s", path, lim.min, raw(v, d))
		return
	case lim.max > 0 && t > lim.max:
		d.add(posOf(v), "%s: must be at most %s, got %s", path, lim.max, raw(v, d))
		return
	}
	*dst = t
}

// count reads an integer of at least 1 (thresholds and attempt counts).
func (d *decoder) count(v ast.Node, path string, dst *int) {
	s, ok := d.text(v, path, "an integer")
	if !ok {
		return
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n > math.MaxInt32 {
		d.add(posOf(v), "%s: expected an integer, got %s", path, raw(v, d))
		return
	}
	if n < 1 {
		d.add(posOf(v), "%s: must be at least 1, got %d", path, n)
		return
	}
	*dst = int(n)
}

// status reads an HTTP status code.
func (d *decoder) status(v ast.Node, path string, dst *int) {
	s, ok := d.text(v, path, "an HTTP status code")
	if !ok {
		return
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 100 || n > 599 {
		d.add(posOf(v), "%s: expected an HTTP status code (100-599), got %s", path, raw(v, d))
		return
	}
	*dst = n
}

// fraction reads a number in (0, 1]: zero would be replaced by the default,
// and a rate above 1 is a percentage written by mistake.
func (d *decoder) fraction(v ast.Node, path string, dst *float64) {
	s, ok := d.text(v, path, "a number")
	if !ok {
		return
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		d.add(posOf(v), "%s: expected a number, got %s", path, raw(v, d))
		return
	}
	if !(f > 0 && f <= 1) {
		d.add(posOf(v), "%s: must be greater than 0 and at most 1, got %s", path, raw(v, d))
		return
	}
	*dst = f
}

func (d *decoder) size(v ast.Node, path string, dst *ByteSize) {
	s, ok := d.text(v, path, `a size such as "10MiB"`)
	if !ok {
		return
	}
	n, err := parseByteSize(s)
	if err != nil {
		d.add(posOf(v), `%s: invalid size %s (use bytes or a unit: "512KiB", "10MiB", "10MB")`, path, raw(v, d))
		return
	}
	if n <= 0 {
		d.add(posOf(v), "%s: must be greater than 0, got %s", path, raw(v, d))
		return
	}
	*dst = n
}

func (d *decoder) boolean(v ast.Node, path string) (bool, bool) {
	s, ok := d.text(v, path, "true or false")
	if !ok {
		return false, false
	}
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	if err != nil {
		d.add(posOf(v), "%s: expected true or false, got %s", path, raw(v, d))
		return false, false
	}
	return b, true
}

func (d *decoder) flag(v ast.Node, path string, dst *bool) {
	if b, ok := d.boolean(v, path); ok {
		*dst = b
	}
}

func (d *decoder) flagPtr(v ast.Node, path string, dst **bool) {
	if b, ok := d.boolean(v, path); ok {
		*dst = &b
	}
}

// strMap reads a mapping of names to strings (models, headers).
func (d *decoder) strMap(v ast.Node, path string, dst *map[string]string) {
	r := d.resolve(v)
	if _, null := r.(*ast.NullNode); isNil(r) || null {
		return
	}
	es, ok := d.entries(r, path, 0)
	if !ok {
		d.add(posOf(v), "%s: expected a mapping, got %s", path, describe(r))
		return
	}
	m := make(map[string]string, len(es))
	for _, e := range es {
		if s, ok := d.text(e.val, path+"."+e.key, "a string"); ok {
			m[e.key] = s
		}
	}
	*dst = m
}
