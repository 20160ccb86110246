// Declarations of package encoding/xml used by goguard's light types; signatures only.

package xml

import "io"

const Header = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

func Marshal(v any) ([]byte, error)
func MarshalIndent(v any, prefix, indent string) ([]byte, error)
func Unmarshal(data []byte, v any) error
func Escape(w io.Writer, s []byte)
func EscapeText(w io.Writer, s []byte) error

type Marshaler interface {
	MarshalXML(e *Encoder, start StartElement) error
}

type Unmarshaler interface {
	UnmarshalXML(d *Decoder, start StartElement) error
}

type Name struct {
	Space, Local string
}

type Attr struct {
	Name  Name
	Value string
}

type StartElement struct {
	Name Name
	Attr []Attr
}

func (e StartElement) Copy() StartElement
func (e StartElement) End() EndElement

type EndElement struct {
	Name Name
}

type CharData []byte

func (c CharData) Copy() CharData

type Token any

func CopyToken(t Token) Token

type TokenReader interface {
	Token() (Token, error)
}

type Decoder struct {
	Strict        bool
	AutoClose     []string
	Entity        map[string]string
	CharsetReader func(charset string, input io.Reader) (io.Reader, error)
	DefaultSpace  string
}

func NewDecoder(r io.Reader) *Decoder
func NewTokenDecoder(t TokenReader) *Decoder
func (d *Decoder) Decode(v any) error
func (d *Decoder) DecodeElement(v any, start *StartElement) error
func (d *Decoder) Token() (Token, error)
func (d *Decoder) RawToken() (Token, error)
func (d *Decoder) Skip() error
func (d *Decoder) InputOffset() int64
func (d *Decoder) InputPos() (line, column int)

type Encoder struct{}

func NewEncoder(w io.Writer) *Encoder
func (enc *Encoder) Encode(v any) error
func (enc *Encoder) EncodeElement(v any, start StartElement) error
func (enc *Encoder) EncodeToken(t Token) error
func (enc *Encoder) Flush() error
func (enc *Encoder) Close() error
func (enc *Encoder) Indent(prefix, indent string)

type SyntaxError struct {
	Msg  string
	Line int
}

func (e *SyntaxError) Error() string

type UnmarshalError string

func (e UnmarshalError) Error() string
