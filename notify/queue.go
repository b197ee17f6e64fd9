package notify

import (
	"context"
	"sync"
)

// queue is one destination's bounded backlog. When it is full the oldest
// notification is dropped, not the newest: the newest says how things
// stand now ("openai up again"), which is what an on-call acts on, while
// the old ones are history that the dashboard and the API still show. The
// next notification delivered says how many were dropped before it.
type queue struct {
	mu      sync.Mutex
	items   []*Message
	limit   int
	dropped uint64        // dropped since the last pop, for the next message's note
	ready   chan struct{} // holds a token while items is not empty
}

func newQueue(limit int) *queue {
	return &queue{limit: limit, ready: make(chan struct{}, 1)}
}

// push adds m, dropping the oldest when full; it reports a drop. It never
// blocks, so the reader of snapshots never waits on a destination.
func (q *queue) push(m *Message) (dropped bool) {
	q.mu.Lock()
	if len(q.items) >= q.limit {
		copy(q.items, q.items[1:])
		q.items = q.items[:len(q.items)-1]
		q.dropped++
		dropped = true
	}
	q.items = append(q.items, m)
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default:
	}
	return dropped
}

// pop waits for the oldest notification and takes it, with the count of
// notifications dropped since the last pop; ok is false once ctx is done,
// even with notifications left: they are not sent at shutdown.
func (q *queue) pop(ctx context.Context) (m *Message, dropped uint64, ok bool) {
	for {
		if ctx.Err() != nil {
			return nil, 0, false
		}
		q.mu.Lock()
		if len(q.items) > 0 {
			m = q.items[0]
			q.items[0] = nil
			q.items = q.items[1:]
			dropped, q.dropped = q.dropped, 0
			more := len(q.items) > 0
			q.mu.Unlock()
			if more {
				select {
				case q.ready <- struct{}{}:
				default:
				}
			}
			return m, dropped, true
		}
		q.mu.Unlock()
		select {
		case <-q.ready:
		case <-ctx.Done():
			return nil, 0, false
		}
	}
}

// len is the number of notifications waiting.
func (q *queue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}
