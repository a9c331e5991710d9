package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
)

// presenterPage is what presenter.tmpl renders: the talk's deck (the very
// markup the audience gets, plus the speaker notes) inside the presenter
// view's layout.
type presenterPage struct {
	Title    string
	Deck     template.HTML
	Config   template.JS
	Notes    bool   // speaker notes are shown (-notes, default true)
	Audience string // the audience URL of the talk
	Slides   int
}

// deckStart and deckEnd delimit the deck in the rendered talk page.
var (
	deckStart = []byte(`<main class="deck"`)
	deckEnd   = []byte(`</main>`)
)

// servePresenter renders the presenter view of one talk: the current slide
// with its live demos, the next slide, the speaker notes, timer and clock.
// Only handlePresenter calls it, after checking the presenter cookie; the
// notes never reach any other page.
func (a *app) servePresenter(w http.ResponseWriter, r *http.Request, name string) {
	doc, err := a.talks.load(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			http.NotFound(w, r)
			return
		}
		a.serveTalk(w, r, name, true) // shows the parse errors
		return
	}
	cfg := pageConfig{Role: "presenter", Talk: name, Demos: a.registry.Specs(), Socket: "/ws", Slides: len(doc.Sections) + 1}
	var talk bytes.Buffer
	if err := renderTalk(&talk, a.tmpl, doc, cfg, a.notes); err != nil {
		a.log.Error("rendering talk", "talk", name, "err", err)
		http.Error(w, "rendering failed: "+err.Error(), http.StatusInternalServerError)
		return
	}
	html := talk.Bytes()
	i, j := bytes.Index(html, deckStart), bytes.LastIndex(html, deckEnd)
	if i < 0 || j < i {
		a.log.Error("presenter view: the talk template has no <main class=\"deck\">", "talk", name)
		http.Error(w, "presenter view: talk template without a deck", http.StatusInternalServerError)
		return
	}
	conf, err := json.Marshal(cfg)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	audience := "/"
	if !a.embedded {
		audience = "/" + name
	}
	page := presenterPage{Title: doc.Title, Deck: template.HTML(html[i : j+len(deckEnd)]), Config: template.JS(conf),
		Notes: a.notes, Audience: audience, Slides: cfg.Slides}
	a.writePage(w, "presenter view of "+name, func(buf *bytes.Buffer) error {
		return a.tmpl.ExecuteTemplate(buf, "presenter", page)
	})
}
