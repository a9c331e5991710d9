// Package demos turns the models of package sim into live widgets: each demo
// declares its controls (the single source of truth from which the browser
// builds sliders, selects and preset buttons) and computes the frames that
// the server streams to the page.
package demos

import (
	"context"
	"fmt"
	"math"
	"sort"
)

// Control kinds.
const (
	KindRange  = "range"  // a slider between Min and Max in steps of Step
	KindSelect = "select" // one of Options
	KindToggle = "toggle" // 0 or 1 (a button such as Play)
)

// Frame states, shown on the widget as data-state.
const (
	StateReady    = "ready"    // a complete result
	StateProgress = "progress" // partial: a long computation reports how far it is
	StateUnstable = "unstable" // the parameters give a growing mode; nothing to draw
)

// Param describes one control of a demo.
type Param struct {
	Name    string   `json:"name"`
	Label   string   `json:"label"`
	Kind    string   `json:"kind"`
	Min     float64  `json:"min"`
	Max     float64  `json:"max"`
	Step    float64  `json:"step"`
	Default float64  `json:"default"`
	Unit    string   `json:"unit,omitempty"`
	Digits  int      `json:"digits"` // decimals shown beside the control
	Options []Option `json:"options,omitempty"`
	// Local parameters change only the drawing (a scrubbed time, a view
	// mode) and are never sent to the server.
	Local bool `json:"local,omitempty"`
}

// Option is one choice of a select control.
type Option struct {
	Value float64 `json:"value"`
	Label string  `json:"label"`
}

// Preset is a named set of parameter values; parameters it does not name
// keep their current values (Reset returns all to the defaults).
type Preset struct {
	Name   string             `json:"name"`
	Label  string             `json:"label"`
	Values map[string]float64 `json:"values"`
}

// Readout names one number the widget shows as <output data-readout=NAME>.
type Readout struct {
	Name  string `json:"name"`
	Label string `json:"label"` // may contain simple HTML entities, e.g. w<sub>FF</sub>
	Unit  string `json:"unit,omitempty"`
}

// Spec is everything the browser needs to build a demo's controls.
type Spec struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	LookFor string `json:"lookFor"` // the "what to look for" line
	// Equation is the model in MathML (trusted markup written here, in Go),
	// shown beside the "what to look for" line.
	Equation      string    `json:"equation,omitempty"`
	Params        []Param   `json:"params"`
	Presets       []Preset  `json:"presets"`
	DefaultPreset string    `json:"defaultPreset"`
	Readouts      []Readout `json:"readouts"`
}

// Params are validated parameter values by name.
type Params map[string]float64

// Array is one named float32 array of a frame; Shape lists its dimensions,
// slowest first (an image of n rows and m columns is [n, m]).
type Array struct {
	Name  string
	Shape []int
	Data  []float32
}

// Frame is one result streamed to a widget.
type Frame struct {
	State    string
	Message  string            // shown on the widget (e.g. why it is unstable)
	Progress float64           // 0…1 with StateProgress
	Readouts map[string]string // formatted numbers by readout name
	Arrays   []Array
	Meta     any // small demo-specific JSON (labels, directions, scales)
}

// Add appends a named array converted to float32; shape defaults to [len].
func (f *Frame) Add(name string, data []float64, shape ...int) {
	if len(shape) == 0 {
		shape = []int{len(data)}
	}
	n := 1
	for _, s := range shape {
		n *= s
	}
	if n != len(data) {
		panic(fmt.Sprintf("demos: array %q has %d values, shape %v wants %d", name, len(data), shape, n))
	}
	out := make([]float32, len(data))
	for i, v := range data {
		out[i] = float32(v)
	}
	f.Arrays = append(f.Arrays, Array{Name: name, Shape: shape, Data: out})
}

// Readout formats v with the given number of decimals and stores it under
// name, using an ASCII minus so that the text parses as a number.
func (f *Frame) Readout(name string, v float64, decimals int) {
	if f.Readouts == nil {
		f.Readouts = map[string]string{}
	}
	f.Readouts[name] = FormatNumber(v, decimals)
}

// FormatNumber formats v with decimals digits after the point; it never
// prints "-0.000".
func FormatNumber(v float64, decimals int) string {
	s := fmt.Sprintf("%.*f", decimals, v)
	if s[0] == '-' {
		zero := true
		for _, c := range s[1:] {
			if c >= '1' && c <= '9' {
				zero = false
				break
			}
		}
		if zero {
			s = s[1:]
		}
	}
	return s
}

// Unstable returns the frame that tells the widget its parameters make the
// network blow up; it carries no arrays, so nothing can draw NaN.
func Unstable(why string) *Frame {
	return &Frame{State: StateUnstable, Message: why}
}

// Demo is one live widget: its controls and how it computes frames.
type Demo interface {
	Spec() *Spec
	// Run computes the frames for p and passes each to emit. It returns
	// when it is done, when emit fails, or when ctx is cancelled (because
	// newer parameters arrived or the slide was left); animated demos emit
	// until ctx ends. Run must not keep p or the frames after it returns.
	Run(ctx context.Context, p Params, emit func(*Frame) error) error
}

// Registry is the ordered list of demos the talk can embed.
type Registry struct {
	list []Demo
	byID map[string]Demo
}

// NewRegistry indexes the demos by their spec id; a duplicate id panics
// (it is a programming error).
func NewRegistry(list ...Demo) *Registry {
	r := &Registry{list: list, byID: map[string]Demo{}}
	for _, d := range list {
		id := d.Spec().ID
		if _, dup := r.byID[id]; dup {
			panic("demos: duplicate demo id " + id)
		}
		r.byID[id] = d
	}
	return r
}

// Lookup returns the demo with the given id.
func (r *Registry) Lookup(id string) (Demo, bool) {
	d, ok := r.byID[id]
	return d, ok
}

// Specs returns every demo's spec in registry order.
func (r *Registry) Specs() []*Spec {
	out := make([]*Spec, len(r.list))
	for i, d := range r.list {
		out[i] = d.Spec()
	}
	return out
}

// IDs returns the demo ids in registry order.
func (r *Registry) IDs() []string {
	out := make([]string, len(r.list))
	for i, d := range r.list {
		out[i] = d.Spec().ID
	}
	return out
}

// Param returns the named parameter.
func (s *Spec) Param(name string) (*Param, bool) {
	for i := range s.Params {
		if s.Params[i].Name == name {
			return &s.Params[i], true
		}
	}
	return nil, false
}

// PresetByName returns the named preset.
func (s *Spec) PresetByName(name string) (*Preset, bool) {
	for i := range s.Presets {
		if s.Presets[i].Name == name {
			return &s.Presets[i], true
		}
	}
	return nil, false
}

// Defaults returns every parameter's default with the default preset applied.
func (s *Spec) Defaults() Params {
	p := Params{}
	for _, q := range s.Params {
		p[q.Name] = q.Default
	}
	if pr, ok := s.PresetByName(s.DefaultPreset); ok {
		for k, v := range pr.Values {
			p[k] = v
		}
	}
	return p
}

// Validate checks raw values (as decoded from JSON) against the spec and
// returns a complete parameter set: values it does not name come from base
// (or the defaults when base is nil). Non-numbers, NaN, ±Inf and unknown
// names are errors; numbers out of range are clamped to [Min, Max], select values
// snap to the nearest option and toggles to 0 or 1. Range values snap to
// Step only when it is a whole number (seeds, counts): fractional steps are
// left alone, since presets such as w = 4√(2/7) lie between them.
func (s *Spec) Validate(raw map[string]any, base Params) (Params, error) {
	p := s.Defaults()
	for k, v := range base {
		if _, ok := s.Param(k); ok {
			p[k] = v
		}
	}
	names := make([]string, 0, len(raw))
	for k := range raw {
		names = append(names, k)
	}
	sort.Strings(names) // deterministic error messages
	for _, name := range names {
		q, ok := s.Param(name)
		if !ok {
			return nil, fmt.Errorf("%s: unknown parameter %q", s.ID, name)
		}
		if q.Local {
			continue
		}
		v, ok := raw[name].(float64)
		if !ok {
			return nil, fmt.Errorf("%s: parameter %q must be a number, got %T", s.ID, name, raw[name])
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%s: parameter %q must be finite, got %v", s.ID, name, v)
		}
		p[name] = q.clamp(v)
	}
	return p, nil
}

// clamp brings v into the parameter's range or onto its options.
func (q *Param) clamp(v float64) float64 {
	switch q.Kind {
	case KindSelect:
		best, bestD := q.Default, math.Inf(1)
		for _, o := range q.Options {
			if d := math.Abs(o.Value - v); d < bestD {
				best, bestD = o.Value, d
			}
		}
		return best
	case KindToggle:
		if v >= 0.5 {
			return 1
		}
		return 0
	}
	v = math.Max(q.Min, math.Min(q.Max, v))
	if q.Step >= 1 {
		// Whole-number steps (counts, seeds, milliseconds) are snapped, so
		// that a seed of 579.37 is 579, not an error deep in a model.
		v = math.Min(q.Max, q.Min+math.Round((v-q.Min)/q.Step)*q.Step)
	}
	return v
}
