package probes

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"switchboard/config"
)

// streamError is a stream that ended wrong, as opposed to one whose
// connection broke (a transport error, classified by ClassifyError).
type streamError struct {
	class Class
	msg   string
}

func (e *streamError) Error() string { return e.msg }

func badStream(msg string) *streamError { return &streamError{ClassBadResponse, msg} }

// readStream reads an SSE body to its end marker, calling firstToken when
// the first chunk carrying a choice (OpenAI) or a content delta (Anthropic)
// arrives, and showing every chunk to usage. It reads at most maxBody bytes.
func readStream(body io.Reader, kind streamKind, usage *usageMeter, firstToken func()) error {
	r := bufio.NewReader(io.LimitReader(body, maxBody+1))
	var event string
	read, token, finished := 0, false, false
	for {
		line, err := r.ReadString('\n')
		if read += len(line); read > maxBody {
			return badStream("stream exceeds 1 MiB")
		}
		if err != nil && !errors.Is(err, io.EOF) {
			// A stall or a reset mid-line: the half line is not the
			// provider's JSON to judge, the broken read is the outcome.
			return err
		}
		line = strings.TrimRight(line, "\r\n")
		switch {
		case line == "":
			event = ""
		case strings.HasPrefix(line, "event:"):
			event = strings.TrimSpace(line[len("event:"):])
		case strings.HasPrefix(line, "data:"):
			data := strings.TrimSpace(line[len("data:"):])
			usage.see([]byte(data))
			done, tok, fin, serr := judgeEvent(kind, event, data)
			if serr != nil {
				return serr
			}
			finished = finished || fin
			if tok && !token {
				token = true
				firstToken()
			}
			if done && !token {
				return badStream("stream ended without a token")
			}
			if done {
				return nil
			}
		}
		if errors.Is(err, io.EOF) {
			if token && finished && kind == openAILooseStream {
				return nil // no [DONE], but the answer was whole
			}
			return badStream("stream ended before its end marker")
		}
	}
}

// judgeEvent reads one data line: is it the end, does it carry a token,
// does it finish the answer (a finish_reason), is it an error the provider
// sent inside the stream?
func judgeEvent(kind streamKind, event, data string) (done, token, finished bool, err *streamError) {
	if kind != anthropicStream && data == "[DONE]" {
		return true, false, false, nil
	}
	var v struct {
		Type    string `json:"type"`
		Choices []struct {
			FinishReason *string `json:"finish_reason"`
		} `json:"choices"`
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal([]byte(data), &v) != nil {
		return false, false, false, badStream("stream chunk is not valid JSON")
	}
	if len(v.Error) > 0 && string(v.Error) != "null" || v.Type == "error" || event == "error" {
		pe := ParseProviderError([]byte(data))
		class := ClassServerError
		if strings.Contains(data, "rate_limit") {
			class = ClassRateLimited
		}
		return false, false, false, &streamError{class, "error in stream: " + cmpOr(pe.Msg, "unknown")}
	}
	if kind == anthropicStream {
		return v.Type == "message_stop", v.Type == "content_block_delta", false, nil
	}
	for _, c := range v.Choices {
		finished = finished || c.FinishReason != nil && *c.FinishReason != ""
	}
	return false, len(v.Choices) > 0, finished, nil
}

// MayEndWithoutDone reports whether a kind's OpenAI-compatible streams may
// end without "data: [DONE]". Anthropic's and Gemini's layers do not
// document it, so from them a chunk with a finish_reason ends the answer
// too; OpenAI, Azure, Ollama and OpenAI-compatible servers send [DONE].
// The stream probe and the gateway's relay share this rule.
func MayEndWithoutDone(kind string) bool {
	return kind == config.KindAnthropic || kind == config.KindGemini
}
