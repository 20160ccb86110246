// Declarations of package net used by goguard's light types; signatures only.

package net

import (
	"context"
	"io"
	"net/netip"
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
func LookupIP(host string) ([]IP, error)
func LookupAddr(addr string) (names []string, err error)
func LookupPort(network, service string) (port int, err error)
func LookupSRV(service, proto, name string) (cname string, addrs []*SRV, err error)
func LookupCNAME(host string) (cname string, err error)
func LookupTXT(name string) ([]string, error)
func FileConn(f *os.File) (c Conn, err error)
func FileListener(f *os.File) (ln Listener, err error)
func InterfaceAddrs() ([]Addr, error)
func Interfaces() ([]Interface, error)
func InterfaceByName(name string) (*Interface, error)

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
func (r *Resolver) LookupIP(ctx context.Context, network, host string) ([]IP, error)
func (r *Resolver) LookupIPAddr(ctx context.Context, host string) ([]IPAddr, error)
func (r *Resolver) LookupAddr(ctx context.Context, addr string) ([]string, error)
func (r *Resolver) LookupCNAME(ctx context.Context, host string) (string, error)
func (r *Resolver) LookupPort(ctx context.Context, network, service string) (port int, err error)
func (r *Resolver) LookupSRV(ctx context.Context, service, proto, name string) (string, []*SRV, error)
func (r *Resolver) LookupTXT(ctx context.Context, name string) ([]string, error)
func (r *Resolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)

type SRV struct {
	Target   string
	Port     uint16
	Priority uint16
	Weight   uint16
}

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
func (ip IP) DefaultMask() IPMask
func (ip IP) Mask(mask IPMask) IP
func (ip IP) IsGlobalUnicast() bool
func (ip IP) IsMulticast() bool
func (ip IP) IsLinkLocalUnicast() bool
func (ip IP) MarshalText() ([]byte, error)
func (ip *IP) UnmarshalText(text []byte) error

var (
	IPv4bcast     IP
	IPv4allsys    IP
	IPv4allrouter IP
	IPv4zero      IP
)

var (
	IPv6zero        IP
	IPv6unspecified IP
	IPv6loopback    IP
)

type IPMask []byte

func CIDRMask(ones, bits int) IPMask
func IPv4Mask(a, b, c, d byte) IPMask
func (m IPMask) Size() (ones, bits int)
func (m IPMask) String() string

type IPNet struct {
	IP   IP
	Mask IPMask
}

func ParseCIDR(s string) (IP, *IPNet, error)
func (n *IPNet) Contains(ip IP) bool
func (n *IPNet) Network() string
func (n *IPNet) String() string

type HardwareAddr []byte

func ParseMAC(s string) (hw HardwareAddr, err error)
func (a HardwareAddr) String() string

type Flags uint

const (
	FlagUp Flags = 1 << iota
	FlagBroadcast
	FlagLoopback
	FlagPointToPoint
	FlagMulticast
	FlagRunning
)

func (f Flags) String() string

type Interface struct {
	Index        int
	MTU          int
	Name         string
	HardwareAddr HardwareAddr
	Flags        Flags
}

func (ifi *Interface) Addrs() ([]Addr, error)

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
func (a *TCPAddr) AddrPort() netip.AddrPort

type UDPAddr struct {
	IP   IP
	Port int
	Zone string
}

func ResolveUDPAddr(network, address string) (*UDPAddr, error)
func (a *UDPAddr) Network() string
func (a *UDPAddr) String() string
func (a *UDPAddr) AddrPort() netip.AddrPort

// conn carries the methods TCPConn, UDPConn and UnixConn share through embedding, as
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
func (c *TCPConn) SetKeepAliveConfig(config KeepAliveConfig) error
func (c *TCPConn) SyscallConn() (syscall.RawConn, error)

type TCPListener struct{}

func ListenTCP(network string, laddr *TCPAddr) (*TCPListener, error)
func (l *TCPListener) Accept() (Conn, error)
func (l *TCPListener) AcceptTCP() (*TCPConn, error)
func (l *TCPListener) Addr() Addr
func (l *TCPListener) Close() error
func (l *TCPListener) SetDeadline(t time.Time) error
func (l *TCPListener) SyscallConn() (syscall.RawConn, error)

type UDPConn struct {
	conn
}

func DialUDP(network string, laddr, raddr *UDPAddr) (*UDPConn, error)
func ListenUDP(network string, laddr *UDPAddr) (*UDPConn, error)
func (c *UDPConn) ReadFrom(b []byte) (int, Addr, error)
func (c *UDPConn) ReadFromUDP(b []byte) (n int, addr *UDPAddr, err error)
func (c *UDPConn) WriteTo(b []byte, addr Addr) (int, error)
func (c *UDPConn) WriteToUDP(b []byte, addr *UDPAddr) (int, error)
func (c *UDPConn) SyscallConn() (syscall.RawConn, error)

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

type UnixAddr struct {
	Name string
	Net  string
}

func ResolveUnixAddr(network, address string) (*UnixAddr, error)
func (a *UnixAddr) Network() string
func (a *UnixAddr) String() string

type UnixConn struct {
	conn
}

func DialUnix(network string, laddr, raddr *UnixAddr) (*UnixConn, error)
func ListenUnixgram(network string, laddr *UnixAddr) (*UnixConn, error)
func (c *UnixConn) CloseRead() error
func (c *UnixConn) CloseWrite() error
func (c *UnixConn) ReadFrom(b []byte) (int, Addr, error)
func (c *UnixConn) ReadFromUnix(b []byte) (int, *UnixAddr, error)
func (c *UnixConn) WriteTo(b []byte, addr Addr) (int, error)
func (c *UnixConn) WriteToUnix(b []byte, addr *UnixAddr) (int, error)
func (c *UnixConn) SyscallConn() (syscall.RawConn, error)

type UnixListener struct{}

func ListenUnix(network string, laddr *UnixAddr) (*UnixListener, error)
func (l *UnixListener) Accept() (Conn, error)
func (l *UnixListener) AcceptUnix() (*UnixConn, error)
func (l *UnixListener) Addr() Addr
func (l *UnixListener) Close() error
func (l *UnixListener) File() (f *os.File, err error)
func (l *UnixListener) SetDeadline(t time.Time) error
func (l *UnixListener) SetUnlinkOnClose(unlink bool)
