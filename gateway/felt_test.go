package gateway_test

import (
	"context"
	"testing"

	"github.com/openai/openai-go/v3"

	"switchboard/monitor"
)

// Each request's record says what the application got: a streamed
// answer's time to first token, how long the answer took, and the tokens
// it said it generated, the same count the SDK read from it.
func TestRecordsCarryWhatTheApplicationFelt(t *testing.T) {
	t.Run("plain answer", func(t *testing.T) {
		h := twoOpenAI(t)
		client := h.sdk()
		got, err := client.Chat.Completions.New(context.Background(), chatParams())
		if err != nil {
			t.Fatal(err)
		}
		rec := onlyRecord(t, h)
		if rec.TTFT != 0 || rec.Duration <= 0 || rec.Tokens != got.Usage.CompletionTokens || rec.Tokens == 0 {
			t.Fatalf("record %+v; the SDK read %d completion tokens", rec, got.Usage.CompletionTokens)
		}
	})
	t.Run("stream with a usage chunk", func(t *testing.T) {
		h := twoOpenAI(t)
		client := h.sdk()
		params := chatParams()
		params.StreamOptions = openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)}
		stream := client.Chat.Completions.NewStreaming(context.Background(), params)
		var acc openai.ChatCompletionAccumulator
		for stream.Next() {
			acc.AddChunk(stream.Current())
		}
		if err := stream.Err(); err != nil {
			t.Fatal(err)
		}
		stream.Close()
		rec := onlyRecord(t, h)
		if rec.TTFT <= 0 || rec.TTFT > rec.Duration || rec.Tokens != acc.Usage.CompletionTokens || rec.Tokens == 0 {
			t.Fatalf("record %+v; the SDK read %d completion tokens", rec, acc.Usage.CompletionTokens)
		}
	})
	t.Run("stream without usage", func(t *testing.T) {
		h := twoOpenAI(t)
		if _, err := h.streamChat(); err != nil {
			t.Fatal(err)
		}
		if rec := onlyRecord(t, h); rec.TTFT <= 0 || rec.Tokens != 0 {
			t.Fatalf("record %+v: want a TTFT and no tokens", rec)
		}
	})
}

func onlyRecord(t *testing.T, h *harness) monitor.RequestRecord {
	t.Helper()
	recs := h.src.RecordsAfter(1)
	if len(recs) != 1 || !recs[0].OK || recs[0].Backend != "primary" {
		t.Fatalf("records %+v, want one served by primary", recs)
	}
	return recs[0]
}
