// Declarations of package net/http/httputil used by goguard's light types; signatures only.

package httputil

import (
	"io"
	"log"
	"net/http"
	"net/url"
	"time"
)

type BufferPool interface {
	Get() []byte
	Put([]byte)
}

type ProxyRequest struct {
	In  *http.Request
	Out *http.Request
}

func (r *ProxyRequest) SetURL(target *url.URL)
func (r *ProxyRequest) SetXForwarded()

type ReverseProxy struct {
	Rewrite        func(*ProxyRequest)
	Director       func(*http.Request)
	Transport      http.RoundTripper
	FlushInterval  time.Duration
	ErrorLog       *log.Logger
	BufferPool     BufferPool
	ModifyResponse func(*http.Response) error
	ErrorHandler   func(http.ResponseWriter, *http.Request, error)
}

func NewSingleHostReverseProxy(target *url.URL) *ReverseProxy
func (p *ReverseProxy) ServeHTTP(rw http.ResponseWriter, req *http.Request)

func DumpRequest(req *http.Request, body bool) ([]byte, error)
func DumpRequestOut(req *http.Request, body bool) ([]byte, error)
func DumpResponse(resp *http.Response, body bool) ([]byte, error)
func NewChunkedReader(r io.Reader) io.Reader
func NewChunkedWriter(w io.Writer) io.WriteCloser
