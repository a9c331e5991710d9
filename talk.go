package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"
	"sync"

	"golang.org/x/tools/present"

	"balamp/demos"
)

// demoElem is the present element made by `.demo NAME [PRESET]`: a live
// widget. Widget is filled in after parsing with an id unique in the talk
// ("s3-1": the second widget of slide 3), so that the presenter's state can
// name it.
type demoElem struct {
	Name   string
	Preset string
	Widget string
	File   string
	Line   int
}

func (demoElem) TemplateName() string { return "demo" }

var registerDemoOnce sync.Once

// registerDemoCommand binds `.demo` in the present parser. present keeps its
// commands in a package-level table, so this runs once per process; the
// parser only checks syntax, and validateTalk checks names against a
// registry.
func registerDemoCommand() {
	registerDemoOnce.Do(func() {
		present.Register("demo", parseDemo)
	})
}

func parseDemo(_ *present.Context, file string, line int, text string) (present.Elem, error) {
	args := strings.Fields(text)
	if len(args) < 2 || len(args) > 3 {
		return nil, fmt.Errorf("%s:%d: .demo wants a demo name and an optional preset, got %q", file, line, text)
	}
	e := demoElem{Name: args[1], File: file, Line: line}
	if len(args) == 3 {
		e.Preset = args[2]
	}
	return e, nil
}

// talkLoader parses talks from a file system. Every read goes through fsys,
// so a talk cannot reach outside the content root: fs.FS paths admit no "..".
type talkLoader struct {
	fsys     fs.FS
	registry *demos.Registry
}

// load parses the talk at name (a slash-separated path inside fsys),
// checks its `.demo` commands and gives each widget its id.
func (l *talkLoader) load(name string) (*present.Doc, error) {
	registerDemoCommand()
	src, err := fs.ReadFile(l.fsys, name)
	if err != nil {
		return nil, err
	}
	ctx := &present.Context{ReadFile: func(file string) ([]byte, error) {
		// present joins paths with filepath; bring them back to fs form.
		p := path.Clean(strings.ReplaceAll(file, `\`, "/"))
		if !fs.ValidPath(p) {
			return nil, fmt.Errorf("%s: outside the content directory", file)
		}
		return fs.ReadFile(l.fsys, p)
	}}
	doc, err := ctx.Parse(bytes.NewReader(src), name, 0)
	if err != nil {
		return nil, err
	}
	if err := checkDemos(doc, l.registry); err != nil {
		return nil, err
	}
	return doc, nil
}

// checkDemos validates every `.demo` against the registry and assigns
// widget ids; it reports every problem, each with file:line.
func checkDemos(doc *present.Doc, reg *demos.Registry) error {
	var errs []error
	for i := range doc.Sections {
		count := 0
		slide := i + 2 // slide 1 is the title slide
		var walk func(elems []present.Elem)
		walk = func(elems []present.Elem) {
			for j, e := range elems {
				switch e := e.(type) {
				case demoElem:
					d, ok := reg.Lookup(e.Name)
					if !ok {
						errs = append(errs, fmt.Errorf("%s:%d: unknown demo %q (known: %s)", e.File, e.Line, e.Name, strings.Join(reg.IDs(), ", ")))
						continue
					}
					if e.Preset != "" {
						if _, ok := d.Spec().PresetByName(e.Preset); !ok {
							errs = append(errs, fmt.Errorf("%s:%d: demo %s has no preset %q (presets: %s)", e.File, e.Line, e.Name, e.Preset, presetNames(d.Spec())))
							continue
						}
					}
					e.Widget = fmt.Sprintf("s%d-%d", slide, count)
					count++
					elems[j] = e
				case present.Section:
					walk(e.Elem)
				}
			}
		}
		walk(doc.Sections[i].Elem)
	}
	return errors.Join(errs...)
}

func presetNames(s *demos.Spec) string {
	names := make([]string, len(s.Presets))
	for i, p := range s.Presets {
		names[i] = p.Name
	}
	return strings.Join(names, ", ")
}

// talkPage is what the talk template renders.
type talkPage struct {
	*present.Doc
	Template  *template.Template
	Presenter bool // render speaker notes (presenter view only)
	Config    template.JS
}

// pageConfig is handed to the browser in the page: the demo specs (the
// single source of truth for controls) and how to reach the server.
type pageConfig struct {
	Role   string        `json:"role"` // "audience" or "presenter"
	Talk   string        `json:"talk"` // the talk's path, for the room
	Slides int           `json:"slides"`
	Demos  []*demos.Spec `json:"demos"`
	Socket string        `json:"socket"`
}

// parseTalkTemplates builds the HTML templates on present's function map.
func parseTalkTemplates(fsys fs.FS) (*template.Template, error) {
	registerDemoCommand()
	t := present.Template().Funcs(template.FuncMap{
		"playable": func(present.Code) bool { return false },
		"slidenum": func(i int) int { return i + 2 },
		"inc":      func(i int) int { return i + 1 },
		"join":     strings.Join,
		// The talk's author writes these styles (.background); they are
		// trusted like the rest of the talk.
		"css":    func(s []string) template.CSS { return template.CSS(strings.Join(s, " ")) },
		"isPlay": func(c present.Code) bool { return strings.HasPrefix(c.Cmd, ".play") },
		"json": func(v any) (template.JS, error) {
			b, err := json.Marshal(v)
			return template.JS(b), err
		},
	})
	return t.ParseFS(fsys, "templates/*.tmpl")
}

// renderTalk writes the talk as one HTML page.
func renderTalk(w *bytes.Buffer, t *template.Template, doc *present.Doc, cfg pageConfig, presenter bool) error {
	cfg.Slides = len(doc.Sections) + 1
	b, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	return t.ExecuteTemplate(w, "root", talkPage{Doc: doc, Template: t, Presenter: presenter, Config: template.JS(b)})
}

// title returns a talk's title, or "" if its header does not parse.
func (l *talkLoader) title(name string) string {
	src, err := fs.ReadFile(l.fsys, name)
	if err != nil {
		return ""
	}
	doc, err := present.Parse(bytes.NewReader(src), name, present.TitlesOnly)
	if err != nil {
		return ""
	}
	return doc.Title
}
