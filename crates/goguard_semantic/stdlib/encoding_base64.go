// Declarations of package encoding/base64 used by goguard's light types; signatures only.

package base64

import "io"

const (
	StdPadding rune = '='
	NoPadding  rune = -1
)

var StdEncoding *Encoding

var URLEncoding *Encoding

var RawStdEncoding *Encoding

var RawURLEncoding *Encoding

func NewDecoder(enc *Encoding, r io.Reader) io.Reader
func NewEncoder(enc *Encoding, w io.Writer) io.WriteCloser

type CorruptInputError int64

func (e CorruptInputError) Error() string

type Encoding struct{}

func NewEncoding(encoder string) *Encoding
func (enc *Encoding) AppendDecode(dst, src []byte) ([]byte, error)
func (enc *Encoding) AppendEncode(dst, src []byte) []byte
func (enc *Encoding) Decode(dst, src []byte) (n int, err error)
func (enc *Encoding) DecodeString(s string) ([]byte, error)
func (enc *Encoding) DecodedLen(n int) int
func (enc *Encoding) Encode(dst, src []byte)
func (enc *Encoding) EncodeToString(src []byte) string
func (enc *Encoding) EncodedLen(n int) int
func (enc Encoding) Strict() *Encoding
func (enc Encoding) WithPadding(padding rune) *Encoding
