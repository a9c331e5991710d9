package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"balamp/demos"
)

// serverConfig is what the serve flags decide.
type serverConfig struct {
	addr    string
	content string // "" for the embedded talk
	notes   bool
	record  string
	replay  string
}

func parseServeFlags(args []string, stderr io.Writer) (serverConfig, error) {
	var cfg serverConfig
	fset := flag.NewFlagSet("balamp serve", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.StringVar(&cfg.addr, "http", "127.0.0.1:3999", "listen on `ADDR` (anything but loopback lets the audience reach it)")
	fset.StringVar(&cfg.content, "content", "", "serve the .slide talks in `DIR` instead of the built-in lecture")
	fset.BoolVar(&cfg.notes, "notes", true, "show speaker notes in the presenter view")
	fset.StringVar(&cfg.record, "record", "", "append the presenter's events to `FILE` as JSON lines")
	fset.StringVar(&cfg.replay, "replay", "", "replay the lecture recorded in `FILE`")
	if err := fset.Parse(args); err != nil {
		return cfg, usageError{err}
	}
	if fset.NArg() > 0 {
		return cfg, usageError{fmt.Errorf("unexpected arguments: %s", strings.Join(fset.Args(), " "))}
	}
	if cfg.record != "" && cfg.replay != "" {
		return cfg, usageError{errors.New("-record and -replay do not combine: a replay drives the room, so there is nothing to record")}
	}
	return cfg, nil
}

// serve runs the talk server until ctx is cancelled, then shuts down
// gracefully: websockets get a close frame and computations are cancelled.
func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseServeFlags(args, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	srv, a, err := newServer(ctx, cfg, ln.Addr().String(), log)
	if err != nil {
		ln.Close()
		return err
	}
	defer func() {
		if err := a.room.close(); err != nil {
			log.Error("closing the recording", "err", err)
		}
	}()
	token := a.room.token
	host := ln.Addr().(*net.TCPAddr)
	if !host.IP.IsLoopback() {
		fmt.Fprintf(stderr, "warning: listening on %s: anyone who can reach this machine can open the talk\n", ln.Addr())
	}
	base := "http://" + displayAddr(ln.Addr().(*net.TCPAddr))
	fmt.Fprintf(stdout, "talk: %s/\n", base)
	fmt.Fprintf(stdout, "presenter (keep private): %s/presenter?token=%s\n", base, token)

	if cfg.content != "" {
		// An author editing the talk sees each save at once.
		go watchContent(ctx, a.talks.fsys, contentFingerprint(a.talks.fsys), watchInterval, a.room.reloadAll)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	// Shutdown does not track upgraded connections: wait for the websockets
	// to send their close frames before the process exits.
	if !a.sockets.wait(closeGrace + writeWait) {
		log.Warn("some websockets did not close in time")
	}
	return nil
}

// displayAddr turns a listening address into one a browser can open.
func displayAddr(a *net.TCPAddr) string {
	if a.IP.IsUnspecified() {
		return net.JoinHostPort("localhost", fmt.Sprint(a.Port))
	}
	return a.String()
}

// newServer builds the HTTP server for cfg; addr is the address actually
// listened on. The caller closes a.room when the server has shut down (it
// flushes the recording).
func newServer(ctx context.Context, cfg serverConfig, addr string, log *slog.Logger) (*http.Server, *app, error) {
	token := os.Getenv("BALAMP_TOKEN")
	if token == "" {
		var b [16]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, nil, err
		}
		token = hex.EncodeToString(b[:])
	}
	var content fs.FS
	if cfg.content == "" {
		content = embeddedTalk()
	} else {
		st, err := os.Stat(cfg.content)
		if err != nil {
			return nil, nil, err
		}
		if !st.IsDir() {
			return nil, nil, fmt.Errorf("-content %s: not a directory", cfg.content)
		}
		// os.Root refuses paths that leave the directory, through ".." or
		// through symbolic links (os.DirFS follows links anywhere).
		root, err := os.OpenRoot(cfg.content)
		if err != nil {
			return nil, nil, err
		}
		content = root.FS()
	}
	tmpl, err := parseTalkTemplates(staticFiles())
	if err != nil {
		return nil, nil, fmt.Errorf("talk templates: %w", err)
	}
	reg := demos.Default()
	rm := newRoom(token, log)
	app := &app{
		log:      log,
		registry: reg,
		talks:    &talkLoader{fsys: content, registry: reg},
		embedded: cfg.content == "",
		tmpl:     tmpl,
		static:   staticFiles(),
		room:     rm,
		notes:    cfg.notes,
		sockets:  newSocketServer(reg, rm, log, hostChecker(addr)),
	}
	rm.registry, rm.frames = reg, app.sockets.frames
	if cfg.record != "" {
		if rm.rec, err = openRecorder(cfg.record, log, time.Now()); err != nil {
			return nil, nil, err
		}
		log.Info("recording the presenter's events", "file", cfg.record)
	}
	if cfg.replay != "" {
		if err := rm.startReplay(cfg.replay, loopbackAddr(addr)); err != nil {
			rm.close()
			return nil, nil, err
		}
	}
	handler := app.routes(ctx)
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return ctx },
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	return srv, app, nil
}

// loopbackAddr tells whether a listening address is on loopback only.
func loopbackAddr(addr string) bool {
	h, _, _ := net.SplitHostPort(addr)
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// hostChecker returns the Host-header policy against DNS rebinding: a
// server bound to loopback answers only to loopback names and addresses;
// one bound elsewhere also to IP literals and this machine's names.
func hostChecker(listen string) func(string) bool {
	h, _, _ := net.SplitHostPort(listen)
	bind := net.ParseIP(h)
	loopbackOnly := bind != nil && bind.IsLoopback()
	hostname, _ := os.Hostname()
	return func(host string) bool {
		host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
		if ip := net.ParseIP(host); ip != nil {
			return ip.IsLoopback() || !loopbackOnly
		}
		if strings.EqualFold(host, "localhost") {
			return true
		}
		if loopbackOnly {
			return false
		}
		return strings.EqualFold(host, hostname) || strings.EqualFold(host, hostname+".local")
	}
}
