// Declarations of package net used by goguard's light types; signatures only.

package net

import (
	"context"
	"io"
	"os"
	"syscall"
	"time"
)

var ErrClosed error

var ErrWriteToConnected error

type Addr interface {
	Network() string
	String() string
}

type Conn interface {
	Read(b []byte) (n int, err error)
	Write(b []byte) (n int, err error)
	Close() error
	LocalAddr() Addr
	RemoteAddr() Addr
	SetDeadline(t time.Time) error
	SetReadDeadline(t time.Time) error
	SetWriteDeadline(t time.Time) error
}

type PacketConn interface {
	ReadFrom(p []byte) (n int, addr Addr, err error)
	WriteTo(p []byte, addr Addr) (n int, err error)
	Close() error
	LocalAddr() Addr
	SetDeadline(t time.Time) error
	SetReadDeadline(t time.Time) error
	SetWriteDeadline(t time.Time) error
}

type Listener interface {
	Accept() (Conn, error)
	Close() error
	Addr() Addr
}

type Error interface {
	error
	Timeout() bool
	Temporary() bool
}

func Dial(network, address string) (Conn, error)
func DialTimeout(network, address string, timeout time.Duration) (Conn, error)
func Listen(network, address string) (Listener, error)
func ListenPacket(network, address string) (PacketConn, error)
func Pipe() (Conn, Conn)
func JoinHostPort(host, port string) string
func SplitHostPort(hostport string) (host, port string, err error)
func LookupHost(host string) (addrs []string, err error)

type KeepAliveConfig struct {
	Enable   bool
	Idle     time.Duration
	Interval time.Duration
	Count    int
}

type Resolver struct {
	PreferGo     bool
	StrictErrors bool
	Dial         func(ctx context.Context, network, address string) (Conn, error)
}

var DefaultResolver *Resolver

func (r *Resolver) LookupHost(ctx context.Context, host string) (addrs []string, err error)

type Dialer struct {
	Timeout         time.Duration
	Deadline        time.Time
	LocalAddr       Addr
	DualStack       bool
	FallbackDelay   time.Duration
	KeepAlive       time.Duration
	KeepAliveConfig KeepAliveConfig
	Resolver        *Resolver
	Cancel          <-chan struct{}
	Control         func(network, address string, c syscall.RawConn) error
	ControlContext  func(ctx context.Context, network, address string, c syscall.RawConn) error
}

func (d *Dialer) Dial(network, address string) (Conn, error)
func (d *Dialer) DialContext(ctx context.Context, network, address string) (Conn, error)

type ListenConfig struct {
	Control         func(network, address string, c syscall.RawConn) error
	KeepAlive       time.Duration
	KeepAliveConfig KeepAliveConfig
}

func (lc *ListenConfig) Listen(ctx context.Context, network, address string) (Listener, error)
func (lc *ListenConfig) ListenPacket(ctx context.Context, network, address string) (PacketConn, error)

type IP []byte

func IPv4(a, b, c, d byte) IP
func ParseIP(s string) IP
func (ip IP) Equal(x IP) bool
func (ip IP) IsLoopback() bool
func (ip IP) IsPrivate() bool
func (ip IP) IsUnspecified() bool
func (ip IP) String() string
func (ip IP) To4() IP
func (ip IP) To16() IP

type IPAddr struct {
	IP   IP
	Zone string
}

func (a *IPAddr) Network() string
func (a *IPAddr) String() string

type TCPAddr struct {
	IP   IP
	Port int
	Zone string
}

func ResolveTCPAddr(network, address string) (*TCPAddr, error)
func (a *TCPAddr) Network() string
func (a *TCPAddr) String() string

type UDPAddr struct {
	IP   IP
	Port int
	Zone string
}

func ResolveUDPAddr(network, address string) (*UDPAddr, error)
func (a *UDPAddr) Network() string
func (a *UDPAddr) String() string

// conn carries the methods TCPConn and UDPConn share through embedding, as
// in the real package.
type conn struct{}

func (c *conn) Read(b []byte) (int, error)
func (c *conn) Write(b []byte) (int, error)
func (c *conn) Close() error
func (c *conn) LocalAddr() Addr
func (c *conn) RemoteAddr() Addr
func (c *conn) SetDeadline(t time.Time) error
func (c *conn) SetReadDeadline(t time.Time) error
func (c *conn) SetWriteDeadline(t time.Time) error
func (c *conn) SetReadBuffer(bytes int) error
func (c *conn) SetWriteBuffer(bytes int) error
func (c *conn) File() (f *os.File, err error)

type TCPConn struct {
	conn
}

func DialTCP(network string, laddr, raddr *TCPAddr) (*TCPConn, error)
func (c *TCPConn) CloseRead() error
func (c *TCPConn) CloseWrite() error
func (c *TCPConn) ReadFrom(r io.Reader) (int64, error)
func (c *TCPConn) WriteTo(w io.Writer) (int64, error)
func (c *TCPConn) SetKeepAlive(keepalive bool) error
func (c *TCPConn) SetKeepAlivePeriod(d time.Duration) error
func (c *TCPConn) SetLinger(sec int) error
func (c *TCPConn) SetNoDelay(noDelay bool) error
func (c *TCPConn) SyscallConn() (syscall.RawConn, error)

type TCPListener struct{}

func ListenTCP(network string, laddr *TCPAddr) (*TCPListener, error)
func (l *TCPListener) Accept() (Conn, error)
func (l *TCPListener) AcceptTCP() (*TCPConn, error)
func (l *TCPListener) Addr() Addr
func (l *TCPListener) Close() error
func (l *TCPListener) SetDeadline(t time.Time) error

type UDPConn struct {
	conn
}

func DialUDP(network string, laddr, raddr *UDPAddr) (*UDPConn, error)
func ListenUDP(network string, laddr *UDPAddr) (*UDPConn, error)
func (c *UDPConn) ReadFrom(b []byte) (int, Addr, error)
func (c *UDPConn) ReadFromUDP(b []byte) (n int, addr *UDPAddr, err error)
func (c *UDPConn) WriteTo(b []byte, addr Addr) (int, error)
func (c *UDPConn) WriteToUDP(b []byte, addr *UDPAddr) (int, error)

type OpError struct {
	Op     string
	Net    string
	Source Addr
	Addr   Addr
	Err    error
}

func (e *OpError) Error() string
func (e *OpError) Unwrap() error
func (e *OpError) Timeout() bool
func (e *OpError) Temporary() bool

type AddrError struct {
	Err  string
	Addr string
}

func (e *AddrError) Error() string
func (e *AddrError) Timeout() bool
func (e *AddrError) Temporary() bool

type DNSError struct {
	UnwrapErr   error
	Err         string
	Name        string
	Server      string
	IsTimeout   bool
	IsTemporary bool
	IsNotFound  bool
}

func (e *DNSError) Error() string
func (e *DNSError) Unwrap() error
func (e *DNSError) Timeout() bool
func (e *DNSError) Temporary() bool
