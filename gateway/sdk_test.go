package gateway_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"switchboard/internal/fakes"
	"switchboard/probes"
)

func TestSDKChatThroughGateway(t *testing.T) {
	h := twoOpenAI(t)
	var resp *http.Response
	client := h.sdk()
	c, err := client.Chat.Completions.New(context.Background(), chatParams(), option.WithResponseInto(&resp))
	if err != nil {
		t.Fatalf("chat: %v", err)
	}
	if got := c.Choices[0].Message.Content; got != "Hello! How can I help you today?" {
		t.Errorf("content = %q", got)
	}
	if b, a := resp.Header.Get("X-Switchboard-Backend"), resp.Header.Get("X-Switchboard-Attempts"); b != "primary" || a != "1" {
		t.Errorf("served by %q in %q attempts, want primary in 1", b, a)
	}
	if n := h.fakes["secondary"].Handler().Count(); n != 0 {
		t.Errorf("secondary got %d requests, want 0", n)
	}
}

func TestSDKStreamThroughGateway(t *testing.T) {
	h := twoOpenAI(t)
	var resp *http.Response
	client := h.sdk()
	stream := client.Chat.Completions.NewStreaming(context.Background(), chatParams(), option.WithResponseInto(&resp))
	var text strings.Builder
	for stream.Next() {
		for _, ch := range stream.Current().Choices {
			text.WriteString(ch.Delta.Content)
		}
	}
	if err := stream.Err(); err != nil {
		t.Fatalf("stream: %v", err)
	}
	if text.String() != "Hello! How can I help you today?" {
		t.Errorf("streamed text = %q", text.String())
	}
	if b := resp.Header.Get("X-Switchboard-Backend"); b != "primary" {
		t.Errorf("served by %q, want primary", b)
	}
	// Passive health: the stream's success is reported with its TTFT.
	rs := h.src.ReportsAfter(1)
	if len(rs) != 1 || rs[0].Class != probes.ClassOK || rs[0].TTFT <= 0 || rs[0].Source != probes.SourcePassive {
		t.Errorf("reports = %+v, want one passive ok with TTFT", rs)
	}
}

// Every fault of the primary, set mid-run, is absorbed: each SDK call
// still succeeds and says it was served by the secondary.
func TestSDKSurvivesPrimaryFaults(t *testing.T) {
	faults := map[string]fakes.Fault{
		"refuse":     {Kind: fakes.FaultRefuse},
		"reset":      {Kind: fakes.FaultReset},
		"hang":       {Kind: fakes.FaultHang},
		"503":        {Kind: fakes.FaultStatus, Status: 503},
		"429":        {Kind: fakes.FaultRateLimit, RetryAfter: "7"},
		"break body": {Kind: fakes.FaultBreakBody},
		"html 200":   {Kind: fakes.FaultHTML200},
	}
	for name, fault := range faults {
		t.Run(name, func(t *testing.T) {
			h := twoOpenAI(t)
			client := h.sdk()
			if _, err := client.Chat.Completions.New(context.Background(), chatParams()); err != nil {
				t.Fatalf("before the fault: %v", err)
			}
			h.fakes["primary"].Handler().SetFault(fault)
			for i := range 3 {
				var resp *http.Response
				_, err := client.Chat.Completions.New(context.Background(), chatParams(), option.WithResponseInto(&resp))
				if err != nil {
					t.Fatalf("call %d during %s: %v", i, name, err)
				}
				if b, a := resp.Header.Get("X-Switchboard-Backend"), resp.Header.Get("X-Switchboard-Attempts"); b != "secondary" || a != "2" {
					t.Errorf("call %d served by %q in %q attempts, want secondary in 2", i, b, a)
				}
			}
			classes := h.src.classesFor("primary")
			if len(classes) != 4 || classes[0] != probes.ClassOK || classes[3] == probes.ClassOK {
				t.Errorf("primary reported %v, want ok then 3 failures", classes)
			}
		})
	}
}

func TestSDKStreamSurvivesPrimaryFault(t *testing.T) {
	h := twoOpenAI(t)
	h.fakes["primary"].Handler().SetFault(fakes.Fault{Kind: fakes.FaultStatus, Status: 503})
	var resp *http.Response
	client := h.sdk()
	stream := client.Chat.Completions.NewStreaming(context.Background(), chatParams(), option.WithResponseInto(&resp))
	n := 0
	for stream.Next() {
		n++
	}
	if err := stream.Err(); err != nil || n == 0 {
		t.Fatalf("stream: %d chunks, err %v", n, err)
	}
	if b := resp.Header.Get("X-Switchboard-Backend"); b != "secondary" {
		t.Errorf("served by %q, want secondary", b)
	}
}

// After the first byte nothing is retried: a stream that breaks reaches
// the SDK as an error, after the chunks that did arrive.
func TestSDKStreamBreakAfterFirstByteIsAnError(t *testing.T) {
	h := twoOpenAI(t)
	h.fakes["primary"].Handler().SetFault(fakes.Fault{Kind: fakes.FaultBreakStream, After: 2})
	n, err := h.streamChat()
	if err == nil {
		t.Fatalf("stream ended cleanly after %d chunks; want an error", n)
	}
	if n != 2 {
		t.Errorf("got %d chunks before the error, want 2", n)
	}
	if !strings.Contains(err.Error(), "broke the stream") {
		t.Errorf("error %q does not say the stream broke", err)
	}
	if c := h.fakes["secondary"].Handler().Count(); c != 0 {
		t.Errorf("secondary got %d requests after the commit point, want 0", c)
	}
	recs := h.src.RecordsAfter(1)
	if len(recs) != 1 || recs[0].OK || recs[0].Backend != "primary" {
		t.Errorf("records = %+v, want one failed request on primary", recs)
	}
}

// The SDK surfaces the gateway's own errors as typed API errors.
func TestSDKSeesOpenAIErrorWhenAllFail(t *testing.T) {
	h := twoOpenAI(t)
	for _, s := range h.fakes {
		s.Handler().SetFault(fakes.Fault{Kind: fakes.FaultStatus, Status: 503})
	}
	client := h.sdk()
	_, err := client.Chat.Completions.New(context.Background(), chatParams())
	var apiErr *openai.Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want *openai.Error", err)
	}
	if apiErr.StatusCode != http.StatusBadGateway || apiErr.Code != "upstream_error" {
		t.Errorf("status %d code %q, want 502 upstream_error", apiErr.StatusCode, apiErr.Code)
	}
	if !strings.Contains(apiErr.Message, "primary: 503") || !strings.Contains(apiErr.Message, "secondary: 503") {
		t.Errorf("message %q does not name both failed attempts", apiErr.Message)
	}
}
