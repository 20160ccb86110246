// Declarations of package crypto/x509 used by goguard's light types; signatures only.

package x509

import (
	"math/big"
	"net"
	"net/url"
	"time"
)

var ErrUnsupportedAlgorithm error

type CertPool struct{}

func NewCertPool() *CertPool
func SystemCertPool() (*CertPool, error)
func (s *CertPool) AddCert(cert *Certificate)
func (s *CertPool) AppendCertsFromPEM(pemCerts []byte) (ok bool)
func (s *CertPool) Clone() *CertPool
func (s *CertPool) Equal(other *CertPool) bool

type Certificate struct {
	Raw            []byte
	Signature      []byte
	PublicKey      any
	Version        int
	SerialNumber   *big.Int
	NotBefore      time.Time
	NotAfter       time.Time
	IsCA           bool
	DNSNames       []string
	EmailAddresses []string
	IPAddresses    []net.IP
	URIs           []*url.URL
}

func ParseCertificate(der []byte) (*Certificate, error)
func ParseCertificates(der []byte) ([]*Certificate, error)
func (c *Certificate) Equal(other *Certificate) bool
func (c *Certificate) Verify(opts VerifyOptions) (chains [][]*Certificate, err error)
func (c *Certificate) VerifyHostname(h string) error

type VerifyOptions struct {
	DNSName       string
	Intermediates *CertPool
	Roots         *CertPool
	CurrentTime   time.Time
}
