package fakes

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"time"
)

// serveCompletion answers the legacy POST .../completions.
func (x *exchange) serveCompletion(resolve resolver) {
	req, ok := x.parseOpenAI(x.rules(completionParams, "prompt"))
	if !ok {
		return
	}
	model, e := resolve(req)
	if e != nil {
		x.fail(*e)
		return
	}
	toks, finish := reply(req.maxTokens)
	id, created := newID("cmpl-"), time.Now().Unix()
	choice := func(text string, finish any) map[string]any {
		return map[string]any{"id": id, "object": "text_completion", "created": created, "model": model,
			"choices": []any{map[string]any{"text": text, "index": 0, "logprobs": nil, "finish_reason": finish}}}
	}
	if !req.stream {
		body := choice(strings.Join(toks, ""), finish)
		body["usage"] = usage(req.promptTokens(), len(toks))
		x.writeJSON(body)
		return
	}
	s := x.startSSE()
	for _, t := range toks {
		s.event("", choice(t, nil))
	}
	s.event("", choice("", finish))
	s.event("", "[DONE]")
}

// serveEmbedding answers POST .../embeddings with small deterministic vectors.
func (x *exchange) serveEmbedding(resolve resolver) {
	req, ok := x.parseOpenAI(x.rules(embeddingParams, "input"))
	if !ok {
		return
	}
	n := inputCount(req.fields["input"])
	if n == 0 {
		e := newError(http.StatusBadRequest, "'$.input' is invalid. Please check the API reference: "+
			"https://platform.openai.com/docs/api-reference.")
		x.fail(e)
		return
	}
	model, e := resolve(req)
	if e != nil {
		x.fail(*e)
		return
	}
	dims := 16
	_ = json.Unmarshal(req.fields["dimensions"], &dims)
	var format string
	_ = json.Unmarshal(req.fields["encoding_format"], &format)
	data := make([]any, n)
	for i := range data {
		data[i] = map[string]any{"object": "embedding", "index": i, "embedding": vector(i, max(dims, 1), format)}
	}
	p := req.promptTokens()
	x.writeJSON(map[string]any{"object": "list", "data": data, "model": model,
		"usage": map[string]any{"prompt_tokens": p, "total_tokens": p}})
}

// inputCount is how many embeddings an input asks for: a string or a token
// array is one, an array of strings or of token arrays is one each.
func inputCount(raw json.RawMessage) int {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return min(len(s), 1)
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil || len(list) == 0 {
		return 0
	}
	var num float64
	if json.Unmarshal(list[0], &num) == nil {
		return 1
	}
	return len(list)
}

func vector(seed, dims int, format string) any {
	v := make([]float32, dims)
	for i := range v {
		v[i] = float32(math.Sin(float64(seed*dims + i + 1)))
	}
	if format != "base64" {
		return v
	}
	b := make([]byte, 4*dims)
	for i, f := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(f))
	}
	return base64.StdEncoding.EncodeToString(b)
}
