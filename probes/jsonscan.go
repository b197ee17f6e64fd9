package probes

// maxDepth bounds nesting as encoding/json does, so a document of
// brackets cannot grow the stack without end.
const maxDepth = 10000

// scanner walks a JSON document in place. bad is set at the first byte
// that does not fit, and every method does nothing after it.
type scanner struct {
	d   []byte
	i   int
	bad bool
}

func (s *scanner) ws() {
	for s.i < len(s.d) {
		switch s.d[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek reports whether the next byte is c.
func (s *scanner) peek(c byte) bool { return !s.bad && s.i < len(s.d) && s.d[s.i] == c }

// open enters an object at the next value: false, with the value consumed,
// for null (an absent object); false and bad for any other value.
func (s *scanner) open() bool {
	s.ws()
	switch {
	case s.peek('{'):
		s.i++
		return true
	case s.literal("null"):
	default:
		s.bad = true
	}
	return false
}

// member reads the next member's key and its colon; false at the end of
// the object (consumed) or when the document goes bad.
func (s *scanner) member(first bool) ([]byte, bool) {
	s.ws()
	if s.peek('}') {
		s.i++
		return nil, false
	}
	if !first {
		if !s.peek(',') {
			s.bad = true
			return nil, false
		}
		s.i++
		s.ws()
	}
	key := s.str()
	s.ws()
	if !s.peek(':') {
		s.bad = true
		return nil, false
	}
	s.i++
	return key, true
}

// count reads an integer count; null is a count not reported.
func (s *scanner) count() count {
	s.ws()
	if s.literal("null") {
		return count{}
	}
	neg := s.peek('-')
	if neg {
		s.i++
	}
	start := s.i
	limit := uint64(1<<63 - 1)
	if neg {
		limit++ // -9223372036854775808 fits
	}
	var n uint64
	for s.i < len(s.d) && s.d[s.i] >= '0' && s.d[s.i] <= '9' {
		d := uint64(s.d[s.i] - '0')
		if n > (limit-d)/10 {
			s.bad = true // too large for an int64: encoding/json refuses it
			return count{}
		}
		n = n*10 + d
		s.i++
	}
	digits := s.i - start
	if digits == 0 || (digits > 1 && s.d[start] == '0') || s.peek('.') || s.peek('e') || s.peek('E') {
		s.bad = true // not an integer: encoding/json refuses it for an int64
		return count{}
	}
	if neg {
		return count{n: -int64(n), ok: true} // wraps to the minimum for 1<<63, as intended
	}
	return count{n: int64(n), ok: true}
}

// literal consumes word if it comes next.
func (s *scanner) literal(word string) bool {
	if s.bad || len(s.d)-s.i < len(word) || string(s.d[s.i:s.i+len(word)]) != word {
		return false
	}
	s.i += len(word)
	return true
}

// str reads a string and returns its raw contents between the quotes.
func (s *scanner) str() []byte {
	if !s.peek('"') {
		s.bad = true
		return nil
	}
	s.i++
	start := s.i
	for !s.bad && s.i < len(s.d) {
		switch c := s.d[s.i]; {
		case c == '"':
			s.i++
			return s.d[start : s.i-1]
		case c == '\\':
			s.escape()
		case c < 0x20:
			s.bad = true
			return nil
		default:
			s.i++
		}
	}
	s.bad = true
	return nil
}

// escape consumes one escape sequence inside a string: \n, \", \u00e9…
func (s *scanner) escape() {
	s.i++ // the backslash
	if s.i >= len(s.d) {
		s.bad = true
		return
	}
	switch s.d[s.i] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		s.i++
	case 'u':
		s.i++
		for k := 0; k < 4; k++ {
			if s.i >= len(s.d) || !isHex(s.d[s.i]) {
				s.bad = true
				return
			}
			s.i++
		}
	default:
		s.bad = true
	}
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// skip consumes one value of any kind at nesting depth.
func (s *scanner) skip(depth int) {
	s.ws()
	if s.bad || s.i >= len(s.d) || depth > maxDepth {
		s.bad = true
		return
	}
	switch c := s.d[s.i]; {
	case c == '"':
		s.str()
	case c == '{':
		s.i++
		for first := true; ; first = false {
			if _, more := s.member(first); !more {
				return
			}
			s.skip(depth + 1)
		}
	case c == '[':
		s.i++
		s.ws()
		if s.peek(']') {
			s.i++
			return
		}
		for !s.bad {
			s.skip(depth + 1)
			s.ws()
			switch {
			case s.peek(','):
				s.i++
			case s.peek(']'):
				s.i++
				return
			default:
				s.bad = true
			}
		}
	case c == 't', c == 'f', c == 'n':
		if !s.literal("true") && !s.literal("false") && !s.literal("null") {
			s.bad = true
		}
	case c == '-' || (c >= '0' && c <= '9'):
		s.number()
	default:
		s.bad = true
	}
}

// number consumes a JSON number of any form.
func (s *scanner) number() {
	if s.peek('-') {
		s.i++
	}
	digits := func() int {
		n := 0
		for s.i < len(s.d) && s.d[s.i] >= '0' && s.d[s.i] <= '9' {
			s.i++
			n++
		}
		return n
	}
	start := s.i
	if n := digits(); n == 0 || (n > 1 && s.d[start] == '0') {
		s.bad = true
		return
	}
	if s.peek('.') {
		s.i++
		if digits() == 0 {
			s.bad = true
			return
		}
	}
	if s.peek('e') || s.peek('E') {
		s.i++
		if s.peek('+') || s.peek('-') {
			s.i++
		}
		if digits() == 0 {
			s.bad = true
		}
	}
}
