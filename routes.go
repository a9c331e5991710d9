package main

import (
	"context"
	"encoding/json"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"

	"balamp/demos"
)

// app holds what the handlers depend on.
type app struct {
	log      *slog.Logger
	registry *demos.Registry
	talks    *talkLoader
	embedded bool // serving the built-in lecture (/ is the talk itself)
	tmpl     *template.Template
	static   fs.FS
	room     *room
	notes    bool
	sockets  *socketServer
}

// embeddedTalkName is the built-in lecture inside slides/.
const embeddedTalkName = "lecture.slide"

// routes lists every HTTP route of the server in one place.
func (a *app) routes(ctx context.Context) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /static/", http.StripPrefix("/static/", staticHandler(a.static)))
	mux.Handle("GET /ws", a.sockets.serve(ctx))
	mux.Handle("GET /api/demos", a.handleSpecs())
	mux.Handle("GET /presenter", a.handlePresenter())
	mux.Handle("GET /presenter/{talk...}", a.handlePresenter())
	mux.Handle("GET /", a.handleContent())
	return a.guard(mux)
}

// guard applies the checks every request gets: the Host header (against
// DNS rebinding) and security headers that keep the page to its own origin.
func (a *app) guard(next http.Handler) http.Handler {
	allowed := a.sockets.allowed
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		if !allowed(host) {
			http.Error(w, "unexpected Host header", http.StatusForbidden)
			return
		}
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'self'")
		next.ServeHTTP(w, r)
	})
}

// staticHandler serves the embedded front end; it must be revalidated so
// that a new binary's assets are never mixed with an old page.
func staticHandler(fsys fs.FS) http.Handler {
	files := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})
}

func (a *app) handleSpecs() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(a.registry.Specs())
	})
}
