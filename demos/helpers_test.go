package demos

import (
	"context"
	"testing"
)

// runOnce runs d with the raw parameters validated against its spec and
// returns the single frame it emits, after a round trip through
// EncodeFrame/DecodeFrame (what the browser receives).
func runOnce(t testing.TB, d Demo, raw map[string]any) (*Frame, *FrameHeader, map[string][]float32) {
	t.Helper()
	p, err := d.Spec().Validate(raw, nil)
	if err != nil {
		t.Fatalf("Validate(%v): %v", raw, err)
	}
	f := runOneFrame(t, d, p)
	buf, err := EncodeFrame("w1", 1, f)
	if err != nil {
		t.Fatalf("EncodeFrame: %v", err)
	}
	h, arrays, err := DecodeFrame(buf)
	if err != nil {
		t.Fatalf("DecodeFrame: %v", err)
	}
	return f, h, arrays
}

// runOneFrame runs d with validated parameters and returns the single
// frame it emits.
func runOneFrame(t testing.TB, d Demo, p Params) *Frame {
	t.Helper()
	var frames []*Frame
	if err := d.Run(context.Background(), p, func(f *Frame) error { frames = append(frames, f); return nil }); err != nil {
		t.Fatalf("Run(%v): %v", p, err)
	}
	if len(frames) != 1 {
		t.Fatalf("Run(%v) emitted %d frames, want 1", p, len(frames))
	}
	return frames[0]
}
