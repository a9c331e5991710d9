package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/tools/present"

	"balamp/demos"
)

// notesMarker is in every speaker note of testdata/presenter/talk.slide.
const notesMarker = "SPEAKER-NOTE-7f3a"

// wsMessage is one message a test client received.
type wsMessage struct {
	kind int
	data []byte
}

// state decodes a state message; ok is false for anything else.
func (m wsMessage) state() (stateMessage, bool) {
	var st stateMessage
	if m.kind != websocket.TextMessage || json.Unmarshal(m.data, &st) != nil || st.Type != "state" {
		return st, false
	}
	return st, true
}

// frame decodes a binary frame's header; ok is false for anything else.
func (m wsMessage) frame() (*demos.FrameHeader, bool) {
	if m.kind != websocket.BinaryMessage {
		return nil, false
	}
	h, _, err := demos.DecodeFrame(m.data)
	return h, err == nil
}

// roomClient is a websocket client of a test server; a goroutine reads
// every message into msgs, so the client never stalls the server.
type roomClient struct {
	t    testing.TB
	ws   *websocket.Conn
	msgs chan wsMessage
	all  []wsMessage // every message taken from msgs
}

// token returns the presenter token of a test server.
func (s *testServer) token(t testing.TB) string {
	u, err := url.Parse(s.Presenter)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("token")
}

// dialRoom connects to srv's websocket as a page of talk would; with
// cookie it carries the presenter cookie, with role it asks to present.
func dialRoom(t testing.TB, srv *testServer, talk string, cookie, role bool) *roomClient {
	t.Helper()
	q := url.Values{"talk": {talk}}
	if role {
		q.Set("role", "presenter")
	}
	u := "ws" + strings.TrimPrefix(strings.TrimSuffix(srv.URL, "/"), "http") + "/ws?" + q.Encode()
	h := http.Header{}
	if cookie {
		h.Set("Cookie", presenterCookie+"="+srv.token(t))
	}
	ws, _, err := websocket.DefaultDialer.Dial(u, h)
	if err != nil {
		t.Fatalf("dialing %s: %v", u, err)
	}
	c := &roomClient{t: t, ws: ws, msgs: make(chan wsMessage, 4096)}
	go func() {
		defer close(c.msgs)
		for {
			kind, data, err := ws.ReadMessage()
			if err != nil {
				return
			}
			c.msgs <- wsMessage{kind, data}
		}
	}()
	t.Cleanup(func() { ws.Close() })
	return c
}

func (c *roomClient) send(v any) {
	c.t.Helper()
	if err := c.ws.WriteJSON(v); err != nil {
		c.t.Fatalf("sending %v: %v", v, err)
	}
}

// await returns the first message that match accepts, failing the test
// after d.
func (c *roomClient) await(d time.Duration, what string, match func(wsMessage) bool) wsMessage {
	c.t.Helper()
	deadline := time.After(d)
	for {
		select {
		case m, ok := <-c.msgs:
			if !ok {
				c.t.Fatalf("connection closed while waiting for %s", what)
			}
			c.all = append(c.all, m)
			if match(m) {
				return m
			}
		case <-deadline:
			c.t.Fatalf("no %s within %v", what, d)
		}
	}
}

// awaitState waits for a state message that match accepts.
func (c *roomClient) awaitState(what string, match func(stateMessage) bool) stateMessage {
	c.t.Helper()
	m := c.await(10*time.Second, what, func(m wsMessage) bool {
		st, ok := m.state()
		return ok && match(st)
	})
	st, _ := m.state()
	return st
}

// awaitReadout waits for a frame of widget whose readout name is value.
func (c *roomClient) awaitReadout(widget, name, value string) {
	c.t.Helper()
	c.await(10*time.Second, fmt.Sprintf("frame of %s with %s = %s", widget, name, value), func(m wsMessage) bool {
		h, ok := m.frame()
		return ok && h.Widget == widget && h.Readouts[name] == value
	})
}

// findWidget returns the id and slide of the first widget of demo in the
// embedded lecture (the lecture changes; tests must not hard-code it).
func findWidget(t testing.TB, demo string) (string, int) {
	t.Helper()
	doc, err := (&talkLoader{fsys: embeddedTalk(), registry: demos.Default()}).load(embeddedTalkName)
	if err != nil {
		t.Fatal(err)
	}
	var found string
	var walk func([]present.Elem)
	walk = func(elems []present.Elem) {
		for _, e := range elems {
			switch e := e.(type) {
			case demoElem:
				if e.Name == demo && found == "" {
					found = e.Widget
				}
			case present.Section:
				walk(e.Elem)
			}
		}
	}
	for _, s := range doc.Sections {
		walk(s.Elem)
	}
	n, ok := widgetSlide(found)
	if !ok {
		t.Fatalf("no %s widget in the lecture", demo)
	}
	return found, n
}

func twopopParams(w float64) map[string]any {
	return map[string]any{"w": w, "kI": 1.1, "rE0": 1, "rI0": 0, "tau": 10}
}

// TestRoomAudienceCannotDrive: an audience connection that sends slide or
// parameter changes changes nothing anyone else sees, even when it carries
// the presenter cookie (an audience tab in the presenter's browser); its
// own parameters are computed for it alone.
func TestRoomAudienceCannotDrive(t *testing.T) {
	srv := startServer(t)
	id, slide := findWidget(t, "twopop")
	pres := dialRoom(t, srv, embeddedTalkName, true, true)
	watcher := dialRoom(t, srv, embeddedTalkName, false, false)
	watcher.send(map[string]any{"type": "follow", "follow": true})
	watcher.awaitState("initial state", func(st stateMessage) bool { return !st.Driven })

	pres.send(map[string]any{"type": "slide", "slide": slide})
	pres.send(map[string]any{"type": "params", "widget": id, "demo": "twopop", "seq": 1, "params": twopopParams(3)})
	watcher.awaitState("presenter's parameters", func(st stateMessage) bool {
		return st.Driven && st.Slide == slide && st.Widgets[id] != nil && st.Widgets[id].Params["w"] == 3
	})
	watcher.awaitReadout(id, "wFF", "6.300") // the room's frame, pushed: w(1 + kI)

	for _, a := range []struct {
		name           string
		cookie, asRole bool
	}{{"plain audience", false, false}, {"audience tab with the presenter cookie", true, false}, {"role=presenter without the cookie", false, true}} {
		t.Run(a.name, func(t *testing.T) {
			aud := dialRoom(t, srv, embeddedTalkName, a.cookie, a.asRole)
			aud.t = t
			aud.awaitState("initial state", func(st stateMessage) bool { return st.Driven })
			aud.send(map[string]any{"type": "slide", "slide": slide + 1})
			aud.await(10*time.Second, "error refusing the slide", func(m wsMessage) bool {
				return m.kind == websocket.TextMessage && strings.Contains(string(m.data), `"type":"error"`) && strings.Contains(string(m.data), "presenter")
			})
			aud.send(map[string]any{"type": "params", "widget": id, "demo": "twopop", "seq": 5, "params": twopopParams(9)})
			aud.awaitReadout(id, "wFF", "18.900") // computed for it alone

			// A fresh snapshot (follow on) still holds the presenter's state.
			watcher.t = t
			watcher.send(map[string]any{"type": "follow", "follow": true})
			st := watcher.awaitState("snapshot", func(stateMessage) bool { return true })
			if st.Slide != slide || st.Widgets[id].Params["w"] != 3 {
				t.Errorf("room after audience attempts: slide %d, w = %v; want slide %d, w = 3", st.Slide, st.Widgets[id].Params["w"], slide)
			}
		})
	}
	// Nothing the audience sent reached the watcher.
	for _, m := range watcher.all {
		if st, ok := m.state(); ok && (st.Slide == slide+1 || st.Widgets[id] != nil && st.Widgets[id].Params["w"] == 9) {
			t.Errorf("watcher saw an audience change: %s", m.data)
		}
		if h, ok := m.frame(); ok && h.Readouts["wFF"] == "18.900" {
			t.Errorf("watcher got the audience's frame %+v", h)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(srv.Stderr.String(), "room change refused") {
		if time.Now().After(deadline) {
			t.Fatalf("refusals not logged; stderr:\n%s", srv.Stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestRoomLateJoiner: a page that connects (or reconnects) after the
// presenter has acted gets the whole state and the room's frame at once.
func TestRoomLateJoiner(t *testing.T) {
	srv := startServer(t)
	id, slide := findWidget(t, "twopop")
	pres := dialRoom(t, srv, embeddedTalkName, true, true)
	pres.send(map[string]any{"type": "slide", "slide": slide})
	pres.send(map[string]any{"type": "params", "widget": id, "demo": "twopop", "seq": 1, "params": twopopParams(2)})
	first := dialRoom(t, srv, embeddedTalkName, false, false)
	first.send(map[string]any{"type": "follow", "follow": true})
	first.awaitReadout(id, "wFF", "4.200") // the presenter's parameters reached the room

	late := dialRoom(t, srv, embeddedTalkName, false, false)
	st := late.awaitState("state on join", func(stateMessage) bool { return true })
	if !st.Driven || st.Slide != slide || st.Widgets[id] == nil || st.Widgets[id].Params["w"] != 2 {
		t.Fatalf("join state = %+v, want slide %d with w = 2", st, slide)
	}
	late.send(map[string]any{"type": "follow", "follow": true})
	late.awaitReadout(id, "wFF", "4.200")

	// A page of another talk gets no frames of this one.
	other := dialRoom(t, srv, "other.slide", false, false)
	other.send(map[string]any{"type": "follow", "follow": true})
	pres.send(map[string]any{"type": "params", "widget": id, "demo": "twopop", "seq": 2, "params": twopopParams(4)})
	late.awaitReadout(id, "wFF", "8.400")
	other.send(map[string]any{"type": "follow", "follow": true})
	other.awaitState("snapshot", func(st stateMessage) bool { return st.Widgets[id] != nil && st.Widgets[id].Params["w"] == 4 })
	for _, m := range other.all {
		if h, ok := m.frame(); ok {
			t.Errorf("page of another talk got frame %+v", h)
		}
	}
}

// TestNotesNeverReachAudience: the speaker notes are in the presenter view
// and nowhere else: not in the audience HTML, the scripts, or any message
// an audience socket receives while the presenter goes through the talk.
func TestNotesNeverReachAudience(t *testing.T) {
	lectureNote := distinctiveNote(t)
	for _, tc := range []struct {
		name, talk, note string
		args             []string
	}{
		{"testdata talk", "talk.slide", notesMarker, []string{"-content", "testdata/presenter"}},
		{"embedded lecture", embeddedTalkName, lectureNote, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startServer(t, tc.args...)
			base := strings.TrimSuffix(srv.URL, "/")
			audURL, presURL := srv.URL, base+"/presenter"
			if tc.args != nil {
				audURL, presURL = base+"/"+tc.talk, base+"/presenter/"+tc.talk
			}
			aud := dialRoom(t, srv, tc.talk, false, false)
			aud.send(map[string]any{"type": "follow", "follow": true})

			for _, u := range []string{audURL, base + "/static/boot.js", base + "/static/widget.js", base + "/static/socket.js", base + "/static/presenter.js", base + "/api/demos"} {
				if body := get(t, u, ""); strings.Contains(body, tc.note) {
					t.Errorf("%s contains the speaker note %q", u, tc.note)
				}
			}
			if body := get(t, presURL, srv.token(t)); !strings.Contains(body, tc.note) {
				t.Errorf("presenter view lacks the speaker note %q", tc.note)
			}

			pres := dialRoom(t, srv, tc.talk, true, true)
			for n := 1; n <= 30; n++ {
				pres.send(map[string]any{"type": "slide", "slide": n})
			}
			aud.awaitState("the last slide", func(st stateMessage) bool { return st.Slide == 30 })
			for _, m := range aud.all {
				if strings.Contains(string(m.data), tc.note) || strings.Contains(string(m.data), notesMarker) {
					t.Errorf("audience message contains a speaker note: %.200s", m.data)
				}
			}
		})
	}
	t.Run("-notes=false", func(t *testing.T) {
		srv := startServer(t, "-content", "testdata/presenter", "-notes=false")
		body := get(t, strings.TrimSuffix(srv.URL, "/")+"/presenter/talk.slide", srv.token(t))
		if strings.Contains(body, notesMarker) {
			t.Error("presenter view shows notes with -notes=false")
		}
		if !strings.Contains(body, "pv-notes") {
			t.Error("presenter view not served with -notes=false")
		}
	})
}

// distinctiveNote returns a speaker note of the embedded lecture that is
// plain words (so that its HTML escaping is itself).
func distinctiveNote(t *testing.T) string {
	t.Helper()
	src, err := embeddedSlides.ReadFile("slides/" + embeddedTalkName)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(strings.NewReader(string(src)))
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), ": ")
		if !ok || len(line) < 30 || strings.ContainsAny(line, `<>&'"`) {
			continue
		}
		return line[:30]
	}
	t.Skip("the embedded lecture has no speaker notes yet")
	return ""
}

// get fetches u (with the presenter cookie when token is set).
func get(t *testing.T, u, token string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	if token != "" {
		req.AddCookie(&http.Cookie{Name: presenterCookie, Value: token})
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", u, resp.Status)
	}
	return string(b)
}

// TestTokenNeverLogged exercises every path that sees the token — the
// presenter URL, a wrong token, the cookie, presenter and refused audience
// sockets — and searches the server's log for it.
func TestTokenNeverLogged(t *testing.T) {
	srv := startServer(t, "-record", t.TempDir()+"/rec.jsonl")
	tok := srv.token(t)
	if len(tok) != 32 {
		t.Fatalf("token %q: want 128 bits in hex", tok)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(srv.Presenter)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == presenterCookie {
			cookie = c
		}
	}
	if resp.StatusCode != http.StatusSeeOther || strings.Contains(resp.Header.Get("Location"), tok) {
		t.Errorf("presenter URL: %s to %q, want 303 to a URL without the token", resp.Status, resp.Header.Get("Location"))
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Value != tok {
		t.Errorf("presenter cookie = %+v, want HttpOnly, SameSite=Strict, holding the token", cookie)
	}
	for _, wrong := range []string{"0123456789abcdef0123456789abcdef", tok + "0", tok[:31]} {
		resp, err := noRedirect.Get(strings.Replace(srv.Presenter, tok, wrong, 1))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("wrong token: %s, want 403", resp.Status)
		}
	}
	base := strings.TrimSuffix(srv.URL, "/")
	req, _ := http.NewRequest("GET", base+"/presenter", nil)
	req.AddCookie(&http.Cookie{Name: presenterCookie, Value: tok + "x"})
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("presenter view with a wrong cookie: %s, want 403", resp.Status)
		}
	}

	id, slide := findWidget(t, "twopop")
	pres := dialRoom(t, srv, embeddedTalkName, true, true)
	aud := dialRoom(t, srv, embeddedTalkName, true, false)
	pres.send(map[string]any{"type": "slide", "slide": slide})
	pres.send(map[string]any{"type": "params", "widget": id, "demo": "twopop", "seq": 1, "params": map[string]any{"w": "NaN"}})
	pres.send(map[string]any{"type": "bogus", "token": tok})
	aud.send(map[string]any{"type": "slide", "slide": 1})
	aud.await(10*time.Second, "refusal", func(m wsMessage) bool { return strings.Contains(string(m.data), `"error"`) })
	pres.await(10*time.Second, "error for the bogus message", func(m wsMessage) bool { return strings.Contains(string(m.data), "bogus") })
	// A websocket from a foreign origin is refused (and may be logged).
	h := http.Header{"Origin": {"http://evil.example"}, "Cookie": {presenterCookie + "=" + tok}}
	if ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(base, "http")+"/ws?role=presenter", h); err == nil {
		ws.Close()
		t.Error("websocket from a foreign origin accepted")
	}

	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(srv.Stderr.String(), "room change refused") || !strings.Contains(srv.Stderr.String(), "wrong token") {
		if time.Now().After(deadline) {
			t.Fatalf("expected log lines missing; stderr:\n%s", srv.Stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if log := srv.Stderr.String(); strings.Contains(log, tok) {
		t.Errorf("the server log contains the presenter token:\n%s", log)
	}
}
