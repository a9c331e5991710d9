package main

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"sync"

	"balamp/demos"
)

// presenterCookie holds the presenter token once the presenter URL has
// been opened (DESIGN §6).
const presenterCookie = "balamp_presenter"

// roomWidget is the room's record of one widget's parameters.
type roomWidget struct {
	Demo   string       `json:"demo"`
	Seq    int64        `json:"seq"`
	Params demos.Params `json:"params"`
}

// stateMessage is the room's shared state as sent to pages: the current
// slide and every widget's parameters. Driven is false until a presenter
// has acted; until then every page explores freely.
type stateMessage struct {
	Type    string                 `json:"type"` // "state"
	Slide   int                    `json:"slide"`
	Driven  bool                   `json:"driven"`
	Widgets map[string]*roomWidget `json:"widgets"`
}

// room is the lecture's shared state. Only presenter connections change
// it; every connection that follows receives it.
type room struct {
	token string // the presenter token; empty disables the presenter
	log   *slog.Logger

	mu      sync.Mutex
	slide   int
	driven  bool
	widgets map[string]*roomWidget
	conns   map[*conn]bool // connection → follows the room
}

func newRoom(token string, log *slog.Logger) *room {
	return &room{token: token, log: log, slide: 1, widgets: map[string]*roomWidget{}, conns: map[*conn]bool{}}
}

// roleOf tells whether the request carries the presenter cookie.
func roleOf(r *http.Request, rm *room) string {
	if rm != nil && rm.isPresenterToken(cookieValue(r, presenterCookie)) {
		return "presenter"
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

// snapshotLocked copies the state; rm.mu must be held.
func (rm *room) snapshotLocked() stateMessage {
	ws := make(map[string]*roomWidget, len(rm.widgets))
	for id, w := range rm.widgets {
		cp := *w
		ws[id] = &cp
	}
	return stateMessage{Type: "state", Slide: rm.slide, Driven: rm.driven, Widgets: ws}
}

// join registers c and sends it the full state at once.
func (rm *room) join(c *conn) {
	rm.mu.Lock()
	rm.conns[c] = true
	st := rm.snapshotLocked()
	rm.mu.Unlock()
	c.sendJSON(st)
}

func (rm *room) leave(c *conn) {
	rm.mu.Lock()
	delete(rm.conns, c)
	rm.mu.Unlock()
}

// setFollow records whether c follows; rejoining sends the state so the
// page snaps back to the room.
func (rm *room) setFollow(c *conn, follow bool) {
	rm.mu.Lock()
	rm.conns[c] = follow
	st := rm.snapshotLocked()
	rm.mu.Unlock()
	if follow {
		c.sendJSON(st)
	}
}

var errNotPresenter = errors.New("only the presenter can change the room's state")

// setSlide moves the room to slide n (presenter only; an audience page
// changing its own slide is not an error, it just stays local).
func (rm *room) setSlide(c *conn, n int) error {
	if c.role != "presenter" {
		return nil
	}
	rm.mu.Lock()
	rm.slide, rm.driven = n, true
	rm.broadcastLocked(c)
	rm.mu.Unlock()
	return nil
}

// setParams records a presenter's widget parameters and sends them on.
func (rm *room) setParams(c *conn, widget, demo string, seq int64, p demos.Params) error {
	if c.role != "presenter" {
		return nil
	}
	rm.mu.Lock()
	rm.widgets[widget] = &roomWidget{Demo: demo, Seq: seq, Params: p}
	rm.driven = true
	rm.broadcastLocked(c)
	rm.mu.Unlock()
	return nil
}

// broadcastLocked sends the state to every following connection but the
// one that made the change; rm.mu must be held. sendJSON never blocks.
func (rm *room) broadcastLocked(from *conn) {
	b, err := json.Marshal(rm.snapshotLocked())
	if err != nil {
		rm.log.Error("encoding room state", "err", err)
		return
	}
	for c, follows := range rm.conns {
		if c != from && follows {
			c.sendRaw(b)
		}
	}
}
