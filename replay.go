package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"
)

// replayStatus is the replay's part of the room state (docs/protocol.md):
// where the replay is, so that every page can draw its replay bar.
type replayStatus struct {
	File     string `json:"file"`              // the recording's base name
	Playing  bool   `json:"playing"`           //
	T        int64  `json:"t"`                 // position in ms when the state was sent
	Duration int64  `json:"duration"`          // ms, the time of the last event
	Events   int    `json:"events"`            // events replayable
	Ended    bool   `json:"ended"`             // every event has been replayed
	Stopped  string `json:"stopped,omitempty"` // why the recording ends early (line number)
	Control  string `json:"control"`           // who may play, pause, seek: "all" or "presenter"
}

// player replays a recording as the room's presenter. Its state is guarded
// by the room's mutex; its goroutine applies events when they fall due.
type player struct {
	rm      *room
	file    string
	events  []recEvent
	stopped string
	control string

	// guarded by rm.mu
	playing bool
	started bool      // has played once (autoplay happens once)
	pos     int64     // ms, position at anchor
	anchor  time.Time // when pos was taken (while playing)
	next    int       // index of the next event to apply

	kick   chan struct{}
	cancel context.CancelFunc
	done   chan struct{}
}

// startReplay reads the recording at path and makes it drive the room. A
// malformed or truncated recording replays up to its first bad line, which
// is logged and shown in every page's replay bar. openToAll lets every
// page control the replay (a student's own loopback server); otherwise
// only presenter pages can.
func (rm *room) startReplay(path string, openToAll bool) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("-replay: %w", err)
	}
	defer f.Close()
	events, err := readRecording(f, path, rm.registry)
	p := &player{rm: rm, file: path, events: events, control: "presenter", kick: make(chan struct{}, 1), done: make(chan struct{})}
	if openToAll {
		p.control = "all"
	}
	var bad *recordingError
	switch {
	case errors.As(err, &bad):
		p.stopped = fmt.Sprintf("the recording stops at line %d: %v", bad.Line, bad.Err)
		rm.log.Warn("replay stops at a bad line: the events before it replay", "file", path, "line", bad.Line, "err", bad.Err, "events", len(events))
	case err != nil:
		return fmt.Errorf("-replay %s: %w", path, err)
	}
	ctx, cancel := context.WithCancel(rm.ctx)
	p.cancel = cancel
	rm.mu.Lock()
	rm.player = p
	p.seekLocked(-1)
	rm.mu.Unlock()
	go p.loop(ctx)
	return nil
}

func (p *player) duration() int64 {
	if len(p.events) == 0 {
		return 0
	}
	return p.events[len(p.events)-1].T
}

// positionLocked is the replay's position in ms.
func (p *player) positionLocked() int64 {
	if !p.playing {
		return p.pos
	}
	return min(p.duration(), p.pos+time.Since(p.anchor).Milliseconds())
}

// status reports the replay for the state message; rm.mu must be held.
func (p *player) status() replayStatus {
	base := p.file
	for i := len(base) - 1; i >= 0; i-- {
		if os.IsPathSeparator(base[i]) {
			base = base[i+1:]
			break
		}
	}
	return replayStatus{File: base, Playing: p.playing, T: p.positionLocked(), Duration: p.duration(),
		Events: len(p.events), Ended: p.next >= len(p.events) && p.started, Stopped: p.stopped, Control: p.control}
}

// applyLocked applies event i to the room, as the presenter would have.
func (p *player) applyLocked(i int) {
	rm, ev := p.rm, &p.events[i]
	if ev.Talk != rm.talk {
		rm.applySlideLocked(nil, ev.Talk, rm.slide)
	}
	switch ev.Type {
	case "slide":
		rm.applySlideLocked(nil, ev.Talk, ev.Slide)
	case "params":
		rm.applyParamsLocked(nil, ev.Widget, ev.Demo, int64(i+1), ev.params)
	}
}

// seekLocked rebuilds the room's state from the events up to t ms (none
// for t < 0: before the start), then computes the current slide's widgets
// and tells everyone, once.
func (p *player) seekLocked(t int64) {
	rm := p.rm
	t = max(-1, min(t, p.duration()))
	rm.quiet = true
	for id := range rm.widgets {
		rm.stopLocked(id)
	}
	clear(rm.widgets)
	rm.slide, rm.driven, rm.talk = 1, true, ""
	if len(p.events) > 0 {
		rm.talk = p.events[0].Talk
	}
	p.next = 0
	for p.next < len(p.events) && p.events[p.next].T <= t {
		p.applyLocked(p.next)
		p.next++
	}
	rm.quiet = false
	for id, w := range rm.widgets {
		if rm.onSlideLocked(id) {
			rm.computeLocked(id, w)
		}
	}
	p.pos, p.anchor = max(t, 0), time.Now()
	rm.broadcastLocked(nil)
}

func (p *player) playLocked() {
	p.started = true
	if p.playing {
		return
	}
	if p.next >= len(p.events) {
		p.seekLocked(-1)
	}
	p.playing, p.anchor = true, time.Now()
	p.rm.broadcastLocked(nil)
}

func (p *player) wake() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// autoplay starts the replay when the first page connects.
func (p *player) autoplay() {
	p.rm.mu.Lock()
	if !p.started {
		p.playLocked()
	}
	p.rm.mu.Unlock()
	p.wake()
}

func (p *player) stop() {
	p.cancel()
	<-p.done
}

// replayControl plays, pauses or seeks the replay for connection c.
func (rm *room) replayControl(c *conn, action string, t float64) error {
	p := rm.player
	if p == nil {
		return errors.New("no replay: the server was not started with -replay")
	}
	rm.mu.Lock()
	defer rm.mu.Unlock()
	if p.control != "all" && c.role != "presenter" {
		rm.refuseLocked(c, "replay")
		return errors.New("only the presenter can control this replay")
	}
	switch action {
	case "play":
		p.playLocked()
	case "pause":
		if p.playing {
			p.pos, p.playing = p.positionLocked(), false
		}
		rm.broadcastLocked(nil)
	case "seek":
		p.seekLocked(int64(t))
	default:
		return fmt.Errorf("unknown replay action %q (want play, pause or seek)", action)
	}
	p.wake()
	return nil
}

// loop applies the events as they fall due.
func (p *player) loop(ctx context.Context) {
	defer close(p.done)
	rm := p.rm
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		wait := time.Duration(-1)
		rm.mu.Lock()
		if p.playing {
			pos := p.positionLocked()
			for p.next < len(p.events) && p.events[p.next].T <= pos {
				p.applyLocked(p.next)
				p.next++
			}
			if p.next >= len(p.events) {
				p.pos, p.playing = p.duration(), false
				rm.broadcastLocked(nil)
			} else {
				wait = time.Duration(p.events[p.next].T-pos) * time.Millisecond
			}
		}
		rm.mu.Unlock()
		if wait >= 0 {
			timer.Reset(wait)
		}
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-p.kick:
			timer.Stop()
		case <-timer.C:
		}
	}
}
