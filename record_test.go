package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"balamp/demos"
)

// signature names a room state by what a following page shows: the slide
// and every widget's parameters.
func signature(st stateMessage) string {
	ws := map[string]demos.Params{}
	for id, w := range st.Widgets {
		ws[id] = w.Params
	}
	b, _ := json.Marshal(ws) // map keys sorted
	return fmt.Sprintf("%s#%d %s", st.Talk, st.Slide, b)
}

// transitions reduces the states a client saw to the sequence of distinct
// driven states, without the empty room a replay starts from.
func transitions(msgs []wsMessage) []string {
	var out []string
	for _, m := range msgs {
		st, ok := m.state()
		if !ok || !st.Driven || (st.Slide == 1 && len(st.Widgets) == 0) {
			continue
		}
		if s := signature(st); len(out) == 0 || out[len(out)-1] != s {
			out = append(out, s)
		}
	}
	return out
}

// TestRecordReplay records a lecture given over a presenter socket, then
// replays the file: a following page sees the same sequence of states, in
// no less time than the lecture took.
func TestRecordReplay(t *testing.T) {
	file := filepath.Join(t.TempDir(), "lecture.jsonl")
	id, slide := findWidget(t, "twopop")
	steps := []map[string]any{
		{"type": "slide", "slide": 2},
		{"type": "slide", "slide": slide},
		{"type": "params", "widget": id, "demo": "twopop", "seq": 1, "params": twopopParams(3)},
		{"type": "params", "widget": id, "demo": "twopop", "seq": 2, "params": twopopParams(3.5)},
		{"type": "slide", "slide": slide + 1},
		{"type": "slide", "slide": slide},
		{"type": "params", "widget": id, "demo": "twopop", "seq": 3, "params": map[string]any{"kI": 1.5}},
	}
	var live []string
	func() {
		srv := startServer(t, "-record", file)
		pres := dialRoom(t, srv, embeddedTalkName, true, true)
		aud := dialRoom(t, srv, embeddedTalkName, false, false)
		aud.send(map[string]any{"type": "follow", "follow": true})
		aud.awaitState("initial state", func(st stateMessage) bool { return !st.Driven })
		for i, s := range steps {
			pres.send(s)
			// Wait for the change to arrive, so every step is its own state.
			aud.awaitState(fmt.Sprintf("step %d", i), func(st stateMessage) bool {
				if s["type"] == "slide" {
					return st.Slide == s["slide"]
				}
				w := st.Widgets[id]
				return w != nil && w.Seq == int64(s["seq"].(int))
			})
		}
		live = transitions(aud.all)
	}()
	if len(live) != len(steps) {
		t.Fatalf("live: %d state transitions for %d steps:\n%s", len(live), len(steps), strings.Join(live, "\n"))
	}

	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	events, err := readRecording(f, file, demos.Default())
	f.Close()
	if err != nil || len(events) != len(steps) {
		t.Fatalf("recording: %d events, err %v; want %d events", len(events), err, len(steps))
	}
	duration := events[len(events)-1].T - events[0].T

	srv := startServer(t, "-replay", file)
	start := time.Now() // the replay starts when the first page connects
	aud := dialRoom(t, srv, embeddedTalkName, false, false)
	aud.send(map[string]any{"type": "follow", "follow": true})
	aud.awaitState("the replay's end", func(st stateMessage) bool {
		return st.Replay != nil && st.Replay.Ended && signature(st) == live[len(live)-1]
	})
	if took := time.Since(start).Milliseconds(); took < duration {
		t.Errorf("replay took %d ms, the lecture %d ms", took, duration)
	}
	// A page gets the latest state, not a queue: states a few ms apart may
	// merge, so the page sees the lecture's states in order, perhaps not all
	// (TestRecordReplayTrace compares every transition of the room).
	replayed := transitions(aud.all)
	if !isSubsequence(replayed, live) || replayed[len(replayed)-1] != live[len(live)-1] {
		t.Errorf("replayed states:\n%s\nlive states:\n%s", strings.Join(replayed, "\n"), strings.Join(live, "\n"))
	}
	// The room computes the replayed parameters: kI = 1.5, w = 3.5.
	aud.awaitReadout(id, "wFF", demos.FormatNumber(3.5*2.5, 3))
}

// isSubsequence tells whether sub is a subsequence of seq.
func isSubsequence(sub, seq []string) bool {
	i := 0
	for _, s := range seq {
		if i < len(sub) && sub[i] == s {
			i++
		}
	}
	return i == len(sub)
}

// TestRecordReplayTrace records a room driven by a presenter and replays
// the recording into a second room: the second goes through exactly the
// same state transitions.
func TestRecordReplayTrace(t *testing.T) {
	file := filepath.Join(t.TempDir(), "trace.jsonl")
	log := testLogger(t)
	reg := demos.Default()
	traceOf := func(rm *room) *[]string {
		var tr []string
		rm.trace = func(st stateMessage) {
			if s := signature(st); st.Driven && (len(tr) == 0 || tr[len(tr)-1] != s) {
				tr = append(tr, s)
			}
		}
		return &tr
	}
	live := newRoom("tok", log)
	live.registry = reg
	var err error
	if live.rec, err = openRecorder(file, log, time.Now()); err != nil {
		t.Fatal(err)
	}
	liveTrace := traceOf(live)
	pres := &conn{role: "presenter", talk: "a.slide", log: log}
	twopop, _ := reg.Lookup("twopop")
	params := func(w float64) demos.Params {
		p, err := twopop.Spec().Validate(map[string]any{"w": w}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	live.setSlide(pres, 2)
	live.setSlide(pres, 4)
	for i, w := range []float64{1, 1.5, 2, 2.5} {
		live.setParams(pres, "s4-0", "twopop", int64(i+1), params(w))
	}
	live.setSlide(pres, 5)
	live.setParams(pres, "s5-0", "twopop", 9, params(7))
	live.setSlide(pres, 4)
	if err := live.close(); err != nil {
		t.Fatal(err)
	}

	replay := newRoom("tok", log)
	replay.registry = reg
	replayTrace := traceOf(replay)
	done := make(chan struct{})
	replay.trace = func(st stateMessage) {
		if s := signature(st); st.Driven && (len(*replayTrace) == 0 || (*replayTrace)[len(*replayTrace)-1] != s) {
			*replayTrace = append(*replayTrace, s)
		}
		if st.Replay != nil && st.Replay.Ended {
			select {
			case <-done:
			default:
				close(done)
			}
		}
	}
	if err := replay.startReplay(file, true); err != nil {
		t.Fatal(err)
	}
	defer replay.close()
	replay.player.autoplay()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("replay did not end within 10 s")
	}
	replay.mu.Lock()
	got := strings.Join((*replayTrace)[1:], "\n") // without the empty room before the first event
	replay.mu.Unlock()
	if want := strings.Join(*liveTrace, "\n"); got != want {
		t.Errorf("replayed transitions:\n%s\nlive transitions:\n%s", got, want)
	}
}

// TestReplayTruncated: a recording cut short mid-line replays up to the
// bad line, and the server says where it stopped, in its log and in the
// state every page's replay bar shows.
func TestReplayTruncated(t *testing.T) {
	id, slide := findWidget(t, "twopop")
	file := filepath.Join(t.TempDir(), "cut.jsonl")
	lines := []string{
		`{"balamp":"recording","version":1,"start":"2025-01-31T10:00:00Z"}`,
		`{"t":0,"type":"slide","talk":"lecture.slide","slide":` + fmt.Sprint(slide) + `}`,
		`{"t":5,"type":"params","talk":"lecture.slide","widget":"` + id + `","demo":"twopop","params":{"w":2}}`,
		`{"t":9,"type":"sli`, // the crash
		`{"t":12,"type":"slide","talk":"lecture.slide","slide":1}`,
	}
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, "-replay", file)
	aud := dialRoom(t, srv, embeddedTalkName, false, false)
	aud.send(map[string]any{"type": "follow", "follow": true})
	st := aud.awaitState("the replay's end", func(st stateMessage) bool {
		return st.Replay != nil && st.Replay.Ended
	})
	if st.Slide != slide || st.Widgets[id].Params["w"] != 2 || st.Replay.Events != 2 {
		t.Errorf("end of the truncated replay: slide %d, w = %v, %d events; want slide %d, w = 2, 2 events", st.Slide, st.Widgets[id].Params["w"], st.Replay.Events, slide)
	}
	if !strings.Contains(st.Replay.Stopped, "line 4") {
		t.Errorf("replay bar message %q, want it to name line 4", st.Replay.Stopped)
	}
	if log := srv.Stderr.String(); !strings.Contains(log, "line=4") {
		t.Errorf("server log does not say where the replay stops:\n%s", log)
	}
	aud.awaitReadout(id, "wFF", "4.200")
}

// TestReplaySeek: seeking rebuilds the state from the events up to the
// position; pause holds it.
func TestReplaySeek(t *testing.T) {
	id, slide := findWidget(t, "twopop")
	file := filepath.Join(t.TempDir(), "long.jsonl")
	lines := []string{
		`{"balamp":"recording","version":1,"start":"2025-01-31T10:00:00Z"}`,
		`{"t":0,"type":"slide","talk":"lecture.slide","slide":2}`,
		`{"t":600000,"type":"slide","talk":"lecture.slide","slide":` + fmt.Sprint(slide) + `}`,
		`{"t":601000,"type":"params","talk":"lecture.slide","widget":"` + id + `","demo":"twopop","params":{"w":5}}`,
		`{"t":1200000,"type":"slide","talk":"lecture.slide","slide":3}`,
	}
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, "-replay", file)
	aud := dialRoom(t, srv, embeddedTalkName, false, false)
	aud.send(map[string]any{"type": "follow", "follow": true})
	aud.awaitState("autoplay", func(st stateMessage) bool { return st.Replay != nil && st.Replay.Playing && st.Slide == 2 })

	aud.send(map[string]any{"type": "replay", "action": "seek", "t": 700000})
	st := aud.awaitState("seek to 700 s", func(st stateMessage) bool { return st.Slide == slide })
	if st.Widgets[id] == nil || st.Widgets[id].Params["w"] != 5 || st.Replay.T < 700000 {
		t.Errorf("after seeking to 700 s: %+v, want w = 5 at ≥ 700 s", st)
	}
	aud.awaitReadout(id, "wFF", "10.500")
	aud.send(map[string]any{"type": "replay", "action": "pause"})
	st = aud.awaitState("pause", func(st stateMessage) bool { return !st.Replay.Playing })
	if st.Slide != slide {
		t.Errorf("pause moved to slide %d", st.Slide)
	}
	aud.send(map[string]any{"type": "replay", "action": "seek", "t": 1000})
	st = aud.awaitState("seek back", func(st stateMessage) bool { return st.Slide == 2 })
	if len(st.Widgets) != 0 || st.Replay.Playing || st.Replay.T != 1000 {
		t.Errorf("after seeking back to 1 s while paused: %+v", st)
	}
	aud.send(map[string]any{"type": "replay", "action": "rewind"})
	aud.await(10*time.Second, "error for an unknown action", func(m wsMessage) bool { return strings.Contains(string(m.data), "unknown replay action") })
	// A presenter's own moves do not change the replayed room.
	pres := dialRoom(t, srv, embeddedTalkName, true, true)
	pres.send(map[string]any{"type": "slide", "slide": 7})
	pres.send(map[string]any{"type": "replay", "action": "seek", "t": 1300000})
	st = aud.awaitState("seek to the end", func(st stateMessage) bool { return st.Replay.T == st.Replay.Duration })
	if st.Slide != 3 {
		t.Errorf("after the presenter's slide 7 and a seek to the end: slide %d, want 3", st.Slide)
	}
}

// TestReadRecording covers the file format's edge cases: appended
// sessions, and every kind of bad line, which ends the recording there.
func TestReadRecording(t *testing.T) {
	const h = `{"balamp":"recording","version":1,"start":"2025-01-31T10:00:00Z"}`
	slide := func(t, n int) string { return fmt.Sprintf(`{"t":%d,"type":"slide","talk":"a.slide","slide":%d}`, t, n) }
	for _, tc := range []struct {
		name     string
		lines    []string
		times    []int64 // of the events read
		badLine  int     // 0: no error
		contains string
	}{
		{"one session", []string{h, slide(0, 2), slide(10, 3)}, []int64{0, 10}, 0, ""},
		{"blank lines", []string{h, "", slide(3, 2)}, []int64{3}, 0, ""},
		{"appended session", []string{h, slide(0, 2), slide(50, 3), h, slide(20, 4)}, []int64{0, 50, 50 + sessionGap + 20}, 0, ""},
		{"empty file", nil, nil, 0, ""},
		{"event before header", []string{slide(0, 2)}, nil, 1, "header"},
		{"wrong version", []string{`{"balamp":"recording","version":9}`}, nil, 1, "version"},
		{"truncated", []string{h, slide(0, 2), `{"t":4,"ty`}, []int64{0}, 3, "unexpected end"},
		{"time goes back", []string{h, slide(10, 2), slide(5, 3)}, []int64{10}, 3, "goes back"},
		{"negative time", []string{h, slide(-1, 2)}, nil, 2, "negative"},
		{"unknown type", []string{h, `{"t":0,"type":"quit","talk":"a"}`}, nil, 2, "unknown event type"},
		{"unknown field", []string{h, `{"t":0,"type":"slide","slide":2,"rm":"-rf"}`}, nil, 2, "unknown field"},
		{"slide 0", []string{h, slide(0, 0)}, nil, 2, "out of range"},
		{"unknown demo", []string{h, `{"t":0,"type":"params","widget":"s2-0","demo":"nope","params":{}}`}, nil, 2, "unknown demo"},
		{"bad widget", []string{h, `{"t":0,"type":"params","widget":"<x>","demo":"twopop","params":{}}`}, nil, 2, "bad widget"},
		{"bad parameter", []string{h, `{"t":0,"type":"params","widget":"s2-0","demo":"twopop","params":{"w":"big"}}`}, nil, 2, "must be a number"},
		{"unknown parameter", []string{h, `{"t":0,"type":"params","widget":"s2-0","demo":"twopop","params":{"x":1}}`}, nil, 2, "unknown parameter"},
		{"not JSON", []string{h, slide(0, 2), "garbage"}, []int64{0}, 3, "invalid character"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			events, err := readRecording(strings.NewReader(strings.Join(tc.lines, "\n")), "rec.jsonl", demos.Default())
			var times []int64
			for _, e := range events {
				times = append(times, e.T)
			}
			if fmt.Sprint(times) != fmt.Sprint(tc.times) {
				t.Errorf("event times %v, want %v", times, tc.times)
			}
			var bad *recordingError
			switch {
			case tc.badLine == 0 && err != nil:
				t.Errorf("error %v, want none", err)
			case tc.badLine != 0 && !errors.As(err, &bad):
				t.Errorf("error %v, want a recordingError at line %d", err, tc.badLine)
			case tc.badLine != 0 && (bad.Line != tc.badLine || !strings.Contains(err.Error(), tc.contains)):
				t.Errorf("error %v, want line %d mentioning %q", err, tc.badLine, tc.contains)
			}
		})
	}
}

// TestRecorderAppends: each line is written as it happens (readable while
// the recorder is open), and a second recorder appends a new session.
func TestRecorderAppends(t *testing.T) {
	file := filepath.Join(t.TempDir(), "r.jsonl")
	log := testLogger(t)
	for session := range 2 {
		r, err := openRecorder(file, log, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		r.slide("a.slide", 2)
		r.params("a.slide", "s2-0", "twopop", demos.Params{"w": 1.5})
		b, err := os.ReadFile(file) // before close: nothing buffered
		if err != nil {
			t.Fatal(err)
		}
		if got, want := strings.Count(string(b), "\n"), 3*(session+1); got != want {
			t.Errorf("session %d: %d lines on disk before close, want %d", session, got, want)
		}
		if err := r.close(); err != nil {
			t.Fatal(err)
		}
	}
	f, _ := os.Open(file)
	defer f.Close()
	events, err := readRecording(f, file, demos.Default())
	if err != nil || len(events) != 4 || events[3].params["w"] != 1.5 {
		t.Fatalf("read back %d events (err %v), want 4 ending with w = 1.5", len(events), err)
	}
}

// FuzzReadRecording: no input makes the reader panic, and what it returns
// is in time order.
func FuzzReadRecording(f *testing.F) {
	f.Add(`{"balamp":"recording","version":1,"start":"x"}` + "\n" + `{"t":0,"type":"slide","talk":"a","slide":2}`)
	f.Add(`{"balamp":"recording","version":1}` + "\n" + `{"t":3,"type":"params","widget":"s2-0","demo":"twopop","params":{"w":1e308}}`)
	f.Add("{\n}")
	reg := demos.Default()
	f.Fuzz(func(t *testing.T, s string) {
		events, _ := readRecording(strings.NewReader(s), "fuzz", reg)
		for i := 1; i < len(events); i++ {
			if events[i].T < events[i-1].T {
				t.Fatalf("events out of order: %d after %d", events[i].T, events[i-1].T)
			}
		}
	})
}

// testLogger logs to the test's output.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), nil))
}
