package main

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strings"
	"time"
)

// handleContent serves talk pages, directory listings and the talks'
// assets (images, videos). Raw .slide files are never served: they hold
// the speaker notes.
func (a *app) handleContent() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if name == "" {
			name = "."
		}
		if a.embedded && name == "." {
			a.serveTalk(w, r, embeddedTalkName, false)
			return
		}
		if !fs.ValidPath(name) || hiddenPath(name) {
			http.NotFound(w, r)
			return
		}
		st, err := fs.Stat(a.talks.fsys, name)
		switch {
		case err != nil:
			http.NotFound(w, r)
		case st.IsDir():
			a.serveDir(w, r, name, false)
		case path.Ext(name) == ".slide":
			a.serveTalk(w, r, name, false)
		default:
			http.ServeFileFS(w, r, a.talks.fsys, name)
		}
	})
}

// handlePresenter turns the printed presenter URL into a cookie and a
// clean URL, then serves the presenter view of the talk.
func (a *app) handlePresenter() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tok := r.URL.Query().Get("token"); tok != "" {
			if !a.room.isPresenterToken(tok) {
				a.log.Warn("presenter URL with a wrong token", "remote", r.RemoteAddr)
				http.Error(w, "wrong presenter token", http.StatusForbidden)
				return
			}
			http.SetCookie(w, &http.Cookie{Name: presenterCookie, Value: tok, Path: "/",
				HttpOnly: true, SameSite: http.SameSiteStrictMode, MaxAge: int((7 * 24 * time.Hour).Seconds())})
			http.Redirect(w, r, r.URL.Path, http.StatusSeeOther)
			return
		}
		if roleOf(r, a.room) != "presenter" {
			http.Error(w, "presenter view: open the presenter URL that balamp printed when it started", http.StatusForbidden)
			return
		}
		talk := r.PathValue("talk")
		switch {
		case a.embedded && talk == "":
			a.servePresenter(w, r, embeddedTalkName)
		case talk == "":
			a.serveDir(w, r, ".", true)
		case !fs.ValidPath(talk) || hiddenPath(talk):
			http.NotFound(w, r)
		default:
			st, err := fs.Stat(a.talks.fsys, talk)
			switch {
			case err != nil:
				http.NotFound(w, r)
			case st.IsDir():
				a.serveDir(w, r, talk, true)
			default:
				a.servePresenter(w, r, talk)
			}
		}
	})
}

// serveTalk renders one talk. A talk that does not parse is shown as a
// page listing its errors (file:line), so an author sees what to fix.
func (a *app) serveTalk(w http.ResponseWriter, r *http.Request, name string, presenter bool) {
	doc, err := a.talks.load(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			http.NotFound(w, r)
			return
		}
		a.log.Warn("talk does not parse", "talk", name, "err", err)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusUnprocessableEntity)
		fmt.Fprintf(w, "<!DOCTYPE html><meta charset=utf-8><title>%s: errors</title><h1>%s does not parse</h1><pre>%s</pre>",
			template.HTMLEscapeString(name), template.HTMLEscapeString(name), template.HTMLEscapeString(err.Error()))
		return
	}
	role := "audience"
	if presenter {
		role = "presenter"
	}
	cfg := pageConfig{Role: role, Talk: name, Demos: a.registry.Specs(), Socket: "/ws"}
	a.writePage(w, name, func(buf *bytes.Buffer) error {
		return renderTalk(buf, a.tmpl, doc, cfg, presenter && a.notes)
	})
}

// writePage renders a page into memory, so that a template error becomes a
// clean 500 rather than half a page, and sends it uncached (a talk changes
// while its author edits it).
func (a *app) writePage(w http.ResponseWriter, what string, render func(*bytes.Buffer) error) {
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		a.log.Error("rendering a page", "page", what, "err", err)
		http.Error(w, "rendering failed: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// dirEntry is one line of a directory listing.
type dirEntry struct {
	Name, Path, Title string
	Dir               bool
}

// serveDir lists the talks and folders in dir, with their titles.
func (a *app) serveDir(w http.ResponseWriter, r *http.Request, dir string, presenter bool) {
	entries, err := fs.ReadDir(a.talks.fsys, dir)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	prefix := "/"
	if presenter {
		prefix = "/presenter/"
	}
	var list []dirEntry
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		p := path.Join(dir, e.Name())
		switch {
		case e.IsDir():
			list = append(list, dirEntry{Name: e.Name() + "/", Path: prefix + p, Dir: true})
		case path.Ext(e.Name()) == ".slide":
			list = append(list, dirEntry{Name: e.Name(), Path: prefix + p, Title: a.talks.title(p)})
		}
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].Dir != list[j].Dir {
			return list[i].Dir
		}
		return list[i].Name < list[j].Name
	})
	a.writePage(w, dir, func(buf *bytes.Buffer) error {
		return a.tmpl.ExecuteTemplate(buf, "dir", struct {
			Dir     string
			Entries []dirEntry
		}{dir, list})
	})
}

// hiddenPath reports whether a path has an element starting with "." (such
// as .git or .env): the talk directory's hidden files are never served.
func hiddenPath(name string) bool {
	for _, el := range strings.Split(name, "/") {
		if strings.HasPrefix(el, ".") && el != "." {
			return true
		}
	}
	return false
}
