package main

import (
	"bufio"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestMain lets the test binary act as the balamp command when
// BALAMP_TEST_MAIN=1, so tests can run the real process and signal it.
func TestMain(m *testing.M) {
	if os.Getenv("BALAMP_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestShutdownClosesSockets: on SIGINT the balamp process sends every open
// websocket a close frame ("going away") before it exits, rather than
// dropping the connections.
func TestShutdownClosesSockets(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	cmd := exec.Command(os.Args[0], "-http", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "BALAMP_TEST_MAIN=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := bufio.NewScanner(stdout)
	var base string
	for base == "" && lines.Scan() {
		if i := strings.Index(lines.Text(), "http://"); i >= 0 && strings.HasPrefix(lines.Text(), "talk:") {
			base = lines.Text()[i:]
		}
	}
	if base == "" {
		t.Fatalf("balamp printed no URL: %v", lines.Err())
	}
	go io.Copy(io.Discard, stdout)
	const clients = 20
	conns := make([]*websocket.Conn, clients)
	for i := range conns {
		ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(base, "http")+"ws", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		conns[i] = ws
		// The state message: the connection is being served.
		ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, _, err := ws.ReadMessage(); err != nil {
			t.Fatal(err)
		}
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	for i, ws := range conns {
		ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		for {
			_, _, err := ws.ReadMessage()
			if err == nil {
				continue
			}
			var ce *websocket.CloseError
			if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway {
				t.Errorf("client %d: connection ended with %v, want a close frame %d", i, err, websocket.CloseGoingAway)
			}
			break
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("balamp after SIGINT: %v, want exit status 0", err)
	}
}
