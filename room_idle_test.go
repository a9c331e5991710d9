package main

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"balamp/demos"
)

// endlessDemo streams frames until cancelled, counting its running Runs,
// like the spatial movie does.
type endlessDemo struct{ running atomic.Int64 }

func (d *endlessDemo) Spec() *demos.Spec { return &demos.Spec{ID: "endless"} }

func (d *endlessDemo) Run(ctx context.Context, p demos.Params, emit func(*demos.Frame) error) error {
	d.running.Add(1)
	defer d.running.Add(-1)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
			if err := emit(&demos.Frame{}); err != nil {
				return err
			}
		}
	}
}

// testConn is a connection without a socket: the room only queues to it.
func testConn(role string) *conn {
	return &conn{role: role, talk: "t.slide", log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		control: make(chan []byte, controlQueue), wake: make(chan struct{}, 1), pending: map[string][]byte{}}
}

// TestRoomStopsWhenUnwatched: the room's animated computation runs while
// some page follows the room, stops when none does, and resumes when a
// page follows again.
func TestRoomStopsWhenUnwatched(t *testing.T) {
	d := &endlessDemo{}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	rm := newRoom("token", log)
	defer rm.close()
	rm.registry, rm.frames = demos.NewRegistry(d), newFrameCache(8)
	waitRunning := func(want int64, what string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for d.running.Load() != want {
			if time.Now().After(deadline) {
				t.Fatalf("%s: %d computations running, want %d", what, d.running.Load(), want)
			}
			time.Sleep(time.Millisecond)
		}
	}
	presenter, student := testConn("presenter"), testConn("audience")
	rm.join(presenter)
	rm.join(student)
	rm.setFollow(student, true)
	if err := rm.setSlide(presenter, 2); err != nil {
		t.Fatal(err)
	}
	if err := rm.setParams(presenter, "s2-0", "endless", 1, demos.Params{}); err != nil {
		t.Fatal(err)
	}
	waitRunning(1, "a student follows")
	rm.leave(student)
	waitRunning(0, "nobody follows")
	late := testConn("audience")
	rm.join(late)
	rm.setFollow(late, true)
	waitRunning(1, "a late student follows")
	rm.setFollow(late, false)
	waitRunning(0, "the student explores alone")
}
