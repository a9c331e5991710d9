package main

import (
	"container/list"
	"sort"
	"strconv"
	"strings"
	"sync"

	"balamp/demos"
)

// frameCache remembers the frames of recent parameter sets, so that a room
// of followers asking for the presenter's parameters costs one computation,
// not one per client. Frames are immutable once emitted.
type frameCache struct {
	mu    sync.Mutex
	size  int
	order *list.List // of *cacheEntry, most recent first
	byKey map[string]*list.Element
}

type cacheEntry struct {
	key   string
	frame *demos.Frame
}

func newFrameCache(size int) *frameCache {
	return &frameCache{size: size, order: list.New(), byKey: map[string]*list.Element{}}
}

func (c *frameCache) get(key string) (*demos.Frame, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*cacheEntry).frame, true
}

func (c *frameCache) put(key string, f *demos.Frame) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[key]; ok {
		e.Value.(*cacheEntry).frame = f
		c.order.MoveToFront(e)
		return
	}
	c.byKey[key] = c.order.PushFront(&cacheEntry{key: key, frame: f})
	for c.order.Len() > c.size {
		old := c.order.Back()
		c.order.Remove(old)
		delete(c.byKey, old.Value.(*cacheEntry).key)
	}
}

// cacheKey names a demo and its parameters exactly (shortest round-trip
// formatting of every value, names sorted).
func cacheKey(demo string, p demos.Params) string {
	names := make([]string, 0, len(p))
	for k := range p {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(demo)
	for _, k := range names {
		b.WriteByte(' ')
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(strconv.FormatFloat(p[k], 'g', -1, 64))
	}
	return b.String()
}
