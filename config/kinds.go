package config

// CarriesTraffic reports whether a provider of this kind can serve the
// gateway's requests. Only LLM APIs do: a kind `http` provider is a health
// check (an internal proxy, a VPN endpoint) that is watched and shown but
// never becomes the active backend, the next one, or counts as routable.
func (p Provider) CarriesTraffic() bool {
	switch p.Kind {
	case KindOpenAI, KindOpenAICompatible, KindAzureOpenAI, KindAnthropic, KindGemini, KindOllama:
		return true
	}
	return false
}
