package gateway

import (
	"encoding/json"
	"testing"
)

func TestModelSpan(t *testing.T) {
	cases := []struct {
		name, body, model string
		ok, err           bool
	}{
		{"simple", `{"model":"gpt-4o","messages":[]}`, "gpt-4o", true, false},
		{"after nested", `{"messages":[{"role":"user","content":"{\"model\":\"fake\"}"}],"model":"m1"}`, "m1", true, false},
		{"nested model ignored", `{"metadata":{"model":"inner"},"x":1}`, "", false, false},
		{"spaces", " {\n \"model\" :\t\"a b\" } ", "a b", true, false},
		{"escaped value", `{"model":"caf\u00e9\"x"}`, "café\"x", true, false},
		{"escaped key", `{"mod\u0065l":"k"}`, "k", true, false},
		{"last duplicate wins", `{"model":"a","model":"b"}`, "b", true, false},
		{"non-string model", `{"model":null}`, "", false, false},
		{"number then model", `{"n":-1.5e3,"stream":true,"model":"z"}`, "z", true, false},
		{"empty object", `{}`, "", false, false},
		{"array", `[1,2]`, "", false, true},
		{"truncated", `{"model":"gpt`, "", false, true},
		{"not json", `hello`, "", false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, s, e, ok, err := modelSpan([]byte(tc.body))
			if (err != nil) != tc.err || ok != tc.ok || m != tc.model {
				t.Fatalf("got %q ok=%v err=%v, want %q ok=%v err=%v", m, ok, err, tc.model, tc.ok, tc.err)
			}
			if ok {
				var back string
				if json.Unmarshal([]byte(tc.body[s:e]), &back) != nil || back != m {
					t.Errorf("span [%d:%d] = %q is not the model's JSON string", s, e, tc.body[s:e])
				}
			}
		})
	}
}

// The splice replaces exactly the model and leaves valid JSON.
func TestModelSplice(t *testing.T) {
	body := []byte(`{"messages":[{"role":"user","content":"hi"}],"model":"gpt-4o-mini","stream":true}`)
	_, s, e, ok, err := modelSpan(body)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	out := append(append(append([]byte{}, body[:s]...), quoteJSON(`new"model`)...), body[e:]...)
	var v map[string]any
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("spliced body is not JSON: %s", out)
	}
	if v["model"] != `new"model` || v["stream"] != true {
		t.Errorf("spliced body %s", out)
	}
}

// FuzzModelSpan checks the scanner against encoding/json on every valid
// JSON object: same model found, and the span decodes to it.
func FuzzModelSpan(f *testing.F) {
	for _, s := range []string{`{"model":"a"}`, `{"a":{"model":"b"},"model":"c"}`, `{"model":1}`,
		`{"x":"\"model\":","model":"\u0041"}`, `{"model":"a","model":null}`, `{"m":[{},[],"]"]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var fields map[string]json.RawMessage
		if json.Unmarshal(body, &fields) != nil || fields == nil {
			return
		}
		var want string
		wantOK := json.Unmarshal(fields["model"], &want) == nil && len(fields["model"]) > 0 && fields["model"][0] == '"'
		m, s, e, ok, err := modelSpan(body)
		if err != nil {
			t.Fatalf("valid object %q: %v", body, err)
		}
		if ok != wantOK || (ok && m != want) {
			t.Fatalf("%q: got %q ok=%v, want %q ok=%v", body, m, ok, want, wantOK)
		}
		if ok {
			var back string
			if json.Unmarshal(body[s:e], &back) != nil || back != m {
				t.Fatalf("%q: span %q", body, body[s:e])
			}
		}
	})
}

func BenchmarkModelSpan(b *testing.B) {
	body := []byte(`{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are helpful."},` +
		`{"role":"user","content":"Write a haiku about failover and keep it short please."}],"temperature":0.2,"stream":false}`)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, _, _, ok, _ := modelSpan(body); !ok {
			b.Fatal("no model")
		}
	}
}
