// Declarations of package testing/synctest used by goguard's light types; signatures only.

package synctest

import "testing"

func Test(t *testing.T, f func(*testing.T))
func Wait()
