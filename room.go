package main

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"balamp/demos"
)

// presenterCookie holds the presenter token once the presenter URL has
// been opened (DESIGN §6).
const presenterCookie = "balamp_presenter"

// maxRoomWidgets bounds the widgets the room remembers: a talk has a few
// dozen at most, and the presenter's connection is rate-limited anyway.
const maxRoomWidgets = 256

// roomWidget is the room's record of one widget's parameters.
type roomWidget struct {
	Demo   string       `json:"demo"`
	Seq    int64        `json:"seq"`
	Params demos.Params `json:"params"`

	origin *conn        // presenter connection that set Params (nil in replay)
	frame  *demos.Frame // the room's latest frame of it, for late joiners
}

// stateMessage is the room's shared state as sent to pages: the talk the
// presenter shows, its current slide and every widget's parameters. Driven
// is false until a presenter has acted; until then every page explores
// freely. Replay is present when the server replays a recording.
type stateMessage struct {
	Type    string                 `json:"type"` // "state"
	Talk    string                 `json:"talk"`
	Slide   int                    `json:"slide"`
	Driven  bool                   `json:"driven"`
	Widgets map[string]*roomWidget `json:"widgets"`
	Replay  *replayStatus          `json:"replay,omitempty"`
}

// member is the room's view of one connection.
type member struct {
	follow bool // receives the room's frames (the page follows)
	warned bool // a refused room change has been logged for it
}

// room is the lecture's shared state. Only presenter connections (or the
// replay of a recording) change it; every connection receives the state,
// and following connections receive the room's frames: the room computes
// each widget of the current slide once and pushes the encoded frame to
// every follower, so a presenter's slider move costs one computation and
// one hop however large the audience.
type room struct {
	token string // the presenter token; empty disables the presenter
	log   *slog.Logger

	// Set before the server starts; nil registry means the room only
	// relays state (as in unit tests of the socket layer).
	registry *demos.Registry
	frames   *frameCache
	rec      *recorder // -record, or nil
	player   *player   // -replay, or nil

	ctx    context.Context // lifetime of the room's computations
	cancel context.CancelFunc
	seq    atomic.Int64 // last frame sequence number the room issued

	mu      sync.Mutex
	talk    string
	slide   int
	driven  bool
	widgets map[string]*roomWidget
	runs    map[string]*roomRun // widget id → computation in progress
	gen     uint64
	members map[*conn]*member
	quiet   bool // rebuilding the state (replay seek): no broadcasts, no computations

	trace func(stateMessage) // tests: sees every state broadcast, under rm.mu
}

// roomRun is one computation of a room widget; a newer one replaces it.
type roomRun struct {
	gen    uint64
	cancel context.CancelFunc
}

func newRoom(token string, log *slog.Logger) *room {
	ctx, cancel := context.WithCancel(context.Background())
	return &room{token: token, log: log, ctx: ctx, cancel: cancel, slide: 1,
		widgets: map[string]*roomWidget{}, runs: map[string]*roomRun{}, members: map[*conn]*member{}}
}

// close stops the room's computations and the replay and flushes the
// recording; the room must not be used afterwards.
func (rm *room) close() error {
	rm.cancel()
	if rm.player != nil {
		rm.player.stop()
	}
	if rm.rec != nil {
		return rm.rec.close()
	}
	return nil
}

// roleOf tells whether a page request carries the presenter cookie.
func roleOf(r *http.Request, rm *room) string {
	if rm != nil && rm.isPresenterToken(cookieValue(r, presenterCookie)) {
		return "presenter"
	}
	return "audience"
}

// socketRole is the role of a websocket: presenter only when the page asks
// for it (?role=presenter, sent by the presenter view) and the cookie
// carries the token. An audience tab in the presenter's own browser
// carries the cookie too, and must stay an audience page.
func socketRole(r *http.Request, rm *room) string {
	if r.URL.Query().Get("role") == "presenter" {
		return roleOf(r, rm)
	}
	return "audience"
}

func cookieValue(r *http.Request, name string) string {
	c, err := r.Cookie(name)
	if err != nil {
		return ""
	}
	return c.Value
}

// isPresenterToken compares in constant time.
func (rm *room) isPresenterToken(tok string) bool {
	if rm.token == "" || tok == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(tok), []byte(rm.token)) == 1
}

// nextSeq returns a frame sequence number for the room's frames. They are
// at least the server clock in microseconds, so a room frame supersedes
// any frame a page computed for itself earlier (a page numbers its own
// requests from the last frame it drew), and stay below 2⁵³, exact in
// JavaScript.
func (rm *room) nextSeq() int64 {
	for {
		last := rm.seq.Load()
		next := max(last+1, time.Now().UnixMicro())
		if rm.seq.CompareAndSwap(last, next) {
			return next
		}
	}
}

// snapshotLocked copies the state; rm.mu must be held.
func (rm *room) snapshotLocked() stateMessage {
	ws := make(map[string]*roomWidget, len(rm.widgets))
	for id, w := range rm.widgets {
		ws[id] = &roomWidget{Demo: w.Demo, Seq: w.Seq, Params: maps.Clone(w.Params)}
	}
	st := stateMessage{Type: "state", Talk: rm.talk, Slide: rm.slide, Driven: rm.driven, Widgets: ws}
	if rm.player != nil {
		rs := rm.player.status()
		st.Replay = &rs
	}
	return st
}

func (rm *room) encodeStateLocked() []byte {
	b, err := json.Marshal(rm.snapshotLocked())
	if err != nil {
		panic(fmt.Sprintf("room state does not encode: %v", err)) // plain data: cannot happen
	}
	return b
}

// join registers c and sends it the full state at once. It follows only
// once its page says so (a "follow" message), so that a page exploring on
// its own is never sent frames it did not ask for.
func (rm *room) join(c *conn) {
	rm.mu.Lock()
	rm.members[c] = &member{}
	st := rm.encodeStateLocked()
	first := len(rm.members) == 1
	rm.mu.Unlock()
	c.putState(st)
	if first && rm.player != nil {
		rm.player.autoplay()
	}
}

func (rm *room) leave(c *conn) {
	rm.mu.Lock()
	delete(rm.members, c)
	rm.stopIfUnwatchedLocked()
	rm.mu.Unlock()
}

// stopIfUnwatchedLocked cancels the room's computations when no page
// follows it any more (an animated demo would otherwise run for nobody);
// resumeLocked restarts them when someone follows again. rm.mu held.
func (rm *room) stopIfUnwatchedLocked() {
	for _, m := range rm.members {
		if m.follow {
			return
		}
	}
	for id := range rm.runs {
		rm.stopLocked(id)
	}
}

// resumeLocked restarts the computations of the current slide's widgets
// that are not running (after stopIfUnwatchedLocked). rm.mu held.
func (rm *room) resumeLocked() {
	for id, w := range rm.widgets {
		if rm.runs[id] == nil && rm.onSlideLocked(id) {
			rm.computeLocked(id, w)
		}
	}
}

// setFollow records whether c follows; (re)joining sends the state and the
// room's latest frames of the current slide, so the page snaps back to the
// room at once.
func (rm *room) setFollow(c *conn, follow bool) {
	rm.mu.Lock()
	m := rm.members[c]
	if m == nil {
		rm.mu.Unlock()
		return
	}
	m.follow = follow
	if !follow {
		rm.stopIfUnwatchedLocked()
		rm.mu.Unlock()
		return
	}
	rm.resumeLocked()
	st := rm.encodeStateLocked()
	type pending struct {
		id string
		f  *demos.Frame
	}
	var frames []pending
	if c.talk == rm.talk {
		for id, w := range rm.widgets {
			if w.frame != nil && rm.onSlideLocked(id) && w.origin != c {
				frames = append(frames, pending{id, w.frame})
			}
		}
	}
	rm.mu.Unlock()
	c.putState(st)
	for _, p := range frames {
		b, err := demos.EncodeFrame(p.id, rm.nextSeq(), p.f)
		if err != nil {
			rm.log.Error("encoding room frame", "widget", p.id, "err", err)
			continue
		}
		c.putFrame(p.id, b)
	}
}

// errNotPresenter refuses an audience page's attempt to move the room.
var errNotPresenter = errors.New("only the presenter can change the room's slide")

// refuseLocked logs, once per connection, that an audience connection
// tried to change the room; rm.mu must be held.
func (rm *room) refuseLocked(c *conn, what string) {
	m := rm.members[c]
	if m == nil || m.warned {
		return
	}
	m.warned = true
	c.log.Warn("room change refused: not the presenter (further refusals of this connection are not logged)", "what", what)
}

// setSlide moves the room to slide n of the presenter's talk. Audience
// connections never send it (their pages navigate locally), so one that
// does is refused with an error. During a replay the recording drives the
// room and live presenter slides stay local.
func (rm *room) setSlide(c *conn, n int) error {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	if c.role != "presenter" {
		rm.refuseLocked(c, "slide")
		return errNotPresenter
	}
	if rm.player != nil {
		return nil
	}
	rm.applySlideLocked(c, c.talk, n)
	if rm.rec != nil {
		rm.rec.slide(c.talk, n)
	}
	return nil
}

// setParams records a presenter's widget parameters and sends them on. An
// audience page's parameters are its own exploration: they are computed for
// it alone (by the caller) and never reach the room.
func (rm *room) setParams(c *conn, widget, demo string, seq int64, p demos.Params) error {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	if c.role != "presenter" {
		return nil // the page's own exploration: not a refusal, not logged
	}
	if rm.player != nil {
		return nil
	}
	if _, ok := rm.widgets[widget]; !ok && len(rm.widgets) >= maxRoomWidgets {
		return fmt.Errorf("the room holds at most %d widgets", maxRoomWidgets)
	}
	if c.talk != rm.talk {
		rm.applySlideLocked(c, c.talk, rm.slide) // widget of another talk: switch first
	}
	rm.applyParamsLocked(c, widget, demo, seq, p)
	if rm.rec != nil {
		rm.rec.params(c.talk, widget, demo, p)
	}
	return nil
}

// applySlideLocked makes slide n of talk current: widgets of other slides
// stop computing, those of n with known parameters compute, and everyone
// but origin hears of it.
func (rm *room) applySlideLocked(origin *conn, talk string, n int) {
	if talk != rm.talk {
		for id := range rm.widgets {
			rm.stopLocked(id)
		}
		clear(rm.widgets)
		rm.talk = talk
	}
	changed := n != rm.slide || !rm.driven
	rm.slide, rm.driven = n, true
	if changed {
		for id, w := range rm.widgets {
			if rm.onSlideLocked(id) {
				rm.computeLocked(id, w)
			} else {
				rm.stopLocked(id)
			}
		}
	}
	rm.broadcastLocked(origin)
}

func (rm *room) applyParamsLocked(origin *conn, widget, demo string, seq int64, p demos.Params) {
	w := &roomWidget{Demo: demo, Seq: seq, Params: p, origin: origin}
	if old := rm.widgets[widget]; old != nil && old.Demo == demo {
		w.frame = old.frame
	}
	rm.widgets[widget] = w
	rm.driven = true
	if rm.onSlideLocked(widget) {
		rm.computeLocked(widget, w)
	}
	rm.broadcastLocked(origin)
}

// broadcastLocked sends the state to every connection but origin (the
// presenter window that made the change); rm.mu must be held. The state
// replaces any the connection has not yet written: a slow client gets the
// latest state, never a queue.
func (rm *room) broadcastLocked(origin *conn) {
	if rm.quiet {
		return
	}
	if rm.trace != nil {
		rm.trace(rm.snapshotLocked())
	}
	b := rm.encodeStateLocked()
	for c := range rm.members {
		if c != origin {
			c.putState(b)
		}
	}
}

// onSlideLocked tells whether widget id ("s3-1") is on the current slide;
// ids of another form are treated as current.
func (rm *room) onSlideLocked(id string) bool {
	n, ok := widgetSlide(id)
	return !ok || n == rm.slide
}

// widgetSlide parses the slide number out of a widget id ("s3-1" → 3).
func widgetSlide(id string) (int, bool) {
	s, _, ok := strings.Cut(strings.TrimPrefix(id, "s"), "-")
	if !ok || !strings.HasPrefix(id, "s") {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

func (rm *room) stopLocked(id string) {
	if r := rm.runs[id]; r != nil {
		r.cancel()
		delete(rm.runs, id)
	}
}

// computeLocked (re)starts the room's computation of widget id, cancelling
// the one in progress (latest wins).
func (rm *room) computeLocked(id string, w *roomWidget) {
	if rm.registry == nil || rm.quiet {
		return
	}
	d, ok := rm.registry.Lookup(w.Demo)
	if !ok {
		return
	}
	rm.stopLocked(id)
	rm.gen++
	ctx, cancel := context.WithCancel(rm.ctx)
	run := &roomRun{gen: rm.gen, cancel: cancel}
	rm.runs[id] = run
	go rm.compute(ctx, id, d, maps.Clone(w.Params), run)
}

// compute runs one demo for the room and pushes its frames to followers.
func (rm *room) compute(ctx context.Context, id string, d demos.Demo, p demos.Params, run *roomRun) {
	defer func() {
		run.cancel()
		rm.mu.Lock()
		if rm.runs[id] == run {
			delete(rm.runs, id)
		}
		rm.mu.Unlock()
	}()
	key := cacheKey(d.Spec().ID, p)
	if rm.frames != nil {
		if f, ok := rm.frames.get(key); ok {
			rm.emit(id, run, f)
			return
		}
	}
	frames := 0
	var last *demos.Frame
	err := d.Run(ctx, p, func(f *demos.Frame) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		frames++
		last = f
		return rm.emit(id, run, f)
	})
	switch {
	case err != nil && ctx.Err() == nil:
		rm.log.Info("room computation failed", "widget", id, "err", err)
	case err == nil && frames == 1 && last.State != demos.StateProgress && rm.frames != nil:
		rm.frames.put(key, last)
	}
}

// emit encodes a frame once and hands it to every follower of the talk
// except the presenter window whose parameters it shows (that window
// computes its own).
func (rm *room) emit(id string, run *roomRun, f *demos.Frame) error {
	b, err := demos.EncodeFrame(id, rm.nextSeq(), f)
	if err != nil {
		return err
	}
	rm.mu.Lock()
	defer rm.mu.Unlock()
	if rm.runs[id] != run {
		return context.Canceled // replaced by newer parameters
	}
	w := rm.widgets[id]
	if w == nil {
		return context.Canceled
	}
	w.frame = f
	for c, m := range rm.members {
		if m.follow && c != w.origin && c.talk == rm.talk {
			c.putFrame(id, b)
		}
	}
	return nil
}

// reloadAll tells every page to reload itself (the talk's files changed
// under -content).
func (rm *room) reloadAll() {
	b := []byte(`{"type":"reload"}`)
	rm.mu.Lock()
	defer rm.mu.Unlock()
	for c := range rm.members {
		c.sendRaw(b)
	}
}
