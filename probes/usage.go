package probes

import "bytes"

// The shapes in which providers report what an answer cost, read by
// scanUsage (usage_scan.go): OpenAI and the layers that copy it
// (usage.prompt_tokens, completion_tokens, total_tokens; a stream's final
// chunk when asked for), Anthropic (usage.input_tokens, output_tokens and
// the cache counts, also inside a stream's message_start), Gemini's own API
// (usageMetadata.totalTokenCount) and Ollama's (prompt_eval_count,
// eval_count).

// count is one usage count and whether the answer reported it: a count of
// zero is not one that is absent.
type count struct {
	n  int64
	ok bool
}

// keep sets dst to v when the answer reported v.
func keep(dst *count, v count) {
	if v.ok {
		*dst = v
	}
}

// usageMeter keeps the newest value of every count seen in an answer. A
// stream reports its counts as running totals (Anthropic's message_delta,
// Gemini's chunks) or once at the end (OpenAI's usage chunk), so the
// newest value of each is the answer's whole cost either way.
type usageMeter struct {
	prompt, completion, total          count
	input, output, cacheNew, cacheRead count
	gemPrompt, gemCandidates, gemTotal count
	evalPrompt, eval                   count
}

var (
	usageWord = []byte("usage")      // usage, usageMetadata
	evalWord  = []byte("eval_count") // eval_count, prompt_eval_count
)

// see reads one JSON document (a whole answer, or one stream chunk); a
// document that is not JSON, is not what encoding/json would read into
// the shapes above, or holds no counts changes nothing. It allocates
// nothing, so the gateway can read every answer it passes.
func (m *usageMeter) see(data []byte) {
	if !bytes.Contains(data, usageWord) && !bytes.Contains(data, evalWord) {
		return // the common chunk of a stream: nothing to read
	}
	next := *m
	if scanUsage(data, &next) {
		*m = next
	}
}

// tokens is the answer's total, or 1 when it reported none: the probe asks
// for one token, and an answer that says nothing of its cost still cost
// at least that.
func (m *usageMeter) tokens() int64 {
	sum := func(vs ...count) (int64, bool) {
		var n int64
		seen := false
		for _, v := range vs {
			if v.ok {
				n, seen = n+max(v.n, 0), true
			}
		}
		return n, seen
	}
	for _, group := range [][]count{
		{m.total}, {m.prompt, m.completion}, // OpenAI: its own total first
		{m.input, m.cacheNew, m.cacheRead, m.output}, // Anthropic has no total
		{m.gemTotal}, {m.gemPrompt, m.gemCandidates},
		{m.evalPrompt, m.eval},
	} {
		if n, ok := sum(group...); ok && n > 0 {
			return n
		}
	}
	return 1
}

// generated is the tokens the answer generated, from the first shape
// that reports them; ok is false when none does.
func (m *usageMeter) generated() (int64, bool) {
	switch {
	case m.completion.ok:
		return max(m.completion.n, 0), true
	case m.total.ok && m.prompt.ok:
		return max(m.total.n-m.prompt.n, 0), true
	case m.output.ok:
		return max(m.output.n, 0), true
	case m.gemCandidates.ok:
		return max(m.gemCandidates.n, 0), true
	case m.eval.ok:
		return max(m.eval.n, 0), true
	}
	return 0, false
}

// Usage reads the token counts an answer reports, one JSON document at a
// time (a whole answer, or each data line of a stream), with the probes'
// own reading of every provider's shape and without allocating: the
// gateway reads each answer it passes on with it. The zero value is ready.
type Usage struct{ m usageMeter }

// See reads one JSON document; one that holds no counts changes nothing.
func (u *Usage) See(doc []byte) { u.m.see(doc) }

// Generated is the tokens the answer generated (completion_tokens,
// output_tokens, candidatesTokenCount or eval_count, as the provider names
// them); ok is false when the answer reported none.
func (u *Usage) Generated() (n int64, ok bool) { return u.m.generated() }
