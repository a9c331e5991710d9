package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"balamp/demos"
)

// slowDemo takes slowDemoCompute per parameter set unless cancelled, so a
// burst of messages must cancel stale work rather than queue it.
type slowDemo struct {
	runs atomic.Int64 // computations started
	done atomic.Int64 // computations that emitted a frame
}

const slowDemoCompute = 30 * time.Millisecond

func (d *slowDemo) Spec() *demos.Spec {
	return &demos.Spec{ID: "slow", Params: []demos.Param{{Name: "x", Kind: demos.KindRange, Min: 0, Max: 1000, Step: 1}}}
}

func (d *slowDemo) Run(ctx context.Context, p demos.Params, emit func(*demos.Frame) error) error {
	d.runs.Add(1)
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(slowDemoCompute):
	}
	f := &demos.Frame{}
	f.Add("x", []float64{p["x"]})
	d.done.Add(1)
	return emit(f)
}

// dialTest starts a websocket server with the given demos and dials it.
func dialTest(t *testing.T, list ...demos.Demo) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s := newSocketServer(demos.NewRegistry(list...), newRoom("", log), log, hostChecker("127.0.0.1:0"))
	srv := httptest.NewServer(s.serve(ctx))
	t.Cleanup(srv.Close)
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

// readUntil reads messages until match returns true or the deadline.
func readUntil(t *testing.T, ws *websocket.Conn, d time.Duration, match func(kind int, data []byte) bool) {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(d))
	defer ws.SetReadDeadline(time.Time{})
	for {
		kind, data, err := ws.ReadMessage()
		if err != nil {
			t.Fatalf("reading: %v", err)
		}
		if match(kind, data) {
			return
		}
	}
}

func sendParams(t *testing.T, ws *websocket.Conn, demo string, seq int64, params map[string]any) {
	t.Helper()
	msg := map[string]any{"type": "params", "widget": "w1", "demo": demo, "seq": seq, "params": params}
	if err := ws.WriteJSON(msg); err != nil {
		t.Fatal(err)
	}
}

// TestSocketBurstLatestWins: 100 parameter messages in a burst yield the
// last one's frame; stale computations are cancelled, never queued.
func TestSocketBurstLatestWins(t *testing.T) {
	d := &slowDemo{}
	ws := dialTest(t, d)
	const burst = 100
	for i := int64(1); i <= burst; i++ {
		sendParams(t, ws, "slow", i, map[string]any{"x": float64(i)})
	}
	var seqs []int64
	readUntil(t, ws, 10*time.Second, func(kind int, data []byte) bool {
		if kind != websocket.BinaryMessage {
			return false
		}
		h, arrays, err := demos.DecodeFrame(data)
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, h.Seq)
		if h.Seq == burst && arrays["x"][0] != burst {
			t.Errorf("frame %d carries x = %v, want %d", h.Seq, arrays["x"][0], burst)
		}
		return h.Seq == burst
	})
	for i := 1; i < len(seqs); i++ {
		if seqs[i] <= seqs[i-1] {
			t.Errorf("frames out of order: %v", seqs)
		}
	}
	// Each computation takes 30 ms and the burst arrives in far less, so
	// almost all of them must have been cancelled. A queue would have
	// computed all 100 (3 s).
	if n := d.done.Load(); n > burst/4 {
		t.Errorf("%d of %d computations ran to the end; stale work was not cancelled", n, burst)
	}
	if len(seqs) > burst/4 {
		t.Errorf("received %d frames for a burst of %d; stale frames were not dropped", len(seqs), burst)
	}
}

// TestSocketBadInput: every malformed message gets an error and the
// connection stays usable.
func TestSocketBadInput(t *testing.T) {
	ws := dialTest(t, demos.NewTwoPop())
	bad := []struct {
		name string
		kind int
		data string
		want string
	}{
		{"not JSON", websocket.TextMessage, `{"type":`, "malformed message"},
		{"binary", websocket.BinaryMessage, "\x00\x01", "expected a JSON text message"},
		{"unknown type", websocket.TextMessage, `{"type":"explode"}`, "unknown message type"},
		{"unknown demo", websocket.TextMessage, `{"type":"params","widget":"w1","demo":"nosuch","seq":1,"params":{}}`, "unknown demo"},
		{"string value", websocket.TextMessage, `{"type":"params","widget":"w1","demo":"twopop","seq":2,"params":{"w":"NaN"}}`, "must be a number"},
		{"unknown param", websocket.TextMessage, `{"type":"params","widget":"w1","demo":"twopop","seq":3,"params":{"zz":1}}`, "unknown parameter"},
		{"bad widget id", websocket.TextMessage, `{"type":"params","widget":"<script>","demo":"twopop","seq":4,"params":{}}`, "bad widget id"},
		{"params not an object", websocket.TextMessage, `{"type":"params","widget":"w1","demo":"twopop","seq":5,"params":[1,2]}`, "malformed message"},
		{"follow without value", websocket.TextMessage, `{"type":"follow"}`, "needs a boolean"},
		{"slide zero", websocket.TextMessage, `{"type":"slide","slide":0}`, "out of range"},
	}
	for _, b := range bad {
		if err := ws.WriteMessage(b.kind, []byte(b.data)); err != nil {
			t.Fatal(err)
		}
		readUntil(t, ws, 5*time.Second, func(kind int, data []byte) bool {
			var m errorMessage
			if kind != websocket.TextMessage || json.Unmarshal(data, &m) != nil || m.Type != "error" {
				return false
			}
			if !strings.Contains(m.Message, b.want) {
				t.Errorf("%s: error %q, want it to contain %q", b.name, m.Message, b.want)
			}
			return true
		})
	}
	// Out of range is clamped, not refused: w = 1e9 runs as w = 10.
	sendParams(t, ws, "twopop", 10, map[string]any{"w": 1e9, "kI": 1.1})
	readUntil(t, ws, 5*time.Second, func(kind int, data []byte) bool {
		if kind != websocket.BinaryMessage {
			return false
		}
		h, _, err := demos.DecodeFrame(data)
		if err != nil {
			t.Fatal(err)
		}
		if got := h.Readouts["wFF"]; got != "21.000" {
			t.Errorf("w = 1e9 clamped gives wFF = %s, want 21.000 (w = 10)", got)
		}
		return h.Seq == 10
	})
}

// TestSocketUnstable: parameters that make the sum mode grow give an
// "unstable" frame with no arrays, never NaN.
func TestSocketUnstable(t *testing.T) {
	ws := dialTest(t, demos.NewTwoPop())
	sendParams(t, ws, "twopop", 1, map[string]any{"w": 10.0, "kI": 0.5})
	readUntil(t, ws, 5*time.Second, func(kind int, data []byte) bool {
		if kind != websocket.BinaryMessage {
			return false
		}
		h, arrays, err := demos.DecodeFrame(data)
		if err != nil {
			t.Fatal(err)
		}
		if h.State != demos.StateUnstable || len(arrays) != 0 || !strings.Contains(strings.ToLower(h.Message), "unstable") {
			t.Errorf("w = 10, kI = 0.5: state %q, %d arrays, message %q; want unstable, none, a message", h.State, len(arrays), h.Message)
		}
		return true
	})
}

// TestSocketOriginAndHost: a page from another origin, or a request with a
// foreign Host (DNS rebinding), is refused.
func TestSocketOriginAndHost(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s := newSocketServer(demos.Default(), nil, log, hostChecker("127.0.0.1:3999"))
	srv := httptest.NewServer(s.serve(ctx))
	defer srv.Close()
	url := "ws" + strings.TrimPrefix(srv.URL, "http")
	cases := []struct {
		name   string
		header http.Header
		ok     bool
	}{
		{"no origin (not a browser)", http.Header{}, true},
		{"same origin", http.Header{"Origin": {srv.URL}}, true},
		{"other origin", http.Header{"Origin": {"http://evil.example"}}, false},
		// gorilla sends a Host given in the header as the request's Host.
		{"rebound host", http.Header{"Host": {"evil.example"}}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ws, resp, err := websocket.DefaultDialer.Dial(url, c.header)
			if ws != nil {
				ws.Close()
			}
			if (err == nil) != c.ok {
				status := 0
				if resp != nil {
					status = resp.StatusCode
				}
				t.Errorf("dial: err = %v (status %d), want ok = %v", err, status, c.ok)
			}
		})
	}
}

// BenchmarkSocketRoundTrip: one parameter message to one drawn-ready
// frame of the Fig 1 demo over a loopback websocket.
func BenchmarkSocketRoundTrip(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s := newSocketServer(demos.Default(), nil, log, hostChecker("127.0.0.1:0"))
	s.frames = newFrameCache(0) // measure the computation, not the cache
	s.rate = 1e9                // a benchmark is not a flood
	srv := httptest.NewServer(s.serve(ctx))
	defer srv.Close()
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer ws.Close()
	b.ResetTimer()
	for i := 1; i <= b.N; i++ {
		w := 2 + float64(i%1000)/1000
		msg := fmt.Sprintf(`{"type":"params","widget":"w1","demo":"twopop","seq":%d,"params":{"w":%g}}`, i, w)
		if err := ws.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
			b.Fatal(err)
		}
		for {
			kind, data, err := ws.ReadMessage()
			if err != nil {
				b.Fatal(err)
			}
			if kind == websocket.BinaryMessage {
				h, _, _ := demos.DecodeFrame(data)
				if h.Seq == int64(i) {
					break
				}
			}
		}
	}
}
