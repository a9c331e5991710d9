package demos

import (
	"context"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"balamp/sim"
)

// flightCache is a small LRU of values that are expensive to compute (the
// spatial modes of a geometry, an evoked map), shared by every connection:
// a value is computed at most once at a time per key however many Runs ask
// for it (single flight), in its own goroutine, and its computation is
// cancelled as soon as no Run waits for it any more (latest wins). Failed
// and cancelled computations are not remembered.
type flightCache[K comparable, V any] struct {
	size     int
	computed atomic.Int64 // computations started, for tests and metrics

	mu      sync.Mutex
	clock   uint64
	entries map[K]*flight[V]
}

// flight is one value of a flightCache, computed or being computed.
type flight[V any] struct {
	done     chan struct{} // closed when val and err are set
	val      V
	err      error
	progress atomic.Uint64 // float64 bits of the fraction done, 0…1
	waiters  int           // Runs waiting for it (guarded by the cache's mu)
	cancel   context.CancelFunc
	used     uint64 // the cache clock at the last use
}

func newFlightCache[K comparable, V any](size int) *flightCache[K, V] {
	return &flightCache[K, V]{size: size, entries: map[K]*flight[V]{}}
}

// get returns the value for key, computing it with compute unless a
// computed or running flight exists. While it waits, onProgress (may be
// nil) is called every `every` with the fraction done. It returns ctx's
// error when ctx ends first.
func (c *flightCache[K, V]) get(ctx context.Context, key K, every time.Duration, onProgress func(float64) error,
	compute func(ctx context.Context, progress func(float64)) (V, error)) (V, error) {
	f := c.join(key, compute)
	select { // the common case: already computed
	case <-f.done:
		return f.val, f.err
	default:
	}
	var tick <-chan time.Time
	if onProgress != nil {
		t := time.NewTicker(every)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-f.done:
			return f.val, f.err
		case <-ctx.Done():
			c.leave(key, f)
			var zero V
			return zero, ctx.Err()
		case <-tick:
			if err := onProgress(math.Float64frombits(f.progress.Load())); err != nil {
				c.leave(key, f)
				var zero V
				return zero, err
			}
		}
	}
}

// join returns the flight for key, starting its computation if there is
// none, and counts the caller as a waiter of a flight still running.
func (c *flightCache[K, V]) join(key K, compute func(ctx context.Context, progress func(float64)) (V, error)) *flight[V] {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clock++
	if f, ok := c.entries[key]; ok {
		f.used = c.clock
		select {
		case <-f.done:
		default:
			f.waiters++
		}
		return f
	}
	ctx, cancel := context.WithCancel(context.Background())
	f := &flight[V]{done: make(chan struct{}), waiters: 1, cancel: cancel, used: c.clock}
	c.entries[key] = f
	c.computed.Add(1)
	go func() {
		defer cancel()
		v, err := compute(ctx, func(p float64) { f.progress.Store(math.Float64bits(p)) })
		c.mu.Lock()
		defer c.mu.Unlock()
		f.val, f.err = v, err
		close(f.done)
		if err != nil {
			if c.entries[key] == f {
				delete(c.entries, key)
			}
			return
		}
		c.evict()
	}()
	return f
}

// leave stops counting a waiter of f; the last one to leave a running
// computation cancels it and forgets it, so a later request starts afresh.
func (c *flightCache[K, V]) leave(key K, f *flight[V]) {
	c.mu.Lock()
	defer c.mu.Unlock()
	select {
	case <-f.done:
		return
	default:
	}
	f.waiters--
	if f.waiters == 0 {
		f.cancel()
		if c.entries[key] == f {
			delete(c.entries, key)
		}
	}
}

// evict drops the least recently used computed values beyond size.
// Running computations are never evicted. The caller holds c.mu.
func (c *flightCache[K, V]) evict() {
	for len(c.entries) > c.size {
		var oldest K
		found := false
		var used uint64
		for k, f := range c.entries {
			select {
			case <-f.done:
			default:
				continue
			}
			if !found || f.used < used {
				oldest, used, found = k, f.used, true
			}
		}
		if !found {
			return
		}
		delete(c.entries, oldest)
	}
}

// spatialMovies parks the spontaneous activity of movies that were
// interrupted by new parameters, so that the next Run of the same geometry
// and seed continues it (sim.SpatialActivity.SetParams keeps the state):
// moving w, kI or the noise while the movie plays does not restart it.
// A Run cannot tell which widget it serves, so a parked movie may continue
// in another connection's widget with the same geometry and seed; that is
// harmless (every parked state is a state of the same network). Parked
// movies expire after spatialParkTTL, so leaving the slide and coming back
// restarts the movie from its seed, and the parked sites are capped at
// spatialParkSites (≈ 24 bytes of state per site).
type spatialMovies struct {
	now func() time.Time

	mu     sync.Mutex
	parked map[spatialMovieKey][]*spatialMovie
	sites  int
}

// spatialMovieKey names the network a movie belongs to.
type spatialMovieKey struct {
	geom spatialGeomKey
	seed uint64
}

const (
	spatialParkTTL   = 2 * time.Second // a parameter change restarts Run within milliseconds
	spatialParkSites = 1 << 21         // ≈ 50 MB of parked state at most
)

func newSpatialMovies() *spatialMovies {
	return &spatialMovies{now: time.Now, parked: map[spatialMovieKey][]*spatialMovie{}}
}

// take returns the most recently parked movie of key, or nil.
func (s *spatialMovies) take(key spatialMovieKey) *spatialMovie {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire()
	list := s.parked[key]
	if len(list) == 0 {
		return nil
	}
	m := list[len(list)-1]
	if len(list) == 1 {
		delete(s.parked, key)
	} else {
		s.parked[key] = list[:len(list)-1]
	}
	s.sites -= m.sites()
	return m
}

// park keeps m for a later Run of the same key.
func (s *spatialMovies) park(key spatialMovieKey, m *spatialMovie) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m.parkedAt = s.now()
	s.parked[key] = append(s.parked[key], m)
	s.sites += m.sites()
	s.expire()
	for s.sites > spatialParkSites { // drop the oldest
		var oldKey spatialMovieKey
		var oldest time.Time
		found := false
		for k, list := range s.parked {
			if t := list[0].parkedAt; !found || t.Before(oldest) {
				oldKey, oldest, found = k, t, true
			}
		}
		s.drop(oldKey)
	}
}

// expire drops movies parked longer than spatialParkTTL. The caller holds s.mu.
func (s *spatialMovies) expire() {
	cutoff := s.now().Add(-spatialParkTTL)
	for k, list := range s.parked {
		for len(list) > 0 && list[0].parkedAt.Before(cutoff) {
			s.sites -= list[0].sites()
			list = list[1:]
		}
		if len(list) == 0 {
			delete(s.parked, k)
		} else {
			s.parked[k] = list
		}
	}
}

// drop removes the oldest movie of key. The caller holds s.mu.
func (s *spatialMovies) drop(key spatialMovieKey) {
	list := s.parked[key]
	s.sites -= list[0].sites()
	if len(list) == 1 {
		delete(s.parked, key)
	} else {
		s.parked[key] = list[1:]
	}
}

// count returns the number of parked movies (for tests).
func (s *spatialMovies) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, l := range s.parked {
		n += len(l)
	}
	return n
}

// spatialMovie is one running movie: the activity and the recent history
// of its statistics, drawn as time series.
type spatialMovie struct {
	act      *sim.SpatialActivity
	n        int        // sites per side
	params   [4]float64 // w, kI, noise, τ per frame
	hist     spatialHistory
	parkedAt time.Time
}

func (m *spatialMovie) sites() int { return m.n * m.n }

// spatialHistLen is the number of frames in the time series (≈ 7 s of movie).
const spatialHistLen = 200

// spatialHistory is a ring of the last spatialHistLen frames' movie time
// (τ), correlation with the evoked map and running map-vs-random ratio.
type spatialHistory struct {
	t, corr, ratio [spatialHistLen]float64
	next, len      int
}

func (h *spatialHistory) add(t, corr, ratio float64) {
	h.t[h.next], h.corr[h.next], h.ratio[h.next] = t, corr, ratio
	h.next = (h.next + 1) % spatialHistLen
	h.len = min(h.len+1, spatialHistLen)
}

// columns returns the history oldest first.
func (h *spatialHistory) columns() (t, corr, ratio []float64) {
	t, corr, ratio = make([]float64, h.len), make([]float64, h.len), make([]float64, h.len)
	start := (h.next - h.len + spatialHistLen) % spatialHistLen
	for i := range h.len {
		j := (start + i) % spatialHistLen
		t[i], corr[i], ratio[i] = h.t[j], h.corr[j], h.ratio[j]
	}
	return t, corr, ratio
}
