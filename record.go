package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"balamp/demos"
)

// A recording (-record FILE) is JSON lines (docs/presenter.md): a header
//
//	{"balamp":"recording","version":1,"start":"2025-01-31T10:00:00.123Z"}
//
// then one line per accepted presenter event, t in milliseconds since the
// header on the monotonic clock:
//
//	{"t":1520,"type":"slide","talk":"lecture.slide","slide":3}
//	{"t":2011,"type":"params","talk":"lecture.slide","widget":"s3-0","demo":"twopop","params":{"w":4.5,…}}
//
// Every line is one write(2) of its own, so a crash loses at most the event
// being written. Recording again into the same file appends a new header
// and its events: a replay plays the sessions one after the other.

// recordingVersion is the format version in the header line.
const recordingVersion = 1

// maxRecordingLine bounds one line of a recording (a params event is a
// few hundred bytes).
const maxRecordingLine = 1 << 20

// recordingHeader is the first line of each recording session.
type recordingHeader struct {
	Balamp  string `json:"balamp"` // "recording"
	Version int    `json:"version"`
	Start   string `json:"start"` // wall time of the start, RFC 3339
}

// recEvent is one presenter event of a recording.
type recEvent struct {
	T      int64          `json:"t"`    // ms since the session's header
	Type   string         `json:"type"` // "slide" or "params"
	Talk   string         `json:"talk"`
	Slide  int            `json:"slide,omitempty"`
	Widget string         `json:"widget,omitempty"`
	Demo   string         `json:"demo,omitempty"`
	Params map[string]any `json:"params,omitempty"`

	params demos.Params // Params validated against the demo's spec
	line   int          // line in the file
}

// recorder appends the presenter's accepted events to a file.
type recorder struct {
	log   *slog.Logger
	name  string
	start time.Time // carries the monotonic clock reading

	mu  sync.Mutex
	f   *os.File
	err error // the first write error; recording stops there
}

// openRecorder opens (appending) or creates path and writes a header.
func openRecorder(path string, log *slog.Logger, now time.Time) (*recorder, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("-record: %w", err)
	}
	r := &recorder{log: log, name: path, start: now, f: f}
	r.write(recordingHeader{Balamp: "recording", Version: recordingVersion, Start: now.UTC().Format(time.RFC3339Nano)})
	if r.err != nil {
		f.Close()
		return nil, fmt.Errorf("-record %s: %w", path, r.err)
	}
	return r, nil
}

func (r *recorder) elapsed() int64 { return time.Since(r.start).Milliseconds() }

func (r *recorder) slide(talk string, n int) {
	r.write(recEvent{T: r.elapsed(), Type: "slide", Talk: talk, Slide: n})
}

func (r *recorder) params(talk, widget, demo string, p demos.Params) {
	raw := make(map[string]any, len(p))
	for k, v := range p {
		raw[k] = v
	}
	r.write(recEvent{T: r.elapsed(), Type: "params", Talk: talk, Widget: widget, Demo: demo, Params: raw})
}

// write appends one line with a single write, so that it reaches the file
// whole or (on a crash mid-write) as one truncated last line.
func (r *recorder) write(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("recording event does not encode: %v", err)) // plain data
	}
	b = append(b, '\n')
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil || r.f == nil {
		return
	}
	if _, err := r.f.Write(b); err != nil {
		r.err = err
		r.log.Error("recording stopped: write failed", "file", r.name, "err", err)
	}
}

// close flushes the file to disk and closes it.
func (r *recorder) close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return nil
	}
	err := errors.Join(r.f.Sync(), r.f.Close())
	r.f = nil
	return err
}

// sessionGap separates the sessions of a file recorded several times.
const sessionGap = 1000 // ms

// recordingError says where a recording stops being readable.
type recordingError struct {
	File string
	Line int
	Err  error
}

func (e *recordingError) Error() string {
	return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
}

func (e *recordingError) Unwrap() error { return e.Err }

// readRecording reads the events of a recording, with times made
// continuous over appended sessions. A malformed, truncated or invalid line
// ends the recording: the events before it are returned with a
// *recordingError naming the line. reg validates the demos and their
// parameters (nil skips that check).
func readRecording(r io.Reader, name string, reg *demos.Registry) ([]recEvent, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxRecordingLine)
	var events []recEvent
	line := 0
	offset, last := int64(0), int64(0) // time offset of the session, last event time
	inSession := false
	stop := func(err error) ([]recEvent, error) {
		return events, &recordingError{File: name, Line: line, Err: err}
	}
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if len(b) == 0 {
			continue
		}
		var probe struct {
			Balamp *string `json:"balamp"`
		}
		if err := json.Unmarshal(b, &probe); err != nil {
			return stop(err)
		}
		if probe.Balamp != nil {
			var h recordingHeader
			if err := json.Unmarshal(b, &h); err != nil {
				return stop(err)
			}
			if h.Balamp != "recording" || h.Version != recordingVersion {
				return stop(fmt.Errorf("not a balamp recording header (want version %d)", recordingVersion))
			}
			if inSession {
				offset = last + sessionGap
			}
			inSession = true
			continue
		}
		if !inSession {
			return stop(errors.New("event before the recording header"))
		}
		var ev recEvent
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&ev); err != nil {
			return stop(err)
		}
		if ev.T < 0 {
			return stop(fmt.Errorf("negative time %d", ev.T))
		}
		ev.T += offset
		if ev.T < last {
			return stop(fmt.Errorf("time %d ms goes back (previous event at %d ms)", ev.T-offset, last-offset))
		}
		if err := ev.check(reg); err != nil {
			return stop(err)
		}
		ev.line = line
		last = ev.T
		events = append(events, ev)
	}
	if err := sc.Err(); err != nil {
		line++
		return stop(err)
	}
	return events, nil
}

// check validates one event; it fills ev.params.
func (ev *recEvent) check(reg *demos.Registry) error {
	switch ev.Type {
	case "slide":
		if ev.Slide < 1 {
			return fmt.Errorf("slide %d out of range", ev.Slide)
		}
	case "params":
		if !validWidgetID(ev.Widget) {
			return fmt.Errorf("bad widget id %q", ev.Widget)
		}
		if reg == nil {
			ev.params = demos.Params{}
			for k, v := range ev.Params {
				f, ok := v.(float64)
				if !ok {
					return fmt.Errorf("parameter %q is not a number", k)
				}
				ev.params[k] = f
			}
			return nil
		}
		d, ok := reg.Lookup(ev.Demo)
		if !ok {
			return fmt.Errorf("unknown demo %q", ev.Demo)
		}
		p, err := d.Spec().Validate(ev.Params, nil)
		if err != nil {
			return err
		}
		ev.params = p
	default:
		return fmt.Errorf("unknown event type %q", ev.Type)
	}
	return nil
}
