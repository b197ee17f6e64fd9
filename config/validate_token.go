package config

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// checkToken refuses a token (section.token) with whitespace at either end. HTTP
// strips it from header values, so no client could ever send a matching
// token; it usually comes from a secret file's trailing newline through
// ${VAR}, where nothing on the screen shows it. The message quotes the value
// as written only when it is a ${VAR} reference: written literally, the
// text is the secret itself.
func (d *decoder) checkToken(token string, f *fields, section string) {
	if token == "" || token == strings.TrimSpace(token) {
		return
	}
	var ends []string
	if r, _ := utf8.DecodeRuneInString(token); unicode.IsSpace(r) {
		ends = append(ends, "starts with "+spaceName(r))
	}
	if r, _ := utf8.DecodeLastRuneInString(token); unicode.IsSpace(r) {
		ends = append(ends, "ends with "+spaceName(r))
	}
	what, when := "the token written here", ""
	if strings.Contains(f.text("token"), "${") {
		what, when = f.text("token"), " once expanded"
	}
	d.add(f.val("token"), "%s.token: %s %s%s; HTTP strips whitespace at the ends of a header, "+
		"so no client's token would ever match it: remove it (a file holding a secret often ends with a newline)",
		section, what, strings.Join(ends, " and "), when)
}

// spaceName names a whitespace character for a message.
func spaceName(r rune) string {
	switch r {
	case '\n':
		return "a newline"
	case '\r':
		return "a carriage return"
	case '\t':
		return "a tab"
	case ' ':
		return "a space"
	}
	return "whitespace"
}
