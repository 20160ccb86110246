// Declarations of package hash/crc32 used by goguard's light types; signatures only.

package crc32

import "hash"

const (
	IEEE       = 0xedb88320
	Castagnoli = 0x82f63b78
	Koopman    = 0xeb31d82e
)

const Size = 4

var IEEETable *Table

type Table [256]uint32

func MakeTable(poly uint32) *Table
func New(tab *Table) hash.Hash32
func NewIEEE() hash.Hash32
func Checksum(data []byte, tab *Table) uint32
func ChecksumIEEE(data []byte) uint32
func Update(crc uint32, tab *Table, p []byte) uint32
