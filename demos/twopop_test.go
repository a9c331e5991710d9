package demos

import (
	"math"
	"strings"
	"testing"
)

// TestTwoPopPresets: the walkthrough default and the Paper preset read the
// numbers of SCIENCE.md §2, and the snapshots match the walkthrough table.
func TestTwoPopPresets(t *testing.T) {
	d := NewTwoPop()
	def := runOneFrame(t, d, d.Spec().Defaults())
	for name, want := range map[string]string{"wFF": "4.490", "wPlus": "0.214", "lambda": "-0.214", "angle": "2.73"} {
		if got := def.Readouts[name]; got != want {
			t.Errorf("default %s = %s, want %s", name, got, want)
		}
	}
	wantE := []float64{1.00, 1.22, 1.16, 0.84, 0.29}
	wantI := []float64{0.00, 0.55, 0.71, 0.61, 0.24}
	var snapE, snapI []float32
	for _, a := range def.Arrays {
		switch a.Name {
		case "snapE":
			snapE = a.Data
		case "snapI":
			snapI = a.Data
		}
	}
	for i := range wantE {
		// The table is given to 2 decimals: half a unit of the last.
		if math.Abs(float64(snapE[i])-wantE[i]) > 0.005 || math.Abs(float64(snapI[i])-wantI[i]) > 0.005 {
			t.Errorf("snapshot %d: (rE, rI) = (%.3f, %.3f), want (%.2f, %.2f)", i, snapE[i], snapI[i], wantE[i], wantI[i])
		}
	}
	pr, _ := d.Spec().PresetByName("paper")
	p := d.Spec().Defaults()
	for k, v := range pr.Values {
		p[k] = v
	}
	paper := runOneFrame(t, d, p)
	if paper.Readouts["wFF"] != "9.000" || paper.Readouts["gain"] != "4.000" {
		t.Errorf("Paper preset: wFF %s, gain %s; want 9.000 and 4.000", paper.Readouts["wFF"], paper.Readouts["gain"])
	}
}

// TestTwoPopUnstable: when the sum mode grows the frame says so and
// carries no arrays; the encoder never lets a non-finite value through.
func TestTwoPopUnstable(t *testing.T) {
	d := NewTwoPop()
	p := d.Spec().Defaults()
	p["w"], p["kI"] = 10, 0.5 // 1 + w₊ = −4
	f := runOneFrame(t, d, p)
	if f.State != StateUnstable || len(f.Arrays) != 0 || !strings.Contains(f.Message, "nstable") {
		t.Errorf("w = 10, kI = 0.5: state %q, %d arrays, message %q", f.State, len(f.Arrays), f.Message)
	}
	bad := &Frame{State: StateReady}
	bad.Add("x", []float64{1, math.NaN()})
	b, err := EncodeFrame("w1", 1, bad)
	if err != nil {
		t.Fatal(err)
	}
	h, arrays, err := DecodeFrame(b)
	if err != nil {
		t.Fatal(err)
	}
	if h.State != StateUnstable || len(arrays) != 0 {
		t.Errorf("a frame with NaN encodes as state %q with %d arrays, want unstable with none", h.State, len(arrays))
	}
}

// TestValidate: the schema refuses what is not a finite number and clamps
// what is out of range.
func TestValidate(t *testing.T) {
	s := NewTwoPop().Spec()
	cases := []struct {
		raw     map[string]any
		wantErr string
		check   func(Params) bool
	}{
		{map[string]any{"w": "NaN"}, "must be a number", nil},
		{map[string]any{"w": math.Inf(1)}, "must be finite", nil},
		{map[string]any{"zz": 1.0}, "unknown parameter", nil},
		{map[string]any{"w": 1e9}, "", func(p Params) bool { return p["w"] == 10 }},
		{map[string]any{"kI": -5.0}, "", func(p Params) bool { return p["kI"] == 0.5 }},
		{map[string]any{}, "", func(p Params) bool { return p["rE0"] == 1 && p["rI0"] == 0 }},
	}
	for _, c := range cases {
		p, err := s.Validate(c.raw, nil)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("Validate(%v) error = %v, want %q", c.raw, err, c.wantErr)
			}
			continue
		}
		if err != nil || !c.check(p) {
			t.Errorf("Validate(%v) = %v, %v", c.raw, p, err)
		}
	}
}

// FuzzFrameDecode: decoding arbitrary bytes never panics.
func FuzzFrameDecode(f *testing.F) {
	fr := &Frame{}
	fr.Add("t", []float64{0, 1, 2})
	b, _ := EncodeFrame("w", 1, fr)
	f.Add(b)
	f.Add([]byte{1, 0, 0, 0, '{'})
	// An offset that overflows start+4·(offset+length).
	hdr := `{"arrays":[{"name":"x","shape":[1],"offset":2305843009213693952,"length":1}]}`
	f.Add(append([]byte{byte(len(hdr)), 0, 0, 0}, hdr...))
	f.Fuzz(func(t *testing.T, b []byte) {
		DecodeFrame(b)
	})
}

// BenchmarkTwoPopDemo is the server's work per Fig 1 slider move: the
// closed-form series, readouts, G_max, and the binary encoding.
func BenchmarkTwoPopDemo(b *testing.B) {
	d := NewTwoPop()
	p := d.Spec().Defaults()
	i := 0
	for b.Loop() {
		i++
		p["w"] = 2 + float64(i%1000)*1e-3
		f := runOneFrame(b, d, p)
		if _, err := EncodeFrame("s7-0", int64(i), f); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzValidate: no raw parameter set makes Validate panic, and whatever it
// accepts is complete, finite and inside every range.
func FuzzValidate(f *testing.F) {
	f.Add("w", 2.5, "kI", 1.1)
	f.Add("seed", 579.37, "n", 31.0)
	f.Add("amp", 1e300, "b", -1e-300)
	specs := Default().Specs()
	f.Fuzz(func(t *testing.T, k1 string, v1 float64, k2 string, v2 float64) {
		for _, s := range specs {
			p, err := s.Validate(map[string]any{k1: v1, k2: v2}, nil)
			if err != nil {
				continue
			}
			for _, q := range s.Params {
				v, ok := p[q.Name]
				if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("%s: %s = %v (present %v) after Validate", s.ID, q.Name, v, ok)
				}
				if q.Kind == KindRange && (v < q.Min || v > q.Max) {
					t.Fatalf("%s: %s = %v outside [%v, %v]", s.ID, q.Name, v, q.Min, q.Max)
				}
				if q.Kind == KindRange && q.Step >= 1 && v != math.Trunc(v) && q.Min == math.Trunc(q.Min) {
					t.Fatalf("%s: %s = %v, want a whole number", s.ID, q.Name, v)
				}
			}
		}
	})
}
