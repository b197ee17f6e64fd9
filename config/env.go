package config

import (
	"fmt"
	"strings"
)

// expandEnv replaces every ${NAME} in s with the variable's value and every
// $$ with a literal $. A lone $ not followed by { or $ is kept as written, so
// a password such as "pa$word" needs no escaping.
//
// It returns one message per problem (unset variable, malformed reference).
// Messages name variables but never include a value: values are secrets.
func expandEnv(s string, lookup func(string) (string, bool)) (string, []string) {
	if !strings.Contains(s, "$") {
		return s, nil
	}
	var b strings.Builder
	var problems []string
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '$' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				problems = append(problems, `unterminated "${" (write "$$" for a literal "$")`)
				return s, problems
			}
			name := s[i+2 : i+2+end]
			i += 2 + end
			if !validEnvName(name) {
				problems = append(problems, fmt.Sprintf("invalid environment variable name %q in \"${%s}\"", name, name))
				continue
			}
			v, ok := lookup(name)
			if !ok {
				problems = append(problems, fmt.Sprintf("environment variable %s is not set", name))
				continue
			}
			b.WriteString(v)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), problems
}

// validEnvName reports whether name is a portable shell variable name.
func validEnvName(name string) bool {
	if name == "" {
		return false
	}
	for i, r := range name {
		letter := r == '_' || (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z')
		if !letter && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return true
}
