// Declarations of package crypto/tls used by goguard's light types; signatures only.

package tls

import (
	"context"
	"crypto"
	"crypto/x509"
	"io"
	"net"
	"time"
)

const (
	VersionTLS10 = 0x0301
	VersionTLS11 = 0x0302
	VersionTLS12 = 0x0303
	VersionTLS13 = 0x0304
)

type ClientAuthType int

const (
	NoClientCert ClientAuthType = iota
	RequestClientCert
	RequireAnyClientCert
	VerifyClientCertIfGiven
	RequireAndVerifyClientCert
)

func (i ClientAuthType) String() string

type Certificate struct {
	Certificate [][]byte
	PrivateKey  crypto.PrivateKey
	Leaf        *x509.Certificate
}

func LoadX509KeyPair(certFile, keyFile string) (Certificate, error)
func X509KeyPair(certPEMBlock, keyPEMBlock []byte) (Certificate, error)

type Config struct {
	Rand               io.Reader
	Time               func() time.Time
	Certificates       []Certificate
	RootCAs            *x509.CertPool
	NextProtos         []string
	ServerName         string
	ClientAuth         ClientAuthType
	ClientCAs          *x509.CertPool
	InsecureSkipVerify bool
	CipherSuites       []uint16
	MinVersion         uint16
	MaxVersion         uint16
}

func (c *Config) Clone() *Config

type ConnectionState struct {
	Version                    uint16
	HandshakeComplete          bool
	DidResume                  bool
	CipherSuite                uint16
	NegotiatedProtocol         string
	NegotiatedProtocolIsMutual bool
	ServerName                 string
	PeerCertificates           []*x509.Certificate
	VerifiedChains             [][]*x509.Certificate
	OCSPResponse               []byte
	TLSUnique                  []byte
}

type Conn struct{}

func Client(conn net.Conn, config *Config) *Conn
func Server(conn net.Conn, config *Config) *Conn
func Dial(network, addr string, config *Config) (*Conn, error)
func DialWithDialer(dialer *net.Dialer, network, addr string, config *Config) (*Conn, error)
func (c *Conn) Read(b []byte) (int, error)
func (c *Conn) Write(b []byte) (int, error)
func (c *Conn) Close() error
func (c *Conn) CloseWrite() error
func (c *Conn) Handshake() error
func (c *Conn) HandshakeContext(ctx context.Context) error
func (c *Conn) ConnectionState() ConnectionState
func (c *Conn) LocalAddr() net.Addr
func (c *Conn) RemoteAddr() net.Addr
func (c *Conn) NetConn() net.Conn
func (c *Conn) SetDeadline(t time.Time) error
func (c *Conn) SetReadDeadline(t time.Time) error
func (c *Conn) SetWriteDeadline(t time.Time) error
func (c *Conn) VerifyHostname(host string) error

type Dialer struct {
	NetDialer *net.Dialer
	Config    *Config
}

func (d *Dialer) Dial(network, addr string) (net.Conn, error)
func (d *Dialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error)

func Listen(network, laddr string, config *Config) (net.Listener, error)
func NewListener(inner net.Listener, config *Config) net.Listener
