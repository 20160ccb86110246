// Declarations of package crypto/sha1 used by goguard's light types; signatures only.

package sha1

import "hash"

const BlockSize = 64

const Size = 20

func New() hash.Hash
func Sum(data []byte) [Size]byte
