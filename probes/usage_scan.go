package probes

// scanUsage reads the counts of one JSON document into m, as
// encoding/json would read it into the usage shapes (see usage.go), but
// without allocating. It reports false, and m must then be dropped, for a
// document encoding/json would refuse: not JSON, not an object, or a count
// that is not an integer. Keys are matched exactly (encoding/json also
// matches other cases and escaped spellings, which no provider sends).
func scanUsage(d []byte, m *usageMeter) bool {
	s := scanner{d: d}
	s.ws()
	if !s.open() {
		return false
	}
	for first := true; ; first = false {
		key, more := s.member(first)
		if !more {
			break
		}
		switch string(key) {
		case "usage":
			s.usage(m)
		case "message": // Anthropic's message_start: {"message": {"usage": {...}}}
			if s.open() {
				for first := true; ; first = false {
					key, more := s.member(first)
					if !more {
						break
					}
					if string(key) == "usage" {
						s.usage(m)
					} else {
						s.skip(1)
					}
				}
			}
		case "usageMetadata":
			if s.open() {
				for first := true; ; first = false {
					key, more := s.member(first)
					if !more {
						break
					}
					switch string(key) {
					case "promptTokenCount":
						keep(&m.gemPrompt, s.count())
					case "candidatesTokenCount":
						keep(&m.gemCandidates, s.count())
					case "totalTokenCount":
						keep(&m.gemTotal, s.count())
					default:
						s.skip(1)
					}
				}
			}
		case "prompt_eval_count":
			keep(&m.evalPrompt, s.count())
		case "eval_count":
			keep(&m.eval, s.count())
		default:
			s.skip(1)
		}
		if s.bad {
			return false
		}
	}
	s.ws()
	return !s.bad && s.i == len(s.d)
}

// usage reads a usage object (OpenAI's or Anthropic's fields).
func (s *scanner) usage(m *usageMeter) {
	if !s.open() {
		return
	}
	for first := true; ; first = false {
		key, more := s.member(first)
		if !more {
			return
		}
		switch string(key) {
		case "prompt_tokens":
			keep(&m.prompt, s.count())
		case "completion_tokens":
			keep(&m.completion, s.count())
		case "total_tokens":
			keep(&m.total, s.count())
		case "input_tokens":
			keep(&m.input, s.count())
		case "output_tokens":
			keep(&m.output, s.count())
		case "cache_creation_input_tokens":
			keep(&m.cacheNew, s.count())
		case "cache_read_input_tokens":
			keep(&m.cacheRead, s.count())
		default:
			s.skip(1)
		}
	}
}
