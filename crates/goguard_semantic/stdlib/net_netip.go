// Declarations of package net/netip used by goguard's light types; signatures only.

package netip

type Addr struct{}

func AddrFrom16(addr [16]byte) Addr
func AddrFrom4(addr [4]byte) Addr
func AddrFromSlice(slice []byte) (ip Addr, ok bool)
func IPv4Unspecified() Addr
func IPv6Loopback() Addr
func IPv6Unspecified() Addr
func MustParseAddr(s string) Addr
func ParseAddr(s string) (Addr, error)
func (ip Addr) As16() (a16 [16]byte)
func (ip Addr) As4() (a4 [4]byte)
func (ip Addr) AsSlice() []byte
func (ip Addr) BitLen() int
func (ip Addr) Compare(ip2 Addr) int
func (ip Addr) Is4() bool
func (ip Addr) Is4In6() bool
func (ip Addr) Is6() bool
func (ip Addr) IsGlobalUnicast() bool
func (ip Addr) IsLoopback() bool
func (ip Addr) IsMulticast() bool
func (ip Addr) IsPrivate() bool
func (ip Addr) IsUnspecified() bool
func (ip Addr) IsValid() bool
func (ip Addr) Less(ip2 Addr) bool
func (ip Addr) Next() Addr
func (ip Addr) Prefix(b int) (Prefix, error)
func (ip Addr) Prev() Addr
func (ip Addr) String() string
func (ip Addr) Unmap() Addr
func (ip Addr) WithZone(zone string) Addr
func (ip Addr) Zone() string

type AddrPort struct{}

func AddrPortFrom(ip Addr, port uint16) AddrPort
func MustParseAddrPort(s string) AddrPort
func ParseAddrPort(s string) (AddrPort, error)
func (p AddrPort) Addr() Addr
func (p AddrPort) Compare(p2 AddrPort) int
func (p AddrPort) IsValid() bool
func (p AddrPort) Port() uint16
func (p AddrPort) String() string

type Prefix struct{}

func MustParsePrefix(s string) Prefix
func ParsePrefix(s string) (Prefix, error)
func PrefixFrom(ip Addr, bits int) Prefix
func (p Prefix) Addr() Addr
func (p Prefix) Bits() int
func (p Prefix) Compare(p2 Prefix) int
func (p Prefix) Contains(ip Addr) bool
func (p Prefix) IsValid() bool
func (p Prefix) Masked() Prefix
func (p Prefix) Overlaps(o Prefix) bool
func (p Prefix) String() string
