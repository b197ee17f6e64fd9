package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// errNotObject is returned when a request body is not a JSON object; such a
// body is forwarded untouched and the upstream answers it.
var errNotObject = errors.New("body is not a JSON object")

// modelSpan locates the top-level "model" string of a JSON object without
// decoding the rest of the body (messages can be megabytes), so a rewrite
// is one splice. With duplicate keys the last one wins, as in encoding/json.
// ok is false when there is no top-level string "model".
func modelSpan(body []byte) (model string, start, end int, ok bool, err error) {
	i := skipSpace(body, 0)
	if i >= len(body) || body[i] != '{' {
		return "", 0, 0, false, errNotObject
	}
	i++
	for {
		i = skipSpace(body, i)
		if i < len(body) && body[i] == '}' {
			return model, start, end, ok, nil
		}
		keyStart := i
		if i, err = skipString(body, i); err != nil {
			return "", 0, 0, false, err
		}
		isModel := keyIs(body[keyStart:i], "model")
		i = skipSpace(body, i)
		if i >= len(body) || body[i] != ':' {
			return "", 0, 0, false, errNotObject
		}
		valStart := skipSpace(body, i+1)
		if i, err = skipValue(body, valStart); err != nil {
			return "", 0, 0, false, err
		}
		if isModel {
			model, ok = decodeString(body[valStart:i])
			start, end = valStart, i
		}
		i = skipSpace(body, i)
		if i < len(body) && body[i] == ',' {
			i++
			continue
		}
		if i < len(body) && body[i] == '}' {
			return model, start, end, ok, nil
		}
		return "", 0, 0, false, errNotObject
	}
}

// keyIs compares a quoted JSON key with name; escaped keys (rare) are decoded.
func keyIs(quoted []byte, name string) bool {
	if bytes.IndexByte(quoted, '\\') < 0 {
		return len(quoted) == len(name)+2 && string(quoted[1:len(quoted)-1]) == name
	}
	s, ok := decodeString(quoted)
	return ok && s == name
}

// decodeString decodes a quoted JSON string; ok is false for any other value.
func decodeString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	if bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw) {
		return string(raw[1 : len(raw)-1]), true
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index just past the string starting at b[i].
func skipString(b []byte, i int) (int, error) {
	if i >= len(b) || b[i] != '"' {
		return 0, errNotObject
	}
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1, nil
		}
	}
	return 0, errNotObject
}

// skipValue returns the index just past the value starting at b[i]. It
// finds the value's end without validating it; the upstream validates.
func skipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errNotObject
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		return skipNested(b, i)
	}
	for i < len(b) && !isDelim(b[i]) {
		i++
	}
	return i, nil
}

// skipNested skips an object or array by counting brackets outside strings.
func skipNested(b []byte, i int) (int, error) {
	depth := 0
	for i < len(b) {
		switch b[i] {
		case '"':
			j, err := skipString(b, i)
			if err != nil {
				return 0, err
			}
			i = j
			continue
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1, nil
			}
		}
		i++
	}
	return 0, errNotObject
}

func isDelim(c byte) bool {
	return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

// quoteJSON encodes s as a JSON string.
func quoteJSON(s string) []byte {
	b, _ := json.Marshal(s) // a string always marshals
	return b
}
