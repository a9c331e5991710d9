package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"balamp/demos"
)

// Limits of one websocket connection.
const (
	writeWait      = 5 * time.Second   // time allowed to write one message
	pongWait       = 30 * time.Second  // time allowed between pongs
	pingPeriod     = pongWait * 9 / 10 // must be less than pongWait
	maxMessageSize = 16 << 10          // bytes of one inbound message
	maxWidgets     = 16                // widgets one connection may run at once
	messageRate    = 240               // inbound messages per second, sustained
	messageBurst   = 480               // inbound messages accepted in a burst
	controlQueue   = 64                // queued outbound JSON messages before the client counts as stalled
	computeSlots   = 2                 // widgets of one connection computing towards a first result at once
	closeGrace     = 500 * time.Millisecond
)

// clientMessage is every message a page sends (docs/protocol.md).
type clientMessage struct {
	Type   string         `json:"type"`   // "params", "stop", "slide", "follow", "replay"
	Widget string         `json:"widget"` // widget id, e.g. "s3-0"
	Demo   string         `json:"demo"`   // demo id of the widget
	Seq    int64          `json:"seq"`    // the parameters' sequence number
	Params map[string]any `json:"params"` // parameter values by name
	Slide  int            `json:"slide"`  // with "slide": the slide shown
	Follow *bool          `json:"follow"` // with "follow"
	Action string         `json:"action"` // with "replay": "play", "pause" or "seek"
	T      float64        `json:"t"`      // with "replay" "seek": position in ms
}

// errorMessage tells a page that one of its messages was refused.
type errorMessage struct {
	Type    string `json:"type"` // "error"
	Widget  string `json:"widget,omitempty"`
	Seq     int64  `json:"seq,omitempty"`
	Message string `json:"message"`
}

// socketServer accepts websocket connections and runs their widgets.
type socketServer struct {
	registry *demos.Registry
	log      *slog.Logger
	room     *room
	allowed  func(host string) bool // Host header check against DNS rebinding
	upgrader websocket.Upgrader
	frames   *frameCache
	rate     float64        // inbound messages per second per connection
	burst    float64        // inbound burst per connection
	open     sync.WaitGroup // connections being served, for a clean shutdown
}

func newSocketServer(reg *demos.Registry, rm *room, log *slog.Logger, allowedHost func(string) bool) *socketServer {
	s := &socketServer{registry: reg, log: log, room: rm, allowed: allowedHost, frames: newFrameCache(256),
		rate: messageRate, burst: messageBurst}
	s.upgrader = websocket.Upgrader{
		ReadBufferSize:  4096,
		WriteBufferSize: 16384,
		CheckOrigin:     s.checkOrigin,
	}
	return s
}

// checkOrigin accepts a browser page only from the host it connects to; a
// client that sends no Origin is not a browser and cannot be the vehicle of
// a cross-site attack.
func (s *socketServer) checkOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	return strings.EqualFold(u.Host, r.Host)
}

// ServeHTTP upgrades the request and serves the connection until it ends
// or ctx (the server's lifetime) is cancelled.
func (s *socketServer) serve(ctx context.Context) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		if !s.allowed(host) {
			s.log.Warn("websocket refused: unexpected Host", "host", r.Host, "remote", r.RemoteAddr)
			http.Error(w, "unexpected Host header", http.StatusForbidden)
			return
		}
		ws, err := s.upgrader.Upgrade(w, r, nil)
		if err != nil {
			s.log.Info("websocket upgrade failed", "err", err, "remote", r.RemoteAddr)
			return
		}
		s.open.Add(1)
		defer s.open.Done()
		c := newConn(s, ws, socketRole(r, s.room))
		c.talk = r.URL.Query().Get("talk") // the room's frames go to followers of the same talk
		c.run(ctx)
	})
}

// conn is one page's websocket. The reader goroutine (run) owns widgets;
// only the writer goroutine touches the socket for writing.
type conn struct {
	srv  *socketServer
	ws   *websocket.Conn
	role string // "presenter" or "audience"
	talk string // the talk the page shows (?talk=), for the room
	log  *slog.Logger

	control chan []byte // JSON messages for the writer
	wake    chan struct{}

	mu      sync.Mutex
	pending map[string][]byte // latest binary frame per widget, not yet written
	order   []string          // widgets in pending, in arrival order
	state   []byte            // latest room state not yet written (JSON)

	widgets map[string]*widget // owned by the reader goroutine
	// slots bounds how many of this connection's widgets may be computing
	// towards their first result at once, so that one page opening many
	// expensive widgets queues behind itself, not in front of everyone.
	slots  chan struct{}
	tokens float64 // rate limiter bucket
	last   time.Time
}

func newConn(s *socketServer, ws *websocket.Conn, role string) *conn {
	return &conn{
		srv: s, ws: ws, role: role, log: s.log.With("role", role, "remote", ws.RemoteAddr().String()),
		control: make(chan []byte, controlQueue),
		wake:    make(chan struct{}, 1),
		pending: map[string][]byte{},
		widgets: map[string]*widget{},
		slots:   make(chan struct{}, computeSlots),
		tokens:  s.burst,
		last:    time.Now(),
	}
}

// run serves the connection: it starts the writer and reads until the
// client goes away or ctx ends, then stops every widget.
func (c *conn) run(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		c.writeLoop(ctx)
	}()
	if c.srv.room != nil {
		c.srv.room.join(c)
		defer c.srv.room.leave(c)
	}
	c.readLoop(ctx)
	cancel()
	for _, w := range c.widgets {
		w.stop()
	}
	<-writerDone
	c.ws.Close()
}

func (c *conn) readLoop(ctx context.Context) {
	c.ws.SetReadLimit(maxMessageSize)
	c.ws.SetReadDeadline(time.Now().Add(pongWait))
	c.ws.SetPongHandler(func(string) error { return c.ws.SetReadDeadline(time.Now().Add(pongWait)) })
	// Unblock ReadMessage when the server shuts down.
	stop := context.AfterFunc(ctx, func() { c.ws.SetReadDeadline(time.Now()) })
	defer stop()
	for {
		kind, data, err := c.ws.ReadMessage()
		if err != nil {
			if websocket.IsUnexpectedCloseError(err, websocket.CloseGoingAway, websocket.CloseNormalClosure, websocket.CloseNoStatusReceived) && ctx.Err() == nil {
				c.log.Info("websocket closed", "err", err)
			}
			return
		}
		c.ws.SetReadDeadline(time.Now().Add(pongWait))
		if !c.allowMessage() {
			c.sendError("", 0, "too many messages: slow down")
			continue
		}
		if kind != websocket.TextMessage {
			c.sendError("", 0, "expected a JSON text message")
			continue
		}
		var m clientMessage
		if err := json.Unmarshal(data, &m); err != nil {
			c.sendError("", 0, fmt.Sprintf("malformed message: %v", err))
			continue
		}
		c.handle(ctx, &m)
	}
}

// allowMessage is a token bucket: srv.rate per second, srv.burst deep.
func (c *conn) allowMessage() bool {
	now := time.Now()
	c.tokens = min(c.srv.burst, c.tokens+now.Sub(c.last).Seconds()*c.srv.rate)
	c.last = now
	if c.tokens < 1 {
		return false
	}
	c.tokens--
	return true
}

func (c *conn) handle(ctx context.Context, m *clientMessage) {
	switch m.Type {
	case "params":
		c.handleParams(ctx, m)
	case "stop":
		if w, ok := c.widgets[m.Widget]; ok {
			w.stop()
			delete(c.widgets, m.Widget)
		}
	case "slide":
		if m.Slide < 1 {
			c.sendError("", 0, fmt.Sprintf("slide %d out of range", m.Slide))
			return
		}
		if c.srv.room != nil {
			if err := c.srv.room.setSlide(c, m.Slide); err != nil {
				c.sendError("", 0, err.Error())
			}
		}
	case "follow":
		if m.Follow == nil {
			c.sendError("", 0, `"follow" needs a boolean "follow" field`)
			return
		}
		if c.srv.room != nil {
			c.srv.room.setFollow(c, *m.Follow)
		}
	case "replay":
		if c.srv.room != nil {
			if err := c.srv.room.replayControl(c, m.Action, m.T); err != nil {
				c.sendError("", 0, err.Error())
			}
		}
	default:
		c.sendError(m.Widget, m.Seq, fmt.Sprintf("unknown message type %q", m.Type))
	}
}

func (c *conn) handleParams(ctx context.Context, m *clientMessage) {
	d, ok := c.srv.registry.Lookup(m.Demo)
	if !ok {
		c.sendError(m.Widget, m.Seq, fmt.Sprintf("unknown demo %q", m.Demo))
		return
	}
	if !validWidgetID(m.Widget) {
		c.sendError(m.Widget, m.Seq, fmt.Sprintf("bad widget id %q", m.Widget))
		return
	}
	w, ok := c.widgets[m.Widget]
	if ok && w.demo != d {
		w.stop()
		ok = false
	}
	if !ok {
		if len(c.widgets) >= maxWidgets {
			c.sendError(m.Widget, m.Seq, fmt.Sprintf("too many widgets at once (at most %d)", maxWidgets))
			return
		}
		w = newWidget(ctx, c, m.Widget, d)
		c.widgets[m.Widget] = w
	}
	if m.Seq <= w.lastSeq {
		return // an old message overtaken by a newer one
	}
	p, err := d.Spec().Validate(m.Params, w.params)
	if err != nil {
		c.sendError(m.Widget, m.Seq, err.Error())
		return
	}
	w.lastSeq = m.Seq
	w.params = p
	if c.srv.room != nil {
		if err := c.srv.room.setParams(c, m.Widget, m.Demo, m.Seq, p); err != nil {
			c.sendError(m.Widget, m.Seq, err.Error())
		}
	}
	w.request(m.Seq, p)
}

// validWidgetID accepts short ids of letters, digits and '-'.
func validWidgetID(id string) bool {
	if id == "" || len(id) > 32 {
		return false
	}
	for _, r := range id {
		if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// sendJSON queues a control message; a client too slow to drain
// controlQueue messages loses the message rather than stalling the server.
func (c *conn) sendJSON(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		c.log.Error("encoding control message", "err", err)
		return
	}
	c.sendRaw(b)
}

// sendRaw queues an encoded control message without blocking.
func (c *conn) sendRaw(b []byte) {
	select {
	case c.control <- b:
	default:
		c.log.Debug("control message dropped: client not reading")
	}
}

func (c *conn) sendError(widget string, seq int64, msg string) {
	c.sendJSON(errorMessage{Type: "error", Widget: widget, Seq: seq, Message: msg})
}

// putFrame stores the latest frame of a widget for the writer, replacing
// one not yet written: a slow client gets the newest frame, never a queue.
func (c *conn) putFrame(widget string, frame []byte) {
	c.mu.Lock()
	if _, ok := c.pending[widget]; !ok {
		c.order = append(c.order, widget)
	}
	c.pending[widget] = frame
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// putState stores the room's latest state for the writer, replacing one
// not yet written.
func (c *conn) putState(b []byte) {
	c.mu.Lock()
	c.state = b
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *conn) takeState() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	b := c.state
	c.state = nil
	return b
}

func (c *conn) takeFrames() [][]byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([][]byte, 0, len(c.order))
	for _, id := range c.order {
		out = append(out, c.pending[id])
		delete(c.pending, id)
	}
	c.order = c.order[:0]
	return out
}

// writeLoop is the only writer of the socket.
func (c *conn) writeLoop(ctx context.Context) {
	ping := time.NewTicker(pingPeriod)
	defer ping.Stop()
	write := func(kind int, b []byte) bool {
		c.ws.SetWriteDeadline(time.Now().Add(writeWait))
		if err := c.ws.WriteMessage(kind, b); err != nil {
			c.log.Debug("websocket write failed", "err", err)
			c.ws.Close() // wakes the reader
			return false
		}
		return true
	}
	for {
		select {
		case <-ctx.Done():
			c.ws.WriteControl(websocket.CloseMessage,
				websocket.FormatCloseMessage(websocket.CloseGoingAway, "server shutting down"),
				time.Now().Add(closeGrace))
			return
		case b := <-c.control:
			if !write(websocket.TextMessage, b) {
				return
			}
		case <-c.wake:
			if st := c.takeState(); st != nil && !write(websocket.TextMessage, st) {
				return
			}
			for _, b := range c.takeFrames() {
				if !write(websocket.BinaryMessage, b) {
					return
				}
			}
		case <-ping.C:
			c.ws.SetWriteDeadline(time.Now().Add(writeWait))
			if err := c.ws.WriteMessage(websocket.PingMessage, nil); err != nil {
				c.ws.Close()
				return
			}
		}
	}
}

// widget runs one demo for one connection: one computation at a time, and
// a newer parameter set cancels the computation in progress (latest wins).
type widget struct {
	id      string
	demo    demos.Demo
	conn    *conn
	params  demos.Params // last accepted parameters (reader goroutine only)
	lastSeq int64        // reader goroutine only

	mu      sync.Mutex
	next    *computeRequest
	cancel  context.CancelFunc // of the computation in progress
	current int64              // seq of the newest request

	wake chan struct{}
	done context.CancelFunc
}

type computeRequest struct {
	seq    int64
	params demos.Params
}

func newWidget(ctx context.Context, c *conn, id string, d demos.Demo) *widget {
	ctx, done := context.WithCancel(ctx)
	w := &widget{id: id, demo: d, conn: c, wake: make(chan struct{}, 1), done: done}
	go w.loop(ctx)
	return w
}

// request asks for a computation, cancelling any older one.
func (w *widget) request(seq int64, p demos.Params) {
	w.mu.Lock()
	w.next = &computeRequest{seq: seq, params: p}
	w.current = seq
	if w.cancel != nil {
		w.cancel()
	}
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *widget) stop() { w.done() }

func (w *widget) loop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		}
		w.mu.Lock()
		req := w.next
		w.next = nil
		if req == nil {
			w.mu.Unlock()
			continue
		}
		runCtx, cancel := context.WithCancel(ctx)
		w.cancel = cancel
		w.mu.Unlock()
		err := w.compute(runCtx, req)
		cancel()
		if err != nil && runCtx.Err() == nil {
			w.conn.sendError(w.id, req.seq, err.Error())
		}
	}
}

// compute runs the demo, serving a cached frame when the same demo and
// parameters were computed before (a following room asks for the same
// frame hundreds of times).
func (w *widget) compute(ctx context.Context, req *computeRequest) error {
	key := cacheKey(w.demo.Spec().ID, req.params)
	if f, ok := w.conn.srv.frames.get(key); ok {
		return w.emit(req.seq, f)
	}
	select {
	case w.conn.slots <- struct{}{}:
	case <-ctx.Done():
		return nil
	}
	held := true
	release := func() {
		if held {
			held = false
			<-w.conn.slots
		}
	}
	defer release()
	frames := 0
	var last *demos.Frame
	err := w.demo.Run(ctx, req.params, func(f *demos.Frame) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if f.State != demos.StateProgress {
			release() // the expensive part is done; a movie streams on
		}
		frames++
		last = f
		return w.emit(req.seq, f)
	})
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return nil
	}
	if err == nil && frames == 1 && last != nil && last.State != demos.StateProgress {
		w.conn.srv.frames.put(key, last)
	}
	return err
}

func (w *widget) emit(seq int64, f *demos.Frame) error {
	w.mu.Lock()
	stale := seq < w.current
	w.mu.Unlock()
	if stale {
		return context.Canceled
	}
	b, err := demos.EncodeFrame(w.id, seq, f)
	if err != nil {
		return err
	}
	w.conn.putFrame(w.id, b)
	return nil
}

// wait blocks until every connection has said goodbye (the server's context
// is cancelled, so each writer sends a close frame) or until limit passes.
func (s *socketServer) wait(limit time.Duration) bool {
	done := make(chan struct{})
	go func() { s.open.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(limit):
		return false
	}
}
