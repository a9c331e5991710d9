package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"balamp/demos"
)

// Audience load (DESIGN §8, docs/performance.md): the presenter drags the
// twopop w slider at 30 updates/s; every update is a params message from
// the presenter's socket, and its frame reaches each follower in one hop
// (the room computes once and pushes the encoded frame). Measured: the
// delay from the presenter's send to each follower's receipt of the
// frame, over every frame every follower receives; the fraction of
// updates each follower saw (a slow follower gets the latest frame, not a
// queue); the memory the server and the clients hold. With stalled
// clients, 10 more followers stop reading (with small TCP buffers, so they
// stall at once): the others must not slow down.
//
//	go test -run '^$' -bench Audience300 -benchtime 150x .
func BenchmarkAudience300(b *testing.B) {
	for _, stalled := range []int{0, 10} {
		b.Run(fmt.Sprintf("stalled=%d", stalled), func(b *testing.B) { benchAudience(b, 300, stalled) })
	}
}

const updateEvery = time.Second / 30

// stalledReadBuffer is the TCP receive buffer of a stalled follower: small,
// so that it stops taking data at once.
var stalledReadBuffer = 4096

func benchAudience(b *testing.B, readers, stalled int) {
	srv := startServer(b)
	id, slide := findWidget(b, "twopop")
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	pres := dialRoom(b, srv, embeddedTalkName, true, true)
	var (
		mu   sync.Mutex
		sent = map[string]time.Time{} // wFF readout → when its parameters were sent
	)
	type follower struct {
		lat  []time.Duration
		got  chan string // readouts received, for the final sync
		ws   *websocket.Conn
		seen int
	}
	fs := make([]*follower, readers)
	u := "ws" + strings.TrimPrefix(strings.TrimSuffix(srv.URL, "/"), "http") + "/ws?" + url.Values{"talk": {embeddedTalkName}}.Encode()
	var wg sync.WaitGroup
	var frameBytes atomic.Int64
	for i := range fs {
		ws, _, err := websocket.DefaultDialer.Dial(u, nil)
		if err != nil {
			b.Fatal(err)
		}
		f := &follower{ws: ws, got: make(chan string, 1)}
		fs[i] = f
		ws.WriteJSON(map[string]any{"type": "follow", "follow": true})
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				kind, data, err := ws.ReadMessage()
				if err != nil {
					return
				}
				now := time.Now()
				if kind != websocket.BinaryMessage {
					continue
				}
				wff := frameReadout(data, "wFF")
				frameBytes.Store(int64(len(data)))
				mu.Lock()
				t0, ok := sent[wff]
				mu.Unlock()
				if ok {
					f.lat = append(f.lat, now.Sub(t0))
					f.seen++
				}
				select {
				case <-f.got:
				default:
				}
				f.got <- wff
			}
		}()
	}
	// Stalled followers: tiny receive buffers, never read.
	stalledDialer := &websocket.Dialer{NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err == nil {
			c.(*net.TCPConn).SetReadBuffer(stalledReadBuffer)
		}
		return c, err
	}}
	for range stalled {
		ws, _, err := stalledDialer.Dial(u, http.Header{})
		if err != nil {
			b.Fatal(err)
		}
		ws.WriteJSON(map[string]any{"type": "follow", "follow": true})
		defer ws.Close()
	}

	// The presenter shows the slide; the first frame reaches everyone.
	params := func(w float64) map[string]any {
		return map[string]any{"w": w, "kI": 1.1, "rE0": 1, "rI0": 0, "tau": 10}
	}
	wffOf := func(w float64) string { return demos.FormatNumber(w*2.1, 3) }
	awaitAll := func(want string) {
		deadline := time.After(20 * time.Second)
		for i, f := range fs {
			for done := false; !done; {
				select {
				case got := <-f.got:
					done = got == want
				case <-deadline:
					b.Fatalf("follower %d did not receive wFF = %s within 20 s", i, want)
				}
			}
		}
	}
	pres.send(map[string]any{"type": "slide", "slide": slide})
	mu.Lock()
	sent[wffOf(0.5)] = time.Now()
	mu.Unlock()
	pres.send(map[string]any{"type": "params", "widget": id, "demo": "twopop", "seq": 1, "params": params(0.5)})
	awaitAll(wffOf(0.5))
	for _, f := range fs {
		f.lat, f.seen = nil, 0
	}
	var connected runtime.MemStats
	runtime.ReadMemStats(&connected)

	// The drag: w from 1 in steps of 0.005 (distinct wFF readouts).
	tick := time.NewTicker(updateEvery)
	defer tick.Stop()
	var last string
	b.ResetTimer()
	for i := range b.N {
		w := 1 + float64(i%1500)*0.005
		last = wffOf(w)
		mu.Lock()
		sent[last] = time.Now()
		mu.Unlock()
		pres.send(map[string]any{"type": "params", "widget": id, "demo": "twopop", "seq": i + 2, "params": params(w)})
		<-tick.C
	}
	awaitAll(last)
	b.StopTimer()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	for _, f := range fs {
		f.ws.Close()
	}
	wg.Wait()

	var all []time.Duration
	seen := 0
	for _, f := range fs {
		all = append(all, f.lat...)
		seen += f.seen
	}
	if len(all) == 0 {
		b.Fatal("no frame latencies measured")
	}
	slices.Sort(all)
	q := func(p float64) float64 {
		return float64(all[min(len(all)-1, int(p*float64(len(all))))].Microseconds()) / 1000
	}
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.95), "p95-ms")
	b.ReportMetric(q(1), "max-ms")
	b.ReportMetric(float64(seen)/float64(b.N*readers), "delivered")
	b.ReportMetric(float64(frameBytes.Load())/1024, "frame-KB")
	b.ReportMetric(float64(int64(connected.HeapInuse)-int64(before.HeapInuse))/(1<<20), "heap-conn-MB")
	b.ReportMetric(float64(int64(after.HeapInuse)-int64(before.HeapInuse))/(1<<20), "heap-end-MB")
	b.ReportMetric(float64(after.Sys-before.Sys)/(1<<20), "sys-MB")
}

// frameReadout reads one readout from a binary frame's JSON header
// without decoding its arrays.
func frameReadout(buf []byte, name string) string {
	if len(buf) < 4 {
		return ""
	}
	n := int(binary.LittleEndian.Uint32(buf))
	if n > len(buf)-4 {
		return ""
	}
	var h struct {
		Readouts map[string]string `json:"readouts"`
	}
	if json.Unmarshal(buf[4:4+n], &h) != nil {
		return ""
	}
	return h.Readouts[name]
}
