// Declarations of package net/http used by goguard's light types; signatures only.

package http

import (
	"bufio"
	"context"
	"crypto/tls"
	"io"
	"io/fs"
	"log"
	"mime/multipart"
	"net"
	"net/url"
	"time"
)

const (
	MethodGet     = "GET"
	MethodHead    = "HEAD"
	MethodPost    = "POST"
	MethodPut     = "PUT"
	MethodPatch   = "PATCH"
	MethodDelete  = "DELETE"
	MethodConnect = "CONNECT"
	MethodOptions = "OPTIONS"
	MethodTrace   = "TRACE"
)

const (
	StatusContinue                      = 100
	StatusSwitchingProtocols            = 101
	StatusOK                            = 200
	StatusCreated                       = 201
	StatusAccepted                      = 202
	StatusNoContent                     = 204
	StatusPartialContent                = 206
	StatusMovedPermanently              = 301
	StatusFound                         = 302
	StatusSeeOther                      = 303
	StatusNotModified                   = 304
	StatusTemporaryRedirect             = 307
	StatusPermanentRedirect             = 308
	StatusBadRequest                    = 400
	StatusUnauthorized                  = 401
	StatusForbidden                     = 403
	StatusNotFound                      = 404
	StatusMethodNotAllowed              = 405
	StatusNotAcceptable                 = 406
	StatusRequestTimeout                = 408
	StatusConflict                      = 409
	StatusGone                          = 410
	StatusPreconditionFailed            = 412
	StatusRequestEntityTooLarge         = 413
	StatusUnsupportedMediaType          = 415
	StatusUnprocessableEntity           = 422
	StatusTooManyRequests               = 429
	StatusInternalServerError           = 500
	StatusNotImplemented                = 501
	StatusBadGateway                    = 502
	StatusServiceUnavailable            = 503
	StatusGatewayTimeout                = 504
	StatusHTTPVersionNotSupported       = 505
	StatusNetworkAuthenticationRequired = 511
)

const DefaultMaxHeaderBytes = 1 << 20

var (
	ErrServerClosed       error
	ErrHandlerTimeout     error
	ErrBodyNotAllowed     error
	ErrAbortHandler       error
	ErrNoCookie           error
	ErrNoLocation         error
	ErrUseLastResponse    error
	ErrBodyReadAfterClose error
	ErrMissingFile        error
	ErrHijacked           error
	ErrContentLength      error
	ErrLineTooLong        error
)

var DefaultClient *Client

var DefaultServeMux *ServeMux

var DefaultTransport RoundTripper

var NoBody noBody

type noBody struct{}

func (noBody) Read([]byte) (int, error)
func (noBody) Close() error
func (noBody) WriteTo(io.Writer) (int64, error)

type Header map[string][]string

func (h Header) Add(key, value string)
func (h Header) Set(key, value string)
func (h Header) Get(key string) string
func (h Header) Values(key string) []string
func (h Header) Del(key string)
func (h Header) Clone() Header
func (h Header) Write(w io.Writer) error
func (h Header) WriteSubset(w io.Writer, exclude map[string]bool) error

func CanonicalHeaderKey(s string) string

type Cookie struct {
	Name        string
	Value       string
	Quoted      bool
	Path        string
	Domain      string
	Expires     time.Time
	RawExpires  string
	MaxAge      int
	Secure      bool
	HttpOnly    bool
	SameSite    SameSite
	Partitioned bool
	Raw         string
	Unparsed    []string
}

func (c *Cookie) String() string
func (c *Cookie) Valid() error

type SameSite int

const (
	SameSiteDefaultMode SameSite = iota + 1
	SameSiteLaxMode
	SameSiteStrictMode
	SameSiteNoneMode
)

type CookieJar interface {
	SetCookies(u *url.URL, cookies []*Cookie)
	Cookies(u *url.URL) []*Cookie
}

func SetCookie(w ResponseWriter, cookie *Cookie)
func ParseCookie(line string) ([]*Cookie, error)
func ParseSetCookie(line string) (*Cookie, error)

type RoundTripper interface {
	RoundTrip(*Request) (*Response, error)
}

type Client struct {
	Transport     RoundTripper
	CheckRedirect func(req *Request, via []*Request) error
	Jar           CookieJar
	Timeout       time.Duration
}

func (c *Client) Do(req *Request) (*Response, error)
func (c *Client) Get(url string) (resp *Response, err error)
func (c *Client) Head(url string) (resp *Response, err error)
func (c *Client) Post(url, contentType string, body io.Reader) (resp *Response, err error)
func (c *Client) PostForm(url string, data url.Values) (resp *Response, err error)
func (c *Client) CloseIdleConnections()

func Get(url string) (resp *Response, err error)
func Head(url string) (resp *Response, err error)
func Post(url, contentType string, body io.Reader) (resp *Response, err error)
func PostForm(url string, data url.Values) (resp *Response, err error)

type Transport struct {
	Proxy                  func(*Request) (*url.URL, error)
	DialContext            func(ctx context.Context, network, addr string) (net.Conn, error)
	Dial                   func(network, addr string) (net.Conn, error)
	DialTLSContext         func(ctx context.Context, network, addr string) (net.Conn, error)
	DialTLS                func(network, addr string) (net.Conn, error)
	TLSClientConfig        *tls.Config
	TLSHandshakeTimeout    time.Duration
	DisableKeepAlives      bool
	DisableCompression     bool
	MaxIdleConns           int
	MaxIdleConnsPerHost    int
	MaxConnsPerHost        int
	IdleConnTimeout        time.Duration
	ResponseHeaderTimeout  time.Duration
	ExpectContinueTimeout  time.Duration
	TLSNextProto           map[string]func(authority string, c *tls.Conn) RoundTripper
	ProxyConnectHeader     Header
	MaxResponseHeaderBytes int64
	WriteBufferSize        int
	ReadBufferSize         int
	ForceAttemptHTTP2      bool
	HTTP2                  *HTTP2Config
	Protocols              *Protocols
	GetProxyConnectHeader  func(ctx context.Context, proxyURL *url.URL, target string) (Header, error)
	OnProxyConnectResponse func(ctx context.Context, proxyURL *url.URL, connectReq *Request, connectRes *Response) error
}

func (t *Transport) RoundTrip(req *Request) (*Response, error)
func (t *Transport) CloseIdleConnections()
func (t *Transport) Clone() *Transport
func (t *Transport) RegisterProtocol(scheme string, rt RoundTripper)
func (t *Transport) CancelRequest(req *Request)

func ProxyFromEnvironment(req *Request) (*url.URL, error)
func ProxyURL(fixedURL *url.URL) func(*Request) (*url.URL, error)

type Request struct {
	Method           string
	URL              *url.URL
	Proto            string
	ProtoMajor       int
	ProtoMinor       int
	Header           Header
	Body             io.ReadCloser
	GetBody          func() (io.ReadCloser, error)
	ContentLength    int64
	TransferEncoding []string
	Close            bool
	Host             string
	Form             url.Values
	PostForm         url.Values
	MultipartForm    *multipart.Form
	Trailer          Header
	RemoteAddr       string
	RequestURI       string
	TLS              *tls.ConnectionState
	Cancel           <-chan struct{}
	Response         *Response
	Pattern          string
}

func NewRequest(method, url string, body io.Reader) (*Request, error)
func NewRequestWithContext(ctx context.Context, method, url string, body io.Reader) (*Request, error)
func ReadRequest(b *bufio.Reader) (*Request, error)

func (r *Request) Context() context.Context
func (r *Request) WithContext(ctx context.Context) *Request
func (r *Request) Clone(ctx context.Context) *Request
func (r *Request) AddCookie(c *Cookie)
func (r *Request) Cookie(name string) (*Cookie, error)
func (r *Request) Cookies() []*Cookie
func (r *Request) CookiesNamed(name string) []*Cookie
func (r *Request) BasicAuth() (username, password string, ok bool)
func (r *Request) SetBasicAuth(username, password string)
func (r *Request) FormFile(key string) (multipart.File, *multipart.FileHeader, error)
func (r *Request) FormValue(key string) string
func (r *Request) PostFormValue(key string) string
func (r *Request) MultipartReader() (*multipart.Reader, error)
func (r *Request) ParseForm() error
func (r *Request) ParseMultipartForm(maxMemory int64) error
func (r *Request) PathValue(name string) string
func (r *Request) SetPathValue(name, value string)
func (r *Request) ProtoAtLeast(major, minor int) bool
func (r *Request) Referer() string
func (r *Request) UserAgent() string
func (r *Request) Write(w io.Writer) error
func (r *Request) WriteProxy(w io.Writer) error

type Response struct {
	Status           string
	StatusCode       int
	Proto            string
	ProtoMajor       int
	ProtoMinor       int
	Header           Header
	Body             io.ReadCloser
	ContentLength    int64
	TransferEncoding []string
	Close            bool
	Uncompressed     bool
	Trailer          Header
	Request          *Request
	TLS              *tls.ConnectionState
}

func ReadResponse(r *bufio.Reader, req *Request) (*Response, error)

func (r *Response) Cookies() []*Cookie
func (r *Response) Location() (*url.URL, error)
func (r *Response) ProtoAtLeast(major, minor int) bool
func (r *Response) Write(w io.Writer) error

type ResponseWriter interface {
	Header() Header
	Write([]byte) (int, error)
	WriteHeader(statusCode int)
}

type Flusher interface {
	Flush()
}

type CloseNotifier interface {
	CloseNotify() <-chan bool
}

type Pusher interface {
	Push(target string, opts *PushOptions) error
}

type PushOptions struct {
	Method string
	Header Header
}

type Hijacker interface {
	Hijack() (net.Conn, *bufio.ReadWriter, error)
}

type ResponseController struct{}

func NewResponseController(rw ResponseWriter) *ResponseController
func (c *ResponseController) Flush() error
func (c *ResponseController) Hijack() (net.Conn, *bufio.ReadWriter, error)
func (c *ResponseController) SetReadDeadline(deadline time.Time) error
func (c *ResponseController) SetWriteDeadline(deadline time.Time) error
func (c *ResponseController) EnableFullDuplex() error

type Handler interface {
	ServeHTTP(ResponseWriter, *Request)
}

type HandlerFunc func(ResponseWriter, *Request)

func (f HandlerFunc) ServeHTTP(w ResponseWriter, r *Request)

type ServeMux struct{}

func NewServeMux() *ServeMux
func (mux *ServeMux) Handle(pattern string, handler Handler)
func (mux *ServeMux) HandleFunc(pattern string, handler func(ResponseWriter, *Request))
func (mux *ServeMux) Handler(r *Request) (h Handler, pattern string)
func (mux *ServeMux) ServeHTTP(w ResponseWriter, r *Request)

func Handle(pattern string, handler Handler)
func HandleFunc(pattern string, handler func(ResponseWriter, *Request))

func Error(w ResponseWriter, error string, code int)
func NotFound(w ResponseWriter, r *Request)
func NotFoundHandler() Handler
func Redirect(w ResponseWriter, r *Request, url string, code int)
func RedirectHandler(url string, code int) Handler
func StripPrefix(prefix string, h Handler) Handler
func TimeoutHandler(h Handler, dt time.Duration, msg string) Handler
func MaxBytesHandler(h Handler, n int64) Handler
func MaxBytesReader(w ResponseWriter, r io.ReadCloser, n int64) io.ReadCloser
func StatusText(code int) string
func DetectContentType(data []byte) string
func ServeFile(w ResponseWriter, r *Request, name string)
func ServeFileFS(w ResponseWriter, r *Request, fsys fs.FS, name string)
func AllowQuerySemicolons(h Handler) Handler
func ParseHTTPVersion(vers string) (major, minor int, ok bool)
func ServeContent(w ResponseWriter, req *Request, name string, modtime time.Time, content io.ReadSeeker)
func ParseTime(text string) (t time.Time, err error)

type ProtocolError struct {
	ErrorString string
}

func (pe *ProtocolError) Error() string
func (pe *ProtocolError) Is(err error) bool

type MaxBytesError struct {
	Limit int64
}

func (e *MaxBytesError) Error() string

type FileSystem interface {
	Open(name string) (File, error)
}

type File interface {
	io.Closer
	io.Reader
	io.Seeker
	Readdir(count int) ([]fs.FileInfo, error)
	Stat() (fs.FileInfo, error)
}

type Dir string

func (d Dir) Open(name string) (File, error)

func FS(fsys fs.FS) FileSystem
func FileServer(root FileSystem) Handler
func FileServerFS(root fs.FS) Handler

type HTTP2Config struct {
	MaxConcurrentStreams          int
	StrictMaxConcurrentRequests   bool
	MaxDecoderHeaderTableSize     int
	MaxEncoderHeaderTableSize     int
	MaxReadFrameSize              int
	MaxReceiveBufferPerConnection int
	MaxReceiveBufferPerStream     int
	SendPingTimeout               time.Duration
	PingTimeout                   time.Duration
	WriteByteTimeout              time.Duration
	PermitProhibitedCipherSuites  bool
	CountError                    func(errType string)
}

type Protocols struct{}

func (p Protocols) HTTP1() bool
func (p Protocols) HTTP2() bool
func (p Protocols) UnencryptedHTTP2() bool
func (p Protocols) String() string
func (p *Protocols) SetHTTP1(ok bool)
func (p *Protocols) SetHTTP2(ok bool)
func (p *Protocols) SetUnencryptedHTTP2(ok bool)

type ConnState int

const (
	StateNew ConnState = iota
	StateActive
	StateIdle
	StateHijacked
	StateClosed
)

func (c ConnState) String() string

type Server struct {
	Addr                         string
	Handler                      Handler
	DisableGeneralOptionsHandler bool
	TLSConfig                    *tls.Config
	ReadTimeout                  time.Duration
	ReadHeaderTimeout            time.Duration
	WriteTimeout                 time.Duration
	IdleTimeout                  time.Duration
	MaxHeaderBytes               int
	TLSNextProto                 map[string]func(*Server, *tls.Conn, Handler)
	ConnState                    func(net.Conn, ConnState)
	ErrorLog                     *log.Logger
	BaseContext                  func(net.Listener) context.Context
	ConnContext                  func(ctx context.Context, c net.Conn) context.Context
	HTTP2                        *HTTP2Config
	Protocols                    *Protocols
}

func (s *Server) ListenAndServe() error
func (s *Server) ListenAndServeTLS(certFile, keyFile string) error
func (s *Server) Serve(l net.Listener) error
func (s *Server) ServeTLS(l net.Listener, certFile, keyFile string) error
func (s *Server) Shutdown(ctx context.Context) error
func (s *Server) Close() error
func (s *Server) RegisterOnShutdown(f func())
func (s *Server) SetKeepAlivesEnabled(v bool)

func ListenAndServe(addr string, handler Handler) error
func ListenAndServeTLS(addr, certFile, keyFile string, handler Handler) error
func Serve(l net.Listener, handler Handler) error
func ServeTLS(l net.Listener, handler Handler, certFile, keyFile string) error
