// Command hello is the small HTTP server shipped by the hello-server example.
//
//	hello --version           print "hello <version>"
//	hello serve [--port N]    serve HTTP on 127.0.0.1 until SIGTERM or SIGINT
//	hello echo                copy standard input to standard output
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"syscall"
	"time"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `usage: hello <command> [options]

commands:
  serve [--host H] [--port N]   serve HTTP until SIGTERM or SIGINT (port 0 picks a free port)
  echo                          copy standard input to standard output
  version, --version            print the version

On start, serve prints one JSON line to stdout: {"status":"ready","port":N}
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "--version", "-V", "version":
		fmt.Fprintf(stdout, "hello %s\n", version)
		return 0
	case "--help", "-h", "help":
		fmt.Fprint(stdout, usage)
		return 0
	case "echo":
		if _, err := io.Copy(stdout, stdin); err != nil {
			fmt.Fprintf(stderr, "hello echo: %v\n", err)
			return 1
		}
		return 0
	case "serve":
		return serve(args[1:], stdout, stderr)
	default:
		fmt.Fprintf(stderr, "hello: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
}

func serve(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hello serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	host := fs.String("host", "127.0.0.1", "address to listen on")
	port := fs.Int("port", 8000, "TCP port to listen on (0 picks a free port)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 0 {
		fmt.Fprintf(stderr, "hello serve: unexpected argument %q\n", fs.Arg(0))
		return 2
	}

	// Subscribe before announcing readiness so that a signal sent right after
	// the ready line is never lost.
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, os.Interrupt)
	defer signal.Stop(signals)

	ln, err := net.Listen("tcp", net.JoinHostPort(*host, strconv.Itoa(*port)))
	if err != nil {
		fmt.Fprintf(stderr, "hello serve: %v\n", err)
		return 1
	}
	srv := &http.Server{Handler: handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	ready, _ := json.Marshal(struct {
		Status string `json:"status"`
		Port   int    `json:"port"`
	}{"ready", ln.Addr().(*net.TCPAddr).Port})
	if _, err := fmt.Fprintf(stdout, "%s\n", ready); err != nil {
		fmt.Fprintf(stderr, "hello serve: %v\n", err)
		return 1
	}
	if f, ok := stdout.(*os.File); ok {
		_ = f.Sync() // a pipe is unbuffered; Sync only matters for files
	}

	select {
	case sig := <-signals:
		fmt.Fprintf(stderr, "hello serve: %v received, shutting down\n", sig)
	case err := <-served:
		fmt.Fprintf(stderr, "hello serve: %v\n", err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		fmt.Fprintf(stderr, "hello serve: shutdown: %v\n", err)
		return 1
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "hello serve: %v\n", err)
		return 1
	}
	return 0
}

func handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{
			"message": "hello, world",
			"version": version,
			"os":      runtime.GOOS,
			"arch":    runtime.GOARCH,
		})
	})
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
	})
	return mux
}
