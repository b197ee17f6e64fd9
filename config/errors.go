package config

import (
	"fmt"
	"sort"
	"strings"
)

// Error is one problem in a config file, located at the offending key or
// value so an editor can jump to it.
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

// Error formats the problem as "file:line:col: msg", the form editors and
// terminals recognise as a clickable location.
func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// Errors is every problem found in one file. Parse returns all of them at
// once so a user fixes a config in one pass rather than one error per run.
type Errors []*Error

// Error joins every problem, one per line, in file order.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// pos is a 1-based line and column in the source file.
type pos struct{ line, col int }

// collector gathers problems while decoding and validating one file.
type collector struct {
	file string
	errs Errors
}

// add records a problem at p; a zero position is reported at 1:1 so every
// message still has a location.
func (c *collector) add(p pos, format string, args ...any) {
	if p.line < 1 {
		p = pos{1, 1}
	}
	if p.col < 1 {
		p.col = 1
	}
	c.errs = append(c.errs, &Error{File: c.file, Line: p.line, Col: p.col, Msg: fmt.Sprintf(format, args...)})
}

// result returns the problems sorted by position, without the duplicates
// that merge keys produce when one anchor is merged into several places.
func (c *collector) result() Errors {
	if len(c.errs) == 0 {
		return nil
	}
	sort.SliceStable(c.errs, func(i, j int) bool {
		a, b := c.errs[i], c.errs[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	out := c.errs[:0:0]
	seen := make(map[Error]bool, len(c.errs))
	for _, e := range c.errs {
		if !seen[*e] {
			seen[*e] = true
			out = append(out, e)
		}
	}
	return out
}
