// Declarations of package crypto/md5 used by goguard's light types; signatures only.

package md5

import "hash"

const BlockSize = 64

const Size = 16

func New() hash.Hash
func Sum(data []byte) [Size]byte
