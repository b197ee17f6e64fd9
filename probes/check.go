package probes

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// A 2xx body that fails these checks is a bad response: a proxy's HTML
// page, a truncated answer, or JSON of some other API.

func decode(body []byte, v any) error {
	if !json.Valid(body) {
		return errors.New("response is not valid JSON")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("unexpected JSON shape: %v", err)
	}
	return nil
}

// checkDataList accepts {"data":[{"id":…}…]} (OpenAI, Azure, Anthropic model lists).
func checkDataList(body []byte) error {
	var v struct {
		Data *[]struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := decode(body, &v); err != nil {
		return err
	}
	if v.Data == nil {
		return fmt.Errorf(`unexpected response: no "data" list`)
	}
	return nil
}

// checkChat accepts an OpenAI chat completion with at least one choice.
func checkChat(body []byte) error {
	var v struct {
		Choices []struct {
			Message *json.RawMessage `json:"message"`
		} `json:"choices"`
	}
	if err := decode(body, &v); err != nil {
		return err
	}
	if len(v.Choices) == 0 || v.Choices[0].Message == nil {
		return fmt.Errorf("unexpected response: no choices")
	}
	return nil
}

// checkMessage accepts an Anthropic Messages response.
func checkMessage(body []byte) error {
	var v struct {
		Type    string             `json:"type"`
		Content *[]json.RawMessage `json:"content"`
	}
	if err := decode(body, &v); err != nil {
		return err
	}
	if v.Type != "message" || v.Content == nil {
		return fmt.Errorf(`unexpected response: not a "message"`)
	}
	return nil
}

func checkGeminiModels(body []byte) error {
	var v struct {
		Models *[]struct {
			Name string `json:"name"`
		} `json:"models"`
	}
	if err := decode(body, &v); err != nil {
		return err
	}
	if v.Models == nil {
		return fmt.Errorf(`unexpected response: no "models" list`)
	}
	return nil
}

func checkOllamaVersion(body []byte) error {
	var v struct {
		Version string `json:"version"`
	}
	if err := decode(body, &v); err != nil {
		return err
	}
	if v.Version == "" {
		return fmt.Errorf("unexpected response: no version")
	}
	return nil
}

// checkInstalled accepts Ollama's /api/tags when it lists model ("" = any
// list). Ollama calls "llama3" what it lists as "llama3:latest".
func checkInstalled(model string) func([]byte) error {
	return func(body []byte) error {
		var v struct {
			Models *[]struct {
				Name  string `json:"name"`
				Model string `json:"model"`
			} `json:"models"`
		}
		if err := decode(body, &v); err != nil {
			return err
		}
		if v.Models == nil {
			return fmt.Errorf(`unexpected response: no "models" list`)
		}
		if model == "" {
			return nil
		}
		want := []string{model}
		if !strings.Contains(model, ":") {
			want = append(want, model+":latest")
		}
		for _, m := range *v.Models {
			for _, w := range want {
				if m.Name == w || m.Model == w {
					return nil
				}
			}
		}
		return fmt.Errorf("model %s not installed", model)
	}
}

// ProviderError is what an error body says, in any provider's dialect:
// {"error":{"message"}} (OpenAI, Azure, Gemini), {"type":"error","error":
// {"message"}} (Anthropic), {"error":"…"} (Ollama), [{"error":{…}}] (Gemini's
// OpenAI endpoint), {"message"} or {"detail"} (self-hosted servers).
type ProviderError struct {
	Msg    string
	Reason string // Gemini ErrorInfo reason, e.g. API_KEY_INVALID
}

// KeyInvalid reports whether the provider says its key is wrong in a way
// its status does not: Gemini answers a bad key with 400, not 401.
func (pe ProviderError) KeyInvalid() bool { return pe.Reason == "API_KEY_INVALID" }

// ParseProviderError reads an error body in any of the dialects above; it
// is empty when the body is none of them.
func ParseProviderError(body []byte) ProviderError {
	var list []json.RawMessage
	if json.Unmarshal(body, &list) == nil && len(list) > 0 {
		body = list[0]
	}
	var v struct {
		Error   json.RawMessage `json:"error"`
		Message string          `json:"message"`
		Detail  any             `json:"detail"`
	}
	if json.Unmarshal(body, &v) != nil {
		return ProviderError{}
	}
	var s string
	if json.Unmarshal(v.Error, &s) == nil {
		return ProviderError{Msg: s}
	}
	var inner struct {
		Message string `json:"message"`
		Details []struct {
			Reason string `json:"reason"`
		} `json:"details"`
	}
	if json.Unmarshal(v.Error, &inner) == nil && inner.Message != "" {
		pe := ProviderError{Msg: inner.Message}
		for _, d := range inner.Details {
			pe.Reason = cmpOr(pe.Reason, d.Reason)
		}
		return pe
	}
	if v.Message != "" {
		return ProviderError{Msg: v.Message}
	}
	if d, ok := v.Detail.(string); ok {
		return ProviderError{Msg: d}
	}
	return ProviderError{}
}
