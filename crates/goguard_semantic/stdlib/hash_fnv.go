// Declarations of package hash/fnv used by goguard's light types; signatures only.

package fnv

import "hash"

func New32() hash.Hash32
func New32a() hash.Hash32
func New64() hash.Hash64
func New64a() hash.Hash64
func New128() hash.Hash
func New128a() hash.Hash
