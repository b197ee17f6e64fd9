package probes

import "encoding/json"

// usageDoc is every shape in which a provider reports what an answer cost:
// OpenAI and the layers that copy it (usage.prompt_tokens,
// completion_tokens, total_tokens; a stream's final chunk when asked for),
// Anthropic (usage.input_tokens, output_tokens and the cache counts, also
// inside a stream's message_start), Gemini's own API
// (usageMetadata.totalTokenCount) and Ollama's (prompt_eval_count,
// eval_count). Pointers tell a count of zero from one that is absent.
type usageDoc struct {
	Usage   *usageFields `json:"usage"`
	Message *struct {
		Usage *usageFields `json:"usage"`
	} `json:"message"`
	UsageMetadata *struct {
		Prompt     *int64 `json:"promptTokenCount"`
		Candidates *int64 `json:"candidatesTokenCount"`
		Total      *int64 `json:"totalTokenCount"`
	} `json:"usageMetadata"`
	PromptEvalCount *int64 `json:"prompt_eval_count"`
	EvalCount       *int64 `json:"eval_count"`
}

type usageFields struct {
	Prompt        *int64 `json:"prompt_tokens"`
	Completion    *int64 `json:"completion_tokens"`
	Total         *int64 `json:"total_tokens"`
	Input         *int64 `json:"input_tokens"`
	Output        *int64 `json:"output_tokens"`
	CacheCreation *int64 `json:"cache_creation_input_tokens"`
	CacheRead     *int64 `json:"cache_read_input_tokens"`
}

// usageMeter keeps the newest value of every count seen in an answer. A
// stream reports its counts as running totals (Anthropic's message_delta,
// Gemini's chunks) or once at the end (OpenAI's usage chunk), so the
// newest value of each is the answer's whole cost either way.
type usageMeter struct {
	prompt, completion, total          *int64
	input, output, cacheNew, cacheRead *int64
	gemPrompt, gemCandidates, gemTotal *int64
	evalPrompt, eval                   *int64
}

// see reads one JSON document (a whole answer, or one stream chunk); a
// document that is not JSON or holds no counts changes nothing.
func (m *usageMeter) see(data []byte) {
	var d usageDoc
	if json.Unmarshal(data, &d) != nil {
		return
	}
	if d.Message != nil {
		m.fields(d.Message.Usage) // Anthropic's message_start
	}
	m.fields(d.Usage)
	if g := d.UsageMetadata; g != nil {
		keep(&m.gemPrompt, g.Prompt)
		keep(&m.gemCandidates, g.Candidates)
		keep(&m.gemTotal, g.Total)
	}
	keep(&m.evalPrompt, d.PromptEvalCount)
	keep(&m.eval, d.EvalCount)
}

func (m *usageMeter) fields(u *usageFields) {
	if u == nil {
		return
	}
	keep(&m.prompt, u.Prompt)
	keep(&m.completion, u.Completion)
	keep(&m.total, u.Total)
	keep(&m.input, u.Input)
	keep(&m.output, u.Output)
	keep(&m.cacheNew, u.CacheCreation)
	keep(&m.cacheRead, u.CacheRead)
}

func keep(dst **int64, v *int64) {
	if v != nil {
		*dst = v
	}
}

// tokens is the answer's total, or 1 when it reported none: the probe asks
// for one token, and an answer that says nothing of its cost still cost
// at least that.
func (m *usageMeter) tokens() int64 {
	sum := func(vs ...*int64) (int64, bool) {
		var n int64
		seen := false
		for _, v := range vs {
			if v != nil {
				n, seen = n+max(*v, 0), true
			}
		}
		return n, seen
	}
	for _, group := range [][]*int64{
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
