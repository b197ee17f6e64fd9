package fakes

import "testing"

func TestPeekN(t *testing.T) {
	s := Start(Options{Kind: kindAnthropic, APIKey: "k", Models: []string{"c"}})
	defer s.Close()
	a := call(t, "POST", s.URL()+"/v1/chat/completions", jsonHeaders("Authorization", "Bearer k"), `{"model":"c","messages":[{"role":"user","content":"x"}],"n":3}`)
	t.Logf("%d %s", a.status, a.body)
}
