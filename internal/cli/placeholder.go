package cli

import (
	"fmt"
	"io"
	"strings"

	"switchboard/config"
	"switchboard/probes"
)

// wellKnownPlaceholders are api_key values that docs and tools tell users
// to write where a server needs no key (Ollama's and LM Studio's OpenAI
// endpoints, llama.cpp, vLLM) or that stand for a key never filled in.
// Compared case-insensitively.
var wellKnownPlaceholders = map[string]bool{
	"ollama": true, "lm-studio": true, "lmstudio": true, "sk-no-key-required": true, "no-key": true,
	"empty": true, "none": true, "null": true, "nil": true, "x": true, "xxx": true, "sk-xxx": true,
	"dummy": true, "fake": true, "test": true, "placeholder": true, "not-needed": true, "key": true,
	"changeme": true, "change-me": true, "api-key": true, "apikey": true, "sk-1234": true,
	"your-api-key": true, "your_api_key": true, "your-api-key-here": true, "your_api_key_here": true,
}

// placeholderWarnings writes one warning per provider whose api_key looks
// like a placeholder, at the key's value. Such a key is legitimate for a
// server that needs none, so it is only a warning; but a key shorter than
// probes.MinSecretLen is never redacted (replacing it would corrupt the
// answers it occurs in), which the operator of a real key must know. The
// key itself is never printed.
func placeholderWarnings(w io.Writer, cfg *config.Config) {
	for i, p := range cfg.Providers {
		if p.APIKey == "" {
			continue
		}
		short := len(p.APIKey) < probes.MinSecretLen
		known := wellKnownPlaceholders[strings.ToLower(strings.Trim(p.APIKey, " <>"))]
		if !short && !known {
			continue
		}
		msg := fmt.Sprintf("is shorter than %d bytes, like a placeholder rather than a real key", probes.MinSecretLen)
		if known {
			msg = "is a well-known placeholder, not a real key"
		}
		if short {
			msg += `; it is not redacted from answers and error texts, because replacing so short a text would corrupt them (e.g. "ollama" inside "ollama-llama3.2")`
		} else {
			msg += "; if the server needs a key, set the real one"
		}
		field := fmt.Sprintf("providers[%d].api_key", i)
		at, ok := cfg.At(field)
		if !ok {
			at = config.Error{File: cfg.Path, Line: 1, Col: 1}
		}
		at.Msg = fmt.Sprintf("warning: %s (provider %q) %s", field, p.Name, msg)
		fmt.Fprintln(w, at.Error())
	}
}
