package demos

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
)

// The binary frame layout (docs/protocol.md):
//
//	offset 0      uint32 little-endian H, the length of the JSON header
//	offset 4      H bytes of JSON: FrameHeader
//	then          zero padding to a multiple of 4 bytes
//	then          the float32 little-endian payload; array i occupies
//	              Length values from Offset (both counted in float32s)

// FrameHeader is the JSON header of a binary frame.
type FrameHeader struct {
	Widget   string            `json:"widget"`
	Seq      int64             `json:"seq"`
	State    string            `json:"state"`
	Message  string            `json:"message,omitempty"`
	Progress float64           `json:"progress,omitempty"`
	Readouts map[string]string `json:"readouts,omitempty"`
	Arrays   []ArrayHeader     `json:"arrays"`
	Meta     any               `json:"meta,omitempty"`
}

// ArrayHeader locates one array in the payload.
type ArrayHeader struct {
	Name   string `json:"name"`
	Shape  []int  `json:"shape"`
	Offset int    `json:"offset"`
	Length int    `json:"length"`
}

// EncodeFrame lays out f as a binary websocket message for the widget.
// Non-finite values never reach the wire: a frame holding NaN or ±Inf is
// replaced by an unstable frame, since it can only come from a model that
// has blown up.
func EncodeFrame(widget string, seq int64, f *Frame) ([]byte, error) {
	h := FrameHeader{Widget: widget, Seq: seq, State: f.State, Message: f.Message,
		Progress: f.Progress, Readouts: f.Readouts, Meta: f.Meta, Arrays: []ArrayHeader{}}
	if h.State == "" {
		h.State = StateReady
	}
	total := 0
	for _, a := range f.Arrays {
		for _, v := range a.Data {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return EncodeFrame(widget, seq, Unstable(fmt.Sprintf("array %q is not finite: the model diverged", a.Name)))
			}
		}
		h.Arrays = append(h.Arrays, ArrayHeader{Name: a.Name, Shape: a.Shape, Offset: total, Length: len(a.Data)})
		total += len(a.Data)
	}
	js, err := json.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("frame header for %s: %w", widget, err)
	}
	start := 4 + len(js)
	start += (4 - start%4) % 4
	buf := make([]byte, start+4*total)
	binary.LittleEndian.PutUint32(buf, uint32(len(js)))
	copy(buf[4:], js)
	off := start
	for _, a := range f.Arrays {
		for _, v := range a.Data {
			binary.LittleEndian.PutUint32(buf[off:], math.Float32bits(v))
			off += 4
		}
	}
	return buf, nil
}

// DecodeFrame is the inverse of EncodeFrame (used by tests and tools).
func DecodeFrame(buf []byte) (*FrameHeader, map[string][]float32, error) {
	if len(buf) < 4 {
		return nil, nil, errors.New("frame shorter than its length prefix")
	}
	n := int(binary.LittleEndian.Uint32(buf))
	if n > len(buf)-4 {
		return nil, nil, fmt.Errorf("frame header length %d exceeds frame size %d", n, len(buf))
	}
	var h FrameHeader
	if err := json.Unmarshal(buf[4:4+n], &h); err != nil {
		return nil, nil, fmt.Errorf("frame header: %w", err)
	}
	start := 4 + n
	start += (4 - start%4) % 4
	arrays := map[string][]float32{}
	for _, a := range h.Arrays {
		room := (len(buf) - start) / 4 // float32s the payload holds
		if a.Offset < 0 || a.Length < 0 || a.Offset > room || a.Length > room-a.Offset {
			return nil, nil, fmt.Errorf("array %q [%d,+%d) lies outside the payload", a.Name, a.Offset, a.Length)
		}
		out := make([]float32, a.Length)
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(buf[start+4*(a.Offset+i):]))
		}
		arrays[a.Name] = out
	}
	return &h, arrays, nil
}
