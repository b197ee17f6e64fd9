package metrics

import (
	"sync"
	"sync/atomic"
)

// cache maps a config name to its series, built once by make. A lookup
// of a known name is a map read without a lock or an allocation; a new
// name (a provider a reload added) copies the map once under mu.
type cache[T any] struct {
	m    atomic.Pointer[map[string]*T]
	mu   sync.Mutex
	make func(name string) *T
}

// get returns name's series, building them the first time.
func (c *cache[T]) get(name string) *T {
	if m := c.m.Load(); m != nil {
		if v, ok := (*m)[name]; ok {
			return v
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.m.Load()
	if old != nil {
		if v, ok := (*old)[name]; ok {
			return v
		}
	}
	next := make(map[string]*T, 1)
	if old != nil {
		for k, v := range *old {
			next[k] = v
		}
	}
	v := c.make(name)
	next[name] = v
	c.m.Store(&next)
	return v
}
