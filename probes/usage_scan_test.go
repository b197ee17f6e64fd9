package probes

import (
	"encoding/json"
	"strings"
	"testing"
)

// refDoc is encoding/json's reading of the usage shapes, the reference
// scanUsage must agree with.
type refDoc struct {
	Usage   *refFields `json:"usage"`
	Message *struct {
		Usage *refFields `json:"usage"`
	} `json:"message"`
	UsageMetadata *struct {
		Prompt     *int64 `json:"promptTokenCount"`
		Candidates *int64 `json:"candidatesTokenCount"`
		Total      *int64 `json:"totalTokenCount"`
	} `json:"usageMetadata"`
	PromptEvalCount *int64 `json:"prompt_eval_count"`
	EvalCount       *int64 `json:"eval_count"`
}

type refFields struct {
	Prompt        *int64 `json:"prompt_tokens"`
	Completion    *int64 `json:"completion_tokens"`
	Total         *int64 `json:"total_tokens"`
	Input         *int64 `json:"input_tokens"`
	Output        *int64 `json:"output_tokens"`
	CacheCreation *int64 `json:"cache_creation_input_tokens"`
	CacheRead     *int64 `json:"cache_read_input_tokens"`
}

// refSee is the meter's see as it was written with encoding/json.
func refSee(m *usageMeter, data []byte) {
	var d refDoc
	if json.Unmarshal(data, &d) != nil {
		return
	}
	c := func(dst *count, v *int64) {
		if v != nil {
			*dst = count{n: *v, ok: true}
		}
	}
	f := func(u *refFields) {
		if u == nil {
			return
		}
		c(&m.prompt, u.Prompt)
		c(&m.completion, u.Completion)
		c(&m.total, u.Total)
		c(&m.input, u.Input)
		c(&m.output, u.Output)
		c(&m.cacheNew, u.CacheCreation)
		c(&m.cacheRead, u.CacheRead)
	}
	if d.Message != nil {
		f(d.Message.Usage)
	}
	f(d.Usage)
	if g := d.UsageMetadata; g != nil {
		c(&m.gemPrompt, g.Prompt)
		c(&m.gemCandidates, g.Candidates)
		c(&m.gemTotal, g.Total)
	}
	c(&m.evalPrompt, d.PromptEvalCount)
	c(&m.eval, d.EvalCount)
}

// usageDocs are real answers and chunks of every shape, plus the odd
// documents a scanner gets wrong: escapes, nesting, nulls, numbers that
// are not integers, duplicates and trailing bytes.
var usageDocs = []string{
	`{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Hi \"there\" \\ \u00e9\n"},"finish_reason":"length"}],` +
		`"usage":{"prompt_tokens":8,"completion_tokens":1,"total_tokens":9,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":null}}}`,
	`{"object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":8,"completion_tokens":1,"total_tokens":9}}`,
	`{"object":"chat.completion.chunk","choices":[{"delta":{"content":"usage"}}],"usage":null}`,
	`{"type":"message_start","message":{"id":"m","content":[],"usage":{"input_tokens":8,"output_tokens":1}}}`,
	`{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":3,"cache_read_input_tokens":2}}`,
	`{"candidates":[{"content":{"parts":[{"text":"Hi"}]}}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":1,"totalTokenCount":5,"promptTokensDetails":[{"modality":"TEXT","tokenCount":4}]}}`,
	`{"model":"llama3.2","done":true,"total_duration":5043500667,"prompt_eval_count":26,"eval_count":1,"x":[1.5e3,-0.25,true,false,null,[],{}]}`,
	` { "usage" : { "total_tokens" : 12 } , "usage" : { "prompt_tokens" : 3 } } `,
	`{"usage":{"total_tokens":9.0}}`, `{"usage":{"total_tokens":1e3}}`, `{"usage":{"total_tokens":"9"}}`,
	`{"usage":{"total_tokens":-4}}`, `{"usage":{"total_tokens":09}}`, `{"usage":{"total_tokens":9223372036854775807}}`,
	`{"usage":{"total_tokens":9223372036854775808}}`, `{"usage":{"total_tokens":-9223372036854775808}}`,
	`{"usage":[]}`, `{"usage":7}`, `{"message":"usage"}`, `{"message":null,"eval_count":2}`, `null`, `[{"usage":{}}]`,
	`{"usage":{"total_tokens":3}} x`, `{"usage":{"total_tokens":3},}`, `{,"usage":{}}`, `{"a":"\x"}`, `{"a":"\u12"}`,
	`{"usage":{"total_tokens":3}` + strings.Repeat(" ", 3) + `}`, `[DONE]`, `<html>usage</html>`, ``,
	`{"a":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `,"usage":{"total_tokens":1}}`,
}

// scanUsage reads every document as encoding/json does, and so does every
// prefix of each (the cut documents a broken stream leaves).
func TestScanAgreesWithEncodingJSON(t *testing.T) {
	check := func(doc string) {
		t.Helper()
		var got, want usageMeter
		got.see([]byte(doc))
		refSee(&want, []byte(doc))
		if got != want {
			t.Fatalf("document %.200q:\n got %+v\nwant %+v", doc, got, want)
		}
	}
	for _, doc := range usageDocs {
		check(doc)
		if len(doc) < 1000 {
			for i := range doc {
				check(doc[:i])
			}
		}
	}
}

// The gateway reads every answer it passes on: reading one costs no
// allocation.
func TestUsageAllocatesNothing(t *testing.T) {
	doc := []byte(usageDocs[0])
	var u Usage
	if n := testing.AllocsPerRun(100, func() { u.See(doc) }); n != 0 {
		t.Fatalf("See allocates %v times per document", n)
	}
	if n, ok := u.Generated(); !ok || n != 1 {
		t.Fatalf("Generated = %d, %v; want 1, true", n, ok)
	}
}

func TestGeneratedByShape(t *testing.T) {
	cases := []struct {
		name string
		doc  string
		want int64
		ok   bool
	}{
		{"openai", `{"usage":{"prompt_tokens":8,"completion_tokens":3,"total_tokens":11}}`, 3, true},
		{"openai total only", `{"usage":{"prompt_tokens":8,"total_tokens":11}}`, 3, true},
		{"anthropic", `{"usage":{"input_tokens":8,"output_tokens":5}}`, 5, true},
		{"gemini", `{"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":2,"totalTokenCount":6}}`, 2, true},
		{"ollama", `{"prompt_eval_count":26,"eval_count":7}`, 7, true},
		{"none", `{"choices":[]}`, 0, false},
		{"prompt only", `{"usage":{"prompt_tokens":8}}`, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var u Usage
			u.See([]byte(c.doc))
			if n, ok := u.Generated(); n != c.want || ok != c.ok {
				t.Fatalf("Generated = %d, %v; want %d, %v", n, ok, c.want, c.ok)
			}
		})
	}
}
